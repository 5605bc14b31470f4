/**
 * The Relations screen (REL-3, REL-4): whom we recognize, who recognizes us
 * (letters recorded), mutual recognition shown as a treaty, withdrawn ones
 * struck through, each with its decision's date and tally; outside bodies
 * and their statements; a letter or a statement dropped here is verified
 * and may be recorded.
 */
import { useCallback, useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { CommunityId, CommunityRelationView, RelationTally, RelationsView } from '@polity/api'
import { messageOf, useApi } from '../../api-context'
import { ErrorText } from '../widgets'
import { LetterPanel } from './LetterPanel'
import { AddBody, StatementPanel } from './BodiesPanel'

function Side({ label, withdrawn, date, tally }: { label: string; withdrawn: boolean; date: number; tally: RelationTally }): React.JSX.Element {
  const { t } = useTranslation()
  const text = `${label} — ${t('relations.tally', { ...tally, date: new Date(date).toLocaleDateString() })}`
  return <li>{withdrawn ? <s data-testid="relation-withdrawn">{text}</s> : text}</li>
}

function CommunityRow({ c }: { c: CommunityRelationView }): React.JSX.Element {
  const { t } = useTranslation()
  return (
    <li data-testid="relation-community" data-community={c.community} data-treaty={String(c.treaty)}>
      <strong dir="auto">{c.name || `${c.community.slice(0, 12)}…`}</strong> {c.treaty && <span className="badge" data-testid="relation-treaty">{t('relations.treaty')}</span>}
      <code className="muted"> {c.community.slice(0, 12)}…</code>
      <ul>
        {c.ours && <Side label={c.ours.action === 'recognize' ? t('relations.weRecognize') : t('relations.weWithdrew')} withdrawn={c.ours.action !== 'recognize'} date={c.ours.date} tally={c.ours.tally} />}
        {c.theirs && <Side label={c.theirs.action === 'recognize' ? t('relations.theyRecognize') : t('relations.theyWithdrew')} withdrawn={c.theirs.action !== 'recognize'} date={c.theirs.date} tally={c.theirs.tally} />}
      </ul>
    </li>
  )
}

export function Relations({ id }: { id: CommunityId }): React.JSX.Element {
  const api = useApi()
  const { t } = useTranslation()
  const [view, setView] = useState<RelationsView | null>(null)
  const [error, setError] = useState<string | null>(null)
  const refresh = useCallback(() => {
    api.relationsView({ community: id }).then(setView, (e: unknown) => setError(messageOf(e)))
  }, [api, id])
  useEffect(() => {
    refresh()
    // Letters and statements arrive as ops: refetch when this community changes.
    return api.subscribe((e) => {
      if (e.type === 'community' && e.community === id) refresh()
    })
  }, [api, id, refresh])
  return (
    <div data-testid="relations">
      <h2>{t('relations.title')}</h2>
      <ErrorText error={error} />
      {view && view.communities.length === 0 && view.bodies.length === 0 && <p className="muted">{t('relations.empty')}</p>}
      {view && view.communities.length > 0 && <ul className="relations">{view.communities.map((c) => <CommunityRow key={c.community} c={c} />)}</ul>}
      {view && view.bodies.length > 0 && (
        <>
          <h3>{t('relations.bodies')}</h3>
          <ul className="relations">
            {view.bodies.map((b) => (
              <li key={b.body} data-testid="relation-body">
                <strong dir="auto">{b.label}</strong> <code className="muted">{b.body.slice(0, 12)}…</code>
                <p className="muted" dir="auto">{t('relations.source', { source: b.source || '—' })}</p>
                <ul>
                  {b.statements.map((s) => (
                    <li key={s.statement}>{s.action === 'recognize' ? `${s.date}: ${t('relations.bodyRecognizes')}` : <s>{`${s.date}: ${t('relations.bodyWithdrew')}`}</s>} <span dir="auto">“{s.text}”</span></li>
                  ))}
                </ul>
              </li>
            ))}
          </ul>
        </>
      )}
      <LetterPanel id={id} onChange={refresh} />
      <StatementPanel id={id} onChange={refresh} />
      {view?.canAddBody && <AddBody id={id} onChange={refresh} />}
    </div>
  )
}
