/**
 * Stream protocols as frame duplexes (NET-4): register a handler with
 * deliberate limits, or open a stream to a peer. Handler failures never
 * escape (a hostile peer cannot crash the node through them); they reset the
 * stream and are reported to `onError`.
 */
import { isPeerId, type Connection, type Libp2p, type PeerId } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import { NetAbortedError, ProtocolDialError } from './errors'
import { streamFrames, type FrameStream, type FrameStreamOptions } from './frames'

export interface ProtocolLimits {
  /** Concurrent inbound streams of this protocol per connection; more are reset by libp2p. Default 8. */
  readonly maxInboundStreamsPerConnection?: number
  /** Concurrent outbound streams of this protocol per connection. Default 8. */
  readonly maxOutboundStreamsPerConnection?: number
  /** Concurrent handler runs across ALL connections; more are reset at once. Default 64. */
  readonly maxConcurrentHandlers?: number
  /**
   * New streams of this protocol one connection may open per second; more are
   * reset before the handler runs. The concurrent limit alone does not stop a
   * peer that opens and closes streams in a loop. Default 32.
   */
  readonly maxNewStreamsPerConnectionPerSecond?: number
  /** Largest frame either way. Default MAX_FRAME_BYTES (4 MiB). */
  readonly maxFrameBytes?: number
  /** No traffic for this long resets a stream. Default 60 s. */
  readonly idleTimeoutMs?: number
  /**
   * Run over relayed (limited) connections too. Default true: a relayed
   * connection is how two members behind NATs reach each other.
   */
  readonly runOnLimitedConnection?: boolean
}

export interface InboundInfo {
  readonly remotePeer: PeerId
  readonly connection: Connection
  /** Aborted when the node stops or the handler is removed. */
  readonly signal: AbortSignal
}

export type FrameHandler = (stream: FrameStream, info: InboundInfo) => Promise<void> | void

export interface HandleOptions extends ProtocolLimits {
  /** Told about every handler failure (for logs and peer scoring); must not throw. */
  readonly onError?: (err: unknown, remotePeer: PeerId) => void
}

export const DEFAULT_PROTOCOL_LIMITS = {
  maxInboundStreamsPerConnection: 8,
  maxOutboundStreamsPerConnection: 8,
  maxConcurrentHandlers: 64,
  maxNewStreamsPerConnectionPerSecond: 32,
  runOnLimitedConnection: true,
} as const

/** Register `handler` for `protocolId`; resolves with a function that unregisters it. */
export async function handleProtocol(node: Libp2p, protocolId: string, handler: FrameHandler, o: HandleOptions = {}): Promise<() => Promise<void>> {
  const maxConcurrent = o.maxConcurrentHandlers ?? DEFAULT_PROTOCOL_LIMITS.maxConcurrentHandlers
  const frameOptions: FrameStreamOptions = {
    ...(o.maxFrameBytes !== undefined ? { maxFrameBytes: o.maxFrameBytes } : {}),
    ...(o.idleTimeoutMs !== undefined ? { idleTimeoutMs: o.idleTimeoutMs } : {}),
  }
  const maxRate = o.maxNewStreamsPerConnectionPerSecond ?? DEFAULT_PROTOCOL_LIMITS.maxNewStreamsPerConnectionPerSecond
  const windows = new WeakMap<Connection, { start: number; count: number }>()
  const overRate = (connection: Connection): boolean => {
    const now = Date.now()
    let w = windows.get(connection)
    if (!w || now - w.start >= 1000) windows.set(connection, (w = { start: now, count: 0 }))
    return ++w.count > maxRate
  }
  const stopping = new AbortController()
  let active = 0
  await node.handle(
    protocolId,
    (stream, connection) => {
      if (active >= maxConcurrent || stopping.signal.aborted || overRate(connection)) {
        stream.abort(new Error('busy'))
        return
      }
      active++
      const frames = streamFrames(stream, { ...frameOptions, signal: stopping.signal })
      const run = async (): Promise<void> => handler(frames, { remotePeer: connection.remotePeer, connection, signal: stopping.signal })
      void run().then(
        () => frames.close(),
        (err: unknown) => {
          frames.reset(err instanceof Error ? err : new Error(String(err)))
          try {
            o.onError?.(err, connection.remotePeer)
          } catch {
            // A failing logger must not take the node down either.
          }
        },
      ).finally(() => {
        active--
      })
    },
    {
      maxInboundStreams: o.maxInboundStreamsPerConnection ?? DEFAULT_PROTOCOL_LIMITS.maxInboundStreamsPerConnection,
      maxOutboundStreams: o.maxOutboundStreamsPerConnection ?? DEFAULT_PROTOCOL_LIMITS.maxOutboundStreamsPerConnection,
      runOnLimitedConnection: o.runOnLimitedConnection ?? DEFAULT_PROTOCOL_LIMITS.runOnLimitedConnection,
    },
  )
  return async () => {
    stopping.abort()
    await node.unhandle(protocolId)
  }
}

export interface DialProtocolOptions extends FrameStreamOptions {
  readonly runOnLimitedConnection?: boolean
  readonly maxOutboundStreamsPerConnection?: number
}

/**
 * The open connection to a peer a stream should use: an unlimited one (direct first), else — when the
 * protocol may run on limited connections — a relayed one. libp2p's own dialProtocol(peerId) never reuses a
 * limited connection: it dials the peer again, and for a peer reachable only through a relay that makes a
 * second relayed connection, which may be closed during opening ("Remote closed connection") — so a peer
 * id is resolved here first.
 */
export function connectionFor(node: Libp2p, peer: PeerId, runOnLimitedConnection: boolean): Connection | undefined {
  const open = node.getConnections(peer).filter((c) => c.status === 'open')
  return open.find((c) => c.limits === undefined && c.direct) ?? open.find((c) => c.limits === undefined) ?? (runOnLimitedConnection ? open[0] : undefined)
}

/** Open `protocolId` to a peer (id or addresses) as a FrameStream. Throws ProtocolDialError or NetAbortedError. */
export async function dialProtocol(node: Libp2p, peer: PeerId | Multiaddr | Multiaddr[], protocolId: string, signal: AbortSignal, o: DialProtocolOptions = {}): Promise<FrameStream> {
  const options = {
    signal,
    runOnLimitedConnection: o.runOnLimitedConnection ?? DEFAULT_PROTOCOL_LIMITS.runOnLimitedConnection,
    maxOutboundStreams: o.maxOutboundStreamsPerConnection ?? DEFAULT_PROTOCOL_LIMITS.maxOutboundStreamsPerConnection,
  }
  let stream
  try {
    const existing = isPeerId(peer) ? connectionFor(node, peer, options.runOnLimitedConnection) : undefined
    stream = existing ? await existing.newStream(protocolId, options) : await node.dialProtocol(peer, protocolId, options)
  } catch (e) {
    if (signal.aborted) throw new NetAbortedError(`Opening ${protocolId}`, e)
    throw new ProtocolDialError(protocolId, Array.isArray(peer) ? peer.map(String).join(',') : peer.toString(), e)
  }
  return streamFrames(stream, { ...o, signal: o.signal ?? signal })
}
