/**
 * Outside bodies (REL-6..8): add one by its ed25519 key (a steward by
 * default), and drop a statement it signed to verify and record it.
 */
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { CommunityId, StatementReport } from '@polity/api'
import { messageOf, useApi } from '../../api-context'
import { ErrorText, Field } from '../widgets'
import { DropZone } from './files'

export function AddBody({ id, onChange }: { id: CommunityId; onChange: () => void }): React.JSX.Element {
  const api = useApi()
  const { t } = useTranslation()
  const [body, setBody] = useState('')
  const [label, setLabel] = useState('')
  const [source, setSource] = useState('')
  const [error, setError] = useState<string | null>(null)
  const add = (): void => {
    setError(null)
    api.addOutsideBody({ community: id, body: body.trim(), label, source }).then(() => {
      setBody('')
      setLabel('')
      setSource('')
      onChange()
    }, (e: unknown) => setError(messageOf(e)))
  }
  return (
    <div className="form">
      <h3>{t('relations.addBody')}</h3>
      <Field label={t('relations.bodyKey')} testid="body-key" value={body} onChange={setBody} />
      <Field label={t('relations.bodyLabel')} testid="body-label" value={label} onChange={setLabel} />
      <Field label={t('relations.bodySource')} testid="body-source" value={source} onChange={setSource} />
      <button type="button" data-testid="body-add" disabled={body.trim() === '' || label.trim() === ''} onClick={add}>{t('relations.addBodyButton')}</button>
      <ErrorText error={error} />
    </div>
  )
}

export function StatementPanel({ id, onChange }: { id: CommunityId; onChange: () => void }): React.JSX.Element {
  const api = useApi()
  const { t } = useTranslation()
  const [bytes, setBytes] = useState<Uint8Array | null>(null)
  const [report, setReport] = useState<StatementReport | null>(null)
  const [error, setError] = useState<string | null>(null)
  const verify = (b: Uint8Array): void => {
    setBytes(b)
    setError(null)
    api.verifyStatement({ bytes: b, community: id }).then(setReport, (e: unknown) => setError(messageOf(e)))
  }
  const importIt = (): void => {
    if (bytes) api.importStatement({ community: id, bytes }).then(() => onChange(), (e: unknown) => setError(messageOf(e)))
  }
  return (
    <div className="form">
      <h3>{t('relations.statementTitle')}</h3>
      <DropZone label={t('relations.dropStatement')} testid="statement-drop" onFile={verify} />
      {report && (
        <div className={report.ok ? 'outcome passed' : 'banner'} data-testid="statement-report" data-ok={String(report.ok)}>
          {report.ok ? <p>{t(report.action === 'recognize' ? 'relations.statementRecognizes' : 'relations.statementWithdraws', { body: report.label ?? report.body?.slice(0, 12) ?? '', date: report.date ?? '' })}</p> : <ul>{report.problems.map((p, i) => <li key={i}>{p}</li>)}</ul>}
          {report.text && <blockquote dir="auto">{report.text}</blockquote>}
        </div>
      )}
      {report?.ok && <button type="button" data-testid="statement-import" onClick={importIt}>{t('relations.importStatement')}</button>}
      <ErrorText error={error} />
    </div>
  )
}
