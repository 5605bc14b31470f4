/**
 * DHT rendezvous (NET-2): members provide the community's rendezvous key (see
 * names.ts) in Polity's private Kademlia DHT and look it up to find each
 * other. Only holders of the community secret can compute the key, so the DHT
 * learns opaque keys and peer ids, never which community they belong to.
 */
import type { Libp2p, PeerId } from '@libp2p/interface'
import type { KadDHT } from '@libp2p/kad-dht'
import type { CID } from 'multiformats/cid'
import { NetAbortedError, RendezvousError } from './errors'

type DhtNode = Libp2p<{ dht: KadDHT }>

/**
 * Announce this node as a provider of `key` (stored locally and on the DHT
 * peers closest to the key). Resolves with how many peers acknowledged the
 * record; throws RendezvousError when the DHT query failed, NetAbortedError on abort.
 * Records expire (kad-dht re-provides them while the node runs).
 */
export async function advertise(node: DhtNode, key: CID, signal: AbortSignal): Promise<number> {
  let stored = 0
  try {
    for await (const ev of node.services.dht.provide(key, { signal })) {
      if (ev.name === 'PEER_RESPONSE' && ev.messageName === 'ADD_PROVIDER') stored++
    }
  } catch (e) {
    if (signal.aborted) throw new NetAbortedError('Advertising the rendezvous key', e)
    throw new RendezvousError('No DHT peer took the rendezvous record; connect to a member first.', e)
  }
  return stored
}

export interface FindRendezvousOptions {
  /** Dial each provider found. Default true. */
  readonly dial?: boolean
  /** Stop after this many providers (a hostile DHT peer could list thousands). Default 64. */
  readonly maxPeers?: number
  /** Per-dial timeout. Default 5 s. */
  readonly dialTimeoutMs?: number
}

export interface RendezvousPeer {
  readonly id: PeerId
  /** Whether we hold a connection to it when the call returns. */
  readonly connected: boolean
}

/**
 * Look up the providers of `key` (other than us) and, by default, dial them.
 * A timeout or abort ends the walk and returns what was found so far.
 */
export async function findRendezvousPeers(node: DhtNode, key: CID, signal: AbortSignal, o: FindRendezvousOptions = {}): Promise<RendezvousPeer[]> {
  const maxPeers = o.maxPeers ?? 64
  const found = new Map<string, { id: PeerId; dial: Promise<boolean> }>()
  const dial = async (id: PeerId, addrs: ReadonlyArray<import('@multiformats/multiaddr').Multiaddr>): Promise<boolean> => {
    if (o.dial === false) return node.getConnections(id).length > 0
    try {
      const target = addrs.length > 0 ? [...addrs] : id
      await node.dial(target, { signal: AbortSignal.any([signal, AbortSignal.timeout(o.dialTimeoutMs ?? 5_000)]) })
      return true
    } catch {
      // Providers go offline; their records outlive them.
      return node.getConnections(id).length > 0
    }
  }
  try {
    for await (const ev of node.services.dht.findProviders(key, { signal })) {
      if (ev.name !== 'PROVIDER') continue
      for (const p of ev.providers) {
        if (p.id.equals(node.peerId) || found.has(p.id.toString())) continue
        found.set(p.id.toString(), { id: p.id, dial: dial(p.id, p.multiaddrs) })
        if (found.size >= maxPeers) break
      }
      if (found.size >= maxPeers) break
    }
  } catch {
    // A timeout, an abort or a query error ends the walk; what was found stays found.
  }
  const out: RendezvousPeer[] = []
  for (const { id, dial: d } of found.values()) out.push({ id, connected: await d })
  return out
}
