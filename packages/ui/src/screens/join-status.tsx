/**
 * JOIN-1, JOIN-2: a join this device has not finished says what it waits
 * for and why it is stuck, and can be cancelled.
 */
import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { CommunityId, JoinProgress } from '@polity/api'
import { messageOf, useApi } from '../api-context'
import { ErrorText } from './widgets'

export function JoinNote({ community, join, onCancelled }: { community: CommunityId; join: JoinProgress; onCancelled?: () => void }): React.JSX.Element {
  const api = useApi()
  const { t } = useTranslation()
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const cancel = async (): Promise<void> => {
    setError(null)
    setBusy(true)
    try {
      await api.cancelJoin({ community })
      onCancelled?.()
    } catch (e) {
      setError(messageOf(e))
    } finally {
      setBusy(false)
    }
  }
  return (
    <div className="join-note" data-testid="join-note" data-state={join.state} data-reason={join.reason}>
      <p role="status"><strong>{t(`join.state.${join.state}`)}</strong> — {t(`join.reason.${join.reason}`)}</p>
      <button type="button" data-testid="cancel-join" disabled={busy} onClick={() => void cancel()}>{t('join.cancel')}</button>
      <ErrorText error={error} />
    </div>
  )
}

/** JOIN-1: on a community's screen, while the join is not done: what it waits for (the list of communities says it too). */
export function JoinBanner({ community, onCancelled }: { community: CommunityId; onCancelled: () => void }): React.JSX.Element | null {
  const api = useApi()
  const [join, setJoin] = useState<JoinProgress | null>(null)
  useEffect(() => {
    const refresh = (): void => {
      api.listCommunities().then((list) => setJoin(list.find((c) => c.id === community)?.join ?? null), () => undefined)
    }
    refresh()
    const timer = setInterval(refresh, 10_000)
    const un = api.subscribe((e) => {
      if (e.type === 'communities' || (e.type === 'sync' && e.community === community)) refresh()
    })
    return () => {
      clearInterval(timer)
      un()
    }
  }, [api, community])
  return join ? <JoinNote community={community} join={join} onCancelled={onCancelled} /> : null
}
