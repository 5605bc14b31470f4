/**
 * What one roster op reads and writes when it is folded (applyRosterOp in
 * roster-rules.ts), as named parts of a RosterState. Two ops whose
 * footprints do not clash give the same state folded in either order, so an
 * op that sorts before ops already folded can still be folded on top of them
 * when it clashes with none of them (global-roster.ts).
 *
 * Modes: 'r' reads a part; 'w' writes it (and may read it); 'c' is a
 * commutative update — an invite's claimed uses, contested joins and join
 * count, which joins change by +1 or by adding to a set whose order nothing
 * reads. 'c' clashes with 'r' and 'w', not with 'c'. The footprint may claim
 * more than an op touches (that only costs a refold), never less.
 */
import type { HeldOp, Op } from '../op/envelope'
import type { MemberId, OpId } from '../op/ids'
import { toHex } from '../encoding/bytes'
import { canonicalCompare, type DagEntry } from './dag'
import type { JoinFate } from './invite-contest'
import type { RosterAction } from './roster-rules'

export type Mode = 'r' | 'w' | 'c'
export type Footprint = readonly (readonly [string, Mode])[]

// Parts: mp/mv = a member's presence in `members` / its record (role); ap = presence in `everAdmitted`;
// dp = its departure; d = a device's member; i/rv = an invite's counts / its revoked flag; p = a settled
// proposal; cl/dc = Yjs client bindings; F = who the founders are; S = the admission counter (seniority);
// R = rules; C = charter versions; G = the genesis.
const admit = (m: MemberId): [string, Mode][] => [[`mp:${m}`, 'w'], [`mv:${m}`, 'w'], [`ap:${m}`, 'w'], [`dp:${m}`, 'w'], ['S', 'w']]
const depart = (m: MemberId): [string, Mode][] => [[`mp:${m}`, 'w'], [`mv:${m}`, 'r'], [`dp:${m}`, 'w'], ['F', 'w']]
const setRole = (m: MemberId): [string, Mode][] => [[`mp:${m}`, 'r'], [`mv:${m}`, 'w'], ['F', 'w']]

function actionFootprint(a: RosterAction): [string, Mode][] {
  switch (a.type) {
    case 'admit':
      return admit(toHex(a.member) as MemberId)
    case 'remove':
      return depart(toHex(a.member) as MemberId)
    case 'role':
      return setRole(toHex(a.member) as MemberId)
    case 'rules':
      return [['R', 'w']]
    case 'amend':
      return [['C', 'w']]
    case 'none':
      return []
  }
}

/** The footprint of a roster op folded with this fate; `cut`: skipped but for its invite's join count (ROSTER-10, ROSTER-13). */
export function footprintOf(op: HeldOp, member: MemberId, action: RosterAction | undefined, fate: JoinFate | undefined, cut: boolean): Footprint {
  if (op.kind === 'member.join') {
    const invite = toHex((op as Op<'member.join'>).body.invite)
    const out: [string, Mode][] = [[`i:${invite}`, 'c']]
    if (cut || fate === 'contested') return out
    if (fate === undefined) out.push([`rv:${invite}`, 'r'])
    if (fate !== 'revoked') out.push(...admit(member), [`d:${op.author}`, 'w'])
    return out
  }
  if (cut) return []
  // ROSTER-14: every other op first asks whether its member was ever admitted.
  const out: [string, Mode][] = [[`ap:${member}`, 'r']]
  switch (op.kind) {
    case 'genesis':
      out.push(...admit(member), [`d:${op.author}`, 'w'], ['F', 'w'], ['R', 'w'], ['C', 'w'], ['G', 'w'])
      break
    case 'fork.join':
      out.push(...admit(member), [`d:${op.author}`, 'w'])
      break
    case 'device.link':
      out.push([`mp:${member}`, 'r'], [`d:${op.author}`, 'w'])
      break
    case 'invite.create':
      out.push([`i:${op.id}`, 'w'], [`rv:${op.id}`, 'w'])
      break
    case 'invite.revoke':
      out.push([`rv:${toHex((op as Op<'invite.revoke'>).body.invite)}`, 'w'])
      break
    case 'member.leave':
      out.push(...depart(member))
      break
    case 'member.remove':
      out.push(...depart(toHex((op as Op<'member.remove'>).body.member) as MemberId))
      break
    case 'member.role':
      out.push(...setRole(toHex((op as Op<'member.role'>).body.member) as MemberId))
      break
    case 'charter.bind':
      out.push([`cl:${(op as Op<'charter.bind'>).body.client}`, 'w'], [`dc:${op.author}`, 'w'])
      break
    case 'proposal.withdraw':
    case 'proposal.close':
      out.push([`p:${toHex((op as Op<'proposal.close'>).body.proposal) as OpId}`, 'w'])
      if (op.kind === 'proposal.close' && action) out.push(...actionFootprint(action))
      break
    default:
      break
  }
  return out
}

interface Latest {
  r?: DagEntry
  w?: DagEntry
  c?: DagEntry
}

const after = (e: DagEntry | undefined, x: DagEntry): boolean => e !== undefined && canonicalCompare(e, x) > 0

/** Per part of the state, the latest op in canonical order that read, wrote or counted it. */
export class TouchIndex {
  private readonly latest = new Map<string, Latest>()

  /** Would folding `x` (footprint `fp`) now differ from folding it in its canonical place? */
  clashes(x: DagEntry, fp: Footprint): boolean {
    for (const [part, mode] of fp) {
      const l = this.latest.get(part)
      if (!l) continue
      if (after(l.w, x)) return true
      if (mode !== 'c' && after(l.c, x)) return true
      if (mode !== 'r' && after(l.r, x)) return true
    }
    return false
  }

  /** Does `x` clash on a part other than `allowed` (reads it may resolve at its own place)? */
  clashesBeyond(x: DagEntry, fp: Footprint, allowed: readonly string[]): boolean {
    return this.clashes(x, fp.filter(([part]) => !allowed.includes(part)))
  }

  record(x: DagEntry, fp: Footprint): void {
    for (const [part, mode] of fp) {
      let l = this.latest.get(part)
      if (!l) this.latest.set(part, (l = {}))
      const prev = l[mode]
      if (!prev || canonicalCompare(prev, x) < 0) l[mode] = x
    }
  }

  clear(): void {
    this.latest.clear()
  }
}
