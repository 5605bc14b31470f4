/**
 * The roster of every held op (what `roster()` and the content fold read),
 * kept up to date as roster ops arrive instead of folded again per read.
 *
 * A roster op lands somewhere in canonical order, often not last: a join
 * replayed from an old invite link, a device link built on an old past. It
 * is folded on top of the current state in place when that gives what a
 * fold in canonical order gives: its fate and cut status are known and
 * changed no earlier op's, and its footprint clashes with no op that sorts
 * after it (roster-footprint.ts). Otherwise the state is marked stale and
 * folded again, once, when next read. So N concurrent roster ops that touch
 * different members, devices or invites cost O(N) folds, not O(N²).
 */
import type { MemberId } from '../op/ids'
import { toHex } from '../encoding/bytes'
import { canonicalCompare, type DagEntry } from './dag'
import type { JoinFate } from './invite-contest'
import { RosterState } from './roster'
import { applyRosterOp, countCutJoin, type RosterAction } from './roster-rules'
import { TouchIndex, footprintOf } from './roster-footprint'

const ADMITTING = new Set(['genesis', 'member.join', 'fork.join'])

interface Presence {
  readonly at: DagEntry
  readonly present: boolean
}

/** Members whose presence in `members` a roster op may change. */
function subjectsOf(op: DagEntry['op'], member: MemberId, action: RosterAction | undefined): MemberId[] {
  switch (op.kind) {
    case 'genesis':
    case 'member.join':
    case 'fork.join':
    case 'member.leave':
      return [member]
    case 'member.remove':
      return [toHex(op.body.member) as MemberId]
    case 'proposal.close':
      return action?.type === 'admit' || action?.type === 'remove' ? [toHex(action.member) as MemberId] : []
    default:
      return []
  }
}

/** Record a change of presence (changes arrive in canonical order: a later one would have clashed). */
function notePresence(presence: Map<MemberId, Presence[]>, m: MemberId, at: DagEntry, present: boolean): void {
  const list = presence.get(m)
  if (list) list.push({ at, present })
  else presence.set(m, [{ at, present }])
}

/** What the global roster reads of the roster history, by roster ordinal. */
export interface RosterOps {
  readonly entries: readonly DagEntry[]
  memberOf(ord: number): MemberId
  actionOf(ord: number): RosterAction | undefined
  /** The join's fate among every held op. */
  fateOf(ord: number): JoinFate | undefined
  /** ROSTER-10/11 among every held roster op. */
  isCut(ord: number): boolean
  /** Does the op remove a member (ROSTER-10 may cut others)? */
  isRemoval(ord: number): boolean
}

export class GlobalRoster {
  private state = new RosterState()
  private stale = false
  /** Built when an op first lands out of order (never, along linear history); kept up to date from then on. */
  private touches: TouchIndex | undefined
  private voided = false
  /** Members newly counted as admitted (everAdmitted), since last taken. */
  private admitted: MemberId[] = []
  /**
   * Per member, where in canonical order it entered or left `members`: a
   * device link that lands before such a change (a former member linking on
   * a past before they left) reads membership at its own place.
   */
  private presence = new Map<MemberId, Presence[]>()
  /** Deterministic work counter: roster ops folded (tests and benches bound it). */
  folds = 0

  constructor(private readonly ops: RosterOps) {}

  /** The roster as of every held roster op. Valid until the next insert. */
  get(): RosterState {
    if (this.stale) this.refold(undefined)
    return this.state
  }

  /**
   * Roster op `ord` was inserted. `onTop`: every other roster op is in its
   * past (it sorts last and is concurrent with nothing). `changedFates`: it
   * changed the fate of an earlier join (ROSTER-13, ROSTER-16).
   */
  add(ord: number, onTop: boolean, changedFates: boolean): void {
    if (this.stale) return
    const ops = this.ops
    const e = ops.entries[ord] as DagEntry
    // A removal may cut ops already folded; a new fate changes what an earlier join did.
    if (!onTop && (changedFates || ops.isRemoval(ord))) {
      this.stale = true
      return
    }
    const cut = !onTop && ops.isCut(ord)
    const member = ops.memberOf(ord)
    const action = ops.actionOf(ord)
    const fate = ops.fateOf(ord)
    const fp = footprintOf(e.op, member, action, fate, cut)
    const touches = onTop ? this.touches : (this.touches ??= this.touchesUpTo(ord))
    if (!onTop && touches?.clashes(e, fp)) {
      // A link whose member entered or left later in canonical order is folded as at its own place (ROSTER-2).
      if (e.op.kind !== 'device.link' || cut || touches.clashesBeyond(e, fp, [`mp:${member}`, `ap:${member}`])) {
        this.stale = true
        return
      }
      this.linkAt(e, member)
    } else this.fold(this.state, this.presence, ord, cut, member, action, fate)
    touches?.record(e, fp)
  }

  /** applyRosterOp for a device link, reading its member's admission and presence at the link's canonical place. */
  private linkAt(e: DagEntry, member: MemberId): void {
    this.folds++
    const changes = this.presence.get(member) ?? []
    let ever = false
    let present = false
    for (const c of changes) {
      if (canonicalCompare(c.at, e) > 0) break
      ever ||= c.present
      present = c.present
    }
    if (ever && present && !this.state.devices.has(e.op.author)) this.state.devices.set(e.op.author, member)
  }

  /**
   * Roster op `ord`, on top of every other, was folded by the caller into
   * `state`, a fold of every roster op (the tip's roster, extended in
   * place): share it instead of folding the op a second time.
   */
  adopt(ord: number, state: RosterState): void {
    if (this.stale) return
    const ops = this.ops
    const e = ops.entries[ord] as DagEntry
    const member = ops.memberOf(ord)
    const action = ops.actionOf(ord)
    this.touches?.record(e, footprintOf(e.op, member, action, ops.fateOf(ord), false))
    for (const m of subjectsOf(e.op, member, action)) {
      if (state.members.has(m) !== this.state.members.has(m)) notePresence(this.presence, m, e, state.members.has(m))
    }
    if (ADMITTING.has(e.op.kind) || action?.type === 'admit') {
      const admitted = action?.type === 'admit' ? (toHex(action.member) as MemberId) : member
      if (state.everAdmitted.has(admitted) && !this.state.everAdmitted.has(admitted)) this.admitted.push(admitted)
    }
    this.state = state
  }

  /** Whether the caller's state is this roster (then the caller changes it only through `add`). */
  shares(state: RosterState | undefined): boolean {
    return state !== undefined && state === this.state && !this.stale
  }

  /** The roster as it is, unless it must be folded again first. */
  current(): RosterState | undefined {
    return this.stale ? undefined : this.state
  }

  /** The touch index of the roster ops before `end` as folded now (built once, when an op first lands out of order). */
  private touchesUpTo(end: number): TouchIndex {
    const t = new TouchIndex()
    const ops = this.ops
    for (let ord = 0; ord < end; ord++) {
      const e = ops.entries[ord] as DagEntry
      t.record(e, footprintOf(e.op, ops.memberOf(ord), ops.actionOf(ord), ops.fateOf(ord), ops.isCut(ord)))
    }
    return t
  }

  /**
   * Fold every roster op again in canonical order. `fates` decides the joins
   * (a reference refold passes the ones the whole set decides); by default
   * the fates kept as ops arrived.
   */
  refold(fates: ReadonlyMap<number, JoinFate> | undefined): void {
    const ops = this.ops
    const before = this.state.everAdmitted
    const order = ops.entries.map((_, i) => i).sort((a, b) => canonicalCompare(ops.entries[a] as DagEntry, ops.entries[b] as DagEntry))
    const s = new RosterState()
    const touches = new TouchIndex()
    const presence = new Map<MemberId, Presence[]>()
    for (const ord of order) {
      const cut = ops.isCut(ord)
      const member = ops.memberOf(ord)
      const action = ops.actionOf(ord)
      const fate = fates ? fates.get(ord) : ops.fateOf(ord)
      this.fold(s, presence, ord, cut, member, action, fate)
      touches.record(ops.entries[ord] as DagEntry, footprintOf((ops.entries[ord] as DagEntry).op, member, action, fate, cut))
    }
    this.touches = touches
    this.presence = presence
    for (const m of before.keys()) {
      if (!s.everAdmitted.has(m)) {
        this.voided = true
        break
      }
    }
    for (const m of s.everAdmitted.keys()) if (!before.has(m)) this.admitted.push(m)
    this.state = s
    this.stale = false
  }

  /** True once after a refold found that someone counted before no longer counts (ROSTER-14): the content fold must be redone. */
  takeVoided(): boolean {
    const v = this.voided
    this.voided = false
    return v
  }

  /** Members who count as admitted now and did not before (since last taken): their earlier ops may count now (ROSTER-14). */
  takeAdmitted(): MemberId[] {
    const a = this.admitted
    this.admitted = []
    return a
  }

  private fold(s: RosterState, presence: Map<MemberId, Presence[]>, ord: number, cut: boolean, member: MemberId, action: RosterAction | undefined, fate: JoinFate | undefined): void {
    const e = this.ops.entries[ord] as DagEntry
    const op = e.op
    if (cut) {
      countCutJoin(s, op)
      return
    }
    this.folds++
    const size = s.everAdmitted.size
    const subjects = subjectsOf(op, member, action)
    const was = subjects.map((m) => s.members.has(m))
    applyRosterOp(s, op, member, action, fate)
    subjects.forEach((m, i) => {
      if (s.members.has(m) !== was[i]) notePresence(presence, m, e, !was[i])
    })
    // In place, note who became admitted (a refold compares the whole set instead).
    if (s === this.state && s.everAdmitted.size > size) {
      const admitted = action?.type === 'admit' ? (toHex(action.member) as MemberId) : member
      this.admitted.push(admitted)
    }
  }
}
