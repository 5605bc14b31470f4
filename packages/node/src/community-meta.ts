/**
 * What the node keeps per community besides its ops, sealed under the data
 * key in the store's metadata (`community/<id>`): the community secret, a
 * pending join (the invite, its secret, the name to take, the inviter's
 * addresses) the members' devices this one synced with (NET-P1) and the
 * community's epoch keys (KEY-4: a restart opens everything again). The
 * record is read field by field, own keys only; a field that is not what
 * it should be is left out, never trusted.
 */
import { parseAddress, peerIdOfAddress } from '@polity/net'
import type { CborValue, CommunityId, OpId } from '@polity/protocol'

export interface PendingJoin {
  readonly invite: OpId
  readonly inviteSecret: Uint8Array
  readonly name: string
  /** The community's name from the link (`n`), shown until its genesis arrives (never the member's own name). */
  readonly communityName?: string | undefined
  /** The inviter's addresses from the link, re-dialed until the join completes. */
  readonly addresses: readonly string[]
  /** SEAL-5: the epoch name secret the link carried (`e=`): where the members are while no epoch key is held here. */
  readonly epochSecret?: Uint8Array | undefined
}

export interface KnownPeer {
  readonly addrs: readonly string[]
  readonly seen: number
}

export interface CommunityMeta {
  readonly secret: Uint8Array | undefined
  readonly pendingJoin: PendingJoin | undefined
  /** libp2p peer id → listen addresses and when (NET-P1). */
  readonly peers: ReadonlyMap<string, KnownPeer>
  /** KEY-4: epoch id → epoch key, every key this member holds (each is checked against its commitment again on load). */
  readonly keys: ReadonlyMap<OpId, Uint8Array>
  /** JOIN-1: joined here, and no member's device is known to hold the join yet. */
  readonly joinUnconfirmed?: boolean
  /** JOIN-2: the join was cancelled: the community is forgotten on this device until its link is accepted again. */
  readonly cancelled?: boolean
}

/** NET-P1: remembered peers per community, and addresses per peer. */
export const KNOWN_PEERS_MAX = 16
export const KNOWN_PEER_ADDRS_MAX = 8
const HOUR = 3600_000
/** Epoch keys read back at most (a KeyRing holds at most 4,096 keys waiting for their commitment). */
const MAX_KEPT_KEYS = 4096

export const metaKey = (c: CommunityId): string => `community/${c}`
export const META_PREFIX = 'community/'

export function encodeMeta(m: CommunityMeta): CborValue {
  const pj = m.pendingJoin
  return {
    secret: m.secret ?? null,
    pendingJoin: pj ? { invite: pj.invite, inviteSecret: pj.inviteSecret, name: pj.name, communityName: pj.communityName ?? '', addresses: [...pj.addresses], epochSecret: pj.epochSecret ?? null } : null,
    peers: [...m.peers.entries()].map(([peer, p]) => ({ peer, addrs: [...p.addrs], seen: p.seen })),
    keys: [...m.keys.entries()].map(([epoch, key]) => [epoch, key]),
    joinUnconfirmed: m.joinUnconfirmed === true,
    cancelled: m.cancelled === true,
  }
}

const isMap = (v: CborValue | undefined): v is { [k: string]: CborValue } =>
  v !== null && v !== undefined && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Uint8Array)
const own = (o: { [k: string]: CborValue }, k: string): CborValue | undefined => (Object.hasOwn(o, k) ? o[k] : undefined)
const strings = (v: CborValue | undefined): string[] => (Array.isArray(v) ? v.filter((a): a is string => typeof a === 'string') : [])

export function decodeMeta(v: CborValue): CommunityMeta {
  const m = isMap(v) ? v : {}
  const secret = own(m, 'secret')
  const pj = own(m, 'pendingJoin')
  let pendingJoin: PendingJoin | undefined
  if (isMap(pj)) {
    const invite = own(pj, 'invite')
    const inviteSecret = own(pj, 'inviteSecret')
    const name = own(pj, 'name')
    if (typeof invite === 'string' && inviteSecret instanceof Uint8Array) {
      const epochSecret = own(pj, 'epochSecret')
      const communityName = own(pj, 'communityName')
      pendingJoin = {
        communityName: typeof communityName === 'string' ? communityName : '',
        invite: invite as OpId, inviteSecret, name: typeof name === 'string' ? name : '', addresses: strings(own(pj, 'addresses')),
        epochSecret: epochSecret instanceof Uint8Array && epochSecret.length === 32 ? epochSecret : undefined,
      }
    }
  }
  const peers = new Map<string, KnownPeer>()
  const list = own(m, 'peers')
  for (const p of Array.isArray(list) ? list.slice(0, KNOWN_PEERS_MAX) : []) {
    if (!isMap(p)) continue
    const peer = own(p, 'peer')
    const seen = own(p, 'seen')
    if (typeof peer !== 'string' || !Array.isArray(own(p, 'addrs'))) continue
    peers.set(peer, { addrs: strings(own(p, 'addrs')).slice(0, KNOWN_PEER_ADDRS_MAX), seen: typeof seen === 'number' ? seen : 0 })
  }
  const keys = new Map<OpId, Uint8Array>()
  const kl = own(m, 'keys')
  for (const e of Array.isArray(kl) ? kl.slice(0, MAX_KEPT_KEYS) : []) {
    if (Array.isArray(e) && typeof e[0] === 'string' && /^[0-9a-f]{64}$/.test(e[0]) && e[1] instanceof Uint8Array && e[1].length === 32) keys.set(e[0] as OpId, e[1])
  }
  return {
    secret: secret instanceof Uint8Array ? secret : undefined, pendingJoin, peers, keys,
    joinUnconfirmed: own(m, 'joinUnconfirmed') === true, cancelled: own(m, 'cancelled') === true,
  }
}

/**
 * NET-P1: remember a member's listen addresses: each completed with
 * `/p2p/<peer>` and kept only if dialable and that peer's own; at most 16
 * peers (the most recent) of 8 addresses each. Returns whether the record
 * changed (the same addresses seen again within the hour do not count).
 */
export function rememberPeer(peers: Map<string, KnownPeer>, peer: string, addresses: readonly string[], now: number): boolean {
  const addrs: string[] = []
  for (const a of addresses) {
    const full = a.includes('/p2p/') ? a : `${a}/p2p/${peer}`
    try {
      if (peerIdOfAddress(parseAddress(full)) === peer && !addrs.includes(full)) addrs.push(full)
    } catch {
      // Not dialable (or not this peer's): skip it.
    }
    if (addrs.length >= KNOWN_PEER_ADDRS_MAX) break
  }
  if (addrs.length === 0) return false
  const before = peers.get(peer)
  const same = before !== undefined && before.addrs.length === addrs.length && before.addrs.every((a, i) => a === addrs[i])
  if (same && now - before.seen < HOUR) return false
  peers.set(peer, { addrs, seen: now })
  if (peers.size > KNOWN_PEERS_MAX) {
    const oldest = [...peers.entries()].sort((a, b) => a[1].seen - b[1].seen)[0]
    if (oldest) peers.delete(oldest[0])
  }
  return true
}
