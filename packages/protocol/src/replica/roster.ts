/**
 * The roster: who is a member, with which role and devices, under which rules
 * (ROSTER-* and AUTH-* in docs/PROTOCOL.md). A RosterState is never mutated
 * once published: `clone()` then change, because many ops share the state of
 * their causal past.
 */
import type { Rules } from '../op/kinds'
import type { CommunityId, DeviceKey, MemberId, OpId, Role } from '../op/ids'
import { roleRank } from '../op/ids'

export interface MemberRecord {
  readonly id: MemberId
  readonly role: Role
  /** The op that admitted the member (genesis, join, fork.join or the closing op of an admit proposal). */
  readonly admittedBy: OpId
  /** Claimed time of the admitting op (advisory; for display). */
  readonly since: number
  /** Admission rank: 0 for the founder, then in canonical order of admission. */
  readonly seniority: number
}

export interface CharterVersion {
  readonly version: number
  readonly text: string
  /** The close op that ratified it (the genesis op for version 0). */
  readonly ratifiedBy: OpId
  readonly proposal: OpId | null
  readonly time: number
}

/** A join that was voided because it contested its invite (ROSTER-13). */
export interface ContestedJoin {
  readonly join: OpId
  readonly member: MemberId
}

/**
 * An invite's contested joins, the latest folded first: a list that states
 * share and a fold extends in O(1) (an attacker can flood joins on a leaked
 * link; copying an array per join would make each fold quadratic).
 */
export interface ContestedList extends ContestedJoin {
  readonly next: ContestedList | null
}

export function contestedJoins(list: ContestedList | null): ContestedJoin[] {
  const out: ContestedJoin[] = []
  for (let c = list; c !== null; c = c.next) out.push({ join: c.join, member: c.member })
  return out
}

export interface InviteRecord {
  readonly id: OpId
  readonly key: string
  readonly uses: number
  /** Uses claimed: joins folded that were neither cut nor contested (ROSTER-13). */
  readonly used: number
  readonly expires: number
  readonly revoked: boolean
  readonly creator: MemberId
  /** The only member who may join with it, when the inviter named one (ROSTER-3). */
  readonly member: MemberId | null
  /** Joins voided as contested, in no particular order; any at all closes the invite (ROSTER-5, ROSTER-13). */
  readonly contested: ContestedList | null
  /** Joins of this invite in the set folded: counted, contested, revoked or cut (ROSTER-13 weighs the rest as concurrent). */
  readonly joins: number
}

/** Does the invite still admit someone (apart from expiry, which needs a time)? ROSTER-5, SYNC-3. */
export function inviteOpen(inv: InviteRecord): boolean {
  return !inv.revoked && inv.contested === null && inv.used < inv.uses
}

export interface GenesisInfo {
  readonly id: CommunityId
  readonly name: string
  readonly purpose: string
  readonly charter: string
  readonly time: number
  readonly founder: MemberId
  readonly parent?: {
    readonly community: CommunityId
    readonly heads: readonly OpId[]
    readonly version: number
    readonly charterHash: string
    readonly members: ReadonlySet<MemberId>
  }
}

export class RosterState {
  genesis: GenesisInfo | null = null
  rules: Rules | null = null
  members = new Map<MemberId, MemberRecord>()
  /** Everyone who was ever effectively admitted (for display and to void ops of never-admitted authors). */
  everAdmitted = new Map<MemberId, MemberRecord>()
  /** How each member left: removal op id or 'left'. */
  departures = new Map<MemberId, { by: OpId; kind: 'removed' | 'left'; time: number }>()
  devices = new Map<DeviceKey, MemberId>()
  invites = new Map<OpId, InviteRecord>()
  /** Proposals with roster effects that were closed or withdrawn (first wins). */
  settled = new Map<OpId, 'closed' | 'withdrawn'>()
  admissions = 0
  /** Ratified charter versions; version 0 is the genesis charter (CHARTER-V1). */
  charterVersions: readonly CharterVersion[] = []
  /** Yjs clientID → device, first binding in canonical order (CHARTER-B1). */
  clientOwners = new Map<number, DeviceKey>()
  deviceClients = new Map<DeviceKey, number>()

  clone(): RosterState {
    const s = new RosterState()
    s.genesis = this.genesis
    s.rules = this.rules
    s.members = new Map(this.members)
    s.everAdmitted = new Map(this.everAdmitted)
    s.departures = new Map(this.departures)
    s.devices = new Map(this.devices)
    s.invites = new Map(this.invites)
    s.settled = new Map(this.settled)
    s.admissions = this.admissions
    s.charterVersions = this.charterVersions
    s.clientOwners = new Map(this.clientOwners)
    s.deviceClients = new Map(this.deviceClients)
    return s
  }

  memberOf(device: DeviceKey): MemberId | undefined {
    return this.devices.get(device)
  }

  /** The active member a device acts for, if any. */
  activeMember(device: DeviceKey): MemberRecord | undefined {
    const m = this.devices.get(device)
    return m === undefined ? undefined : this.members.get(m)
  }

  hasRole(member: MemberRecord | undefined, min: Role): boolean {
    return member !== undefined && roleRank(member.role) >= roleRank(min)
  }

  founderCount(): number {
    let n = 0
    for (const m of this.members.values()) if (m.role === 'founder') n++
    return n
  }

  /** Would removing or demoting `member` leave the community with no founder? (ROSTER-7) */
  isLastFounder(member: MemberId): boolean {
    return this.members.get(member)?.role === 'founder' && this.founderCount() === 1
  }

  admit(member: MemberId, role: Role, by: OpId, time: number): void {
    const rec: MemberRecord = { id: member, role, admittedBy: by, since: time, seniority: this.admissions++ }
    this.members.set(member, rec)
    this.everAdmitted.set(member, rec)
    this.departures.delete(member)
  }

  depart(member: MemberId, by: OpId, kind: 'removed' | 'left', time: number): void {
    this.members.delete(member)
    this.departures.set(member, { by, kind, time })
  }

  setRole(member: MemberId, role: Role): void {
    const rec = this.members.get(member)
    if (rec) {
      const next = { ...rec, role }
      this.members.set(member, next)
      this.everAdmitted.set(member, next)
    }
  }
}
