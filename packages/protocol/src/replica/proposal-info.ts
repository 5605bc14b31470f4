/**
 * What the proposal view shows beside the fold (computed for display only,
 * never part of any op's validity): how many members may vote, what a close
 * would need now (GOV-6), which live votes a close did not count (it chose
 * its causal past), and who joined concurrently with the proposal and so
 * could not vote on it (VOTE-2 freezes eligibility at the proposal's past).
 * Every answer is a fact about the DAG that never changes once known, so it
 * is cached: a snapshot costs a lookup per vote and member, not a walk.
 */
import type { Op } from '../op/envelope'
import type { MemberId, OpId } from '../op/ids'
import type { DagEntry } from './dag'
import type { ReplicaView } from './view'
import { effectiveValues, requirementOf, type Fraction } from './decisions'

export interface Required {
  readonly quorum: Fraction
  /** Yes/no only. */
  readonly threshold: Fraction | null
  readonly entrenched: boolean
}

export class ProposalInfo {
  private readonly eligible = new Map<OpId, number>()
  /** Per proposal: member → in the roster at the proposal's causal past (VOTE-2). */
  private readonly voters = new Map<OpId, Map<MemberId, boolean>>()
  /** Per open proposal: member → admitted concurrently with it (true) or not (false). */
  private readonly stale = new Map<OpId, Map<MemberId, boolean>>()
  /** Per close that did not see every head: vote entry index → in the close's past. */
  private readonly inPast = new Map<number, Map<number, boolean>>()

  constructor(private readonly view: ReplicaView) {}

  /** How many members were in the roster at the proposal's causal past (VOTE-2). */
  eligibleCount(p: DagEntry): number {
    let n = this.eligible.get(p.op.id)
    if (n === undefined) this.eligible.set(p.op.id, (n = this.view.rosterBefore(p).members.size))
    return n
  }

  /** VOTE-2: was `m` in the roster at the proposal's causal past (so may vote on it)? Cached: a fact of the DAG. */
  mayVote(p: DagEntry, m: MemberId): boolean {
    let known = this.voters.get(p.op.id)
    if (!known) this.voters.set(p.op.id, (known = new Map()))
    let yes = known.get(m)
    if (yes === undefined) {
      if (known.size >= 4096) known.clear()
      known.set(m, (yes = this.view.rosterBefore(p).members.has(m)))
    }
    return yes
  }

  /** GOV-6 for an open proposal: the stricter of its own values and the floor of the rules in force now. */
  requiredNow(p: DagEntry): Required {
    const body = (p.op as Op<'proposal.create'>).body
    const roster = this.view.roster()
    if (!roster.rules) return { quorum: body.method.quorum, threshold: body.method.type === 'yesno' ? body.method.threshold : null, entrenched: false }
    const req = requirementOf(roster.rules, body.action, roster.charterVersions)
    return { ...effectiveValues(body.method, req), entrenched: req.entrenched }
  }

  /**
   * Members active now who were admitted concurrently with the proposal: not
   * in the roster at its causal past, and the proposal not in the past of
   * their admission. Non-empty means it was opened on an old view of the
   * roster and these members cannot vote on it. Sorted.
   */
  staleMembers(p: DagEntry): MemberId[] {
    const view = this.view
    let known = this.stale.get(p.op.id)
    if (!known) this.stale.set(p.op.id, (known = new Map()))
    const out: MemberId[] = []
    let before: ReadonlyMap<MemberId, unknown> | undefined
    for (const m of view.roster().members.values()) {
      let isStale = known.get(m.id)
      if (isStale === undefined) {
        // Read at once: a roster returned by rosterBefore is valid until the next insert.
        before ??= view.rosterBefore(p).members
        const admission = view.entry(m.admittedBy)
        isStale = !before.has(m.id) && admission !== undefined && admission !== p && !view.isAncestor(p, admission)
        known.set(m.id, isStale)
      }
      if (isStale) out.push(m.id)
    }
    return out.sort()
  }

  /** A proposal was settled: its stale-member cache is no longer needed. */
  settled(p: OpId): void {
    this.stale.delete(p)
  }

  /** The given live votes that are not in the close's causal past (so the close did not count them). Sorted. */
  uncounted(close: DagEntry, votes: Iterable<DagEntry>): OpId[] {
    const out: OpId[] = []
    for (const v of votes) {
      let inside: boolean
      if (v.index > close.index) inside = false
      else if (close.allBefore) inside = true
      else {
        let m = this.inPast.get(close.index)
        if (!m) this.inPast.set(close.index, (m = new Map()))
        const known = m.get(v.index)
        inside = known ?? this.view.isAncestor(v, close)
        if (known === undefined) m.set(v.index, inside)
      }
      if (!inside) out.push(v.op.id)
    }
    return out.sort()
  }
}
