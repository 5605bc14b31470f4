/**
 * Invite links (LINK-1 in docs/PROTOCOL.md):
 *
 *   polity://join?c=<community id hex>&i=<invite op id hex>&k=<invite secret, base64url>
 *                &s=<community secret, base64url>&e=<epoch name secret, base64url>
 *                &n=<community name>&a=<multiaddr>&a=…
 *
 * The invite secret (SEAL-4) gives the key that signs the join proof and the
 * agree key the invite's op wraps the community's epoch key to: with it the
 * joiner opens the community's history (EPOCH-8). The epoch name secret
 * (SEAL-5) names the rendezvous key, the gossip topic and the y-webrtc room
 * of the epoch the invite was made in, so a waiting invitee finds the
 * members before it holds a key. Anyone holding the link can join and read
 * (until it is used up, revoked or expired), so it is shared privately, like
 * a house key.
 */
import type { CommunityId, OpId } from '@polity/protocol'
import { InvalidInviteError } from './errors'

export interface InviteLinkData {
  readonly community: CommunityId
  readonly invite: OpId
  readonly inviteSecret: Uint8Array
  readonly communitySecret: Uint8Array
  readonly name: string
  readonly addresses: readonly string[]
  /** SEAL-5: the name secret of the epoch the invite was made in (absent in a link without `e=`). */
  readonly epochSecret?: Uint8Array | undefined
}

const HEX64 = /^[0-9a-f]{64}$/

const b64url = (b: Uint8Array): string => Buffer.from(b).toString('base64url')

function fromB64url(s: string | null, what: string): Uint8Array {
  if (!s || !/^[A-Za-z0-9_-]{43}$/.test(s)) throw new InvalidInviteError(`the ${what} is missing or damaged`)
  return new Uint8Array(Buffer.from(s, 'base64url'))
}

export function encodeInviteLink(d: InviteLinkData): string {
  const q = new URLSearchParams()
  q.set('c', d.community)
  q.set('i', d.invite)
  q.set('k', b64url(d.inviteSecret))
  q.set('s', b64url(d.communitySecret))
  if (d.epochSecret) q.set('e', b64url(d.epochSecret))
  q.set('n', d.name)
  for (const a of d.addresses) q.append('a', a)
  return `polity://join?${q.toString()}`
}

export function decodeInviteLink(link: string): InviteLinkData {
  if (typeof link !== 'string' || link.length > 8192) throw new InvalidInviteError('it is not an invite link')
  const trimmed = link.trim()
  const at = trimmed.indexOf('join?')
  if (!trimmed.startsWith('polity://') || at < 0) throw new InvalidInviteError('it should start with polity://join?')
  const q = new URLSearchParams(trimmed.slice(at + 'join?'.length))
  const community = q.get('c') ?? ''
  const invite = q.get('i') ?? ''
  if (!HEX64.test(community)) throw new InvalidInviteError('the community id is missing or damaged')
  if (!HEX64.test(invite)) throw new InvalidInviteError('the invite id is missing or damaged')
  const addresses = q.getAll('a').filter((a) => a.startsWith('/') && a.length < 512).slice(0, 16)
  return {
    community: community as CommunityId,
    invite: invite as OpId,
    inviteSecret: fromB64url(q.get('k'), 'invite secret'),
    communitySecret: fromB64url(q.get('s'), 'community secret'),
    epochSecret: q.has('e') ? fromB64url(q.get('e'), 'epoch name secret') : undefined,
    name: (q.get('n') ?? '').slice(0, 120),
    addresses,
  }
}
