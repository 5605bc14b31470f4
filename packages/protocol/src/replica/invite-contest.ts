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
 * fate. Two ways to the same answer:
 *
 * - `fates(inSet, …)` decides a whole set at once (a fold from scratch). In
 *   histories where every invite has at most `uses` joins and no revocation,
 *   nothing is "suspect" and this costs nothing.
 * - `note(…)` keeps the fates of the set of every held op as ops arrive, and
 *   says which earlier joins a new op voids. Each join keeps the number of
 *   joins concurrent with it while it is not contested; a new join is weighed
 *   against its invite's joins only when it is concurrent with some of them,
 *   and only against the joins not yet contested (so after a link is
 *   contested, every further join replayed from it costs O(1)).
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
  /** Joins of the invite concurrent with this one among every held op (kept while it is not contested). */
  concurrent: number
  /** Its fate among every held op. */
  fate: JoinFate | undefined
}

/** What `note` needs about roster ancestry. */
export interface Ancestry {
  isAncestor(i: number, j: number): boolean
}

export class InviteJoins {
  private readonly uses = new Map<OpId, number>()
  private readonly joins = new Map<OpId, JoinNote[]>()
  private readonly revokes = new Map<OpId, number[]>()
  /** Invites with more joins than uses, or with a revocation and a join: only they can void a join. */
  private readonly suspects = new Set<OpId>()
  /** Per invite, its joins not contested among every held op. */
  private readonly open = new Map<OpId, JoinNote[]>()
  private readonly fateByOrd = new Map<number, JoinFate>()
  /** Every join and revocation by ordinal, with its invite (a revocation has no note). */
  private readonly byOrd = new Map<number, { readonly invite: OpId; readonly join?: JoinNote }>()
  /** Joins of suspect invites. */
  private suspectJoins = 0

  /**
   * Record a roster op as it is inserted, after the ones in its past. For a
   * join, `usedAt` is the invite's `used` and `pastJoins` its `joins` at the
   * join's causal past. Returns the earlier joins whose fate among every held
   * op the op changed.
   */
  note(op: HeldOp, ord: number, usedAt: number, pastJoins: number, anc: Ancestry): number[] {
    switch (op.kind) {
      case 'invite.create':
        this.uses.set(op.id, (op as Op<'invite.create'>).body.uses)
        return []
      case 'member.join': {
        const invite = toHex((op as Op<'member.join'>).body.invite) as OpId
        const list = this.joins.get(invite) ?? []
        const uses = this.uses.get(invite) ?? 0
        // The join has no descendants yet: every earlier join of its invite not in its past is concurrent with it.
        const note: JoinNote = { ord, usedAt, concurrent: list.length - pastJoins, fate: undefined }
        const changed: number[] = []
        const open = this.open.get(invite) ?? []
        if (note.concurrent > 0) {
          let kept = 0
          for (const k of open) {
            if (!anc.isAncestor(k.ord, ord) && ++k.concurrent + k.usedAt + 1 > uses) {
              k.fate = 'contested'
              this.fateByOrd.set(k.ord, 'contested')
              changed.push(k.ord)
            } else open[kept++] = k
          }
          open.length = kept
        }
        if (usedAt + 1 + note.concurrent > uses) note.fate = 'contested'
        else {
          // ROSTER-16: a revocation not in the join's past is concurrent with it (the join has no descendants).
          if ((this.revokes.get(invite) ?? []).some((r) => !anc.isAncestor(r, ord))) note.fate = 'revoked'
          open.push(note)
        }
        if (note.fate) this.fateByOrd.set(ord, note.fate)
        this.open.set(invite, open)
        list.push(note)
        this.joins.set(invite, list)
        this.byOrd.set(ord, { invite, join: note })
        this.recheck(invite, true)
        return changed
      }
      case 'invite.revoke': {
        const invite = toHex((op as Op<'invite.revoke'>).body.invite) as OpId
        const list = this.revokes.get(invite) ?? []
        list.push(ord)
        this.revokes.set(invite, list)
        this.byOrd.set(ord, { invite })
        this.recheck(invite, false)
        const changed: number[] = []
        for (const k of this.open.get(invite) ?? []) {
          if (k.fate === undefined && !anc.isAncestor(k.ord, ord)) {
            k.fate = 'revoked'
            this.fateByOrd.set(k.ord, 'revoked')
            changed.push(k.ord)
          }
        }
        return changed
      }
      default:
        return []
    }
  }

  /** A join's fate among every held op (what `note` has kept). */
  fateOf(ord: number): JoinFate | undefined {
    return this.fateByOrd.get(ord)
  }

  private recheck(invite: OpId, join: boolean): void {
    const joins = this.joins.get(invite)?.length ?? 0
    if (joins === 0) return
    if (this.suspects.has(invite)) {
      if (join) this.suspectJoins++
      return
    }
    if (joins > (this.uses.get(invite) ?? 0) || (this.revokes.get(invite)?.length ?? 0) > 0) {
      this.suspects.add(invite)
      this.suspectJoins += joins
    }
  }

  /**
   * The joins voided within a set of roster ops (`set`, ascending ordinals;
   * `inSet` answers membership). `concurrent` answers whether neither of two
   * roster ops is in the other's causal past. Cost: the smaller of the set
   * and the suspect invites' joins, then for each suspect invite, pairs of
   * its joins in the set, stopping at the first concurrent join past a
   * join's allowance.
   */
  fates(set: readonly number[], inSet: (ord: number) => boolean, concurrent: (a: number, b: number) => boolean): Map<number, JoinFate> {
    const out = new Map<number, JoinFate>()
    const joinsIn = new Map<OpId, JoinNote[]>()
    const revokesIn = new Map<OpId, number[]>()
    if (set.length < this.suspectJoins) {
      for (const ord of set) {
        const x = this.byOrd.get(ord)
        if (!x || !this.suspects.has(x.invite)) continue
        if (x.join) push(joinsIn, x.invite, x.join)
        else push(revokesIn, x.invite, ord)
      }
    } else {
      for (const invite of this.suspects) {
        joinsIn.set(invite, (this.joins.get(invite) as JoinNote[]).filter((j) => inSet(j.ord)))
        revokesIn.set(invite, (this.revokes.get(invite) ?? []).filter(inSet))
      }
    }
    for (const [invite, js] of joinsIn) {
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
      const rs = revokesIn.get(invite) ?? []
      if (rs.length === 0) continue
      for (const j of js) if (!out.has(j.ord) && rs.some((r) => concurrent(j.ord, r))) out.set(j.ord, 'revoked')
    }
    return out
  }
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const l = m.get(k)
  if (l) l.push(v)
  else m.set(k, [v])
}
