/**
 * Letters of recognition (LETTER-1..8): drop a letter to verify it (no
 * membership needed to check it), and import it when it recognizes this
 * community (REL-5): every member then sees it.
 */
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { CommunityId, LetterReport } from '@polity/api'
import { messageOf, useApi } from '../../api-context'
import { ErrorText } from '../widgets'
import { DropZone } from './files'

export function LetterReportView({ r }: { r: LetterReport }): React.JSX.Element {
  const { t } = useTranslation()
  if (!r.ok) {
    return (
      <div className="banner" data-testid="letter-report" data-ok="false">
        <p>{t('relations.letterInvalid')}</p>
        <ul>{r.problems.map((p, i) => <li key={i}>{p}</li>)}</ul>
      </div>
    )
  }
  return (
    <div className="outcome passed" data-testid="letter-report" data-ok="true">
      <p>{r.action === 'recognize' ? t('relations.letterRecognizes', { from: r.fromName ?? '', to: r.name ?? '' }) : t('relations.letterWithdraws', { from: r.fromName ?? '' })}</p>
      {r.tally && <p>{t('relations.tally', { ...r.tally, date: r.date !== null ? new Date(r.date).toLocaleDateString() : '' })}</p>}
      {r.statement && <blockquote dir="auto">{r.statement}</blockquote>}
      <p className="muted">{r.selfVouched ? t('relations.selfVouched') : t('relations.acknowledged')} {t('relations.nameNotProven')}</p>
      <p className="muted"><code>{r.from?.slice(0, 16)}…</code> · {t('relations.eligibleKeys', { count: r.eligible.length })}</p>
    </div>
  )
}

export function LetterPanel({ id, onChange }: { id: CommunityId; onChange: () => void }): React.JSX.Element {
  const api = useApi()
  const { t } = useTranslation()
  const [bytes, setBytes] = useState<Uint8Array | null>(null)
  const [report, setReport] = useState<LetterReport | null>(null)
  const [note, setNote] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)
  const verify = (b: Uint8Array): void => {
    setBytes(b)
    setNote(null)
    setError(null)
    api.verifyLetter({ bytes: b }).then(setReport, (e: unknown) => setError(messageOf(e)))
  }
  const importIt = (): void => {
    if (!bytes) return
    api.importLetter({ community: id, bytes }).then(() => {
      setNote(t('relations.letterImported'))
      onChange()
    }, (e: unknown) => setError(messageOf(e)))
  }
  return (
    <div className="form">
      <h3>{t('relations.letterTitle')}</h3>
      <DropZone label={t('relations.dropLetter')} testid="letter-drop" onFile={verify} />
      {report && <LetterReportView r={report} />}
      {report?.ok && report.to === id && <button type="button" data-testid="letter-import" onClick={importIt}>{t('relations.importLetter')}</button>}
      {report?.ok && report.to !== id && <p className="muted">{t('relations.notForUs')}</p>}
      {note && <p role="status">{note}</p>}
      <ErrorText error={error} />
    </div>
  )
}
