/**
 * The roster (VIEW-2): a page of members with roles and join dates, searchable
 * by name or did, with what the local member may do to each as the node
 * answers it (ROSTER-8/9); an invite link with its QR
 * code; propose a removal or role change (or make it directly where the rules
 * allow the local member to); contested invites with their contenders and a
 * way to invite one of them again with a bound link (ROSTER-13, ROSTER-3);
 * live invites with a Revoke button (NET-G5, Invites.tsx).
 */
import { useEffect, useId, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { ROLES, type CommunityId, type Role, type RosterPage, type RosterRow } from '@polity/api'
import { messageOf, useApi } from '../api-context'
import { ErrorText } from './widgets'
import { Pager, useView } from './common'
import { Invites } from './Invites'
import { ExportRoster } from './exports'
import { Identicon } from '../look/Identicon'
import { LinkQr } from './link-qr'

function MemberActions({ id, page, m, onNote }: { id: CommunityId; page: RosterPage; m: RosterRow; onNote: (n: string | null, e: string | null) => void }): React.JSX.Element {
  const api = useApi()
  const { t } = useTranslation()
  const [role, setRole] = useState<Role>(m.role === 'member' ? 'steward' : 'member')
  const [confirm, setConfirm] = useState(false)
  const name = m.name ?? m.id.slice(0, 8)
  // GOV-1: the roster class's own floor (the node gives it the class's voting period).
  const method = { type: 'yesno' as const, quorum: page.rules.decisions.roster.quorum, threshold: page.rules.decisions.roster.threshold }
  const run = async (f: () => Promise<unknown>, note: string): Promise<void> => {
    onNote(null, null)
    try {
      await f()
      onNote(note, null)
    } catch (e) {
      onNote(null, messageOf(e))
    }
  }
  // ROSTER-8/9 and PROP-1 as the node answers them for this row (VIEW-2).
  const canRemove = m.canRemove
  const canRole = m.roles.includes(role)
  const canPropose = page.me.canPropose
  return (
    <div className="row member-actions">
      {canPropose && (
        <button type="button" className="secondary small" data-testid="propose-removal" onClick={() => void run(() => api.createProposal({
          community: id, title: t('roster.removeTitle', { name }), text: '', action: { type: 'remove', member: m.id }, method,
        }), t('roster.proposed'))}>{t('roster.proposeRemoval')}</button>
      )}
      <label className="visually-hidden" htmlFor={`role-${m.id}`}>{t('roster.newRoleFor', { name })}</label>
      <select id={`role-${m.id}`} className="small" data-testid="role-select" value={role} onChange={(e) => setRole(e.target.value as Role)}>
        {ROLES.filter((r) => r !== m.role).map((r) => <option key={r} value={r}>{t(`roster.role.${r}`)}</option>)}
      </select>
      {canPropose && (
        <button type="button" className="secondary small" data-testid="propose-role" onClick={() => void run(() => api.createProposal({
          community: id, title: t('roster.roleTitle', { name, role: t(`roster.role.${role}`) }), text: '', action: { type: 'role', member: m.id, role }, method,
        }), t('roster.proposed'))}>{t('roster.proposeRole')}</button>
      )}
      {canRole && <button type="button" className="secondary small" data-testid="change-role" onClick={() => void run(() => api.changeRole({ community: id, member: m.id, role }), t('roster.changed'))}>{t('roster.changeRoleNow')}</button>}
      {canRemove && !confirm && <button type="button" className="secondary small" data-testid="remove-now" onClick={() => setConfirm(true)}>{t('roster.removeNow')}</button>}
      {canRemove && confirm && (
        <>
          <button type="button" className="danger small" data-testid="confirm-remove" onClick={() => void run(() => api.removeMember({ community: id, member: m.id }), t('roster.removed', { name }))}>{t('roster.confirmRemove', { name })}</button>
          <button type="button" className="secondary small" onClick={() => setConfirm(false)}>{t('common.cancel')}</button>
        </>
      )}
    </div>
  )
}

/**
 * ROSTER-13: invites whose joins were contested (more concurrent joins than uses), with each
 * contender's key, so the inviter can invite the right person again with a link bound to them.
 */
function ContestedInvites({ page, canInvite, onInviteAgain }: { page: RosterPage; canInvite: boolean; onInviteAgain: (did: string) => void }): React.JSX.Element | null {
  const { t } = useTranslation()
  const contested = page.contested
  if (contested.length === 0) return null
  return (
    <section data-testid="contested-invites">
      <h2>{t('roster.contestedTitle')}</h2>
      <p className="muted">{t('roster.contestedHelp')}</p>
      <ul className="list">
        {contested.map((inv) => (
          <li key={inv.id} data-testid="contested-invite">
            {t('roster.contestedInvite', { id: inv.id.slice(0, 8), uses: inv.uses })}
            <ul>
              {inv.contested.map((c) => (
                <li key={c.join} data-testid="contender">
                  <code title={c.did}>{t('roster.contender', { did: `${c.did.slice(0, 20)}…`, op: c.join.slice(0, 8) })}</code>
                  {canInvite && <button type="button" className="secondary small" data-testid="invite-again" onClick={() => onInviteAgain(c.did)}>{t('roster.inviteAgain')}</button>}
                </li>
              ))}
            </ul>
          </li>
        ))}
      </ul>
    </section>
  )
}

export function Roster({ id }: { id: CommunityId }): React.JSX.Element {
  const api = useApi()
  const { t } = useTranslation()
  const [offset, setOffset] = useState(0)
  const [query, setQuery] = useState('')
  const [search, setSearch] = useState('')
  useEffect(() => {
    // Search after typing pauses; a new search starts at the first page.
    const timer = setTimeout(() => {
      setSearch(query)
      setOffset(0)
    }, 250)
    return () => clearTimeout(timer)
  }, [query])
  // VIEW-2, BRIDGE-8: one page, refetched only when an event names the roster.
  const { value: page, error } = useView(id, ['roster'], () => api.rosterView({ community: id, offset, query: search }), [offset, search])
  if (!page) return error ? <ErrorText error={error} /> : <p>{t('common.loading')}</p>
  return <RosterOf id={id} page={page} query={query} onQuery={setQuery} onOffset={setOffset} />
}

function RosterOf({ id, page, query, onQuery, onOffset }: { id: CommunityId; page: RosterPage; query: string; onQuery: (q: string) => void; onOffset: (n: number) => void }): React.JSX.Element {
  const api = useApi()
  const { t, i18n } = useTranslation()
  const searchId = useId()
  const me = page.me.member
  const [link, setLink] = useState<string | null>(null)
  const [linkUses, setLinkUses] = useState(1)
  const [uses, setUses] = useState('1')
  const [hours, setHours] = useState('168')
  const [note, setNote] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)
  const invite = async (member?: string): Promise<void> => {
    setError(null)
    try {
      const made = await api.createInvite({ community: id, uses: member === undefined ? Number(uses) : 1, expiresInHours: Number(hours), ...(member === undefined ? {} : { member }) })
      setLink(made.link)
      setLinkUses(made.uses)
    } catch (e) {
      setError(messageOf(e))
    }
  }
  const canInvite = page.me.canInvite
  const myJoinContested = page.me.role === null && page.contested.some((i) => i.contested.some((c) => c.member === me))
  return (
    <div>
      <h2>{t('roster.title')}</h2>
      {myJoinContested && <p role="alert" data-testid="join-contested">{t('roster.yourJoinContested')}</p>}
      <div className="field">
        <label htmlFor={searchId}>{t('roster.search')}</label>
        <input id={searchId} type="search" data-testid="roster-search" value={query} onChange={(e) => onQuery(e.target.value)} />
      </div>
      <ExportRoster id={id} />
      <ul className="list" data-testid="roster">
        {page.rows.map((m) => (
          <li key={m.id} data-testid="member">
            <Identicon value={m.id} /> <strong>{m.name ?? t('roster.noName')}</strong>{m.id === me ? ` ${t('roster.you')}` : ''} · {t(`roster.role.${m.role}`)} · {t('roster.since', { date: new Date(m.since).toLocaleDateString(i18n.language) })} · <code title={m.did}>{m.did.slice(0, 20)}…</code>
            {me !== null && m.id !== me && <MemberActions id={id} page={page} m={m} onNote={(n, e) => {
              setNote(n)
              setError(e)
            }} />}
          </li>
        ))}
      </ul>
      <Pager offset={page.offset} shown={page.rows.length} total={page.total} onOffset={onOffset} testid="roster-pager" />
      {page.former.length > 0 && (
        <>
          <h2>{t('roster.former')}</h2>
          {page.formerTotal > page.former.length && <p className="muted">{t('roster.formerLatest', { shown: page.former.length, total: page.formerTotal })}</p>}
          <ul className="list">{page.former.map((f) => <li key={f.id}>{f.name ?? f.id.slice(0, 12)} · {t(`roster.how.${f.how}`)} · {new Date(f.time).toLocaleDateString(i18n.language)}</li>)}</ul>
        </>
      )}
      {note && <p role="status" data-testid="roster-note">{note}</p>}
      <ContestedInvites page={page} canInvite={canInvite} onInviteAgain={(did) => void invite(did)} />
      <h2>{t('roster.inviteTitle')}</h2>
      {!canInvite && <p className="muted">{t('roster.cannotInvite', { role: t(`roster.role.${page.rules.invite}`) })}</p>}
      {canInvite && (
        <div className="row">
          <div className="field">
            <label htmlFor="invite-uses">{t('roster.inviteUses')}</label>
            <input id="invite-uses" data-testid="invite-uses" type="number" min="1" value={uses} onChange={(e) => setUses(e.target.value)} />
          </div>
          <div className="field">
            <label htmlFor="invite-hours">{t('roster.inviteHours')}</label>
            <input id="invite-hours" data-testid="invite-hours" type="number" min="1" value={hours} onChange={(e) => setHours(e.target.value)} />
          </div>
        </div>
      )}
      {canInvite && <button type="button" data-testid="create-invite" onClick={() => void invite()}>{t('roster.invite')}</button>}
      {link && (
        <div className="invite">
          <div className="field">
            <label htmlFor="invite-link">{t('roster.inviteHelp', { count: linkUses })}</label>
            <textarea id="invite-link" data-testid="invite-link" readOnly value={link} rows={3} />
          </div>
          <button type="button" className="secondary" data-testid="copy-invite" onClick={() => void navigator.clipboard?.writeText(link).then(() => setNote(t('roster.copied')), () => undefined)}>{t('roster.copy')}</button>
          <p className="muted">{t('roster.qrHelp')}</p>
          <LinkQr link={link} alt={t('roster.qrAlt')} testid="invite-qr" />
        </div>
      )}
      {me !== null && page.me.role !== null && <Invites id={id} refresh={page} />}
      <ErrorText error={error} />
    </div>
  )
}
