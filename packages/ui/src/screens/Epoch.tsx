/**
 * The community's key epoch (§18): which key the community is on, since
 * when, whether a re-key is due; stewards (and anyone after a departure,
 * EPOCH-5) may re-key now. Refreshed when the community changes.
 */
import { useCallback, useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { CommunityId, EpochInfo } from '@polity/api'
import { messageOf, useApi } from '../api-context'
import { ErrorText } from './widgets'

export function EpochPanel({ id }: { id: CommunityId }): React.JSX.Element {
  const api = useApi()
  const { t, i18n } = useTranslation()
  const [info, setInfo] = useState<EpochInfo | null>(null)
  const [busy, setBusy] = useState(false)
  const [note, setNote] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)
  const load = useCallback(() => {
    api.epochInfo({ community: id }).then(setInfo, (e: unknown) => setError(messageOf(e)))
  }, [api, id])
  useEffect(() => {
    load()
    return api.subscribe((e) => {
      if (e.type === 'community' && e.community === id) load()
    })
  }, [api, id, load])
  const rekey = async (): Promise<void> => {
    setBusy(true)
    setNote(null)
    setError(null)
    try {
      setInfo(await api.rekey({ community: id }))
      setNote(t('epoch.rekeyed'))
    } catch (e) {
      setError(messageOf(e))
    } finally {
      setBusy(false)
    }
  }
  return (
    <section aria-labelledby="epoch-title" data-testid="epoch-panel">
      <h3 id="epoch-title">{t('epoch.title')}</h3>
      {info && (
        <p data-testid="epoch-info" data-number={info.number}>
          {t('epoch.since', { number: info.number, date: new Date(info.since).toLocaleString(i18n.language) })}
          {info.due && <> {t('epoch.due')}</>}
          {info.live > 1 && <> {t('epoch.live', { count: info.live })}</>}
          {info.missingKeys > 0 && <> {t('epoch.missing', { count: info.missingKeys })}</>}
        </p>
      )}
      <p className="muted">{t('epoch.explain')}</p>
      {info?.canRekey && <button type="button" data-testid="rekey" disabled={busy} onClick={() => void rekey()}>{t('epoch.rekey')}</button>}
      {note && <p role="status">{note}</p>}
      <ErrorText error={error} />
    </section>
  )
}
