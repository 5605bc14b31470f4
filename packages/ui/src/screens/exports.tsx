/**
 * Export buttons (EXPORT-1..3): the roster as CSV or JSON, a proposal's
 * counted votes as CSV, JSON or (ranked choice) BLT — the text the node
 * builds, saved as a file the member takes to a spreadsheet or an election tool.
 */
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { CommunityId, OpId } from '@polity/api'
import { messageOf, useApi } from '../api-context'
import { ErrorText } from './widgets'

const TYPES: ReadonlyMap<string, string> = new Map([['csv', 'text/csv'], ['json', 'application/json'], ['blt', 'text/plain']])

/** Save text as a file (a download the browser or the desktop app asks where to put). */
export function saveText(name: string, text: string, format: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: `${TYPES.get(format) ?? 'text/plain'};charset=utf-8` }))
  const a = document.createElement('a')
  a.href = url
  a.download = name
  document.body.append(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 30_000)
}

function ExportRow<F extends string>({ label, formats, testid, fetch, fileName }: {
  label: string; formats: readonly F[]; testid: string; fetch: (format: F) => Promise<string>; fileName: (format: F) => string
}): React.JSX.Element {
  const { t } = useTranslation()
  const [error, setError] = useState<string | null>(null)
  const run = async (format: F): Promise<void> => {
    setError(null)
    try {
      saveText(fileName(format), await fetch(format), format)
    } catch (e) {
      setError(messageOf(e))
    }
  }
  return (
    <div className="row export" role="group" aria-label={label} data-testid={testid}>
      <span className="muted">{label}</span>
      {formats.map((f) => <button key={f} type="button" className="secondary small" data-testid={`${testid}-${f}`} onClick={() => void run(f)}>{t(`export.${f}`)}</button>)}
      <ErrorText error={error} />
    </div>
  )
}

export function ExportRoster({ id }: { id: CommunityId }): React.JSX.Element {
  const api = useApi()
  const { t } = useTranslation()
  return <ExportRow label={t('export.roster')} formats={['csv', 'json'] as const} testid="export-roster" fetch={(format) => api.exportRoster({ community: id, format })} fileName={(f) => `roster-${id.slice(0, 8)}.${f}`} />
}

export function ExportVotes({ id, proposal, ranked }: { id: CommunityId; proposal: OpId; ranked: boolean }): React.JSX.Element {
  const api = useApi()
  const { t } = useTranslation()
  const formats = ranked ? (['csv', 'json', 'blt'] as const) : (['csv', 'json'] as const)
  return <ExportRow label={t('export.votes')} formats={formats} testid="export-votes" fetch={(format) => api.exportVotes({ community: id, proposal, format })} fileName={(f) => `votes-${proposal.slice(0, 8)}.${f}`} />
}
