/**
 * How the signaling server forwards publishes without letting any peer —
 * however many sockets it holds, each within its own limits — exhaust what
 * all share (NET-RTC-6 in docs/PROTOCOL.md):
 *
 * - Output: a frame that would take a socket's unread queue (ws
 *   `bufferedAmount`) past its bound closes that socket, which frees the
 *   queue; when all queues together would pass the server's bound, the socket
 *   with the longest queue is closed first. Memory for queued output is
 *   therefore bounded whatever subscribers do.
 * - Fan-out: a publish costs (frame bytes + 16) × subscribers. Each socket has
 *   its own budget (overdrawing it closes the socket); the server has one for
 *   everyone. Publishes wait for it in weighted-fair-queueing order: each is
 *   tagged with the virtual time at which an equal share of the budget among
 *   the waiting publishers would finish it, and the smallest tag goes first,
 *   so a publisher that sends little is served ahead of those that flood,
 *   however many sockets flood. A publisher with a frame waiting is not read
 *   from (TCP pushes back on it); what it sent meanwhile is held, within
 *   per-socket and server bounds.
 */
import type { WebSocket } from 'ws'
import { FRAME_OVERHEAD, TokenBucket, type SignalingLimits } from './signaling-limits'

/** A publish read from a socket, waiting for the server's fan-out budget. */
interface Held {
  readonly topic: string
  readonly message: Readonly<Record<string, unknown>>
  readonly bytes: number
  /** Its fan-out when it was read: (bytes + FRAME_OVERHEAD) × subscribers. */
  readonly cost: number
  /** Finish tag: the later of the clock and its publisher's `finish` when it was read, plus its cost. */
  readonly tag: number
}

/** The per-socket state this module keeps; the server's own client record extends it. */
export interface FlowClient {
  readonly ws: WebSocket
  /** The socket's fan-out budget (`fanoutBytesPerSecond`, `fanoutBurstBytes`). */
  readonly budget: TokenBucket
  /** Set by a pong; a paused socket's pongs stay unread, so resuming it sets it too. */
  alive: boolean
  /** Publishes read but not yet forwarded, oldest first. */
  readonly held: Held[]
  heldBytes: number
  /** Not read from until its held publishes are forwarded. */
  paused: boolean
  /** Fair queueing: the finish tag of its last publish held. */
  finish: number
  /** Not read from for a while: its machine sent more than its input budget. */
  throttled: boolean
}

/** Read from `c` again unless it is still paused or throttled; its next ping gets a fresh interval. */
export function readAgain(c: FlowClient): void {
  if (c.paused || c.throttled) return
  c.alive = true
  c.ws.resume()
}

export interface FlowWorld<C extends FlowClient> {
  clients(): Iterable<C>
  receivers(topic: string): ReadonlySet<C> | undefined
  /** Close a socket for overrunning its queue or budget; `violation` for the sender's own fault. */
  close(c: C, why: 'backpressure' | 'violation'): void
}

/** Fan-out spent in one synchronous pass before yielding to the event loop (reads, pongs, timers). */
const SLICE_BYTES = 4 * 1024 * 1024

export class SignalingFlow<C extends FlowClient> {
  private readonly total: TokenBucket
  /** Publishers with held publishes. */
  private readonly waiting = new Set<C>()
  /**
   * Virtual time: each publish forwarded advances it by its cost over the
   * number of publishers waiting (each one's equal share); when none waits,
   * it catches up with the largest tag forwarded. It only grows, by at most
   * the bytes forwarded.
   */
  private clock = 0
  private lastTag = 0
  /** The tag of the publish the timer waits to forward. */
  private headTag = 0
  /** At least the bytes queued in all open sockets: raised per frame sent, recounted when it nears the bound. */
  private queuedEstimate = 0
  private heldTotal = 0
  private timer: NodeJS.Timeout | undefined
  private immediate: NodeJS.Immediate | undefined
  private stopped = false
  published = 0

  constructor(private readonly limits: SignalingLimits, private readonly world: FlowWorld<C>) {
    this.total = new TokenBucket(limits.totalFanoutBytesPerSecond, limits.totalFanoutBurstBytes)
  }

  /**
   * Queue one frame for `to`, or close `to` if that would pass its queue bound.
   * Answers whether the frame was queued.
   */
  send(to: C, data: Buffer): boolean {
    const ws = to.ws
    if (ws.readyState !== ws.OPEN) return false
    const n = data.length + FRAME_OVERHEAD
    if (ws.bufferedAmount + n > this.limits.maxQueuedBytesPerSocket) {
      this.world.close(to, 'backpressure')
      return false
    }
    if (this.queuedEstimate + n > this.limits.maxQueuedBytes) {
      this.queuedEstimate = this.queuedBytes()
      while (this.queuedEstimate + n > this.limits.maxQueuedBytes) {
        const worst = this.longestQueue()
        if (!worst) break
        this.queuedEstimate -= worst.ws.bufferedAmount
        this.world.close(worst, 'backpressure')
        if (worst === to) return false
      }
    }
    try {
      ws.send(data, { binary: false })
    } catch {
      this.world.close(to, 'backpressure')
      return false
    }
    this.queuedEstimate += n
    return true
  }

  /** A ping frame is queued outside `send`; count it so the estimate stays an upper bound. */
  countPing(): void {
    this.queuedEstimate += FRAME_OVERHEAD
  }

  /**
   * Forward a publish to the topic's subscribers, now or in `from`'s turn.
   * Answers false when `from` overdrew its own fan-out budget or held too
   * much; the caller closes it. Nothing happens for a topic nobody follows.
   */
  publish(from: C, topic: string, message: Readonly<Record<string, unknown>>, bytes: number): boolean {
    const subs = this.world.receivers(topic)
    if (!subs || subs.size === 0) return true
    const cost = (bytes + FRAME_OVERHEAD) * subs.size
    if (!from.budget.take(cost)) return false
    if (from.heldBytes + bytes > this.limits.maxHeldBytesPerSocket) return false
    const tag = Math.max(this.clock, from.finish) + cost
    from.finish = tag
    from.held.push({ topic, message, bytes, cost, tag })
    from.heldBytes += bytes
    this.heldTotal += bytes
    this.waiting.add(from)
    while (this.heldTotal > this.limits.maxHeldBytes) {
      const worst = [...this.waiting].reduce((a, b) => (b.heldBytes > a.heldBytes ? b : a))
      this.world.close(worst, 'backpressure')
      this.forget(worst)
    }
    // A publish waiting for the budget may now have a smaller tag than the one the timer waits for.
    if (this.timer && tag <= this.headTag) {
      clearTimeout(this.timer)
      this.timer = undefined
    }
    this.pump()
    if (from.held.length > 0 && !from.paused) {
      from.paused = true
      from.ws.pause()
    }
    return true
  }

  /** Drop a closed socket's held publishes and its place in the rotation. */
  forget(c: C): void {
    this.heldTotal -= c.heldBytes
    c.held.length = 0
    c.heldBytes = 0
    this.waiting.delete(c)
  }

  /** Exactly the bytes queued in open sockets now. */
  queuedBytes(): number {
    let n = 0
    for (const c of this.world.clients()) if (c.ws.readyState === c.ws.OPEN) n += c.ws.bufferedAmount
    return n
  }

  heldBytes(): number {
    return this.heldTotal
  }

  stop(): void {
    this.stopped = true
    clearTimeout(this.timer)
    if (this.immediate) clearImmediate(this.immediate)
    for (const c of [...this.waiting]) this.forget(c)
  }

  /**
   * Forward held publishes, smallest finish tag first, while the server's budget
   * lasts; when it is spent, wait until it holds the next publish's cost.
   */
  private pump(): void {
    if (this.stopped || this.timer || this.immediate) return
    let spent = 0
    while (this.waiting.size > 0) {
      let c: C | undefined
      let first: Held | undefined
      for (const w of this.waiting) {
        const h = w.held[0] as Held
        if (!first || h.tag < first.tag) {
          first = h
          c = w
        }
      }
      const job = first as Held
      const wait = this.total.wait(Math.min(job.cost, this.limits.totalFanoutBurstBytes))
      if (wait > 0) {
        this.headTag = job.tag
        this.timer = setTimeout(() => {
          this.timer = undefined
          this.pump()
        }, wait)
        return
      }
      if (spent >= SLICE_BYTES) {
        this.immediate = setImmediate(() => {
          this.immediate = undefined
          this.pump()
        })
        return
      }
      this.clock += job.cost / this.waiting.size
      this.lastTag = Math.max(this.lastTag, job.tag)
      this.release(c as C)
      if (this.waiting.size === 0) this.clock = Math.max(this.clock, this.lastTag)
      spent += this.deliver(job)
    }
  }

  /** Take the first held publish off `c`; read from it again once it holds none. */
  private release(c: C): void {
    const job = c.held.shift() as Held
    c.heldBytes -= job.bytes
    this.heldTotal -= job.bytes
    if (c.held.length > 0) return
    this.waiting.delete(c)
    if (c.paused) {
      c.paused = false
      readAgain(c)
    }
  }

  /** As y-webrtc's server: to every subscriber (the sender included), with their count. */
  private deliver(job: Held): number {
    const subs = this.world.receivers(job.topic)
    if (!subs || subs.size === 0) return 0
    const data = Buffer.from(JSON.stringify({ ...job.message, clients: subs.size }))
    const cost = (data.length + FRAME_OVERHEAD) * subs.size
    this.total.charge(cost)
    this.published++
    for (const r of subs) this.send(r, data)
    return cost
  }

  private longestQueue(): C | undefined {
    let worst: C | undefined
    let most = 0
    for (const c of this.world.clients()) {
      if (c.ws.readyState !== c.ws.OPEN) continue
      const b = c.ws.bufferedAmount
      if (b > most) {
        most = b
        worst = c
      }
    }
    return worst
  }
}
