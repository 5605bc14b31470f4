/**
 * The signaling server's limits (NET-RTC-2, NET-RTC-6 … NET-RTC-8 in
 * docs/PROTOCOL.md) and the small pure pieces that apply them: a token
 * bucket, the key one remote address is counted under, and the Origins a
 * browser page may connect from.
 */
import { isIPv4, isIPv6 } from 'node:net'

export interface SignalingLimits {
  /** Largest frame accepted, in bytes (an SDP offer is a few KiB). */
  readonly maxFrameBytes: number
  /** Topics one socket may subscribe to. */
  readonly maxTopicsPerSocket: number
  /** Longest topic name, in characters. */
  readonly maxTopicLength: number
  /** Frames a socket may send per second (averaged over one-second windows). */
  readonly maxFramesPerSecond: number
  /** Bytes all sockets of one remote address may send per second; past it they are read more slowly (NET-RTC-6). */
  readonly hostInputBytesPerSecond: number
  /** …and at once (the bucket's size). */
  readonly hostInputBurstBytes: number
  /** TCP connections open at once, WebSocket or not yet (NET-RTC-7). */
  readonly maxSockets: number
  /** Connections from one remote address (see `addressKey`: an IPv6 address counts as its /64). */
  readonly maxSocketsPerHost: number
  /** Of `maxSockets`, the slots only 127.0.0.1 and ::1 — where a local UI connects from — may take. */
  readonly reservedLocalSockets: number
  /** Bytes queued for one socket that it has not read yet; one more frame past this closes it (NET-RTC-6). */
  readonly maxQueuedBytesPerSocket: number
  /** Bytes queued for all sockets together; past this the socket with the longest queue is closed. */
  readonly maxQueuedBytes: number
  /** Publishes read from one socket but not yet forwarded (its reading is paused meanwhile). */
  readonly maxHeldBytesPerSocket: number
  /** Held publishes of all sockets together; past this the socket holding the most is closed. */
  readonly maxHeldBytes: number
  /** Fan-out one socket may cause: a publish costs (frame bytes + 16) × subscribers. Per second… */
  readonly fanoutBytesPerSecond: number
  /** …and at once (the bucket's size); a socket that would overdraw it is closed. */
  readonly fanoutBurstBytes: number
  /** Fan-out of the whole server per second; publishes past it wait, in fair-queueing order. */
  readonly totalFanoutBytesPerSecond: number
  /** The whole server's fan-out bucket size. */
  readonly totalFanoutBurstBytes: number
  /** Milliseconds between protocol pings; a socket that has not answered the last one with a pong is closed (NET-RTC-8). */
  readonly pingIntervalMs: number
  /** Milliseconds a connection may stay open without becoming a WebSocket (half-open, or a plain request kept alive). */
  readonly handshakeTimeoutMs: number
}

const KiB = 1024
const MiB = 1024 * KiB

export const DEFAULT_SIGNALING_LIMITS: SignalingLimits = {
  maxFrameBytes: 64 * KiB,
  maxTopicsPerSocket: 64,
  maxTopicLength: 256,
  maxFramesPerSecond: 200,
  hostInputBytesPerSecond: 2 * MiB,
  hostInputBurstBytes: 8 * MiB,
  maxSockets: 512,
  maxSocketsPerHost: 64,
  reservedLocalSockets: 64,
  maxQueuedBytesPerSocket: 1 * MiB,
  maxQueuedBytes: 64 * MiB,
  maxHeldBytesPerSocket: 256 * KiB,
  maxHeldBytes: 16 * MiB,
  fanoutBytesPerSecond: 1 * MiB,
  fanoutBurstBytes: 8 * MiB,
  totalFanoutBytesPerSecond: 32 * MiB,
  totalFanoutBurstBytes: 64 * MiB,
  pingIntervalMs: 30_000,
  handshakeTimeoutMs: 10_000,
}

/** What one frame costs beyond its payload: the WebSocket header, counted for queues and fan-out. */
export const FRAME_OVERHEAD = 16

/** Limits with defaults filled in; throws naming the first that is not a positive number or breaks another. */
export function signalingLimits(given: Partial<SignalingLimits> = {}): SignalingLimits {
  const l = { ...DEFAULT_SIGNALING_LIMITS, ...given }
  for (const [k, v] of Object.entries(l)) {
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw new RangeError(`signaling limit ${k} must be a positive number`)
  }
  if (l.reservedLocalSockets > l.maxSockets) throw new RangeError('reservedLocalSockets must not exceed maxSockets')
  const frame = l.maxFrameBytes + FRAME_OVERHEAD
  if (l.maxQueuedBytesPerSocket < frame || l.maxQueuedBytes < l.maxQueuedBytesPerSocket) {
    throw new RangeError('maxQueuedBytesPerSocket must hold one frame and maxQueuedBytes one socket\'s queue')
  }
  if (l.maxHeldBytesPerSocket < frame || l.maxHeldBytes < l.maxHeldBytesPerSocket) {
    throw new RangeError('maxHeldBytesPerSocket must hold one frame and maxHeldBytes one socket\'s share')
  }
  return l
}

/** A budget refilled at `rate` per second up to `burst`. */
export class TokenBucket {
  private tokens: number
  private last: number

  constructor(private readonly rate: number, private readonly burst: number, now = Date.now()) {
    this.tokens = burst
    this.last = now
  }

  private refill(now: number): void {
    if (now > this.last) this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) * this.rate) / 1000)
    this.last = now
  }

  /** Take `n` if the bucket holds that much; otherwise take nothing and answer false. */
  take(n: number, now = Date.now()): boolean {
    this.refill(now)
    if (this.tokens < n) return false
    this.tokens -= n
    return true
  }

  /** Spend `n` after the fact, into debt if need be (the next spender waits until it is repaid). */
  charge(n: number, now = Date.now()): void {
    this.refill(now)
    this.tokens -= n
  }

  /** Whether the bucket is at its size (it remembers nothing of what was spent). */
  full(now = Date.now()): boolean {
    this.refill(now)
    return this.tokens >= this.burst
  }

  /** Milliseconds until the bucket holds `n` (at most its size); 0 if it does. */
  wait(n: number, now = Date.now()): number {
    this.refill(now)
    const need = Math.min(n, this.burst) - this.tokens
    return need <= 0 ? 0 : Math.max(1, Math.ceil((need * 1000) / this.rate))
  }
}

/**
 * The key a remote address is counted under — one key per machine as far as
 * the address tells — and whether it is where a local UI connects from
 * (127.0.0.1 or ::1). Every other 127.x.x.x address is this machine too, so
 * they share one key; an IPv4-mapped IPv6 address is its IPv4 address; any
 * other IPv6 address counts as its /64, as one host is commonly given a /64.
 */
export function addressKey(remote: string | undefined): { readonly key: string; readonly local: boolean } {
  if (remote === undefined || remote === '') return { key: '?', local: false }
  let a = remote.toLowerCase()
  const zone = a.indexOf('%')
  if (zone >= 0) a = a.slice(0, zone)
  if (a.startsWith('::ffff:') && isIPv4(a.slice(7))) a = a.slice(7)
  if (isIPv4(a)) return a === '127.0.0.1' ? { key: a, local: true } : { key: a.startsWith('127.') ? '127.0.0.0/8' : a, local: false }
  if (!isIPv6(a)) return { key: a, local: false }
  const [head = '', tail] = a.split('::') as [string, string | undefined]
  const left = head === '' ? [] : head.split(':')
  const right = tail === undefined || tail === '' ? [] : tail.split(':')
  // An embedded dotted IPv4 tail stands for two groups; it only affects the groups after the /64.
  const width = (gs: string[]): number => gs.reduce((n, g) => n + (g.includes('.') ? 2 : 1), 0)
  const groups = tail === undefined ? left : [...left, ...Array<string>(Math.max(0, 8 - width(left) - width(right))).fill('0'), ...right]
  const prefix = groups.slice(0, 4).map((g) => (g.includes('.') ? g : parseInt(g, 16).toString(16)))
  const loopback = groups.every((g, i) => (i < 7 ? parseInt(g, 16) === 0 : parseInt(g, 16) === 1))
  return loopback ? { key: '::1', local: true } : { key: `${prefix.join(':')}::/64`, local: false }
}

/**
 * Whether a WebSocket upgrade's Origin may use the server: absent (not a
 * browser), or a page served from this machine's loopback over http(s) —
 * where `polity ui` serves the UI. Any other web page the user visits could
 * otherwise open sockets to 127.0.0.1 and take the local UI's slots.
 */
export function originAllowed(origin: string | undefined): boolean {
  if (origin === undefined) return true
  let u: URL
  try {
    u = new URL(origin)
  } catch {
    return false
  }
  return (u.protocol === 'http:' || u.protocol === 'https:') && ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname)
}
