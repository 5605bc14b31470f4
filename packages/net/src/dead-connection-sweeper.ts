/**
 * Closes connections whose stream muxer died while the connection itself
 * still reports "open".
 *
 * Why: in libp2p 3.3 / yamux 8, a peer that opens more than `maxEarlyStreams`
 * streams before the connection upgrade finishes makes the muxer abort
 * (MaxEarlyStreamsError) without closing the socket, leaving a "zombie"
 * connection on both sides: it holds a connection slot, and every new stream
 * to that peer fails with "The connection muxer is closed" until something
 * closes it. Found by the 200-stream flood test (test/network/libp2p-streams).
 * The muxer status is internal, so this is read defensively; if libp2p
 * changes its shape the sweep does nothing.
 */
import type { Connection, Startable } from '@libp2p/interface'

interface SweeperComponents {
  connectionManager: { getConnections(): Connection[] }
}

const muxerStatus = (c: Connection): string | undefined => (c as unknown as { muxer?: { status?: string } }).muxer?.status

class DeadConnectionSweeper implements Startable {
  private timer: ReturnType<typeof setInterval> | undefined
  constructor(private readonly components: SweeperComponents, private readonly intervalMs: number) {}

  start(): void {
    this.timer = setInterval(() => this.sweep(), this.intervalMs)
    this.timer.unref?.()
  }

  stop(): void {
    clearInterval(this.timer)
    this.timer = undefined
  }

  /** Abort every open connection whose muxer is closed; returns how many. */
  sweep(): number {
    let n = 0
    for (const c of this.components.connectionManager.getConnections()) {
      const m = muxerStatus(c)
      if (c.status === 'open' && (m === 'closed' || m === 'closing')) {
        c.abort(new Error('stream muxer closed under an open connection'))
        n++
      }
    }
    return n
  }
}

export function deadConnectionSweeper(intervalMs = 2_000): (components: SweeperComponents) => DeadConnectionSweeper {
  return (components) => new DeadConnectionSweeper(components, intervalMs)
}
