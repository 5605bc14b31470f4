/**
 * How the roster judges a peer's SYNC-3 proof now (NET-G1, NET-G2): a member
 * key is admitted while its member is active and departed once removed or
 * gone; an invite is admitted while open and unexpired, departed once
 * revoked, and lapsed once used up, contested or expired (its holder may
 * have joined, and proves again as a member).
 */
import { inviteOpen, toHex, type MemberId, type OpId, type RosterState } from '@polity/protocol'
import type { Admission, PeerProof } from '@polity/net'

export function admissionOf(roster: RosterState, proof: PeerProof, now: number): Admission {
  // SYNC-3b: with no roster yet (a new device waiting for a key: KEY-5, SYNC-9) there is nothing to judge and nothing to leak;
  // the blind proof stands (judged once a roster arrives, NET-G1), so the device keeps syncing with the member it asked.
  if (roster.genesis === null) return 'admitted'
  if (proof.kind === 'member') return roster.members.has(toHex(proof.key) as MemberId) ? 'admitted' : 'departed'
  const inv = roster.invites.get(toHex(proof.key) as OpId)
  if (!inv || inv.revoked) return 'departed'
  return inviteOpen(inv) && inv.expires >= now ? 'admitted' : 'lapsed'
}
