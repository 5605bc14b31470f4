/**
 * PolityNetwork: a node on the network, built only from this package's
 * helpers (NET-1..6, NET-P1, SYNC-*): the libp2p node (createPolityLibp2p),
 * sync sessions served and opened through handleProtocol/dialProtocol (so
 * they run over relayed connections), community gossip through joinGossip
 * (validator timeout, size cap, topic score), DHT rendezvous through
 * advertise/findRendezvousPeers (provider cap), a ban list for peers that
 * break the protocol, periodic reconciliation as the backstop, re-dialing of
 * remembered members with backoff, and an honest per-peer status.
 *
 * The node gives it a NetworkHost (what it needs from the node, nothing
 * more); it starts when the node unlocks and stops when it locks.
 */
import type { PeerId } from '@libp2p/interface'
import type { CommunityId } from '@polity/protocol'
import type { SessionStats } from '@polity/sync'
import { parseAddress, peerIdOfAddress, shareableAddresses } from './addresses'
import { BanList } from './ban-list'
import { CommunityGate } from './community-gate'
import { NetError, NetworkStartError, TopicAlreadyJoinedError } from './errors'
import { joinGossip, type GossipTopic } from './gossip'
import { createPolityLibp2p, type PolityLibp2p, type PolityLibp2pOptions } from './libp2p-node'
import { networkNames, type NetworkNames } from './names'
import type { NetworkHost } from './network-host'
import { PeerStatusBook, type PeerSyncStatus } from './peer-status'
import { RedialSchedule } from './redial'
import { advertise, findRendezvousPeers } from './rendezvous'
import { SyncService } from './sync-service'
import { serveDeviceLink, type DeviceLinkChannel } from './device-link'

export interface PolityNetworkInit extends Omit<PolityLibp2pOptions, 'isBanned' | 'gossipScore'> {
  /** How often every community is reconciled with every connected peer. Default 15 s. */
  readonly syncIntervalMs?: number
  /** How long a peer that broke the protocol stays banned. Default 10 min. */
  readonly banMs?: number
  /** How long a peer that failed SYNC-3, or whose member departed, stays blocked from the community (NET-G3). Default 10 min. */
  readonly blockMs?: number
  /** Re-dial remembered members (NET-P1). Default true; tests that count every session turn it off. */
  readonly redialKnownPeers?: boolean
  /** Most providers one rendezvous lookup looks at and dials (NET-2). Default 64. */
  readonly maxRendezvousPeers?: number
  /** A gossip message whose check takes longer is dropped quietly, not forwarded (NET-3). Default 5 s. */
  readonly gossipValidateTimeoutMs?: number
  /** A sync session of `community` with `peer` completed and its status (SYNC-7) was recorded; the node emits the API's `sync` event (BRIDGE-7). */
  readonly onSyncStatus?: (community: CommunityId, peer: string) => void
}

export const NETWORK_DEFAULTS = {
  syncIntervalMs: 15_000,
  banMs: 10 * 60_000,
  dialTimeoutMs: 10_000,
  discoverTimeoutMs: 20_000,
  maxRendezvousPeers: 64,
  gossipValidateTimeoutMs: 5_000,
  /** Addresses an invite link carries (public, then relayed, then LAN, then loopback). */
  inviteAddresses: 8,
  /** Pause after an outbound connection opens before reconciling over it (identify runs first). */
  connectSettleMs: 50,
} as const

export class PolityNetwork {
  private readonly status = new PeerStatusBook()
  private readonly redial = new RedialSchedule()
  private readonly topics = new Map<CommunityId, GossipTopic>()
  private readonly stopping = new AbortController()
  private readonly sync: SyncService
  private timer: ReturnType<typeof setInterval> | undefined

  private constructor(
    readonly libp2p: PolityLibp2p,
    private readonly host: NetworkHost,
    private readonly init: PolityNetworkInit,
    private readonly bans: BanList,
    private readonly gate: CommunityGate,
  ) {
    this.sync = new SyncService(
      {
        libp2p,
        host,
        signal: this.stopping.signal,
        onSession: (c, stats, connection) => {
          const proof = this.gate.peers.proofOf(c, connection.remotePeer.toString())
          this.status.record(c, stats, connection, proof?.kind === 'member' ? Buffer.from(proof.key).toString('hex') : null)
          try {
            this.init.onSyncStatus?.(c, connection.remotePeer.toString())
          } catch {
            // A listener's failure never affects the network.
          }
          // NET-P1 remembers only a peer still proven (a member, or a live invite's holder).
          if (this.gate.allows(c, connection.remotePeer.toString())) {
            this.remember(c, connection.remotePeer, connection.direction === 'outbound' ? connection.remoteAddr.toString() : undefined)
          }
        },
        onBreach: (peer) => this.ban(peer),
        onProven: (c, peer, proof) => this.gate.proven(c, peer, proof),
        onRefused: (c, peer, claim, forged) => (forged ? this.gate.cutOff(c, peer, claim) : this.gate.refused(c, peer, claim)),
        isBlocked: (c, peer) => this.gate.peers.isBlocked(c, peer.toString()),
      },
      { dialTimeoutMs: NETWORK_DEFAULTS.dialTimeoutMs },
    )
  }

  /** Start libp2p and join every community the host has ready. Throws NetworkStartError (or InvalidAddressError for a bad bootstrap address). */
  static async start(host: NetworkHost, init: PolityNetworkInit = {}): Promise<PolityNetwork> {
    const bans = new BanList(init.banMs ?? NETWORK_DEFAULTS.banMs)
    let net: PolityNetwork | undefined
    const gate = new CommunityGate(host, {
      hangUp: (peer) => void net?.libp2p.hangUp(peer).catch(() => undefined),
      resync: (c, peer) => void net?.syncPeer(c, peer).catch(() => undefined),
    }, init.blockMs)
    let libp2p: PolityLibp2p
    try {
      libp2p = await createPolityLibp2p({ ...init, isBanned: (p) => bans.isBanned(p), gossipScore: (p) => gate.appScore(p) })
    } catch (e) {
      // An address from outside that parseAddress refused keeps its own error; anything else (a port in use) is this one.
      if (e instanceof NetError) throw e
      throw new NetworkStartError(e)
    }
    gate.attach(libp2p)
    net = new PolityNetwork(libp2p, host, init, bans, gate)
    try {
      await net.begin()
    } catch (e) {
      await net.stop().catch(() => undefined)
      throw e instanceof NetError ? e : new NetworkStartError(e)
    }
    return net
  }

  private async begin(): Promise<void> {
    await this.sync.start()
    this.libp2p.addEventListener('connection:open', this.onConnectionOpen)
    for (const c of this.host.communities()) this.joinCommunity(c)
    this.timer = setInterval(() => {
      void this.syncAll().catch(() => undefined)
    }, this.init.syncIntervalMs ?? NETWORK_DEFAULTS.syncIntervalMs)
    // Coming back online: reach the members we synced with before at once, not one interval later (NET-P1).
    void this.syncAll().catch(() => undefined)
  }

  /** The side that dialed starts reconciling; the other answers (no duelling sessions). */
  private readonly onConnectionOpen = (e: CustomEvent<{ direction: string; remotePeer: PeerId }>): void => {
    if (e.detail.direction !== 'outbound') return
    const peer = e.detail.remotePeer
    setTimeout(() => {
      for (const c of this.host.communities()) void this.sync.sync(c, peer).catch(() => undefined)
    }, NETWORK_DEFAULTS.connectSettleMs)
  }

  async stop(): Promise<void> {
    if (this.stopping.signal.aborted) return
    this.stopping.abort()
    clearInterval(this.timer)
    this.libp2p.removeEventListener('connection:open', this.onConnectionOpen as never)
    for (const t of this.topics.values()) t.leave()
    this.topics.clear()
    this.gate.detach()
    await this.sync.stop().catch(() => undefined)
    await this.libp2p.stop()
  }

  /** DEVLINK-1: answer device-link exchanges on this node until the returned function is called. */
  serveDeviceLink(handler: (c: DeviceLinkChannel) => Promise<void>): Promise<() => Promise<void>> {
    return serveDeviceLink(this.libp2p, handler)
  }

  get peerId(): string {
    return this.libp2p.peerId.toString()
  }

  /** Every address we listen on (relayed ones included), each ending in /p2p/<our id>. */
  addresses(): string[] {
    return this.libp2p.getMultiaddrs().map((m) => m.toString())
  }

  /** The addresses an invite link carries: public first, then relayed, then LAN, then loopback. */
  inviteAddresses(max: number = NETWORK_DEFAULTS.inviteAddresses): string[] {
    return shareableAddresses(this.libp2p).slice(0, max)
  }

  connectedPeers(): string[] {
    return this.libp2p.getPeers().map((p) => p.toString())
  }

  online(): boolean {
    return this.libp2p.getPeers().length > 0
  }

  /** The peers of a community we completed a session with (SYNC-7). */
  peerStatus(c: CommunityId): PeerSyncStatus[] {
    return this.status.peers(c)
  }

  isBanned(peer: string): boolean {
    return this.bans.isBanned(peer)
  }

  private ban(peer: PeerId): void {
    this.bans.ban(peer.toString())
    this.libp2p.hangUp(peer).catch(() => undefined)
  }

  /** Subscribe to a community's gossip: every message passes the host's full check before it is delivered or forwarded (NET-3). */
  joinCommunity(c: CommunityId): GossipTopic | undefined {
    if (this.stopping.signal.aborted) return undefined
    const names = this.namesOf(c)
    const joined = this.topics.get(c)
    // SEAL-5: a re-key moved the community's names: leave the old topic, join the new one.
    if (joined && names && joined.topic === names.topic) return joined
    if (joined) {
      joined.leave()
      this.topics.delete(c)
      this.gate.removeTopic(c)
    }
    if (!names) return undefined
    // The gate must know the topic before gossipsub announces our subscription: a topic it does not know is
    // a community topic of nobody's, and every announcement of it would be filtered out (NET-G1).
    this.gate.addTopic(c, names.topic)
    let topic: GossipTopic
    try {
      topic = joinGossip(this.libp2p, names.topic, {
        validate: async (data, from) => {
          // NET-G1: what a peer not proven for this community sends is dropped unread.
          if (!this.gate.allows(c, from.toString())) return 'ignore'
          return (await this.host.ingest(c, [data])).rejected > 0 ? 'reject' : 'accept'
        },
        validateTimeoutMs: this.init.gossipValidateTimeoutMs ?? NETWORK_DEFAULTS.gossipValidateTimeoutMs,
      })
    } catch (e) {
      this.gate.removeTopic(c)
      // Two communities claiming one secret (a crafted invite): the first keeps the topic.
      if (e instanceof TopicAlreadyJoinedError) return undefined
      throw e
    }
    this.topics.set(c, topic)
    // Peers proven before we subscribed (or before a re-key moved the topic) hear of it now.
    this.gate.announce(c)
    return topic
  }

  /** The community's names now (NET-G6, SEAL-5): from its epoch secret when sealed, else its community secret. */
  private namesOf(c: CommunityId): NetworkNames | undefined {
    const secret = this.host.secret(c)
    if (!secret) return undefined
    const epochSecret = this.host.epochSecret?.(c)
    return networkNames(epochSecret ? { communitySecret: secret, epochSecret } : { communitySecret: secret })
  }

  /** Our replica of `c` applied ops: judge its proven peers again (NET-G2). Cheap: a roster look-up per proven peer. */
  rosterChanged(c: CommunityId): void {
    if (this.stopping.signal.aborted) return
    this.gate.review(c)
  }

  /** Peers proven for `c` now (NET-G1): the only ones its ops are exchanged with. */
  provenPeers(c: CommunityId): string[] {
    return this.gate.peers.provenPeers(c)
  }

  /** Whether `peer` is blocked from `c` (NET-G3). */
  isBlocked(c: CommunityId, peer: string): boolean {
    return this.gate.peers.isBlocked(c, peer)
  }

  /** Live push of an op's envelope (best effort: an op over the gossip cap, or no peer, is left to sync). */
  publish(c: CommunityId, envelope: Uint8Array): void {
    const topic = this.joinCommunity(c)
    topic?.publish(envelope, this.stopping.signal).catch(() => undefined)
  }

  /** Dial addresses (from an invite, a config file, a remembered peer); resolves with the peers reached. */
  async connect(addresses: readonly string[], signal?: AbortSignal): Promise<PeerId[]> {
    const out: PeerId[] = []
    for (const a of addresses) {
      if (this.stopping.signal.aborted) break
      try {
        const ma = parseAddress(a)
        // Already connected: use that connection. (libp2p would dial again, and a second relayed connection to
        // a peer may be closed while opening.) A direct address still dials when all we hold is a relayed one.
        const id = peerIdOfAddress(ma)
        const held = this.libp2p.getConnections().find((c) => c.status === 'open' && c.remotePeer.toString() === id)
        if (held && (held.limits === undefined || a.includes('/p2p-circuit'))) {
          out.push(held.remotePeer)
          continue
        }
        const s = AbortSignal.any([this.stopping.signal, AbortSignal.timeout(NETWORK_DEFAULTS.dialTimeoutMs), ...(signal ? [signal] : [])])
        const conn = await this.libp2p.dial(ma, { signal: s })
        out.push(conn.remotePeer)
      } catch {
        // Unreachable or refused addresses are normal (peers go offline); the others may work.
      }
    }
    return out
  }

  /** Reconcile one community with one peer. Undefined when no session completed (refused, unreachable, busy). */
  async syncPeer(c: CommunityId, peer: PeerId, signal?: AbortSignal): Promise<SessionStats | undefined> {
    return this.sync.sync(c, peer, signal)
  }

  /** Dial pending inviters and due remembered members, then reconcile every community with every connected peer. */
  async syncAll(signal?: AbortSignal): Promise<void> {
    const connected = new Set(this.connectedPeers())
    const retry = this.host.retryTargets().filter((a) => ![...connected].some((p) => a.endsWith(p)))
    const known = this.init.redialKnownPeers === false ? [] : this.redial.due(this.host.knownPeerTargets(), connected)
    if (retry.length > 0 || known.length > 0) await this.connect([...retry, ...known], signal)
    const peers = this.libp2p.getPeers()
    // Invites expire with time, not with an op: judge proven peers again each round (NET-G2).
    this.gate.reviewAll(this.host.communities())
    const synced = new Map<CommunityId, Set<string>>()
    for (const c of this.host.communities()) {
      this.joinCommunity(c)
      const done = new Set<string>()
      synced.set(c, done)
      for (const p of peers) {
        if (signal?.aborted) return
        if (await this.sync.sync(c, p, signal)) done.add(p.toString())
      }
    }
    // JOIN-1: every background attempt tells the host what it reached, not only acceptInvite's own.
    this.host.roundDone?.(peers.map((p) => p.toString()), synced)
  }

  /** Advertise and look up the community's rendezvous key in the DHT (NET-2); dials what is found; resolves with how many. */
  async discover(c: CommunityId, signal: AbortSignal = AbortSignal.timeout(NETWORK_DEFAULTS.discoverTimeoutMs)): Promise<number> {
    const names = this.namesOf(c)
    if (!names) return 0
    const key = names.rendezvous
    const s = AbortSignal.any([this.stopping.signal, signal])
    // Advertising is best effort: a small or empty DHT may not take the record yet.
    await advertise(this.libp2p, key, s).catch(() => 0)
    const found = await findRendezvousPeers(this.libp2p, key, s, { maxPeers: this.init.maxRendezvousPeers ?? NETWORK_DEFAULTS.maxRendezvousPeers })
    return found.length
  }

  /** NET-P1: tell the host where a member that passed a session listens, each address ending in its /p2p/ id. */
  private remember(c: CommunityId, peer: PeerId, dialed: string | undefined): void {
    const id = peer.toString()
    void this.libp2p.peerStore.get(peer).then(
      (p) => {
        // An outbound connection's address is dialable too; an inbound one is the peer's ephemeral source port.
        const listen = [...p.addresses.map((a) => a.multiaddr.toString()), ...(dialed ? [dialed] : [])]
        const full: string[] = []
        for (const a of listen) {
          try {
            const ma = parseAddress(peerIdOfAddressString(a) === id ? a : `${a}/p2p/${id}`)
            if (peerIdOfAddress(ma) === id && !full.includes(ma.toString())) full.push(ma.toString())
          } catch {
            // Not an address we would dial: not remembered.
          }
        }
        if (full.length > 0) this.host.rememberPeer(c, id, full)
      },
      () => undefined,
    )
  }
}

/** The last /p2p/ id of an address string, without parsing it. */
function peerIdOfAddressString(a: string): string | undefined {
  const i = a.lastIndexOf('/p2p/')
  if (i < 0) return undefined
  const rest = a.slice(i + 5)
  return rest.includes('/') ? undefined : rest
}
