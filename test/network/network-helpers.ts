/**
 * PolityNetwork instances (the code PolityNode runs on the network) on
 * 127.0.0.1 with small hosts: the network is real; the host stands in for
 * the node's side of NetworkHost. A ReplicaHost keeps a real Replica and
 * proves membership with a real member key, so sync sessions are real.
 */
import { randomBytes } from 'node:crypto'
import { KeyRing, Replica, inviteOpen, memberAgreeKeyPair, toHex, type AgreeKeyPair, type AnyOp, type CommunityId, type KeyPair, type MemberId, type OpId } from '@polity/protocol'
import { rosterAccess } from '@polity/sync'
import { PolityNetwork, type Admission, type ChannelBinding, type NetworkHost, type PeerProof, type PolityNetworkInit, type SyncSessionView } from '@polity/net'
import { createNativeCrypto } from '@polity/node'

/** Only loopback, mDNS off; every session explicit unless a test asks for the periodic one. */
export const QUIET: PolityNetworkInit = {
  listen: ['/ip4/127.0.0.1/tcp/0'],
  mdns: false,
  syncIntervalMs: 3_600_000,
  redialKnownPeers: false,
  maxInboundConnectionsPerSecondPerHost: 100,
}

export interface TestHostOptions {
  readonly community?: CommunityId
  readonly secret?: Uint8Array
  /** What the gossip validator's ingest answers (default: everything applies). */
  readonly ingest?: (envelopes: Uint8Array[]) => Promise<{ applied: number; rejected: number }>
}

/** A host with one community and no replica: for rendezvous and gossip. */
export class TestHost implements NetworkHost {
  readonly community: CommunityId
  readonly secretBytes: Uint8Array
  /** Every envelope handed to ingest, in order. */
  readonly ingested: Uint8Array[] = []
  readonly remembered = new Map<string, readonly string[]>()
  constructor(private readonly o: TestHostOptions = {}) {
    this.community = o.community ?? (randomBytes(32).toString('hex') as CommunityId)
    this.secretBytes = o.secret ?? new Uint8Array(randomBytes(32))
  }

  communities(): CommunityId[] {
    return [this.community]
  }

  secret(c: CommunityId): Uint8Array | undefined {
    return c === this.community ? this.secretBytes : undefined
  }

  syncSession(_c: CommunityId, _binding: ChannelBinding): SyncSessionView | undefined {
    return undefined
  }

  async ingest(_c: CommunityId, envelopes: Uint8Array[]): Promise<{ applied: number; rejected: number }> {
    this.ingested.push(...envelopes)
    return this.o.ingest ? this.o.ingest(envelopes) : { applied: envelopes.length, rejected: 0 }
  }

  retryTargets(): string[] {
    return []
  }

  knownPeerTargets(): string[] {
    return []
  }

  rememberPeer(_c: CommunityId, peer: string, addresses: readonly string[]): void {
    this.remembered.set(peer, addresses)
  }

  forgetPeer(_c: CommunityId, peer: string): void {
    this.remembered.delete(peer)
  }

  /** No roster: no peer is ever proven (NET-G1), so no gossip flows to or from a TestHost's peers. */
  admission(_c: CommunityId, _proof: PeerProof): Admission {
    return 'departed'
  }
}

/** A host with a real replica of one community, proving membership with `identity` (SYNC-3). */
export class ReplicaHost extends TestHost {
  readonly replica: Replica
  /**
   * In a sealed community the replica holds the member's own agree key (KEY-1, as a node does) and any
   * `agree` keys given (the founder's, say: it opens epoch 0 and by the chain every later one).
   */
  constructor(community: CommunityId, secret: Uint8Array, private readonly identity: KeyPair, ops: readonly AnyOp[] = [], agree: readonly AgreeKeyPair[] = []) {
    super({ community, secret })
    this.replica = new Replica({ community, crypto: createNativeCrypto(), keyRing: new KeyRing([memberAgreeKeyPair(identity.secretKey), ...agree]) })
    this.load(ops)
  }

  load(ops: readonly AnyOp[]): void {
    for (const op of ops) this.replica.receive(op)
  }

  override syncSession(c: CommunityId, binding: ChannelBinding): SyncSessionView | undefined {
    if (c !== this.community) return undefined
    return {
      target: { replica: this.replica, ingest: async (envs) => this.apply(envs) },
      access: rosterAccess({ replica: this.replica, community: c, identity: this.identity, localBinding: binding.local, remoteBinding: binding.remote }),
    }
  }

  override async ingest(_c: CommunityId, envelopes: Uint8Array[]): Promise<{ applied: number; rejected: number }> {
    return this.gossipIngest ? this.gossipIngest(envelopes) : this.apply(envelopes)
  }

  /** What the gossip validator's ingest answers, when a test gossips bytes that are not ops. */
  gossipIngest: ((envelopes: Uint8Array[]) => Promise<{ applied: number; rejected: number }>) | undefined

  /** The node's rule (NET-G1, NET-G2), on this replica's roster. */
  override admission(_c: CommunityId, proof: PeerProof): Admission {
    const roster = this.replica.roster()
    if (roster.genesis === null) return 'departed'
    if (proof.kind === 'member') return roster.members.has(toHex(proof.key) as MemberId) ? 'admitted' : 'departed'
    const inv = roster.invites.get(toHex(proof.key) as OpId)
    if (!inv || inv.revoked) return 'departed'
    return inviteOpen(inv) && inv.expires >= Date.now() ? 'admitted' : 'lapsed'
  }

  private apply(envelopes: Uint8Array[]): { applied: number; rejected: number } {
    let applied = 0
    let rejected = 0
    for (const e of envelopes) {
      const r = this.replica.receive(e)
      if (r.status === 'applied') applied += r.applied.length
      else if (r.status === 'rejected') rejected++
    }
    return { applied, rejected }
  }
}

/** Networks that always stop. */
export class NetworkSet {
  readonly nets: PolityNetwork[] = []

  async add(host: NetworkHost, init: PolityNetworkInit = {}): Promise<PolityNetwork> {
    const n = await PolityNetwork.start(host, { ...QUIET, ...init })
    this.nets.push(n)
    return n
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.nets.splice(0).map((n) => n.stop()))
  }
}

/** A network's loopback TCP address (with /p2p/). */
export function directAddress(n: PolityNetwork): string {
  const a = n.addresses().find((s) => s.startsWith('/ip4/127.0.0.1/tcp/') && !s.includes('/ws') && !s.includes('p2p-circuit'))
  if (!a) throw new Error('network has no loopback TCP address')
  return a
}
