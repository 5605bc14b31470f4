import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { CommunityId, CommunityState } from '@polity/api'
import { messageOf, useApi } from '../api-context'
import { ErrorText } from './widgets'

export function Roster({ id, state }: { id: CommunityId; state: CommunityState }): React.JSX.Element {
  const api = useApi()
  const { t, i18n } = useTranslation()
  const [link, setLink] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)
  const invite = async (): Promise<void> => {
    try {
      setLink((await api.createInvite({ community: id, uses: 1 })).link)
    } catch (e) {
      setError(messageOf(e))
    }
  }
  return (
    <div>
      <h2>{t('roster.title')}</h2>
      <ul className="list" data-testid="roster">
        {state.members.map((m) => (
          <li key={m.id} data-testid="member">
            <strong>{m.name ?? t('roster.noName')}</strong> · {t(`roster.role.${m.role}`)} · {t('roster.since', { date: new Date(m.since).toLocaleDateString(i18n.language) })} · <code title={m.did}>{m.did.slice(0, 20)}…</code>
          </li>
        ))}
      </ul>
      {state.former.length > 0 && (
        <>
          <h2>{t('roster.former')}</h2>
          <ul className="list">{state.former.map((f) => <li key={f.id}>{f.name ?? f.id.slice(0, 12)}</li>)}</ul>
        </>
      )}
      <button type="button" data-testid="create-invite" onClick={() => void invite()}>{t('roster.invite')}</button>
      {link && (
        <div className="field">
          <label htmlFor="invite-link">{t('roster.inviteHelp')}</label>
          <textarea id="invite-link" data-testid="invite-link" readOnly value={link} rows={3} />
        </div>
      )}
      <ErrorText error={error} />
    </div>
  )
}
