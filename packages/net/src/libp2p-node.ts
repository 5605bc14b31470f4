/**
 * The Polity libp2p node (NET-1): TCP and WebSockets, noise, yamux,
 * identify, ping, a private-network Kademlia DHT, gossipsub, optional mDNS,
 * circuit relay v2 (client always; server on always-on peers) and DCUtR.
 * Its peer key is separate from every member key.
 */
import { createLibp2p, type Libp2p } from 'libp2p'
import { tcp } from '@libp2p/tcp'
import { webSockets } from '@libp2p/websockets'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { identify } from '@libp2p/identify'
import { ping } from '@libp2p/ping'
import { kadDHT, passthroughMapper, type KadDHT } from '@libp2p/kad-dht'
import { gossipsub, type GossipSub } from '@libp2p/gossipsub'
import { mdns } from '@libp2p/mdns'
import { bootstrap } from '@libp2p/bootstrap'
import { circuitRelayServer, circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import { dcutr } from '@libp2p/dcutr'
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys'
import type { PrivateKey } from '@libp2p/interface'
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr'
import { InvalidAddressError } from './errors'

export interface PolityServices {
  identify: ReturnType<ReturnType<typeof identify>>
  ping: ReturnType<ReturnType<typeof ping>>
  dht: KadDHT
  pubsub: GossipSub
  [key: string]: unknown
}

export type PolityLibp2p = Libp2p<PolityServices>

export interface PolityLibp2pOptions {
  readonly privateKey?: PrivateKey
  /** e.g. ['/ip4/127.0.0.1/tcp/0', '/ip4/127.0.0.1/tcp/0/ws'] */
  readonly listen?: readonly string[]
  readonly bootstrap?: readonly string[]
  readonly mdns?: boolean
  /** Serve circuit relay v2 for others (always-on peers). */
  readonly relayServer?: boolean
  /** Most open connections. */
  readonly maxConnections?: number
  /** Peers refused at connection time (e.g. banned for breaking the protocol). */
  readonly isBanned?: (peerId: string) => boolean
}

export async function generatePeerKey(): Promise<PrivateKey> {
  return generateKeyPair('Ed25519')
}

export const peerKeyToBytes = (k: PrivateKey): Uint8Array => privateKeyToProtobuf(k)
export const peerKeyFromBytes = (b: Uint8Array): PrivateKey => privateKeyFromProtobuf(b)

/** Parse an address from untrusted input (an invite link, a config file). */
export function parseAddress(address: string): Multiaddr {
  if (typeof address !== 'string' || address.length > 512 || !address.startsWith('/')) throw new InvalidAddressError(String(address))
  try {
    const ma = multiaddr(address)
    if (!ma.getComponents().some((c) => c.name === 'p2p')) throw new Error('no peer id')
    return ma
  } catch {
    throw new InvalidAddressError(address)
  }
}

export async function createPolityLibp2p(o: PolityLibp2pOptions = {}): Promise<PolityLibp2p> {
  const services: Record<string, unknown> = {
    identify: identify(),
    ping: ping({ maxOutboundStreams: 8, maxInboundStreams: 8 }),
    // A small private network: keep LAN and loopback addresses, our own protocol, and serve.
    dht: kadDHT({ protocol: '/polity/kad/1.0.0', clientMode: false, peerInfoMapper: passthroughMapper, allowQueryWithZeroPeers: true }),
    pubsub: gossipsub({
      floodPublish: true,
      allowPublishToZeroTopicPeers: true,
      emitSelf: false,
      maxInboundDataLength: 512 * 1024,
    }),
    dcutr: dcutr(),
  }
  if (o.relayServer) services['relay'] = circuitRelayServer({ reservations: { maxReservations: 256, defaultDurationLimit: 10 * 60_000, defaultDataLimit: 1n << 30n } })
  const peerDiscovery = []
  if (o.mdns) peerDiscovery.push(mdns())
  if (o.bootstrap && o.bootstrap.length > 0) peerDiscovery.push(bootstrap({ list: [...o.bootstrap] }))
  const node = await createLibp2p({
    ...(o.privateKey ? { privateKey: o.privateKey } : {}),
    addresses: { listen: [...(o.listen ?? ['/ip4/0.0.0.0/tcp/0', '/ip4/0.0.0.0/tcp/0/ws'])] },
    transports: [tcp(), webSockets(), circuitRelayTransport()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    peerDiscovery,
    connectionGater: {
      denyDialMultiaddr: async () => false,
      denyDialPeer: async (peer) => o.isBanned?.(peer.toString()) ?? false,
      denyInboundEncryptedConnection: async (peer) => o.isBanned?.(peer.toString()) ?? false,
    },
    connectionManager: { maxConnections: o.maxConnections ?? 128 },
    services: services as never,
  })
  return node as unknown as PolityLibp2p
}
