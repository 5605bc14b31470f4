/**
 * The roster along the DAG (FOLD-2): for every held op, the member it acted
 * for and the roster frontier of its causal past (its Verdict); for every
 * roster op, its place among the others (roster-ancestry.ts); and the roster
 * at any frontier, folded on demand and cached.
 *
 * - The roster of every held op is kept up to date as ops arrive
 *   (global-roster.ts); a frontier that has every roster op below it reads it.
 * - The roster after the newest roster op is extended in place while roster
 *   ops arrive on top of one another (linear history, or a branch made
 *   offline), with a snapshot kept now and then so older frontiers replay
 *   from nearby. A roster op that does not extend it only moves the tip: its
 *   own roster is folded when something is built on it.
 * - Strong removal (ROSTER-10): an op that was valid at its past stops
 *   counting when an effective removal of its author is concurrent with it.
 */
import type { HeldOp } from '../op/envelope'
import type { MemberId, OpId } from '../op/ids'
import { toHex } from '../encoding/bytes'
import { canonicalCompare, type Dag, type DagEntry } from './dag'
import { EMPTY_FRONTIER, FrontierInterner, type Frontier } from './frontier'
import { RosterState } from './roster'
import { applyRosterOp, countCutJoin, type RosterAction } from './roster-rules'
import { InviteJoins, type JoinFate } from './invite-contest'
import { RosterAncestry } from './roster-ancestry'
import { GlobalRoster } from './global-roster'
import type { Verdict } from './verdict'

/** Roster snapshots kept along the linear history (bounded: ~2 MB each at 10k members). */
const SNAPSHOT_EVERY = 512
const MAX_SNAPSHOTS = 6
/** Rosters of non-tip frontiers kept (each a full copy): enough for the few branches live at once. */
const ROSTER_CACHE = 12

export class RosterHistory {
  private readonly verdicts: Verdict[] = []
  private readonly rosterOps: DagEntry[] = []
  private readonly rosterActions: (RosterAction | undefined)[] = []
  private readonly singleton: Frontier[] = []
  private readonly ancestry = new RosterAncestry()
  /** Roster ops with no roster op after them in the DAG: the frontier of everything held. */
  private readonly rosterHeads = new Set<number>()
  /** Ordinals of removals (direct, or by a passed proposal) by removed member. */
  private readonly removalsOf = new Map<MemberId, number[]>()
  /** Joins and revocations per invite, for the joins a set of roster ops voids (ROSTER-13, ROSTER-16). */
  private readonly inviteJoins = new InviteJoins()
  private readonly interner = new FrontierInterner()
  private readonly global: GlobalRoster
  private readonly rosterCache = new Map<string, RosterState>()
  /**
   * Roster after every `snapshotEvery`-th roster op on the tip. At most
   * MAX_SNAPSHOTS are kept (each is a full copy, ~2.5 MB at 10k members; 39
   * of them were ~100 MB at 219k ops): when full, every other one is dropped
   * and the spacing doubles.
   */
  private readonly rosterSnapshots = new Map<number, RosterState>()
  private snapshotEvery = SNAPSHOT_EVERY
  /** The newest roster op, and the roster after it once something was built on it (updated in place). */
  private tip: { ordinal: number; state: RosterState | undefined } | undefined
  /** Roster ops folded outside the global roster (chain walks, tip, sets): a deterministic work counter. */
  private folds = 0

  constructor(private readonly dag: Dag) {
    this.global = new GlobalRoster({
      entries: this.rosterOps,
      memberOf: (ord) => (this.verdicts[(this.rosterOps[ord] as DagEntry).index] as Verdict).member,
      actionOf: (ord) => this.rosterActions[ord],
      fateOf: (ord) => this.inviteJoins.fateOf(ord),
      isCut: (ord) => this.isCutWithin(ord, undefined),
      isRemoval: (ord) => removedBy((this.rosterOps[ord] as DagEntry).op, this.rosterActions[ord]) !== undefined,
    })
  }

  /** Deterministic work counters: roster ops folded, and ancestry steps (tests bound them; see roster-cost.test.ts). */
  costs(): { rosterFolds: number; ancestrySteps: number } {
    return { rosterFolds: this.folds + this.global.folds, ancestrySteps: this.ancestry.work }
  }

  // ---- per-op verdicts ------------------------------------------------------

  /** Record what the op's causal past decided (before any roster bookkeeping: governance reads it). */
  noteVerdict(entry: DagEntry, member: MemberId, frontier: Frontier): void {
    this.verdicts[entry.index] = { member, frontier, rosterOrdinal: -1 }
  }

  /** The member an op's author acted for (from its verdict). */
  memberOf(entry: DagEntry): MemberId {
    return (this.verdicts[entry.index] as Verdict).member
  }

  /**
   * Record a roster op (after noteVerdict). `action` is a close's or
   * withdrawal's roster effect; for a join, `usedAt` and `pastJoins` are its
   * invite's `used` and `joins` at its past. Returns whether it removes a member.
   */
  addRosterOp(entry: DagEntry, action: RosterAction | undefined, usedAt: number, pastJoins: number): { removal: boolean } {
    const v = this.verdicts[entry.index] as Verdict
    const items = v.frontier.items
    const ord = this.ancestry.add(items)
    this.rosterOps.push(entry)
    this.rosterActions.push(action)
    this.singleton.push(this.interner.intern([ord]))
    this.verdicts[entry.index] = { member: v.member, frontier: v.frontier, rosterOrdinal: ord }
    const removed = removedBy(entry.op, action)
    if (removed) {
      const list = this.removalsOf.get(removed) ?? []
      list.push(ord)
      this.removalsOf.set(removed, list)
    }
    const changed = this.inviteJoins.note(entry.op, ord, usedAt, pastJoins, this.ancestry)
    const onTop = this.isEverything(items)
    // Along linear history the tip's roster is the global one (one state, each op folded once).
    const shared = this.global.shares(this.tip?.state)
    const extendsTip = this.tip ? items.length === 1 && items[0] === this.tip.ordinal : items.length === 0
    for (const p of items) this.rosterHeads.delete(p)
    this.rosterHeads.add(ord)
    if (extendsTip && shared) {
      // Shared means every roster op is below the tip, so this op is on top of everything: fold it once.
      this.global.add(ord, true, false)
      this.tip = { ordinal: ord, state: this.tip?.state }
    } else if (extendsTip) {
      // On top of the newest roster op: extend its roster in place (copied once, if it was never built on).
      const state = this.tip?.state ?? (this.tip ? this.rosterAt(this.singleton[this.tip.ordinal] as Frontier).clone() : new RosterState())
      this.foldRosterOp(state, ord)
      this.tip = { ordinal: ord, state }
      if (onTop) this.global.adopt(ord, state)
      else this.global.add(ord, false, changed.length > 0)
    } else {
      // Its own roster is folded when something is built on it, or is the global one when it is on top of everything.
      this.global.add(ord, onTop, changed.length > 0)
      this.tip = { ordinal: ord, state: onTop ? this.global.current() : undefined }
    }
    if (this.tip.state && ord % this.snapshotEvery === 0) this.keepSnapshot(ord, this.tip.state)
    return { removal: removed !== undefined }
  }

  /** True once after the roster of every held op lost someone it counted (the content fold must be redone). */
  takeVoided(): boolean {
    return this.global.takeVoided()
  }

  /** Members the roster of every held op counts as admitted since last asked (ROSTER-14). */
  takeAdmitted(): MemberId[] {
    return this.global.takeAdmitted()
  }

  // ---- the roster at a causal past ------------------------------------------

  /** The roster as of all held ops. */
  roster(): RosterState {
    return this.global.get()
  }

  /** The roster at the causal past of an op. */
  rosterBefore(entry: DagEntry): RosterState {
    return this.rosterAt((this.verdicts[entry.index] as Verdict).frontier)
  }

  /** Drop every cached roster and fold the roster of every held op from scratch (`refoldedState`). */
  clearCaches(): void {
    this.rosterCache.clear()
    this.rosterSnapshots.clear()
    if (this.tip) this.tip.state = undefined
    const all = this.ancestry.members(this.ancestry.closureOf([...this.rosterHeads]))
    const inAll = new Set(all)
    this.global.refold(this.inviteJoins.fates(all, (o) => inAll.has(o), (a, b) => this.ancestry.concurrent(a, b)))
  }

  /** Drop cached rosters of past frontiers; the tip, the snapshots and the global roster stay. */
  trimCaches(): void {
    this.rosterCache.clear()
  }

  /** The frontier of the causal past of an op with these (held) deps. */
  frontierOfDeps(deps: readonly OpId[]): Frontier {
    if (deps.length === 0) return EMPTY_FRONTIER
    let first: Frontier | undefined
    let same = true
    const union: number[] = []
    for (const d of deps) {
      const v = this.verdicts[(this.dag.get(d) as DagEntry).index] as Verdict
      const f = v.rosterOrdinal >= 0 ? (this.singleton[v.rosterOrdinal] as Frontier) : v.frontier
      for (const i of f.items) union.push(i)
      if (first === undefined) first = f
      else if (f !== first) same = false
    }
    if (same) return first as Frontier
    return this.interner.intern(this.ancestry.maximal(union))
  }

  rosterAt(frontier: Frontier): RosterState {
    return this.lookup(frontier) ?? this.computeRoster(frontier)
  }

  /** A roster already at hand for this frontier: the tip's, the global one, a cached or a snapshot one. */
  private lookup(f: Frontier): RosterState | undefined {
    const one = f.items.length === 1 ? (f.items[0] as number) : -1
    if (this.tip?.state && one === this.tip.ordinal) return this.tip.state
    if (this.isEverything(f.items)) return this.global.get()
    return this.rosterCache.get(f.key) ?? (one >= 0 ? this.rosterSnapshots.get(one) : undefined)
  }

  /** Does a frontier have every held roster op in its downset? */
  private isEverything(items: readonly number[]): boolean {
    if (items.length !== this.rosterHeads.size) return false
    for (const i of items) if (!this.rosterHeads.has(i)) return false
    return true
  }

  private computeRoster(frontier: Frontier): RosterState {
    let state: RosterState
    if (frontier.items.length === 0) {
      state = new RosterState()
    } else if (frontier.items.length === 1) {
      // Walk back along single-element frontiers to a roster at hand, then apply forward.
      const chain: number[] = []
      let f: Frontier = frontier
      let base: RosterState | undefined
      while (true) {
        const known = f !== frontier ? this.lookup(f) : undefined
        if (known) {
          base = known
          break
        }
        if (f.items.length !== 1) {
          base = this.rosterAt(f)
          break
        }
        const ord = f.items[0] as number
        chain.push(ord)
        f = (this.verdicts[(this.rosterOps[ord] as DagEntry).index] as Verdict).frontier
      }
      state = base.clone()
      for (let i = chain.length - 1; i >= 0; i--) this.foldRosterOp(state, chain[i] as number)
    } else {
      state = this.foldDownset(frontier)
    }
    this.cacheRoster(frontier, state)
    return state
  }

  private keepSnapshot(ordinal: number, state: RosterState): void {
    if (this.rosterSnapshots.size >= MAX_SNAPSHOTS) {
      this.snapshotEvery *= 2
      for (const k of [...this.rosterSnapshots.keys()]) if (k % this.snapshotEvery !== 0) this.rosterSnapshots.delete(k)
      if (ordinal % this.snapshotEvery !== 0) return
    }
    this.rosterSnapshots.set(ordinal, state.clone())
  }

  private cacheRoster(f: Frontier, s: RosterState): void {
    if (this.rosterCache.size >= ROSTER_CACHE) {
      const oldest = this.rosterCache.keys().next().value as string
      this.rosterCache.delete(oldest)
    }
    this.rosterCache.set(f.key, s)
  }

  /** The roster from every roster op in the downset of a frontier, in canonical order. */
  private foldDownset(frontier: Frontier): RosterState {
    const members = this.ancestry.members(this.ancestry.closureOf(frontier.items))
    const set = new Set(members)
    const fates = this.inviteJoins.fates(members, (o) => set.has(o), (a, b) => this.ancestry.concurrent(a, b))
    const ordered = members.sort((a, b) => canonicalCompare(this.rosterOps[a] as DagEntry, this.rosterOps[b] as DagEntry))
    const s = new RosterState()
    for (const ord of ordered) {
      if (this.isCutWithin(ord, set)) countCutJoin(s, (this.rosterOps[ord] as DagEntry).op)
      else this.foldRosterOp(s, ord, fates.get(ord))
    }
    return s
  }

  /**
   * Fold one roster op. Without `fate`, the op must be on top of every op
   * already folded into `s` (the tip, or a chain walk): such an op is
   * concurrent with none of them, so no invite contest, revocation or
   * removal can void it or change an earlier op (ROSTER-10, ROSTER-13, ROSTER-16).
   */
  private foldRosterOp(s: RosterState, ord: number, fate?: JoinFate): void {
    this.folds++
    const e = this.rosterOps[ord] as DagEntry
    applyRosterOp(s, e.op, (this.verdicts[e.index] as Verdict).member, this.rosterActions[ord], fate)
  }

  // ---- strong removal (ROSTER-10, ROSTER-11) -----------------------------------

  /**
   * ROSTER-10/11: within a set of roster ops (every held one when `set` is
   * undefined), an op is cut when a removal of its author's member (or, for
   * an admission by proposal, of the admitted member) lies in the set and is
   * concurrent with it. Removals are never cut (ROSTER-12: concurrent mutual
   * removals both apply).
   */
  private isCutWithin(ord: number, set: ReadonlySet<number> | undefined): boolean {
    const e = this.rosterOps[ord] as DagEntry
    const action = this.rosterActions[ord]
    if (removedBy(e.op, action)) return false
    const v = this.verdicts[e.index] as Verdict
    const subjects = [v.member]
    if (action?.type === 'admit') subjects.push(toHex(action.member) as MemberId)
    for (const m of subjects) {
      for (const r of this.removalsOf.get(m) ?? []) {
        if (r === ord || (set && !set.has(r))) continue
        if (this.ancestry.concurrent(ord, r)) return true
      }
    }
    return false
  }

  /** ROSTER-10 for any op against the whole replica: is it concurrent with an effective removal of its author's member? */
  isCut(entry: DagEntry): boolean {
    const v = this.verdicts[entry.index] as Verdict
    const removals = this.removalsOf.get(v.member)
    if (!removals) return false
    if (v.rosterOrdinal >= 0 && removedBy(entry.op, this.rosterActions[v.rosterOrdinal])) return false
    for (const r of removals) {
      const re = this.rosterOps[r] as DagEntry
      if (re === entry) continue
      if (!this.dag.isAncestor(re, entry) && !this.dag.isAncestor(entry, re)) return true
    }
    return false
  }

  /** Is a removal of the op's member concurrent with it, counting only removals in `within`'s past? */
  isCutInPastOf(entry: DagEntry, within: DagEntry): boolean {
    const v = this.verdicts[entry.index] as Verdict
    const removals = this.removalsOf.get(v.member)
    if (!removals) return false
    for (const r of removals) {
      const re = this.rosterOps[r] as DagEntry
      if (re !== within && !this.dag.isAncestor(re, within)) continue
      if (!this.dag.isAncestor(re, entry) && !this.dag.isAncestor(entry, re)) return true
    }
    return false
  }
}

/** Which member an op removes, if it is a removal (ROSTER-10, ROSTER-12). */
export function removedBy(op: HeldOp, action: RosterAction | undefined): MemberId | undefined {
  if (op.kind === 'member.remove') return toHex(op.body.member) as MemberId
  if (op.kind === 'proposal.close' && action?.type === 'remove') return toHex(action.member) as MemberId
  return undefined
}
