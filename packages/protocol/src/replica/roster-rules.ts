/**
 * Roster rules: `checkRosterOp` decides validity at the op's causal past
 * (throws RuleViolation), `applyRosterOp` folds an op into a state that is
 * being built in canonical order (and may void it: ROSTER-7, ROSTER-13, ROSTER-14, ROSTER-16).
 * Rule IDs are defined in docs/PROTOCOL.md.
 */
import { RuleViolation } from '../errors'
import { concatBytes, fromHex, utf8 } from '../encoding/bytes'
import { deviceCertCheck, verifyDeviceCert } from '../crypto/identity'
import type { Verifier } from '../crypto/ed25519'
import type { AnyOp, HeldOp, Op, VerifyItem } from '../op/envelope'
import { roleRank, type CommunityId, type MemberId, type OpId, type Role } from '../op/ids'
import { toHex } from '../encoding/bytes'
import { sha256 } from '../crypto/hash'
import type { RosterState } from './roster'
import type { JoinFate } from './invite-contest'
import { isRedacted } from '../op/texts'

const JOIN_DOMAIN = utf8.encode('polity/join/v1\0')

/** The message an invite key signs to admit `member` to `community` (ROSTER-5). */
export function joinProofMessage(community: CommunityId, invite: OpId, member: MemberId): Uint8Array {
  return concatBytes(JOIN_DOMAIN, fromHex(community, 32), fromHex(invite, 32), fromHex(member, 32))
}

export const violation = (rule: string, message: string): never => {
  throw new RuleViolation(rule, message)
}

export interface CheckContext {
  readonly verify: Verifier
  /** ROSTER-5: the latest time in the op's past that this member (an invite's creator) or two members claimed. */
  readonly timeWitnessedFor: (member: MemberId) => number
}

/** Roster-affecting actions a passed proposal can carry. */
export type RosterAction =
  | { type: 'admit'; member: Uint8Array }
  | { type: 'remove'; member: Uint8Array }
  | { type: 'role'; member: Uint8Array; role: Role }
  | { type: 'rules'; rules: NonNullable<RosterState['rules']> }
  | { type: 'amend'; charter: string; base: number; proposal: OpId }
  /** A governance op with a roster-level effect that did not pass (it still settles the proposal). */
  | { type: 'none' }

/**
 * The signatures inside an op's body that checkAuthor will verify (device
 * certificates, join proofs), so a node can check them ahead on every core
 * with the envelope's own. Only a hint: the fold still calls `verify` for
 * each, and an answer known ahead is used only for exactly the same
 * signature, key and message. `inviteKey` finds the key of an invite op
 * when it is known (a join's proof is over it); unknown, the proof is left
 * to the fold.
 */
export function innerSignatureChecks(op: AnyOp, inviteKey: (invite: OpId) => Uint8Array | undefined): VerifyItem[] {
  switch (op.kind) {
    case 'member.join': {
      const b = op.body
      const out = [deviceCertCheck(b.member, fromHex(op.author, 32), b.cert)]
      const inviteId = toHex(b.invite) as OpId
      const key = inviteKey(inviteId)
      if (key) out.push({ signature: b.proof, prefix: new Uint8Array(0), message: joinProofMessage(op.community, inviteId, toHex(b.member) as MemberId), key })
      return out
    }
    case 'fork.join':
    case 'device.link':
      return [deviceCertCheck(op.body.member, fromHex(op.author, 32), op.body.cert)]
    default:
      return []
  }
}

/**
 * Validity at the causal past for ops that join or extend the roster without
 * an existing membership (genesis, join, fork.join, device.link), and the
 * membership precondition (AUTH-1) for everything else. Returns the member the
 * device acts for.
 */
export function checkAuthor(op: AnyOp, past: RosterState, ctx: CheckContext): MemberId {
  switch (op.kind) {
    case 'genesis': {
      const b = op.body
      if (!verifyDeviceCert(b.founder, fromHex(op.author, 32), b.cert, ctx.verify)) {
        violation('ROSTER-1', 'the founder certificate does not certify the authoring device')
      }
      if (b.parent && !isRedacted(op) && toHex(sha256(utf8.encode(b.charter))) !== toHex(b.parent.charterHash)) {
        violation('FORK-1', 'a fork\'s starting charter must hash to the charter hash it cites')
      }
      return toHex(b.founder) as MemberId
    }
    case 'member.join': {
      const b = op.body
      const member = toHex(b.member) as MemberId
      // Not necessarily the device's first op: a device whose join was voided (ROSTER-13), or whose
      // member left or was removed, may join again with a fresh invite; DAG-2 keeps its chain.
      if (past.activeMember(op.author)) violation('ROSTER-5', 'this device already acts for an active member')
      if (past.members.has(member)) violation('ROSTER-5', 'already a member')
      const inviteId = toHex(b.invite) as OpId
      const inv = past.invites.get(inviteId)
      if (!inv) violation('ROSTER-5', 'the invite is not in the join\'s causal past')
      const invite = inv as NonNullable<typeof inv>
      if (invite.member !== null && invite.member !== member) violation('ROSTER-5', 'the invite is for another member')
      if (invite.revoked) violation('ROSTER-5', 'the invite was revoked')
      if (invite.contested !== null) violation('ROSTER-5', 'the invite is contested (joins used it concurrently beyond its uses); ask for a new one')
      if (invite.used >= invite.uses) violation('ROSTER-5', 'the invite has no uses left')
      if (op.time > invite.expires || ctx.timeWitnessedFor(invite.creator) > invite.expires) violation('ROSTER-5', 'the invite has expired')
      const community = (past.genesis as NonNullable<RosterState['genesis']>).id
      if (!ctx.verify(b.proof, joinProofMessage(community, inviteId, member), fromHex(invite.key, 32))) {
        violation('ROSTER-5', 'the invite proof is not signed by the invite key')
      }
      if (!verifyDeviceCert(b.member, fromHex(op.author, 32), b.cert, ctx.verify)) {
        violation('ROSTER-5', 'the device certificate does not certify the authoring device')
      }
      return member
    }
    case 'fork.join': {
      const b = op.body
      const member = toHex(b.member) as MemberId
      if (op.seq !== 1) violation('ROSTER-15', 'a fork join must be the device\'s first op')
      if (past.devices.has(op.author)) violation('ROSTER-15', 'this device already belongs to a member')
      if (past.members.has(member)) violation('ROSTER-15', 'already a member')
      if (!past.genesis?.parent?.members.has(member)) violation('ROSTER-15', 'not a member of the parent community at the fork point')
      if (!verifyDeviceCert(b.member, fromHex(op.author, 32), b.cert, ctx.verify)) {
        violation('ROSTER-15', 'the device certificate does not certify the authoring device')
      }
      return member
    }
    case 'device.link': {
      const b = op.body
      const member = toHex(b.member) as MemberId
      if (op.seq !== 1) violation('ROSTER-2', 'a device link must be the device\'s first op')
      if (past.devices.has(op.author)) violation('ROSTER-2', 'this device already belongs to a member')
      if (!past.members.has(member)) violation('ROSTER-2', 'only an active member can link a device')
      if (!verifyDeviceCert(b.member, fromHex(op.author, 32), b.cert, ctx.verify)) {
        violation('ROSTER-2', 'the device certificate is not signed by the member')
      }
      return member
    }
    default: {
      const m = past.activeMember(op.author)
      if (!m) violation('AUTH-1', 'the author is not an active member at the op\'s causal past')
      return (m as NonNullable<typeof m>).id
    }
  }
}

/** Validity of roster-changing ops at their causal past (beyond AUTH-1). */
export function checkRosterOp(op: AnyOp, past: RosterState, member: MemberId): void {
  const rules = past.rules as NonNullable<RosterState['rules']>
  const me = past.members.get(member)
  switch (op.kind) {
    case 'invite.create':
      if (!past.hasRole(me, rules.invite)) violation('ROSTER-3', `creating invites needs the ${rules.invite} role`)
      return
    case 'invite.revoke': {
      const inv = past.invites.get(toHex(op.body.invite) as OpId)
      if (!inv) violation('ROSTER-4', 'no such invite in the causal past')
      if (inv?.creator !== member && !past.hasRole(me, 'steward')) violation('ROSTER-4', 'only the invite\'s creator or a steward may revoke it')
      return
    }
    case 'member.leave':
      if (past.isLastFounder(member)) violation('ROSTER-7', 'the last founder cannot leave')
      return
    case 'member.remove': {
      const target = toHex(op.body.member) as MemberId
      if (!past.hasRole(me, rules.remove)) violation('ROSTER-8', `removing members needs the ${rules.remove} role`)
      if (target === member) violation('ROSTER-8', 'use leave to remove yourself')
      const t = past.members.get(target)
      if (!t) violation('ROSTER-8', 'the target is not an active member at the causal past')
      if (t && t.role !== 'member' && me?.role !== 'founder') violation('ROSTER-8', 'only a founder may remove a steward or founder')
      if (past.isLastFounder(target)) violation('ROSTER-7', 'the last founder cannot be removed')
      return
    }
    case 'member.role': {
      const target = toHex(op.body.member) as MemberId
      const role = op.body.role
      if (!past.hasRole(me, rules.roles)) violation('ROSTER-9', `changing roles needs the ${rules.roles} role`)
      if (target === member) violation('ROSTER-9', 'no one may change their own role')
      const t = past.members.get(target)
      if (!t) violation('ROSTER-9', 'the target is not an active member at the causal past')
      if (me && roleRank(role) > roleRank(me.role)) violation('ROSTER-9', 'no one may grant a role above their own')
      if (t && t.role === 'founder' && me?.role !== 'founder') violation('ROSTER-9', 'only a founder may change a founder\'s role')
      if (t?.role === 'founder' && role !== 'founder' && past.isLastFounder(target)) violation('ROSTER-7', 'the last founder cannot be demoted')
      return
    }
    default:
      return
  }
}

/**
 * Fold one roster op (already valid at its causal past and not cut) into a
 * state being built in canonical order. The state is mutable here: the caller
 * passes a fresh clone. `fate` is what the whole set decided about a join
 * (ROSTER-13, ROSTER-16; see invite-contest.ts): it depends on ops that may
 * come later in canonical order, so the fold cannot see it by itself.
 */
export function applyRosterOp(s: RosterState, op: HeldOp, member: MemberId, action?: RosterAction, fate?: JoinFate): void {
  // ROSTER-14: ops of a member whose admission never took effect count for nothing.
  const admitting = op.kind === 'genesis' || op.kind === 'member.join' || op.kind === 'fork.join'
  if (!admitting && !s.everAdmitted.has(member)) return
  switch (op.kind) {
    case 'genesis': {
      const b = (op as Op<'genesis'>).body
      s.genesis = {
        id: op.id as unknown as CommunityId,
        name: b.name,
        purpose: b.purpose,
        charter: b.charter,
        time: op.time,
        founder: member,
        ...(b.parent
          ? {
              parent: {
                community: toHex(b.parent.community) as CommunityId,
                heads: b.parent.heads.map((h) => toHex(h) as OpId),
                version: b.parent.version,
                charterHash: toHex(b.parent.charterHash),
                members: new Set(b.parent.members.map((m) => toHex(m) as MemberId)),
              },
            }
          : {}),
      }
      s.rules = b.rules
      s.charterVersions = [{ version: 0, text: b.charter, ratifiedBy: op.id, proposal: null, time: op.time }]
      s.admit(member, 'founder', op.id, op.time)
      s.devices.set(op.author, member)
      return
    }
    case 'member.join': {
      const inviteId = toHex(op.body.invite) as OpId
      const inv = s.invites.get(inviteId)
      if (!inv) return
      // ROSTER-13: a contested join claims no use and admits no one; the invite lists it.
      if (fate === 'contested') {
        s.invites.set(inviteId, { ...inv, joins: inv.joins + 1, contested: { join: op.id, member, next: inv.contested } })
        return
      }
      // Never more claims than uses (the contest rule already guarantees it; this keeps it local).
      if (inv.used >= inv.uses) {
        s.invites.set(inviteId, { ...inv, joins: inv.joins + 1 })
        return
      }
      s.invites.set(inviteId, { ...inv, joins: inv.joins + 1, used: inv.used + 1 })
      // ROSTER-16: a revocation before it or concurrent with it leaves the claim without effect.
      if (fate === 'revoked' || inv.revoked || s.members.has(member)) return
      s.admit(member, 'member', op.id, op.time)
      s.devices.set(op.author, member)
      return
    }
    case 'fork.join':
      if (s.members.has(member)) return
      s.admit(member, 'member', op.id, op.time)
      s.devices.set(op.author, member)
      return
    case 'device.link':
      if (!s.members.has(member) || s.devices.has(op.author)) return
      s.devices.set(op.author, member)
      return
    case 'invite.create':
      s.invites.set(op.id, {
        id: op.id,
        key: toHex(op.body.key),
        uses: op.body.uses,
        used: 0,
        expires: op.body.expires,
        revoked: false,
        creator: member,
        member: op.body.member ? (toHex(op.body.member) as MemberId) : null,
        contested: null,
        joins: 0,
      })
      return
    case 'invite.revoke': {
      const id = toHex(op.body.invite) as OpId
      const inv = s.invites.get(id)
      if (inv) s.invites.set(id, { ...inv, revoked: true })
      return
    }
    case 'member.leave':
      if (s.members.has(member) && !s.isLastFounder(member)) s.depart(member, op.id, 'left', op.time)
      return
    case 'member.remove': {
      const target = toHex(op.body.member) as MemberId
      if (s.members.has(target) && !s.isLastFounder(target)) s.depart(target, op.id, 'removed', op.time)
      return
    }
    case 'member.role': {
      const target = toHex(op.body.member) as MemberId
      const t = s.members.get(target)
      if (t && !(t.role === 'founder' && op.body.role !== 'founder' && s.isLastFounder(target))) s.setRole(target, op.body.role)
      return
    }
    case 'charter.bind': {
      const c = op.body.client
      if (!s.clientOwners.has(c) && !s.deviceClients.has(op.author)) {
        s.clientOwners.set(c, op.author)
        s.deviceClients.set(op.author, c)
      }
      return
    }
    case 'proposal.withdraw': {
      const p = toHex(op.body.proposal) as OpId
      if (!s.settled.has(p)) s.settled.set(p, 'withdrawn')
      return
    }
    case 'proposal.close': {
      const p = toHex(op.body.proposal) as OpId
      if (s.settled.has(p)) return
      s.settled.set(p, 'closed')
      if (!action) return
      applyPassedAction(s, op, action)
      return
    }
    default:
      return
  }
}

/** A join that is cut (ROSTER-10/11) is not folded, but it is still one of its invite's joins (ROSTER-13). */
export function countCutJoin(s: RosterState, op: HeldOp): void {
  if (op.kind !== 'member.join') return
  const inviteId = toHex(op.body.invite) as OpId
  const inv = s.invites.get(inviteId)
  if (inv) s.invites.set(inviteId, { ...inv, joins: inv.joins + 1 })
}

function applyPassedAction(s: RosterState, op: HeldOp, action: RosterAction): void {
  switch (action.type) {
    case 'admit': {
      const m = toHex(action.member) as MemberId
      if (!s.members.has(m)) s.admit(m, 'member', op.id, op.time)
      return
    }
    case 'remove': {
      const m = toHex(action.member) as MemberId
      if (s.members.has(m) && !s.isLastFounder(m)) s.depart(m, op.id, 'removed', op.time)
      return
    }
    case 'role': {
      const m = toHex(action.member) as MemberId
      const t = s.members.get(m)
      if (t && !(t.role === 'founder' && action.role !== 'founder' && s.isLastFounder(m))) s.setRole(m, action.role)
      return
    }
    case 'rules':
      s.rules = action.rules
      return
    case 'amend': {
      // CHARTER-V2: an amendment ratifies only on top of the version it was based on.
      const current = s.charterVersions.length - 1
      if (action.base !== current) return
      s.charterVersions = [...s.charterVersions, { version: current + 1, text: action.charter, ratifiedBy: op.id, proposal: action.proposal, time: op.time }]
      return
    }
    case 'none':
      return
  }
}
