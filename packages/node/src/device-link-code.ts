/**
 * The device-link link and its cryptography (DEVLINK-1..4 in
 * docs/PROTOCOL.md), pure: the link text, the keys derived from its secret,
 * the MAC the new device proves knowledge of the secret with, and the sealed
 * identity the offering device answers with.
 *
 *   polity://device?v=1&t=<secret, base64url>&a=<multiaddr>&a=…&x=<checksum>
 */
import { hkdf } from '@noble/hashes/hkdf.js'
import { hmac } from '@noble/hashes/hmac.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js'
import { concatBytes } from '@polity/protocol'
import { DeviceLinkError } from './errors'

const enc = new TextEncoder()
const b64url = (b: Uint8Array): string => Buffer.from(b).toString('base64url')

export interface DeviceLinkData {
  readonly secret: Uint8Array
  readonly addresses: readonly string[]
}

function checksum(q: URLSearchParams): string {
  const fields = [q.get('t') ?? '', ...q.getAll('a')]
  return b64url(sha256(enc.encode(`polity/device-link/v1\0${JSON.stringify(fields)}`)).subarray(0, 12))
}

export function encodeDeviceLink(d: DeviceLinkData): string {
  const q = new URLSearchParams()
  q.set('v', '1')
  q.set('t', b64url(d.secret))
  for (const a of d.addresses) q.append('a', a)
  q.set('x', checksum(q))
  return `polity://device?${q.toString()}`
}

/** DEVLINK-1: read a link; a damaged or cut one is refused with what is wrong. */
export function decodeDeviceLink(link: unknown): DeviceLinkData {
  if (typeof link !== 'string' || link.length > 8192) throw new DeviceLinkError('This is not a device link.')
  const text = link.trim()
  if (!text.startsWith('polity://device?')) throw new DeviceLinkError('A device link starts with polity://device? (rule DEVLINK-1).')
  const q = new URLSearchParams(text.slice('polity://device?'.length))
  if (q.get('v') !== '1') throw new DeviceLinkError('This device link was made by another version of Polity.')
  if (!q.has('x')) throw new DeviceLinkError('The device link is cut short: its end (the checksum) is missing (rule DEVLINK-1); copy the whole link again.')
  const t = q.get('t') ?? ''
  if (!/^[A-Za-z0-9_-]{43}$/.test(t)) throw new DeviceLinkError('The device link\'s secret is missing or damaged (rule DEVLINK-1).')
  if (q.get('x') !== checksum(q)) throw new DeviceLinkError('A character of the device link was changed or lost: its checksum does not match (rule DEVLINK-1).')
  const addresses = q.getAll('a').filter((a) => a.startsWith('/') && a.length < 512).slice(0, 16)
  if (addresses.length === 0) throw new DeviceLinkError('The device link holds no address of the other device (rule DEVLINK-1).')
  return { secret: new Uint8Array(Buffer.from(t, 'base64url')), addresses }
}

/** DEVLINK-2: the transcript both sides bind the exchange to (both nonces, both libp2p ids, noise-authenticated). */
export function transcript(offerNonce: Uint8Array, newNonce: Uint8Array, offerPeer: string, newPeer: string): Uint8Array {
  return concatBytes(enc.encode('polity/device-link/v1\0'), offerNonce, newNonce, enc.encode(`${offerPeer}\0${newPeer}`))
}

/** DEVLINK-2: the new device's proof that it holds the link's secret. */
export function linkMac(secret: Uint8Array, t: Uint8Array): Uint8Array {
  return hmac(sha256, hkdf(sha256, secret, undefined, enc.encode('polity/device-link/mac/v1'), 32), t)
}

/** Constant-time equality of two MACs. */
export function sameMac(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  let d = 0
  for (let i = 0; i < a.length; i++) d |= a[i]! ^ b[i]!
  return d === 0
}

/** DEVLINK-3: the identity sealed to this exchange (a key from the secret and both nonces; the transcript as associated data). */
export function sealForLink(secret: Uint8Array, t: Uint8Array, plain: Uint8Array, nonce: Uint8Array): Uint8Array {
  const key = hkdf(sha256, secret, t, enc.encode('polity/device-link/seal/v1'), 32)
  return concatBytes(nonce, xchacha20poly1305(key, nonce, t).encrypt(plain))
}

export function openFromLink(secret: Uint8Array, t: Uint8Array, sealed: Uint8Array): Uint8Array {
  if (sealed.length < 24 + 16) throw new DeviceLinkError('The other device\'s answer is damaged (rule DEVLINK-3).')
  const key = hkdf(sha256, secret, t, enc.encode('polity/device-link/seal/v1'), 32)
  try {
    return xchacha20poly1305(key, sealed.subarray(0, 24), t).decrypt(sealed.subarray(24))
  } catch {
    throw new DeviceLinkError('The other device\'s answer does not open with this link: it is not the device that made the link (rule DEVLINK-3).')
  }
}
