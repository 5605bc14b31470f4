/**
 * The node on the network (NET-*, SYNC-*): libp2p plus the sync protocol,
 * gossip for live push, periodic reconciliation as the backstop, DHT
 * rendezvous under a key derived from each community's secret, a ban list for
 * peers that break the protocol, and an honest per-peer status.
 */
import { randomBytes } from '@noble/hashes/utils.js'
import { TopicValidatorResult } from '@libp2p/gossipsub'
import type { Connection, PeerId } from '@libp2p/interface'
import { multiaddr } from '@multiformats/multiaddr'
import { toHex, type AnyOp, type CommunityId, type KeyPair, type OpId, type Replica, type Verifier } from '@polity/protocol'
import { SYNC_PROTOCOL, SyncAccessError, dialSync, listenSync, rosterAccess, type AccessControl, type SessionStats, type SyncTarget } from '@polity/sync'
import { communityTopic, createPolityLibp2p, parseAddress, rendezvousKey, streamFrames, type PolityLibp2p, type PolityLibp2pOptions } from '@polity/net'
import type { PeerStatus, SyncStatus } from '@polity/api'

export interface NetworkOptions extends PolityLibp2pOptions {
  /** How often every community is reconciled with connected peers (ms). */
  readonly syncIntervalMs?: number
  /** How long a peer that broke the protocol stays banned (ms). */
  readonly banMs?: number
  /** Re-dial remembered members (NET-P1). Default true; tests that count every session turn it off. */
  readonly redialKnownPeers?: boolean
}

/** What the network needs from the node, and nothing more. */
export interface NetworkHost {
  communities(): CommunityId[]
  replica(c: CommunityId): Replica | undefined
  secret(c: CommunityId): Uint8Array | undefined
  identity(): KeyPair | undefined
  pendingInvite(c: CommunityId): { id: OpId; key: KeyPair } | undefined
  ingest(c: CommunityId, envelopes: Uint8Array[]): Promise<{ applied: number; rejected: number }>
  /** Envelopes of held ops, read from the store (the replica keeps none in memory). */
  envelopes(c: CommunityId, ids: readonly OpId[]): Promise<(Uint8Array | undefined)[]>
  readonly verify: Verifier
  /** Addresses to keep dialing (inviters of joins still pending). */
  retryTargets(): string[]
  /** Addresses of members this device synced with before (NET-P1), re-dialed with backoff while not connected. */
  knownPeerTargets(): string[]
  /** A sync session with `peer` for community `c` completed: remember where it listens (NET-P1). */
  rememberPeer(c: CommunityId, peer: string, addresses: string[]): void
}

/** Backoff for re-dialing remembered peers: 5 s doubling to 5 min, reset when the dial works. */
const KNOWN_PEER_BACKOFF_MIN = 5_000
const KNOWN_PEER_BACKOFF_MAX = 300_000

interface PeerRecord {
  lastHeard: number
  transport: string
  theyLack: number
  weLack: number
}

const transportOf = (c: Connection): string => {
  const s = c.remoteAddr.toString()
  return s.includes('/p2p-circuit') ? 'relay' : s.includes('/ws') ? 'websocket' : s.includes('/tcp') ? 'tcp' : 'other'
}

export class NodeNetwork {
  private readonly banned = new Map<string, number>()
  private readonly status = new Map<string, Map<string, PeerRecord>>()
  private readonly topics = new Map<string, CommunityId>()
  private readonly inFlight = new Set<string>()
  /** Remembered address → when it may be dialed again and the current backoff. */
  private readonly redial = new Map<string, { at: number; backoff: number }>()
  private timer: ReturnType<typeof setInterval> | undefined
  private stopped = false
  private constructor(readonly libp2p: PolityLibp2p, private readonly host: NetworkHost, private readonly o: NetworkOptions) {}

  static async start(host: NetworkHost, o: NetworkOptions = {}): Promise<NodeNetwork> {
    let self: NodeNetwork | undefined
    const libp2p = await createPolityLibp2p({ ...o, isBanned: (p) => self?.isBanned(p) ?? false })
    self = new NodeNetwork(libp2p, host, o)
    await self.begin()
    return self
  }

  private isBanned(peer: string): boolean {
    const until = this.banned.get(peer)
    if (until === undefined) return false
    if (until < Date.now()) {
      this.banned.delete(peer)
      return false
    }
    return true
  }

  private ban(peer: PeerId): void {
    this.banned.set(peer.toString(), Date.now() + (this.o.banMs ?? 10 * 60_000))
    this.libp2p.hangUp(peer).catch(() => undefined)
  }

  private async begin(): Promise<void> {
    await this.libp2p.handle(SYNC_PROTOCOL, (stream, connection) => {
      const remote = connection.remotePeer
      listenSync({
        duplex: streamFrames(stream),
        randomNonce: () => randomBytes(32),
        resolve: (c) => {
          const community = c as CommunityId
          const replica = this.host.replica(community)
          if (!replica || !replica.roster().genesis) return undefined
          return { target: this.target(community), access: this.access(community, remote) }
        },
      }).then(
        (s) => this.record(s, connection),
        (e: unknown) => {
          if (process.env['POLITY_DEBUG']) console.error('sync listen failed:', e)
          // A peer that is merely not a member is refused; one that breaks the protocol is cut off.
          if (!(e instanceof SyncAccessError) && (e as { code?: string }).code !== 'ERR_SYNC_CLOSED') this.ban(remote)
        },
      )
    }, { maxInboundStreams: 8, maxOutboundStreams: 8 })
    this.libp2p.addEventListener('connection:open', (e) => {
      // The side that dialed starts reconciling; the other answers (no duelling sessions).
      if (e.detail.direction !== 'outbound') return
      const peer = e.detail.remotePeer
      setTimeout(() => {
        for (const c of this.host.communities()) void this.syncPeer(c, peer).catch(() => undefined)
      }, 50)
    })
    for (const c of this.host.communities()) this.joinTopic(c)
    this.timer = setInterval(() => {
      void this.syncAll().catch(() => undefined)
    }, this.o.syncIntervalMs ?? 15_000)
    // Coming back online: reach the members we synced with before at once, not one interval later (NET-P1).
    void this.syncAll().catch(() => undefined)
  }

  addresses(): string[] {
    return this.libp2p.getMultiaddrs().map((m) => m.toString())
  }

  get peerId(): string {
    return this.libp2p.peerId.toString()
  }

  async stop(): Promise<void> {
    this.stopped = true
    if (this.timer) clearInterval(this.timer)
    await this.libp2p.stop()
  }

  private target(c: CommunityId): SyncTarget {
    return { replica: this.host.replica(c) as Replica, ingest: (envs) => this.host.ingest(c, envs), envelopes: (ids) => this.host.envelopes(c, ids) }
  }

  private access(c: CommunityId, remote: PeerId): AccessControl {
    const identity = this.host.identity()
    const invite = this.host.pendingInvite(c)
    return rosterAccess({
      replica: this.host.replica(c) as Replica,
      community: c,
      ...(identity ? { identity } : {}),
      ...(invite ? { invite } : {}),
      localBinding: this.libp2p.peerId.toMultihash().bytes,
      remoteBinding: remote.toMultihash().bytes,
      verify: this.host.verify,
    })
  }

  private record(s: SessionStats, connection: Connection): void {
    if (!s.community) return
    let m = this.status.get(s.community)
    if (!m) this.status.set(s.community, (m = new Map()))
    const peer = connection.remotePeer
    m.set(peer.toString(), { lastHeard: Date.now(), transport: transportOf(connection), theyLack: s.theyLacked, weLack: s.weLacked })
    // The session passed access control, so the peer is a member (or our inviter): remember where it listens (NET-P1).
    const community = s.community as CommunityId
    void this.libp2p.peerStore.get(peer).then(
      (p) => {
        const listen = p.addresses.map((a) => a.multiaddr.toString())
        // An outbound connection's address is dialable too; an inbound one is the peer's ephemeral source port.
        if (connection.direction === 'outbound') listen.push(connection.remoteAddr.toString())
        this.host.rememberPeer(community, peer.toString(), listen)
      },
      () => undefined,
    )
  }

  /** Remembered addresses of peers we are not connected to whose backoff has passed; each dial doubles its backoff. */
  private dueKnownPeers(): string[] {
    const now = Date.now()
    const connected = new Set(this.libp2p.getPeers().map((p) => p.toString()))
    const out: string[] = []
    for (const a of this.host.knownPeerTargets()) {
      if ([...connected].some((p) => a.endsWith(`/p2p/${p}`))) {
        this.redial.delete(a)
        continue
      }
      const r = this.redial.get(a) ?? { at: 0, backoff: KNOWN_PEER_BACKOFF_MIN / 2 }
      if (r.at > now) continue
      const backoff = Math.min(r.backoff * 2, KNOWN_PEER_BACKOFF_MAX)
      this.redial.set(a, { at: now + backoff, backoff })
      out.push(a)
    }
    return out
  }

  /** Subscribe to a community's gossip topic; ops arrive through the verifying validator. */
  joinTopic(c: CommunityId): void {
    const secret = this.host.secret(c)
    if (!secret) return
    const topic = communityTopic(secret)
    if (this.topics.has(topic)) return
    this.topics.set(topic, c)
    const pubsub = this.libp2p.services.pubsub
    pubsub.topicValidators.set(topic, async (_peer, msg) => {
      try {
        const r = await this.host.ingest(c, [msg.data])
        return r.rejected > 0 ? TopicValidatorResult.Reject : TopicValidatorResult.Accept
      } catch {
        return TopicValidatorResult.Reject
      }
    })
    pubsub.subscribe(topic)
  }

  /** Live push of an op this node authored (gossip is best effort; sync is the backstop). */
  publish(c: CommunityId, op: AnyOp): void {
    const secret = this.host.secret(c)
    if (!secret || this.stopped) return
    this.joinTopic(c)
    this.libp2p.services.pubsub.publish(communityTopic(secret), op.bytes).catch(() => undefined)
  }

  /** Dial addresses (from an invite or config); resolves with the peers reached. */
  async connect(addresses: readonly string[], signal?: AbortSignal): Promise<PeerId[]> {
    const out: PeerId[] = []
    for (const a of addresses) {
      try {
        const conn = await this.libp2p.dial(parseAddress(a), { signal: signal ?? AbortSignal.timeout(10_000) })
        out.push(conn.remotePeer)
      } catch {
        // Unreachable addresses are normal (peers go offline); the others may work.
      }
    }
    return out
  }

  /** Reconcile one community with one peer (one retry if the stream itself failed). */
  async syncPeer(c: CommunityId, peer: PeerId, signal?: AbortSignal): Promise<SessionStats | undefined> {
    const first = await this.syncPeerOnce(c, peer, signal)
    if (first !== 'retry') return first
    await new Promise((r) => setTimeout(r, 200))
    const second = await this.syncPeerOnce(c, peer, signal)
    return second === 'retry' ? undefined : second
  }

  private async syncPeerOnce(c: CommunityId, peer: PeerId, signal?: AbortSignal): Promise<SessionStats | undefined | 'retry'> {
    const key = `${c}:${peer.toString()}`
    if (this.inFlight.has(key) || this.stopped) return undefined
    const replica = this.host.replica(c)
    if (!replica) return undefined
    this.inFlight.add(key)
    try {
      const stream = await this.libp2p.dialProtocol(peer, SYNC_PROTOCOL, { signal: signal ?? AbortSignal.timeout(10_000) })
      const connection = this.libp2p.getConnections(peer)[0]
      const s = await dialSync({ duplex: streamFrames(stream), community: c, target: this.target(c), access: this.access(c, peer), randomNonce: () => randomBytes(32), ...(signal ? { signal } : {}) })
      if (connection) this.record(s, connection)
      return s
    } catch (e) {
      if (process.env['POLITY_DEBUG']) console.error('sync dial failed:', e)
      return e instanceof SyncAccessError || (e as { code?: string }).code?.startsWith('ERR_SYNC') ? undefined : 'retry'
    } finally {
      this.inFlight.delete(key)
    }
  }

  async syncAll(): Promise<void> {
    const retry = this.host.retryTargets().filter((a) => !this.libp2p.getPeers().some((p) => a.endsWith(p.toString())))
    const known = this.o.redialKnownPeers === false ? [] : this.dueKnownPeers()
    // A remembered peer reached again leaves the backoff table in dueKnownPeers (it is connected), so its next absence starts at 5 s.
    if (retry.length > 0 || known.length > 0) await this.connect([...retry, ...known])
    const peers = this.libp2p.getPeers()
    for (const c of this.host.communities()) {
      this.joinTopic(c)
      for (const p of peers) await this.syncPeer(c, p)
    }
  }

  /** Advertise and look up the community's rendezvous key in the DHT; dial what is found. */
  async discover(c: CommunityId, signal: AbortSignal = AbortSignal.timeout(20_000)): Promise<number> {
    const secret = this.host.secret(c)
    if (!secret) return 0
    const key = rendezvousKey(secret)
    const dht = this.libp2p.services.dht
    try {
      for await (const ev of dht.provide(key, { signal })) void ev
    } catch {
      // Advertising is best effort: a small or empty DHT may not take it yet.
    }
    let found = 0
    try {
      for await (const ev of dht.findProviders(key, { signal })) {
        if (ev.name !== 'PROVIDER') continue
        for (const p of ev.providers) {
          if (p.id.equals(this.libp2p.peerId)) continue
          found++
          await this.libp2p.dial(p.multiaddrs.length > 0 ? p.multiaddrs : p.id, { signal: AbortSignal.timeout(5000) }).catch(() => undefined)
        }
      }
    } catch {
      // Timeouts end the walk; what was found stays found.
    }
    return found
  }

  statusOf(c: CommunityId, replica: Replica): SyncStatus {
    const peers: PeerStatus[] = [...(this.status.get(c) ?? new Map<string, PeerRecord>()).entries()].map(([peer, r]) => ({ peer, ...r }))
    const connected = this.libp2p.getPeers().length > 0
    const known = replica.size + replica.pendingCount() + replica.missing().length
    return { online: connected, peers, received: replica.size, known, pendingOps: replica.pendingCount() }
  }

  addressFor(peer: string): string | undefined {
    return this.libp2p.getConnections().find((c) => c.remotePeer.toString() === peer)?.remoteAddr.toString()
  }

  static multiaddr = multiaddr
}
