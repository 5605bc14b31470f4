/**
 * The Relations screen (REL-3, REL-4): whom we recognize, who recognizes us
 * (letters recorded), mutual recognition shown as a treaty, withdrawn ones
 * struck through, each with its decision's date and tally; outside bodies
 * and their statements; a letter or a statement dropped here is verified
 * and may be recorded.
 */
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { BodyRelationView, ChangedPart, CommunityId, CommunityRelationView, RelationTally } from '@polity/api'
import { messageOf, useApi } from '../../api-context'
import { useView } from '../common'
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
    <li data-testid="relation-community" data-community={c.community} data-treaty={String(c.treaty)} data-we-recognize={String(c.weRecognize)} data-they-recognize={String(c.theyRecognize)}>
      <strong dir="auto">{c.name || `${c.community.slice(0, 12)}…`}</strong> {c.treaty && <span className="badge" data-testid="relation-treaty">{t('relations.treaty')}</span>}
      <code className="muted"> {c.community.slice(0, 12)}…</code>
      <ul>
        {c.ours && <Side label={c.ours.action === 'recognize' ? t('relations.weRecognize') : t('relations.weWithdrew')} withdrawn={c.ours.action !== 'recognize'} date={c.ours.date} tally={c.ours.tally} />}
        {c.theirs && <Side label={c.theirs.action === 'recognize' ? t('relations.theyRecognize') : t('relations.theyWithdrew')} withdrawn={c.theirs.action !== 'recognize'} date={c.theirs.date} tally={c.theirs.tally} />}
      </ul>
    </li>
  )
}

/** BRIDGE-8: letters, bodies, statements and recognition closes name `relations`; roles (who may add a body) name `roster`. */
export const RELATIONS_PARTS: readonly ChangedPart[] = ['relations', 'roster']

/** REL-6, REL-9: an outside body with its statements; a removed one struck through, and a button to remove it for those with the role. */
function BodyRow({ id, b, canRemove, onChange }: { id: CommunityId; b: BodyRelationView; canRemove: boolean; onChange: () => void }): React.JSX.Element {
  const api = useApi()
  const { t } = useTranslation()
  const [error, setError] = useState<string | null>(null)
  const label = <strong dir="auto">{b.label}</strong>
  return (
    <li data-testid="relation-body" data-removed={String(b.removed)}>
      {b.removed ? <s>{label}</s> : label} {b.removed && <span className="badge" data-testid="relation-body-removed">{t('relations.bodyRemoved')}</span>}
      <code className="muted"> {b.body.slice(0, 12)}…</code>
      <p className="muted" dir="auto">{t('relations.source', { source: b.source || '—' })}</p>
      <ul>
        {b.statements.map((s) => (
          <li key={s.statement} data-testid="relation-statement">{s.action === 'recognize' && !b.removed ? `${s.date}: ${t('relations.bodyRecognizes')}` : <s>{`${s.date}: ${t(s.action === 'recognize' ? 'relations.bodyRecognizes' : 'relations.bodyWithdrew')}`}</s>} <span dir="auto">“{s.text}”</span></li>
        ))}
      </ul>
      {canRemove && !b.removed && (
        <button type="button" className="secondary" data-testid="body-remove" onClick={() => api.removeOutsideBody({ community: id, body: b.body }).then(onChange, (e: unknown) => setError(messageOf(e)))}>
          {t('relations.removeBody', { label: b.label })}
        </button>
      )}
      <ErrorText error={error} />
    </li>
  )
}

export function Relations({ id }: { id: CommunityId }): React.JSX.Element {
  const api = useApi()
  const { t } = useTranslation()
  // Letters and statements arrive as ops: refetched when an event names the relations (BRIDGE-8).
  const { value: view, error, refetch: refresh } = useView(id, RELATIONS_PARTS, () => api.relationsView({ community: id }), [id])
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
            {view.bodies.map((b) => <BodyRow key={b.body} id={id} b={b} canRemove={view.canAddBody} onChange={refresh} />)}
          </ul>
        </>
      )}
      <LetterPanel id={id} onChange={refresh} />
      <StatementPanel id={id} onChange={refresh} />
      {view?.canAddBody && <AddBody id={id} onChange={refresh} />}
    </div>
  )
}
