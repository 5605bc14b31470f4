/**
 * The Polity libp2p node (NET-1): TCP and WebSockets, noise, yamux,
 * identify, ping, a private-network Kademlia DHT, gossipsub, optional mDNS,
 * circuit relay v2 (client always; server on always-on peers), DCUtR and
 * bootstrap peers. Its peer key is separate from every member key.
 *
 * Every resource a remote peer can make us spend has a deliberate bound here
 * (connections, pending upgrades, connection rate per host, streams per
 * connection and per protocol, buffered bytes per stream, gossip message size);
 * see README.md for the table and the reasons.
 */
import { createLibp2p, type Libp2p } from 'libp2p'
import { tcp } from '@libp2p/tcp'
import { webSockets } from '@libp2p/websockets'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { identify, type Identify } from '@libp2p/identify'
import { ping, type Ping } from '@libp2p/ping'
import { kadDHT, passthroughMapper, type KadDHT } from '@libp2p/kad-dht'
import { gossipsub, StrictNoSign, type GossipSub } from '@libp2p/gossipsub'
import { mdns } from '@libp2p/mdns'
import { bootstrap } from '@libp2p/bootstrap'
import { circuitRelayServer, circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import { dcutr } from '@libp2p/dcutr'
import type { PeerDiscovery, PrivateKey } from '@libp2p/interface'
import { parseAddress } from './addresses'
import { GOSSIP_MAX_MESSAGE_BYTES } from './gossip'
import { deadConnectionSweeper } from './dead-connection-sweeper'

export interface PolityServices {
  identify: Identify
  ping: Ping
  dht: KadDHT
  pubsub: GossipSub
  [key: string]: unknown
}

export type PolityLibp2p = Libp2p<PolityServices>

/** The DHT protocol: our own, so Polity peers form their own small DHT and never join (or leak into) the IPFS one. */
export const POLITY_DHT_PROTOCOL = '/polity/kad/1.0.0'

export interface PolityLibp2pOptions {
  /** The node's libp2p key (generatePeerKey/peerKeyFromBytes); a fresh one when absent. */
  readonly privateKey?: PrivateKey
  /**
   * Listen addresses. Default DEFAULT_LISTEN: all interfaces, TCP and WebSockets, and `/p2p-circuit`
   * (reserve a slot on a relay this node meets, NET-5). Tests: ['/ip4/127.0.0.1/tcp/0', '/ip4/127.0.0.1/tcp/0/ws'].
   */
  readonly listen?: readonly string[]
  /** Addresses to announce instead of the listen addresses (e.g. a port-forwarded public address). */
  readonly announce?: readonly string[]
  /** Peers to connect to at start (e.g. from an invite link); each is checked with parseAddress. */
  readonly bootstrap?: readonly string[]
  /** Find peers on the LAN by multicast DNS. Default false here; the app turns it on, tests leave it off. */
  readonly mdns?: boolean
  /** Serve circuit relay v2 for others, with raised limits (`polity serve`, always-on peers). Default false. */
  readonly relayServer?: boolean
  /**
   * What each relayed connection through this relay may use (both directions together) and for how
   * long; the relay resets it after. Default NODE_LIMITS (1 GiB, 30 min); at most those.
   */
  readonly relayLimits?: { readonly dataBytes?: bigint; readonly durationMs?: number }
  /**
   * DHT mode. 'server' (default) answers DHT queries: in a small private
   * network nobody may have a public address, and a DHT of clients only has
   * nowhere to store records. 'client' only asks. 'auto' lets libp2p switch
   * to server once it has a public address.
   */
  readonly dhtMode?: 'server' | 'client' | 'auto'
  /** Most open connections. Default 128. */
  readonly maxConnections?: number
  /** Most connections one IP may open per second. Default 5 (libp2p's); tests on one loopback IP raise it. */
  readonly maxInboundConnectionsPerSecondPerHost?: number
  /** Peers refused at connection time (e.g. banned for breaking the protocol). */
  readonly isBanned?: (peerId: string) => boolean
  /**
   * gossipsub's app-specific score of a peer (weight 1; graylisted below −80). PolityNetwork gives a
   * peer subscribed to a community topic it is not proven for −1000 (NET-G1).
   */
  readonly gossipScore?: (peerId: string) => number
}

/**
 * `/p2p-circuit` alone asks the circuit relay transport to find relays (peers
 * that speak the hop protocol, met through bootstrap, invites, mDNS or the
 * DHT) and reserve a slot on one, so peers that cannot dial us reach us
 * through it (NET-5).
 */
export const CIRCUIT_LISTEN = '/p2p-circuit'

/** Listen addresses when none are given: every interface, TCP and WebSockets on free ports, and a relay reservation. */
export const DEFAULT_LISTEN: readonly string[] = ['/ip4/0.0.0.0/tcp/0', '/ip4/0.0.0.0/tcp/0/ws', CIRCUIT_LISTEN]

/** Limits a hostile peer meets; exported so tests and docs cite the same numbers. */
export const NODE_LIMITS = {
  maxConnections: 128,
  maxIncomingPendingConnections: 16,
  /** Per connection (yamux): concurrent streams the remote may open; more are reset. */
  maxInboundStreamsPerConnection: 256,
  maxOutboundStreamsPerConnection: 256,
  /** Per stream: bytes buffered while the reader is paused before the stream is reset. */
  maxStreamReadBuffer: 8 * 1024 * 1024,
  /** Per stream: bytes we queue for a peer that does not read before resetting. */
  maxStreamWriteBuffer: 8 * 1024 * 1024,
  /** Yamux flow-control window: below the read buffer, so a paused stream never overflows it. */
  maxStreamWindow: 2 * 1024 * 1024,
  /**
   * Relay server, per relayed connection: bytes in both directions together, and time (raised from
   * libp2p's 128 KiB / 2 min, which only suit hole-punch signalling: one sync batch is up to 1 MiB).
   */
  relayReservations: 128,
  relayDurationMs: 30 * 60_000,
  relayDataBytes: 1n << 30n,
} as const

const min = (a: bigint, b: bigint): bigint => (a < b ? a : b)

export async function createPolityLibp2p(o: PolityLibp2pOptions = {}): Promise<PolityLibp2p> {
  const dhtMode = o.dhtMode ?? 'server'
  const services: Record<string, unknown> = {
    identify: identify({ maxInboundStreams: 4, maxOutboundStreams: 4 }),
    ping: ping({ maxInboundStreams: 4, maxOutboundStreams: 4 }),
    dht: kadDHT({
      protocol: POLITY_DHT_PROTOCOL,
      // Undefined = auto (libp2p switches to server on a public address); false = server from the start.
      ...(dhtMode === 'auto' ? {} : { clientMode: dhtMode === 'client' }),
      // The default mapper strips private addresses; in a LAN or loopback community they are the only ones.
      peerInfoMapper: passthroughMapper,
      maxInboundStreams: 16,
      maxOutboundStreams: 16,
    }),
    pubsub: gossipsub({
      // NET-G1: our own messages go to the mesh (proven peers only: unproven subscribers are scored out of it,
      // and the gossip gate filters every RPC), not to every peer that claims the topic.
      floodPublish: false,
      scoreParams: {
        appSpecificScore: (p: string) => o.gossipScore?.(p) ?? 0,
        appSpecificWeight: 1,
      },
      // Publishing alone is not an error: sync is the backstop.
      allowPublishToZeroTopicPeers: true,
      ignoreDuplicatePublishError: true,
      // No libp2p signature on messages: our payloads are signed ops, and an
      // unsigned message does not name the peer that first published it. Ids are content hashes.
      globalSignaturePolicy: StrictNoSign,
      emitSelf: false,
      maxInboundDataLength: GOSSIP_MAX_MESSAGE_BYTES,
      // Members behind NATs meet over relays.
      runOnLimitedConnection: true,
      maxInboundStreams: 4,
      maxOutboundStreams: 4,
    }),
    dcutr: dcutr(),
    // Works around a libp2p/yamux zombie-connection state (see dead-connection-sweeper.ts).
    sweeper: deadConnectionSweeper(),
  }
  if (o.relayServer) {
    services['relay'] = circuitRelayServer({
      reservations: {
        maxReservations: NODE_LIMITS.relayReservations,
        // Always limited (applyDefaultLimit): a relay's bandwidth is someone's, and a relayed connection says so.
        applyDefaultLimit: true,
        defaultDurationLimit: Math.min(o.relayLimits?.durationMs ?? NODE_LIMITS.relayDurationMs, NODE_LIMITS.relayDurationMs),
        defaultDataLimit: min(o.relayLimits?.dataBytes ?? NODE_LIMITS.relayDataBytes, NODE_LIMITS.relayDataBytes),
      },
    })
  }
  const peerDiscovery: Array<(components: never) => PeerDiscovery> = []
  if (o.mdns) peerDiscovery.push(mdns() as never)
  if (o.bootstrap && o.bootstrap.length > 0) peerDiscovery.push(bootstrap({ list: o.bootstrap.map((a) => parseAddress(a).toString()) }) as never)
  const banned = (peer: { toString(): string }): boolean => o.isBanned?.(peer.toString()) ?? false
  const node = await createLibp2p({
    ...(o.privateKey ? { privateKey: o.privateKey } : {}),
    addresses: {
      listen: [...(o.listen ?? DEFAULT_LISTEN)],
      ...(o.announce ? { announce: [...o.announce] } : {}),
    },
    transports: [tcp(), webSockets(), circuitRelayTransport()],
    connectionEncrypters: [noise()],
    streamMuxers: [
      yamux({
        maxInboundStreams: NODE_LIMITS.maxInboundStreamsPerConnection,
        maxOutboundStreams: NODE_LIMITS.maxOutboundStreamsPerConnection,
        streamOptions: {
          maxStreamWindowSize: NODE_LIMITS.maxStreamWindow,
          maxReadBufferLength: NODE_LIMITS.maxStreamReadBuffer,
          maxWriteBufferLength: NODE_LIMITS.maxStreamWriteBuffer,
        },
      }),
    ],
    peerDiscovery: peerDiscovery as never,
    connectionGater: {
      denyDialPeer: async (peer) => banned(peer),
      denyInboundEncryptedConnection: async (peer) => banned(peer),
      denyOutboundEncryptedConnection: async (peer) => banned(peer),
      denyInboundRelayReservation: async (peer) => banned(peer),
      denyInboundRelayedConnection: async (relay, remote) => banned(relay) || banned(remote),
    },
    connectionManager: {
      maxConnections: o.maxConnections ?? NODE_LIMITS.maxConnections,
      maxIncomingPendingConnections: NODE_LIMITS.maxIncomingPendingConnections,
      inboundConnectionThreshold: o.maxInboundConnectionsPerSecondPerHost ?? 5,
    },
    services: services as never,
  })
  return node as unknown as PolityLibp2p
}
