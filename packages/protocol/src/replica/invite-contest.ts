/**
 * Which joins of a set of roster ops an invite voids (docs/PROTOCOL.md,
 * ROSTER-13 and ROSTER-16), as a function of the set alone:
 *
 * - **Contested** (ROSTER-13): a join J of invite I is contested in S when
 *   `usedAt(J) + 1 + |{K ∈ joins(I, S) : K ∥ J}| > uses(I)` — the uses left
 *   at J's causal past do not cover J and every join of I concurrent with it.
 *   Canonical order plays no part, so neither a low height (a join built on a
 *   stale past) nor a ground op id changes who is contested.
 * - **Revoked** (ROSTER-16): a join concurrent with a revocation of its
 *   invite has no effect.
 *
 * Both only ever grow with the set (more ops, more concurrent joins and
 * revocations), and an op appended on top of a set's every op is concurrent
 * with none of them, so extending a roster in place never changes an earlier
 * fate: only a fold of a set with several maximal ops (foldDownset) needs
 * this. In histories where every invite has at most `uses` joins and no
 * revocation, nothing is "suspect" and this costs nothing.
 */
import type { HeldOp, Op } from '../op/envelope'
import type { OpId } from '../op/ids'
import { toHex } from '../encoding/bytes'

export type JoinFate = 'contested' | 'revoked'

interface JoinNote {
  /** Roster ordinal of the join. */
  readonly ord: number
  /** The invite's claimed uses at the join's causal past (ROSTER-5 checked it was below `uses`). */
  readonly usedAt: number
}

export class InviteJoins {
  private readonly uses = new Map<OpId, number>()
  private readonly joins = new Map<OpId, JoinNote[]>()
  private readonly revokes = new Map<OpId, number[]>()
  /** Invites with more joins than uses, or with a revocation and a join: only they can void a join. */
  private readonly suspects = new Set<OpId>()

  /** Record a roster op as it is inserted. `usedAt` is the invite's `used` at a join's causal past. */
  note(op: HeldOp, ord: number, usedAt: number): void {
    switch (op.kind) {
      case 'invite.create':
        this.uses.set(op.id, (op as Op<'invite.create'>).body.uses)
        return
      case 'member.join': {
        const invite = toHex((op as Op<'member.join'>).body.invite) as OpId
        const list = this.joins.get(invite) ?? []
        list.push({ ord, usedAt })
        this.joins.set(invite, list)
        this.recheck(invite)
        return
      }
      case 'invite.revoke': {
        const invite = toHex((op as Op<'invite.revoke'>).body.invite) as OpId
        const list = this.revokes.get(invite) ?? []
        list.push(ord)
        this.revokes.set(invite, list)
        this.recheck(invite)
        return
      }
      default:
        return
    }
  }

  private recheck(invite: OpId): void {
    const joins = this.joins.get(invite)?.length ?? 0
    if (joins === 0) return
    if (joins > (this.uses.get(invite) ?? 0) || (this.revokes.get(invite)?.length ?? 0) > 0) this.suspects.add(invite)
  }

  /**
   * The joins voided within a set of roster ops (by ordinal). `concurrent`
   * answers whether neither of two roster ops is in the other's causal past.
   * Cost: for each suspect invite, pairs of its joins in the set, stopping
   * at the first concurrent join past a join's allowance.
   */
  fates(inSet: (ord: number) => boolean, concurrent: (a: number, b: number) => boolean): Map<number, JoinFate> {
    const out = new Map<number, JoinFate>()
    for (const invite of this.suspects) {
      const js = (this.joins.get(invite) as JoinNote[]).filter((j) => inSet(j.ord))
      if (js.length === 0) continue
      const uses = this.uses.get(invite) ?? 0
      if (js.length > uses) {
        for (const j of js) {
          // How many concurrent joins the uses left at J's past leave room for (ROSTER-5 made it ≥ 0).
          const room = uses - j.usedAt - 1
          let seen = 0
          for (const k of js) {
            if (k !== j && concurrent(j.ord, k.ord) && ++seen > room) {
              out.set(j.ord, 'contested')
              break
            }
          }
        }
      }
      const rs = (this.revokes.get(invite) ?? []).filter(inSet)
      if (rs.length === 0) continue
      for (const j of js) if (!out.has(j.ord) && rs.some((r) => concurrent(j.ord, r))) out.set(j.ord, 'revoked')
    }
    return out
  }
}
