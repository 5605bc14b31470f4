/**
 * Invite links (LINK-1, LINK-2 in docs/PROTOCOL.md):
 *
 *   polity://join?v=2&c=<community id hex>&i=<invite op id hex>&k=<invite secret, base64url>
 *                &s=<community secret, base64url>&e=<epoch name secret, base64url>
 *                &n=<community name>&a=<multiaddr>&a=…&x=<checksum>
 *
 * LINK-2: `x` (last) is a checksum over every field, so a link with one
 * character changed, or cut short, is refused with what is wrong instead of
 * being accepted and joining nothing. A link without `v` (made before) is
 * still read, without the checksum, but must hold its name (`n`).
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
import { sha256 } from '@noble/hashes/sha2.js'
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

/** LINK-2: the first 12 bytes of SHA-256 over the fields, as base64url (16 characters). */
export function linkChecksum(q: URLSearchParams): string {
  const fields = [q.get('c') ?? '', q.get('i') ?? '', q.get('k') ?? '', q.get('s') ?? '', q.get('e') ?? '', q.get('n') ?? '', ...q.getAll('a')]
  const digest = sha256(new TextEncoder().encode(`polity/invite-link/v2\0${JSON.stringify(fields)}`))
  return b64url(digest.subarray(0, 12))
}

/** What a v2 link needs, in the order it carries them (a link cut short lacks the last ones, the checksum first). */
const REQUIRED: readonly (readonly [string, string])[] = [
  ['c', 'the community id'], ['i', 'the invite id'], ['k', 'the invite secret'], ['s', 'the community secret'], ['n', 'the community name'], ['x', 'the checksum'],
]

function checkWhole(q: URLSearchParams): void {
  const v = q.get('v')
  if (v === null) return
  if (v !== '2') throw new InvalidInviteError('it was made by a newer version of Polity; update Polity to use it')
  const missing = REQUIRED.filter(([k]) => !q.has(k)).map(([, what]) => what)
  if (missing.length > 0) {
    const list = missing.length === 1 ? missing[0]! : `${missing.slice(0, -1).join(', ')} and ${missing[missing.length - 1]!}`
    throw new InvalidInviteError(`the link is cut short: ${list} ${missing.length === 1 ? 'is' : 'are'} missing (rule LINK-2); copy the whole link again`)
  }
}

export function encodeInviteLink(d: InviteLinkData): string {
  const q = new URLSearchParams()
  q.set('v', '2')
  q.set('c', d.community)
  q.set('i', d.invite)
  q.set('k', b64url(d.inviteSecret))
  q.set('s', b64url(d.communitySecret))
  if (d.epochSecret) q.set('e', b64url(d.epochSecret))
  q.set('n', d.name)
  for (const a of d.addresses) q.append('a', a)
  q.set('x', linkChecksum(q))
  return `polity://join?${q.toString()}`
}

export function decodeInviteLink(link: string): InviteLinkData {
  if (typeof link !== 'string' || link.length > 8192) throw new InvalidInviteError('it is not an invite link')
  const trimmed = link.trim()
  const at = trimmed.indexOf('join?')
  if (!trimmed.startsWith('polity://') || at < 0) throw new InvalidInviteError('it should start with polity://join?')
  const q = new URLSearchParams(trimmed.slice(at + 'join?'.length))
  checkWhole(q)
  const community = q.get('c') ?? ''
  const invite = q.get('i') ?? ''
  if (!HEX64.test(community)) throw new InvalidInviteError('the community id is missing or damaged')
  if (!HEX64.test(invite)) throw new InvalidInviteError('the invite id is missing or damaged')
  const addresses = q.getAll('a').filter((a) => a.startsWith('/') && a.length < 512).slice(0, 16)
  const out: InviteLinkData = {
    community: community as CommunityId,
    invite: invite as OpId,
    inviteSecret: fromB64url(q.get('k'), 'invite secret'),
    communitySecret: fromB64url(q.get('s'), 'community secret'),
    epochSecret: q.has('e') ? fromB64url(q.get('e'), 'epoch name secret') : undefined,
    name: (q.get('n') ?? '').slice(0, 120),
    addresses,
  }
  // A link from before LINK-2: every one carried `n`; without it the link was cut short.
  if (!q.has('n')) throw new InvalidInviteError('the link is cut short: the community name and what follows it are missing (rule LINK-2); copy the whole link again')
  const x = q.get('x')
  if (x !== null && x !== linkChecksum(q)) {
    throw new InvalidInviteError('a character of it was changed or lost on the way — its checksum does not match (rule LINK-2); ask for the link again')
  }
  return out
}
