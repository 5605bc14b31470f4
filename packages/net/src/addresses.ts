/**
 * Peer addresses in and out of the node (NET-6): what an invite link carries,
 * and the checks applied to every address that arrives from outside (an
 * invite, a config file, a peer) before anything is dialed.
 */
import { peerIdFromString } from '@libp2p/peer-id'
import { isLoopback, isPrivate } from '@libp2p/utils'
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr'
import type { Libp2p } from '@libp2p/interface'
import { InvalidAddressError } from './errors'

/** Longest address string accepted from untrusted input. */
export const MAX_ADDRESS_LENGTH = 512
/** Most addresses accepted from one untrusted list (an invite). */
export const MAX_ADDRESSES = 16

/** The only protocols an address may use: what our transports can dial, nothing else (no unix sockets, no memory transport). */
const ALLOWED = new Set(['ip4', 'ip6', 'dns', 'dns4', 'dns6', 'tcp', 'ws', 'wss', 'tls', 'sni', 'p2p', 'p2p-circuit'])
const UNSPECIFIED = new Set(['0.0.0.0', '::', '0:0:0:0:0:0:0:0'])

/**
 * Parse one address from untrusted input. It must be a multiaddr made only of
 * dialable protocols, with a port in range and ending in a valid `/p2p/<peer id>`.
 * Throws InvalidAddressError (never anything else) on garbage.
 */
export function parseAddress(input: unknown): Multiaddr {
  if (typeof input !== 'string') throw new InvalidAddressError(String(input).slice(0, 80), 'it is not a string')
  if (input.length === 0 || input.length > MAX_ADDRESS_LENGTH) throw new InvalidAddressError(input, `it must be 1–${MAX_ADDRESS_LENGTH} characters`)
  if (!input.startsWith('/')) throw new InvalidAddressError(input, 'a multiaddr starts with "/"')
  let ma: Multiaddr
  try {
    ma = multiaddr(input)
  } catch {
    throw new InvalidAddressError(input, 'it is not a valid multiaddr')
  }
  const parts = ma.getComponents()
  if (parts.length > 12) throw new InvalidAddressError(input, 'it has too many parts')
  for (const p of parts) {
    if (!ALLOWED.has(p.name)) throw new InvalidAddressError(input, `the "${p.name}" protocol is not allowed`)
    if ((p.name === 'ip4' || p.name === 'ip6') && p.value !== undefined && UNSPECIFIED.has(p.value)) throw new InvalidAddressError(input, 'it is an unspecified (listen-only) address')
    if (p.name === 'tcp') {
      const port = Number(p.value)
      if (!Number.isInteger(port) || port < 1 || port > 65535) throw new InvalidAddressError(input, 'its port is out of range')
    }
  }
  const last = parts[parts.length - 1]
  if (last?.name !== 'p2p' || last.value === undefined) throw new InvalidAddressError(input, 'it must end with /p2p/<peer id>')
  for (const p of parts) {
    if (p.name !== 'p2p' || p.value === undefined) continue
    try {
      peerIdFromString(p.value)
    } catch {
      throw new InvalidAddressError(input, 'its peer id is not valid')
    }
  }
  return ma
}

/** Parse a list of addresses from untrusted input (e.g. an invite); any bad entry refuses the whole list. */
export function parseAddresses(input: unknown, max = MAX_ADDRESSES): Multiaddr[] {
  if (!Array.isArray(input)) throw new InvalidAddressError(String(input).slice(0, 80), 'expected a list of addresses')
  if (input.length > max) throw new InvalidAddressError(`[${input.length} addresses]`, `at most ${max} addresses are accepted`)
  return input.map((a) => parseAddress(a))
}

/** The peer id string an address ends with (the last /p2p/ part), or undefined. */
export function peerIdOfAddress(ma: Multiaddr): string | undefined {
  const last = ma.getComponents().at(-1)
  return last?.name === 'p2p' ? last.value : undefined
}

export interface ShareableAddressOptions {
  /** Include 127.0.0.1/::1 addresses (tests, same-machine peers). Default true. */
  readonly loopback?: boolean
  /** Include LAN (private range) addresses. Default true: communities meet on LANs when the internet is cut. */
  readonly lan?: boolean
}

function rank(ma: Multiaddr): number {
  if (ma.toString().includes('/p2p-circuit')) return 1
  if (isLoopback(ma)) return 3
  return isPrivate(ma) ? 2 : 0
}

/**
 * The node's addresses to put in an invite link, each ending in /p2p/<our id>:
 * public first, then relayed, then LAN, then loopback. Unlike libp2p's DHT
 * defaults, LAN and loopback addresses are kept (see ShareableAddressOptions).
 */
export function shareableAddresses(node: Libp2p, o: ShareableAddressOptions = {}): string[] {
  const self = node.peerId.toString()
  const out = new Set<string>()
  const sorted = [...node.getMultiaddrs()].sort((a, b) => rank(a) - rank(b))
  for (const ma of sorted) {
    if (o.loopback === false && isLoopback(ma)) continue
    if (o.lan === false && !isLoopback(ma) && isPrivate(ma)) continue
    const withId = peerIdOfAddress(ma) === self ? ma : ma.encapsulate(`/p2p/${self}`)
    out.add(withId.toString())
  }
  return [...out]
}
