/** The list of communities; found one (name, purpose, starting charter, rules); join with an invite link or its QR code. */
import { useCallback, useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { DEFAULT_RULES, type CommunityId, type CommunitySummary } from '@polity/api'
import { messageOf, useApi } from '../api-context'
import { ErrorText, Field } from './widgets'
import { rulesDraftOf, RulesFields, rulesOf, type RulesDraft } from './rules-form'
import { LineageNote, parentLabel } from './lineage'
import { QrScan } from './qr-scan'
import { JoinNote } from './join-status'
import { Emblem } from '../look/Identicon'

/** The invite link inside whatever was pasted or scanned (a QR payload is the link itself, perhaps with spaces around it). */
export function inviteLinkIn(text: string): string {
  const m = /polity:\/\/join\?[^\s"'<>]+/.exec(text)
  return m ? m[0] : text.trim()
}

export function Communities({ onOpen, joinLink = null, onJoinLinkShown }: { onOpen: (id: CommunityId) => void; joinLink?: string | null; onJoinLinkShown?: () => void }): React.JSX.Element {
  const api = useApi()
  const { t } = useTranslation()
  const [list, setList] = useState<CommunitySummary[] | null>(null)
  const [form, setForm] = useState<'none' | 'create' | 'join'>('none')
  const [name, setName] = useState('')
  const [purpose, setPurpose] = useState('')
  const [charter, setCharter] = useState(() => t('create.charterTemplate'))
  const [rules, setRules] = useState<RulesDraft>(() => rulesDraftOf(DEFAULT_RULES))
  const [myName, setMyName] = useState('')
  const [link, setLink] = useState('')
  const [note, setNote] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)
  const refresh = useCallback(() => {
    api.listCommunities().then(setList, (e: unknown) => setError(messageOf(e)))
  }, [api])
  useEffect(() => {
    refresh()
    return api.subscribe((e) => {
      if (e.type === 'communities' || e.type === 'community') refresh()
    })
  }, [api, refresh])
  const create = async (): Promise<void> => {
    setError(null)
    const r = rulesOf(rules)
    if (!r) return setError(t('rules.invalid'))
    try {
      const id = await api.createCommunity({ name, purpose, charter, rules: r, ...(myName ? { founderName: myName } : {}) })
      onOpen(id)
    } catch (e) {
      setError(messageOf(e))
    }
  }
  const join = async (): Promise<void> => {
    setError(null)
    try {
      const r = await api.acceptInvite({ link: inviteLinkIn(link), ...(myName ? { name: myName } : {}) })
      if (r.status === 'joined') onOpen(r.community)
      else {
        setNote(t('join.waiting'))
        refresh()
      }
    } catch (e) {
      setError(messageOf(e))
    }
  }
  // JOIN-QR-1: a scanned code fills in the link; joining still takes the member's click.
  const scanned = useCallback((text: string) => {
    if (text.includes('polity://join?')) {
      setLink(inviteLinkIn(text))
      setError(null)
      setNote(t('join.scanned'))
    } else setError(t('join.noQr'))
  }, [t])
  const knownName = (id: CommunityId): string | null => list?.find((c) => c.id === id)?.name || null
  // DESK-2: a link the desktop app was opened with fills in the Join form; joining still takes the member's click.
  useEffect(() => {
    if (!joinLink) return
    setForm('join')
    setLink(inviteLinkIn(joinLink))
    setNote(t('join.fromLink'))
    onJoinLinkShown?.()
  }, [joinLink, onJoinLinkShown, t])
  const nameOf = (id: CommunityId | null): string => list?.find((c) => c.id === id)?.name ?? `${(id ?? '').slice(0, 12)}…`
  return (
    <section className="card">
      <h1>{t('communities.title')}</h1>
      {list === null ? <p>{t('common.loading')}</p> : list.length === 0 ? <p>{t('communities.empty')}</p> : (
        <ul className="list" data-testid="community-list">
          {list.map((c) => (
            <li key={c.id} className="community-row">
              <Emblem id={c.id} size={24} />
              <button type="button" className="link" data-testid="open-community" onClick={() => onOpen(c.id)}>{c.name || c.id.slice(0, 12)}</button>
              <span className="muted"> · {c.pendingJoin ? t('communities.joining') : `${t('communities.members', { count: c.memberCount })} · ${t('communities.openProposals', { count: c.openProposals })}`}</span>
              {c.join && <JoinNote community={c.id} join={c.join} onCancelled={refresh} />}
              {c.lineage && <span className="muted" data-testid="fork-of"> · <LineageNote lineage={c.lineage} name={parentLabel(c.lineage, knownName(c.lineage.parent))} /></span>}
            </li>
          ))}
        </ul>
      )}
      <div className="row">
        <button type="button" data-testid="show-create" aria-expanded={form === 'create'} onClick={() => setForm('create')}>{t('communities.create')}</button>
        <button type="button" data-testid="show-join" aria-expanded={form === 'join'} onClick={() => setForm('join')}>{t('communities.join')}</button>
      </div>
      {form === 'create' && (
        <div className="form">
          <Field label={t('create.name')} testid="community-name" value={name} onChange={setName} />
          <Field label={t('create.purpose')} testid="community-purpose" value={purpose} onChange={setPurpose} />
          <Field label={t('create.charter')} testid="community-charter" value={charter} onChange={setCharter} multiline />
          <Field label={t('create.yourName')} testid="my-name" value={myName} onChange={setMyName} />
          <details>
            <summary data-testid="show-rules">{t('create.rules')}</summary>
            <RulesFields value={rules} onChange={setRules} />
          </details>
          <button type="button" data-testid="create-community" onClick={() => void create()}>{t('create.submit')}</button>
        </div>
      )}
      {form === 'join' && (
        <div className="form">
          <Field label={t('join.link')} testid="invite-input" value={link} onChange={setLink} multiline />
          <p className="muted">{t('join.qrHelp')}</p>
          <QrScan onText={scanned} onError={setError} />
          <Field label={t('join.name')} testid="my-name" value={myName} onChange={setMyName} />
          <button type="button" data-testid="join-community" onClick={() => void join()}>{t('join.submit')}</button>
        </div>
      )}
      {note && <p role="status">{note}</p>}
      <ErrorText error={error} />
    </section>
  )
}
