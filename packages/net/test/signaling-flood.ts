/**
 * The load of issue 13 §6 against a signaling server, for the NET-RTC-6 test
 * and test/bench/signaling-flood.ts: subscribers that never read what they
 * are sent, and publishers that each stay within every per-socket limit —
 * frames just under the size limit, just under the frame rate — all on one
 * topic. Every socket the server closes or refuses is reopened, so the load
 * lasts until `stop()`. Sockets may be spread over several local source
 * addresses (127.0.0.2 …) to step around a per-address cap; they only ever
 * connect to the server's own address.
 */
import { WebSocket } from 'ws'

export interface FloodOptions {
  readonly subscribers: number
  readonly publishers: number
  /** Publish frames per publisher per second (keep under the server's `maxFramesPerSecond`). */
  readonly framesPerSecond: number
  /** Size of each publish frame, in bytes (keep within the server's `maxFrameBytes`). */
  readonly frameBytes: number
  readonly topic: string
  /** Local source addresses, used in turn (default: the system's choice). */
  readonly from?: readonly string[]
}

export interface FloodCounts {
  /** Sockets that completed the WebSocket handshake. */
  readonly opened: number
  /** Open sockets the server closed. */
  readonly closedByServer: number
  /** Connection attempts that did not open (refused or reset). */
  readonly refused: number
  /** Publish frames sent. */
  readonly sent: number
}

export interface Flood {
  counts(): FloodCounts
  /** Attack sockets open now. */
  open(): number
  /** Stop reopening and close every attack socket; resolves when all are closed. */
  stop(): Promise<void>
}

/** Open a plain client socket (for the honest side of a measurement). */
export function openSocket(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url)
    ws.once('open', () => resolve(ws))
    ws.once('error', reject)
  })
}

/** A zero masking key: the client skips masking, so the flood costs its own process little. */
const zeroMask = (mask: Buffer): void => {
  mask.fill(0)
}

export function startFlood(url: string, o: FloodOptions): Flood {
  const frame = (() => {
    const head = JSON.stringify({ type: 'publish', topic: o.topic, data: '' })
    return Buffer.from(JSON.stringify({ type: 'publish', topic: o.topic, data: 'x'.repeat(Math.max(0, o.frameBytes - head.length)) }))
  })()
  const subscribe = JSON.stringify({ type: 'subscribe', topics: [o.topic] })
  const ping = JSON.stringify({ type: 'ping' })
  const sockets = new Set<WebSocket>()
  const timers = new Set<NodeJS.Timeout>()
  let running = true
  let n = 0
  const counts = { opened: 0, closedByServer: 0, refused: 0, sent: 0 }
  const later = (fn: () => void, ms: number): void => {
    const t = setTimeout(() => {
      timers.delete(t)
      fn()
    }, ms)
    timers.add(t)
  }

  function connect(role: 'subscriber' | 'publisher'): void {
    if (!running) return
    const localAddress = o.from?.[n++ % o.from.length]
    const ws = new WebSocket(url, { generateMask: zeroMask, ...(localAddress ? { localAddress } : {}) })
    sockets.add(ws)
    let opened = false
    let tick: NodeJS.Timeout | undefined
    ws.on('error', () => undefined)
    ws.on('open', () => {
      opened = true
      counts.opened++
      if (role === 'subscriber') {
        ws.send(subscribe)
        // Never read again: what the server sends piles up in its queue for this socket. A paused socket
        // does not see the server's FIN either, so a ping now and then finds out (the write is reset).
        ws.pause()
        tick = setInterval(() => ws.send(ping), 500)
        return
      }
      // Bursts every 100 ms; a burst is skipped while this process's own queue is long (the server stopped reading).
      const perBurst = Math.max(1, Math.floor(o.framesPerSecond / 10))
      tick = setInterval(() => {
        if (ws.readyState !== ws.OPEN || ws.bufferedAmount > 4 * frame.length) return
        for (let i = 0; i < perBurst; i++) ws.send(frame, { binary: false })
        counts.sent += perBurst
      }, 100)
    })
    ws.on('close', () => {
      clearInterval(tick)
      sockets.delete(ws)
      if (opened && running) counts.closedByServer++
      if (!opened) counts.refused++
      if (running) later(() => connect(role), opened ? 20 : 100)
    })
  }

  for (let i = 0; i < o.subscribers; i++) connect('subscriber')
  for (let i = 0; i < o.publishers; i++) connect('publisher')
  return {
    counts: () => ({ ...counts }),
    open: () => [...sockets].filter((s) => s.readyState === s.OPEN).length,
    stop: async () => {
      running = false
      for (const t of timers) clearTimeout(t)
      timers.clear()
      await Promise.all(
        [...sockets].map(
          (ws) =>
            new Promise<void>((done) => {
              if (ws.readyState === ws.CLOSED) return done()
              ws.once('close', () => done())
              ws.terminate()
            }),
        ),
      )
    },
  }
}
