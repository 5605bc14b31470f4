/**
 * CLOSE-7 (docs/PROTOCOL.md): is an outcome *settled* — would every way the
 * eligible members could still vote give the same `passed`? A close may claim
 * a time before the deadline only then. A pure function of the outcome a
 * close computes at its causal past (CLOSE-5), in exact integers.
 *
 * The ballots that may still come: an eligible member (VOTE-2) who has not
 * voted may cast any ballot or none; a member who voted may replace their
 * counted ballot by any ballot the vote-change rules let count over it —
 * yes/no: only a stronger choice (VOTE-6: no → abstain → yes), approval and
 * ranked choice: any ballot, an empty one included (VOTE-5).
 *
 * Yes/no: each of those steps (none → a ballot, a raise) can only help
 * passing while the threshold is below 1 — `cast` grows, `yes × den` grows by
 * `den`, `(E − abstain) × num` shrinks by `num`, or abstain → yes adds
 * `den − num > 0` — so the current tally is the worst completion and "every
 * eligible member votes yes" the best. Settled: the current tally passes, or
 * even the best fails (a threshold or quorum no electorate can meet). With a
 * threshold of 1 or more nothing passes, so the best fails too.
 *
 * Approval and ranked choice: any ballot may become empty (no winner, fails)
 * and every ballot may name option 0 alone (it wins); so the outcome is
 * settled only when it cannot pass even with every eligible member voting —
 * no eligible member, or a quorum above 1. In practice they close at the
 * deadline.
 */
import type { Outcome, YesNoDetail } from './outcome'
import { quorumMet } from './outcome'

const big = BigInt

/** TALLY-YN with E yes votes, no abstention, E ballots: the best completion. */
function bestYesNoPasses(d: YesNoDetail): boolean {
  const e = d.eligible
  return quorumMet(e, e, d.quorum) && big(e) * big(d.threshold[1]) > big(e) * big(d.threshold[0])
}

/** CLOSE-7: true when no ballot that may still count can change whether the proposal passes. */
export function isSettled(outcome: Outcome): boolean {
  if (outcome.method === 'yesno') {
    const d = outcome.detail as YesNoDetail
    return outcome.passed || !bestYesNoPasses(d)
  }
  const d = outcome.detail as { eligible: number; quorum: readonly [number, number] }
  return d.eligible === 0 || !quorumMet(d.eligible, d.eligible, d.quorum)
}
