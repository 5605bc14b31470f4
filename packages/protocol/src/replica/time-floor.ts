/**
 * GOV-4: the earliest time a proposal may claim — the latest time that at
 * least two members have claimed in its causal past. Precisely: over the ops
 * in the past, take each member's largest claimed time; the floor is the
 * second largest of those (0 while fewer than two members have acted).
 *
 * Why not simply the largest time in the past: one member claiming a time far
 * in the future (up to 2^53 − 1) would then force every later proposal to
 * claim at least that, pushing honest deadlines out of reach — one op would
 * stop the community's governance. With the second largest, one member's
 * claims never raise the floor above what some other member claimed, and a
 * proposer still cannot back-date below what two members have claimed.
 *
 * Per op it keeps three numbers (exact under merges): the largest time in
 * the op's past and itself, whose member that is, and the largest time any
 * other member claimed there. Two summaries merge exactly: with A's top at
 * least B's, the second is max(A.second, B.top if B's top member differs from
 * A's, else B.second).
 */
import type { MemberId } from '../op/ids'

export class TimeFloor {
  private readonly top: number[] = []
  private readonly topMember: number[] = []
  private readonly second: number[] = []
  private readonly ordinals = new Map<MemberId, number>()

  /** Record the summary after op `index` (its deps' summaries merged with its own time). */
  inserted(index: number, deps: readonly number[], time: number, member: MemberId): void {
    let ord = this.ordinals.get(member)
    if (ord === undefined) this.ordinals.set(member, (ord = this.ordinals.size))
    const s = this.merged(deps)
    let [t1, m1, t2] = s
    if (time > t1) {
      if (m1 !== ord) t2 = t1
      t1 = time
      m1 = ord
    } else if (m1 !== ord && time > t2) {
      t2 = time
    }
    this.top[index] = t1
    this.topMember[index] = m1
    this.second[index] = t2
  }

  /** GOV-4: the floor for an op whose deps are these entries (by index). */
  floorOf(deps: readonly number[]): number {
    return Math.max(0, this.merged(deps)[2])
  }

  /**
   * ROSTER-5: the latest time claimed in the past of these deps that `trusted`
   * (an invite's creator, who set its expiry) or at least two members vouch
   * for: the largest time if `trusted` claimed it, else the largest claimed
   * by anyone but the member who claimed the largest. One member other than
   * `trusted` can never raise it (no poisoning of others' invites), and a
   * back-dated join is caught by any later time its creator claimed.
   */
  witnessedFor(deps: readonly number[], trusted: MemberId): number {
    const [t1, m1, t2] = this.merged(deps)
    const ord = this.ordinals.get(trusted)
    return Math.max(0, ord !== undefined && m1 === ord ? t1 : t2)
  }

  private merged(deps: readonly number[]): [number, number, number] {
    let t1 = -1
    let m1 = -1
    let t2 = -1
    for (const d of deps) {
      const bt = this.top[d] as number
      const bm = this.topMember[d] as number
      const b2 = this.second[d] as number
      if (bt > t1) {
        // B's top becomes the top; A's top (if another member) competes for second.
        const other = m1 !== bm ? t1 : t2
        t2 = Math.max(b2, other)
        t1 = bt
        m1 = bm
      } else {
        t2 = Math.max(t2, bm !== m1 ? bt : b2)
      }
    }
    return [t1, m1, t2]
  }
}
