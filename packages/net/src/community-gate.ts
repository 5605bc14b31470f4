/**
 * Only proven current members get a community's ops, on every path
 * (NET-G1..G5): the PeerGate's verdicts applied to the network.
 *
 * - Gossip (NET-G1): the per-peer topic filter on gossipsub (gossip-gate.ts),
 *   a graylisting app score for a peer subscribed to one of our topics it is
 *   not proven for, and the topic validator ignoring what such a peer sends.
 * - Sync (NET-G3): a peer that fails SYNC-3 is blocked from the community and
 *   disconnected (unless it is proven for another community we share), and
 *   its remembered addresses are forgotten (NET-P1).
 * - Roster changes (NET-G2): after every op our replica applies, proven
 *   peers are judged again; a departed member (removed, left, invite
 *   revoked) is cut off the same way; an invite that lapsed (used, contested,
 *   expired) is asked to prove again at once in a new session.
 */
import { peerIdFromString } from '@libp2p/peer-id'
import type { PeerId } from '@libp2p/interface'
import type { CommunityId } from '@polity/protocol'
import { installGossipGate, type GossipGate } from './gossip-gate'
import type { PolityLibp2p } from './libp2p-node'
import type { NetworkHost } from './network-host'
import { PeerGate, type PeerProof } from './peer-gate'

/** Topics of communities: the prefix every one of them has (NET-3); any we do not hold is closed to everyone. */
export const COMMUNITY_TOPIC_PREFIX = '/polity/ops/'

/** The app-specific score (weight 1) of a peer subscribed to a community topic it is not proven for: far below gossipsub's graylist threshold (−80). */
export const UNPROVEN_SUBSCRIBER_SCORE = -1000

export interface CommunityGateActions {
  /** Close every connection to the peer. */
  hangUp(peer: PeerId): void
  /** Run a session of `c` with the peer now (it proves again). */
  resync(c: CommunityId, peer: PeerId): void
}

export class CommunityGate {
  readonly peers: PeerGate
  private readonly topics = new Map<CommunityId, string>()
  private readonly communities = new Map<string, CommunityId>()
  private gossip: GossipGate | undefined
  private libp2p: PolityLibp2p | undefined

  constructor(private readonly host: Pick<NetworkHost, 'admission' | 'forgetPeer'>, private readonly actions: CommunityGateActions, blockMs?: number) {
    this.peers = new PeerGate({ admission: (c, p) => host.admission(c, p), ...(blockMs !== undefined ? { blockMs } : {}) })
  }

  attach(libp2p: PolityLibp2p): void {
    this.libp2p = libp2p
    this.gossip = installGossipGate(libp2p.services.pubsub, (peer, topic) => this.allowsTopic(peer, topic))
    libp2p.addEventListener('peer:disconnect', this.onDisconnect)
  }

  detach(): void {
    this.libp2p?.removeEventListener('peer:disconnect', this.onDisconnect)
    this.gossip?.uninstall()
    this.gossip = undefined
  }

  private readonly onDisconnect = (e: CustomEvent<PeerId>): void => {
    this.peers.dropPeer(e.detail.toString())
  }

  /** A community's topic, once joined. */
  addTopic(c: CommunityId, topic: string): void {
    this.topics.set(c, topic)
    this.communities.set(topic, c)
  }

  removeTopic(c: CommunityId): void {
    const t = this.topics.get(c)
    if (t !== undefined) this.communities.delete(t)
    this.topics.delete(c)
  }

  /** May `peer` exchange messages of `topic`? Other protocols' topics: yes; a community topic: only a proven peer of a community we hold. */
  allowsTopic(peer: string, topic: string): boolean {
    const c = this.communities.get(topic)
    if (c !== undefined) return this.peers.allows(c, peer)
    return !topic.startsWith(COMMUNITY_TOPIC_PREFIX)
  }

  allows(c: CommunityId, peer: string): boolean {
    return this.peers.allows(c, peer)
  }

  /** gossipsub's appSpecificScore: a subscriber of one of our topics it is not proven for is graylisted. */
  appScore(peer: string): number {
    const pubsub = this.libp2p?.services.pubsub
    if (!pubsub) return 0
    for (const [topic, c] of this.communities) {
      if (this.peers.allows(c, peer)) continue
      if (pubsub.getSubscribers(topic).some((p) => p.toString() === peer)) return UNPROVEN_SUBSCRIBER_SCORE
    }
    return 0
  }

  /** Tell every peer proven for `c` that we are subscribed to its topic (after joining it, NET-G1). */
  announce(c: CommunityId): void {
    const topic = this.topics.get(c)
    if (topic === undefined) return
    for (const id of this.peers.provenPeers(c)) this.gossip?.opened(id, topic)
  }

  /** The peer passed SYNC-3 for `c` (NET-G1). */
  proven(c: CommunityId, peer: PeerId, proof: PeerProof): void {
    const id = peer.toString()
    this.peers.prove(c, id, proof)
    // It may have been refused our subscription while unproven (or dropped it while it had not yet proven
    // itself to us): announce it at every proof, so gossip starts at once and recovers at the next session.
    const topic = this.topics.get(c)
    if (topic !== undefined && this.peers.allows(c, id)) this.gossip?.opened(id, topic)
  }

  /**
   * The peer failed SYNC-3 for `c` (or asked while blocked). A peer still proven for `c` on this connection
   * is kept: a newcomer proven by its invite proves next with its member key, which we cannot check until
   * its join reaches us — by gossip, which it may send us because it is proven (NET-G3).
   */
  refused(c: CommunityId, peer: PeerId, claim: PeerProof | undefined): void {
    if (this.peers.allows(c, peer.toString())) return
    this.cutOff(c, peer, claim)
  }

  /** Cut the peer off from `c`: blocked, forgotten, disconnected unless proven for another community (NET-G3). */
  cutOff(c: CommunityId, peer: PeerId, claim: PeerProof | undefined): void {
    const id = peer.toString()
    this.peers.block(c, id, claim)
    try {
      this.host.forgetPeer(c, id)
    } catch {
      // Forgetting is best effort; the block holds regardless.
    }
    if (!this.peers.provenElsewhere(id, c)) this.actions.hangUp(peer)
  }

  /** Judge `c`'s proven peers again after its roster may have changed (NET-G2). */
  review(c: CommunityId): void {
    for (const r of this.peers.review(c)) {
      const peer = peerIdFromString(r.peer)
      if (r.admission === 'departed') this.cutOff(c, peer, r.proof)
      else this.actions.resync(c, peer)
    }
  }

  /** Judge every community's proven peers again (expiry passes with time). */
  reviewAll(communities: Iterable<CommunityId>): void {
    for (const c of communities) this.review(c)
  }
}
