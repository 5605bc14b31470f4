/**
 * Live invites (NET-G5): each open invite with its uses left, expiry and
 * creator, and a Revoke button where the rules let this member revoke it
 * (ROSTER-4). A revoked link admits no one, and peers that proved with it are
 * cut off (NET-G2).
 */
import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { CommunityId, InviteSummary } from '@polity/api'
import { messageOf, useApi } from '../api-context'
import { ErrorText } from './widgets'

export function Invites({ id, refresh }: { id: CommunityId; refresh: unknown }): React.JSX.Element | null {
  const api = useApi()
  const { t, i18n } = useTranslation()
  const [list, setList] = useState<InviteSummary[] | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [note, setNote] = useState<string | null>(null)
  const [again, setAgain] = useState(0)
  useEffect(() => {
    let live = true
    api.listInvites({ community: id }).then((l) => live && setList(l), (e: unknown) => live && setError(messageOf(e)))
    return () => {
      live = false
    }
  }, [api, id, refresh, again])
  if (list === null) return <ErrorText error={error} />
  const open = list.filter((i) => i.state === 'open')
  const revoke = async (invite: InviteSummary): Promise<void> => {
    setError(null)
    try {
      await api.revokeInvite({ community: id, invite: invite.id })
      setNote(t('invites.revokedNote', { id: invite.id.slice(0, 8) }))
      setAgain((n) => n + 1)
    } catch (e) {
      setError(messageOf(e))
    }
  }
  return (
    <section data-testid="invites">
      <h2>{t('invites.title')}</h2>
      {open.length === 0 && <p className="muted" data-testid="invites-none">{t('invites.none')}</p>}
      {open.length > 0 && (
        <ul className="list">
          {open.map((i) => (
            <li key={i.id} data-testid="live-invite">
              <code>{i.id.slice(0, 8)}</code>{' · '}
              {t('invites.row', { left: i.usesLeft, uses: i.uses, date: new Date(i.expires).toLocaleString(i18n.language), creator: i.creatorName ?? `${i.creator.slice(0, 8)}…` })}
              {i.member !== null && ` · ${t('invites.bound')}`}
              {i.canRevoke && <button type="button" className="secondary small" data-testid="revoke-invite" onClick={() => void revoke(i)}>{t('invites.revoke')}</button>}
            </li>
          ))}
        </ul>
      )}
      {note && <p role="status" data-testid="invites-note">{note}</p>}
      <ErrorText error={error} />
    </section>
  )
}
