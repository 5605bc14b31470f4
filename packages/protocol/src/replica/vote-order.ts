/**
 * Which of a member's votes counts (VOTE-5, VOTE-6 in docs/PROTOCOL.md), for
 * the live view and for a close alike. On a yes/no proposal it is the
 * member's strongest ballot (yes > abstain > no), so a closer that leaves a
 * member's later vote out of its causal past can never count a ballot more
 * in favour than every one the member cast: passing is monotone in the set
 * of votes a close sees (omission safety). A lower vote is valid but never
 * counts over a stronger one; the node refuses to sign one.
 */
import type { Op } from '../op/envelope'
import type { Ballot } from '../op/kinds'
import { canonicalCompare, type DagEntry } from './dag'

/** VOTE-6: how far a yes/no ballot goes toward passing (no 0, abstain 1, yes 2). */
export function yesNoRank(b: Ballot): number {
  return b.type !== 'yesno' ? 0 : b.choice === 'yes' ? 2 : b.choice === 'abstain' ? 1 : 0
}

/**
 * VOTE-5/VOTE-6: does vote `next` count over `prev` (same member, same
 * proposal)? Yes/no: the stronger ballot (yes > abstain > no), then the later
 * in canonical order. Approval and ranked choice: the later in canonical order.
 */
export function countsOver(prev: DagEntry, next: DagEntry): boolean {
  const a = (prev.op as Op<'vote.cast'>).body.ballot
  const b = (next.op as Op<'vote.cast'>).body.ballot
  if (a.type === 'yesno' && b.type === 'yesno' && a.choice !== b.choice) return yesNoRank(b) > yesNoRank(a)
  return canonicalCompare(prev, next) < 0
}

