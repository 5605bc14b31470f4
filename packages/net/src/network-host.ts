/**
 * What PolityNetwork needs from the node, and nothing more: which
 * communities are ready, their secrets (for names), what a sync session
 * reads, writes and proves (SYNC-3), the ingest every op from the network
 * goes through, the peers to keep dialing (NET-P1), and how the roster judges
 * a peer's proof now (NET-G1, NET-G2). Keys stay in the
 * node: access proofs are built there, bound to the channel given here.
 */
import type { CommunityId } from '@polity/protocol'
import type { AccessControl, SyncTarget } from '@polity/sync'
import type { Admission, PeerProof } from './peer-gate'

/** The two ends of a connection, as access proofs bind them (SYNC-3): each side's libp2p peer id bytes. */
export interface ChannelBinding {
  readonly local: Uint8Array
  readonly remote: Uint8Array
}

/** What one sync session of a community uses. */
export interface SyncSessionView {
  readonly target: SyncTarget
  readonly access: AccessControl
}

export interface NetworkHost {
  /** Communities to serve, sync and gossip now (one still reloading behind its checkpoint is left out). */
  communities(): readonly CommunityId[]
  /** The community's secret, which names its gossip topic and rendezvous key (NET-2, NET-3); undefined when none is held. */
  secret(c: CommunityId): Uint8Array | undefined
  /** SEAL-5: a sealed community's current epoch name secret, which its names derive from instead (they move at each re-key). */
  epochSecret?(c: CommunityId): Uint8Array | undefined
  /** A sync session's target and access control over the connection `binding`; undefined when `c` is unknown or not ready. */
  syncSession(c: CommunityId, binding: ChannelBinding): SyncSessionView | undefined
  /** Verify, store and apply envelopes that came from the network (the gossip validator ends here). */
  ingest(c: CommunityId, envelopes: Uint8Array[]): Promise<{ applied: number; rejected: number }>
  /** Addresses to keep dialing until they answer (the inviters of joins still pending). */
  retryTargets(): readonly string[]
  /**
   * After each background round (syncAll): the peers connected once the retry targets were dialed, and per community
   * the peers a sync session completed with — so a pending join can say what its inviter's devices did (JOIN-1).
   */
  roundDone?(connected: readonly string[], synced: ReadonlyMap<CommunityId, ReadonlySet<string>>): void
  /** Addresses of members this device synced with before (NET-P1), re-dialed with backoff while not connected. */
  knownPeerTargets(): readonly string[]
  /** A session with `peer` for `c` completed (it passed SYNC-3): where it listens, each address ending in /p2p/<peer> (NET-P1). */
  rememberPeer(c: CommunityId, peer: string, addresses: readonly string[]): void
  /** A remembered peer whose member departed, or that failed SYNC-3: forget it, so it is not re-dialed (NET-G3). */
  forgetPeer(c: CommunityId, peer: string): void
  /** How our roster judges a proof a peer passed SYNC-3 with, now (NET-G1, NET-G2). */
  admission(c: CommunityId, proof: PeerProof): Admission
}
