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
import { SYNC_PROTOCOL, dialSync, listenSync, type SessionStats } from '@polity/sync'
import { dialProtocol, handleProtocol } from './protocols'
import type { NetworkHost, SyncSessionView } from './network-host'

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
}

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
        const stats = await listenSync({ duplex, randomNonce: nonce, signal, resolve: (community) => this.serving(community as CommunityId, remotePeer) })
        if (stats.community) this.c.onSession(stats.community as CommunityId, stats, connection)
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

  /** What a listener serves: only a community it holds a roster for (SYNC-3). */
  private serving(c: CommunityId, remote: PeerId): SyncSessionView | undefined {
    const v = this.view(c, remote)
    return v && v.target.replica.roster().genesis ? v : undefined
  }

  private async once(c: CommunityId, peer: PeerId, signal?: AbortSignal): Promise<SessionStats | undefined | 'retry'> {
    const key = `${c}:${peer.toString()}`
    if (this.inFlight.has(key) || this.c.signal.aborted) return undefined
    const view = this.view(c, peer)
    if (!view) return undefined
    this.inFlight.add(key)
    const life = signal ? AbortSignal.any([this.c.signal, signal]) : this.c.signal
    try {
      const dialSignal = AbortSignal.any([life, AbortSignal.timeout(this.init.dialTimeoutMs ?? 10_000)])
      // The stream lives as long as `life`; dialSync closes it when the session ends either way.
      const duplex = await dialProtocol(this.c.libp2p, peer, SYNC_PROTOCOL, dialSignal, { signal: life })
      const stream = duplex.stream
      const connection = this.c.libp2p.getConnections(peer).find((x) => x.streams.includes(stream))
      const stats = await dialSync({ duplex, community: c, target: view.target, access: view.access, randomNonce: nonce, signal: life })
      if (connection) this.c.onSession(c, stats, connection)
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
    }
  }
}
