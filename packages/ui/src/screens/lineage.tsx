/**
 * A fork's lineage in words (FORK-5): "fork of X — lineage verified" only
 * when the parent's ops on this device prove it; "claims to fork X — cannot
 * be checked yet" (and why) when they cannot yet; a warning when they
 * contradict it. A false fork is never called a fork of its parent.
 */
import { useTranslation } from 'react-i18next'
import type { ForkLineage, LineageProblem } from '@polity/api'

type T = ReturnType<typeof useTranslation>['t']

function why(l: ForkLineage, t: T): string {
  switch (l.unchecked) {
    case 'parent-not-held': return t('lineage.why.parentNotHeld')
    case 'parent-ops-missing': return t('lineage.why.parentOpsMissing', { count: l.missingHeads })
    default: return t('lineage.why.loading')
  }
}

function problemText(p: LineageProblem, l: ForkLineage, t: T): string {
  switch (p.code) {
    case 'heads': return t('lineage.problem.heads')
    case 'version': return t('lineage.problem.version', { n: l.version })
    case 'charter-hash': return t('lineage.problem.charterHash')
    case 'charter-text': return t('lineage.problem.charterText')
    default: return t('lineage.problem.members')
  }
}

/** `name`: how to call the parent (its name if this device knows it). */
export function LineageNote({ lineage, name }: { lineage: ForkLineage; name: string }): React.JSX.Element {
  const { t } = useTranslation()
  if (lineage.status === 'verified') {
    return <span data-testid="lineage-status" data-status="verified">{t('lineage.verified', { name })}</span>
  }
  if (lineage.status === 'unchecked') {
    return <span data-testid="lineage-status" data-status="unchecked">{t('lineage.unchecked', { name })} ({why(lineage, t)})</span>
  }
  return (
    <strong role="alert" className="error" data-testid="lineage-status" data-status="false">
      {t('lineage.false', { name })}: {lineage.problems.map((p) => problemText(p, lineage, t)).join('; ')}
    </strong>
  )
}

/** The parent's name for display: the lineage's, a known one, or the start of its id. */
export const parentLabel = (l: ForkLineage, known?: string | null): string => l.parentName ?? known ?? `${l.parent.slice(0, 12)}…`
