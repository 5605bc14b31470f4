/**
 * The sync protocol on libp2p (SYNC-*, NET-4, NET-5): sessions are served
 * through `handleProtocol` and opened through `dialProtocol`, so they get
 * the frame limits, the per-connection stream and rate limits, and run over
 * relayed (limited) connections. A peer whose session breaks the protocol
 * (either side) is reported to `onBreach`; a refusal, a closed stream or a
 * relay that cut the connection at its limit is not a breach: the batches
 * that arrived whole stay applied, and the next session continues from
 * there (SYNC-4).
 */
import { randomBytes } from '@noble/hashes/utils.js'
import type { Connection, Libp2p, PeerId } from '@libp2p/interface'
import type { CommunityId } from '@polity/protocol'
import { SYNC_PROTOCOL, dialSync, listenSync, type Proof, type SessionStats } from '@polity/sync'
import { dialProtocol, handleProtocol } from './protocols'
import type { NetworkHost, SyncSessionView } from './network-host'
import type { PeerProof } from './peer-gate'

/** Error codes that show a peer broke the protocol: malformed or out-of-order messages, invalid ops (SYNC-2, SYNC-6), limits (SYNC-5), oversized frames (NET-4). */
const BREACH_CODES = new Set(['ERR_SYNC_PROTOCOL', 'ERR_SYNC_LIMIT', 'ERR_FRAME_TOO_LARGE'])

/** Whether a failed session shows the peer broke the protocol (rather than refusing us, going away, or losing its relay). */
export function breaksProtocol(err: unknown): boolean {
  return BREACH_CODES.has((err as { code?: unknown } | null)?.code as string)
}

export interface SyncServiceComponents {
  readonly libp2p: Libp2p
  readonly host: Pick<NetworkHost, 'syncSession'>
  /** Aborted when the network stops: every session ends. */
  readonly signal: AbortSignal
  /** A session completed; `connection` is the one it ran over. */
  onSession(community: CommunityId, stats: SessionStats, connection: Connection): void
  /** The peer broke the protocol in a session (either side). */
  onBreach(peer: PeerId, err: unknown): void
  /** The peer passed SYNC-3 for `community` (NET-G1): its proof verified against our roster. */
  onProven(community: CommunityId, peer: PeerId, proof: PeerProof): void
  /**
   * The peer failed SYNC-3 for a community we hold, or asked for one it is blocked from (NET-G3); `claim` is
   * what it offered; `forged`: a proof we took blind did not verify against the roster the session brought.
   */
  onRefused(community: CommunityId, peer: PeerId, claim: PeerProof | undefined, forged: boolean): void
  /** Whether `peer` is blocked from `community` (NET-G3): no session either way. */
  isBlocked(community: CommunityId, peer: PeerId): boolean
}

/** What one session saw of the peer's proof (SYNC-3). */
interface Witness {
  /** A proof that verified; `blind` when we had no roster to check it against (SYNC-3b). */
  accepted?: { proof: Proof; challenge: Uint8Array; blind: boolean }
  /** A proof that did not verify, or a blocked peer's attempt; `forged`: a blind proof the roster then refuted. */
  refused?: { claim: PeerProof | undefined; forged?: boolean }
}

const claimOf = (p: Proof): PeerProof => ({ kind: p.kind, key: p.key })

export interface SyncServiceInit {
  /** How long opening a session's stream may take (the session itself has its own limits, SYNC-5). Default 10 s. */
  readonly dialTimeoutMs?: number
  /** Wait before the one retry after a stream failed. Default 200 ms. */
  readonly retryDelayMs?: number
}

const nonce = (): Uint8Array => randomBytes(32)

export class SyncService {
  private readonly inFlight = new Set<string>()
  private unhandle: (() => Promise<void>) | undefined

  constructor(private readonly c: SyncServiceComponents, private readonly init: SyncServiceInit = {}) {}

  async start(): Promise<void> {
    this.unhandle = await handleProtocol(
      this.c.libp2p,
      SYNC_PROTOCOL,
      async (duplex, { remotePeer, connection, signal }) => {
        const w: Witness = {}
        let asked: CommunityId | undefined
        const resolve = (community: string): SyncSessionView | undefined => {
          asked = community as CommunityId
          return this.serving(asked, remotePeer, w)
        }
        try {
          const stats = await listenSync({ duplex, randomNonce: nonce, signal, resolve })
          if (stats.community) this.c.onSession(stats.community as CommunityId, stats, connection)
        } finally {
          if (asked && w.refused) this.c.onRefused(asked, remotePeer, w.refused.claim, false)
        }
      },
      {
        onError: (err, peer) => {
          if (process.env['POLITY_DEBUG']) console.error('sync listen failed:', err)
          if (breaksProtocol(err)) this.c.onBreach(peer, err)
        },
      },
    )
  }

  async stop(): Promise<void> {
    const u = this.unhandle
    this.unhandle = undefined
    await u?.()
  }

  /** Reconcile community `c` with `peer` (one retry when the stream itself failed). Undefined when no session completed. */
  async sync(c: CommunityId, peer: PeerId, signal?: AbortSignal): Promise<SessionStats | undefined> {
    const first = await this.once(c, peer, signal)
    if (first !== 'retry') return first
    await new Promise((r) => setTimeout(r, this.init.retryDelayMs ?? 200))
    const second = await this.once(c, peer, signal)
    return second === 'retry' ? undefined : second
  }

  private view(c: CommunityId, remote: PeerId): SyncSessionView | undefined {
    return this.c.host.syncSession(c, { local: this.c.libp2p.peerId.toMultihash().bytes, remote: remote.toMultihash().bytes })
  }

  /**
   * The view a session uses, its access control watched: a proof that verifies makes the peer proven at
   * once (NET-G1); one that does not is a refusal (NET-G3). A proof taken blind (SYNC-3b: we had no roster,
   * so we hold nothing to leak) counts at once too — the roster the session brings decides whether it
   * admits the peer — and its signature is checked against that roster when the session ends (`settle`).
   */
  private watched(c: CommunityId, remote: PeerId, v: SyncSessionView, w: Witness, blocked: boolean): SyncSessionView {
    return {
      target: v.target,
      access: {
        prove: (challenge) => v.access.prove(challenge),
        verify: (proof, challenge) => {
          if (blocked) {
            w.refused = { claim: claimOf(proof) }
            return false
          }
          const ok = v.access.verify(proof, challenge)
          if (!ok) {
            w.refused = { claim: claimOf(proof) }
            return false
          }
          w.accepted = { proof, challenge, blind: v.target.replica.roster().genesis === null }
          this.c.onProven(c, remote, claimOf(proof))
          return true
        },
      },
    }
  }

  /** After a session: a proof taken blind (SYNC-3b) is checked against the roster the session brought. */
  private settle(c: CommunityId, remote: PeerId, w: Witness): void {
    const a = w.accepted
    if (!a?.blind) return
    a.blind = false
    // No roster even now (the session failed early): the proof admits no one yet (admission needs a roster).
    const v = this.view(c, remote)
    if (!v || v.target.replica.roster().genesis === null) return
    if (v.access.verify(a.proof, a.challenge)) return
    w.refused = { claim: claimOf(a.proof), forged: true }
  }

  /** What a listener serves: only a community it holds a roster for (SYNC-3), and not to a peer blocked from it (NET-G3). */
  private serving(c: CommunityId, remote: PeerId, w: Witness): SyncSessionView | undefined {
    const v = this.view(c, remote)
    if (!v || !v.target.replica.roster().genesis) return undefined
    // A blocked peer gets the same refusal as anyone whose proof fails (nothing is learned).
    return this.watched(c, remote, v, w, this.c.isBlocked(c, remote))
  }

  private async once(c: CommunityId, peer: PeerId, signal?: AbortSignal): Promise<SessionStats | undefined | 'retry'> {
    const key = `${c}:${peer.toString()}`
    if (this.inFlight.has(key) || this.c.signal.aborted || this.c.isBlocked(c, peer)) return undefined
    const v = this.view(c, peer)
    if (!v) return undefined
    const w: Witness = {}
    const view = this.watched(c, peer, v, w, false)
    this.inFlight.add(key)
    const life = signal ? AbortSignal.any([this.c.signal, signal]) : this.c.signal
    try {
      const dialSignal = AbortSignal.any([life, AbortSignal.timeout(this.init.dialTimeoutMs ?? 10_000)])
      // The stream lives as long as `life`; dialSync closes it when the session ends either way.
      const duplex = await dialProtocol(this.c.libp2p, peer, SYNC_PROTOCOL, dialSignal, { signal: life })
      const stream = duplex.stream
      const connection = this.c.libp2p.getConnections(peer).find((x) => x.streams.includes(stream))
      const stats = await dialSync({ duplex, community: c, target: view.target, access: view.access, randomNonce: nonce, signal: life })
      this.settle(c, peer, w)
      if (connection && !w.refused) this.c.onSession(c, stats, connection)
      return stats
    } catch (e) {
      if (process.env['POLITY_DEBUG']) console.error('sync dial failed:', e)
      if (breaksProtocol(e)) {
        this.c.onBreach(peer, e)
        return undefined
      }
      // Refused, or the peer closed the session: nothing to retry. Only a stream that failed under us is retried once.
      if (life.aborted || String((e as { code?: unknown }).code).startsWith('ERR_SYNC')) return undefined
      return 'retry'
    } finally {
      this.inFlight.delete(key)
      this.settle(c, peer, w)
      if (w.refused) this.c.onRefused(c, peer, w.refused.claim, w.refused.forged === true)
    }
  }
}
