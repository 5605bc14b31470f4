/**
 * A WebRTC signaling server that speaks y-webrtc's signaling protocol
 * (NET-RTC-2 in docs/PROTOCOL.md): JSON text frames `subscribe`,
 * `unsubscribe`, `publish` and `ping`. Browser-mode UIs use it to find each
 * other's WebRTC offers; it sees only room names (hashes of a community
 * secret) and offers sealed with the room password, never an op.
 *
 * Why not y-webrtc's own `bin/server.js`: it starts listening as a side
 * effect of being imported, binds every interface, and a single malformed
 * frame (`JSON.parse` outside a try) throws inside the socket handler. This
 * server keeps the same wire behaviour and adds what a member's always-on peer
 * needs: a bound host; limits on frames, topics and message rate that close
 * one socket and nothing else; and limits on what all sockets share —
 * connections (NET-RTC-7), queued output and fan-out (NET-RTC-6, in
 * signaling-flow.ts) — with liveness judged by protocol pongs only
 * (NET-RTC-8). The limits themselves are in signaling-limits.ts.
 */
import { createServer, type Server } from 'node:http'
import type { Socket } from 'node:net'
import type { Duplex } from 'node:stream'
import { WebSocketServer, type WebSocket } from 'ws'
import { SignalingFlow, readAgain, type FlowClient } from './signaling-flow'
import { TokenBucket, addressKey, originAllowed, signalingLimits, type SignalingLimits } from './signaling-limits'

export { DEFAULT_SIGNALING_LIMITS, type SignalingLimits } from './signaling-limits'

export interface SignalingServerOptions {
  /** Interface to bind; 127.0.0.1 unless a member's always-on peer says otherwise. */
  readonly host?: string
  /** 0 (default) picks a free port. */
  readonly port?: number
  readonly limits?: Partial<SignalingLimits>
}

export interface SignalingStats {
  /** Open WebSockets. */
  readonly sockets: number
  /** Open TCP connections, WebSockets included. */
  readonly connections: number
  readonly topics: number
  /** Machines remembered: those with connections, and those without whose input budget is still recovering. */
  readonly hosts: number
  /** Bytes queued for sockets that have not read them yet (at most `maxQueuedBytes`). */
  readonly queuedBytes: number
  /** Bytes of publishes read but not yet forwarded (at most `maxHeldBytes`). */
  readonly heldBytes: number
  /** Publishes forwarded. */
  readonly published: number
  /** Sockets closed for breaking a per-socket limit or sending a malformed frame. */
  readonly closedForViolations: number
  /** Sockets closed because their queue, or all queues together, passed the bound (NET-RTC-6). */
  readonly closedForBackpressure: number
  /** Sockets closed for not answering a protocol ping (NET-RTC-8). */
  readonly closedForSilence: number
  /** Connections refused: over a connection cap (NET-RTC-7), a foreign Origin, or during close. */
  readonly refused: number
}

export interface SignalingServer {
  /** `ws://host:port` — what browser-mode UIs are configured with. */
  readonly url: string
  readonly port: number
  stats(): SignalingStats
  /** Closes every socket and stops every timer; resolves once the port is released. */
  close(): Promise<void>
}

/** y-webrtc's signaling messages; anything else closes the socket (NET-RTC-2). */
type SignalingMessage =
  | { readonly type: 'subscribe'; readonly topics: readonly string[] }
  | { readonly type: 'unsubscribe'; readonly topics: readonly string[] }
  | { readonly type: 'publish'; readonly topic: string; readonly [k: string]: unknown }
  | { readonly type: 'ping' }

/** Parse and check one frame; throws a sentence naming what is wrong. */
export function readSignalingMessage(text: string, limits: SignalingLimits): SignalingMessage {
  let v: unknown
  try {
    v = JSON.parse(text)
  } catch {
    throw new Error('the frame is not JSON')
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('the frame is not a JSON object')
  const m = v as Record<string, unknown>
  const topicOk = (t: unknown): t is string => typeof t === 'string' && t.length > 0 && t.length <= limits.maxTopicLength
  switch (m['type']) {
    case 'subscribe':
    case 'unsubscribe': {
      const topics = m['topics'] ?? []
      if (!Array.isArray(topics) || topics.length > limits.maxTopicsPerSocket || !topics.every(topicOk)) {
        throw new Error(`"${m['type']}" needs a list of at most ${limits.maxTopicsPerSocket} topic names of 1 to ${limits.maxTopicLength} characters`)
      }
      return { type: m['type'], topics }
    }
    case 'publish':
      if (!topicOk(m['topic'])) throw new Error('"publish" needs a topic name')
      return m as SignalingMessage
    case 'ping':
      return { type: 'ping' }
    default:
      throw new Error(`unknown message type ${JSON.stringify(String(m['type']).slice(0, 40))}`)
  }
}

/** One remote machine (see `addressKey`): its open connections and its input budget. */
interface Host {
  connections: number
  readonly input: TokenBucket
}

interface Client extends FlowClient {
  readonly host: Host
  readonly topics: Set<string>
  /** Ends a throttle (`throttled`). */
  throttle: NodeJS.Timeout | undefined
  frames: number
  windowStart: number
  /** Closed by the server; frames already read with the offending one are ignored. */
  cutOff: boolean
}

const PONG = Buffer.from(JSON.stringify({ type: 'pong' }))

export async function startSignalingServer(options: SignalingServerOptions = {}): Promise<SignalingServer> {
  const limits = signalingLimits(options.limits)
  const host = options.host ?? '127.0.0.1'
  const topics = new Map<string, Set<Client>>()
  const clients = new Set<Client>()
  const connections = new Set<Socket>()
  const hostOf = new WeakMap<Duplex, Host>()
  const handshakes = new WeakMap<Duplex, NodeJS.Timeout>()
  const hosts = new Map<string, Host>()
  let remoteConnections = 0
  let closing: Promise<void> | undefined
  const count = { closedForViolations: 0, closedForBackpressure: 0, closedForSilence: 0, refused: 0 }

  const cut = (c: Client, why: keyof typeof count): void => {
    if (c.cutOff) return
    c.cutOff = true
    count[why]++
    c.ws.terminate()
  }
  const flow = new SignalingFlow<Client>(limits, {
    clients: () => clients,
    receivers: (t) => topics.get(t),
    close: (c, why) => cut(c, why === 'violation' ? 'closedForViolations' : 'closedForBackpressure'),
  })

  const http: Server = createServer(
    { headersTimeout: limits.handshakeTimeoutMs, requestTimeout: limits.handshakeTimeoutMs, keepAliveTimeout: Math.min(5000, limits.handshakeTimeoutMs) },
    (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('Polity signaling server (y-webrtc protocol)\n')
    },
  )
  const wss = new WebSocketServer({ noServer: true, clientTracking: false, perMessageDeflate: false, maxPayload: limits.maxFrameBytes })

  // NET-RTC-7: every TCP connection counts, upgraded or not, so half-open ones cannot take the slots either.
  http.on('connection', (socket: Socket) => {
    const { key, local } = addressKey(socket.remoteAddress)
    const known = hosts.get(key)
    const full = connections.size >= limits.maxSockets || (!local && remoteConnections >= limits.maxSockets - limits.reservedLocalSockets)
    if (closing || (known?.connections ?? 0) >= limits.maxSocketsPerHost || full) {
      count.refused++
      socket.destroy()
      return
    }
    const host = known ?? { connections: 0, input: new TokenBucket(limits.hostInputBytesPerSecond, limits.hostInputBurstBytes) }
    hosts.set(key, host)
    hostOf.set(socket, host)
    host.connections++
    connections.add(socket)
    if (!local) remoteConnections++
    // Not a WebSocket within the handshake timeout (a half-open connection, a plain request kept alive): closed.
    const handshake = setTimeout(() => socket.destroy(), limits.handshakeTimeoutMs)
    handshakes.set(socket, handshake)
    socket.once('close', () => {
      clearTimeout(handshake)
      connections.delete(socket)
      // A machine with no connection left is forgotten once its input budget has recovered (the sweep looks
      // again), so reconnecting does not restore a spent budget.
      if (--host.connections <= 0 && host.input.full()) hosts.delete(key)
      if (!local) remoteConnections--
    })
  })

  const refuse = (socket: Duplex, status: string): void => {
    count.refused++
    socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`)
    socket.destroy()
  }
  http.on('upgrade', (req, socket, head) => {
    if (closing) return refuse(socket, '503 Service Unavailable')
    if (!originAllowed(req.headers.origin)) return refuse(socket, '403 Forbidden')
    const host = hostOf.get(socket)
    if (!host) return refuse(socket, '503 Service Unavailable')
    clearTimeout(handshakes.get(socket))
    wss.handleUpgrade(req, socket, head, (ws) => accept(ws, host))
  })

  function unsubscribe(c: Client, t: string): void {
    c.topics.delete(t)
    const subs = topics.get(t)
    subs?.delete(c)
    if (subs?.size === 0) topics.delete(t)
  }

  /** Stop reading `c` until its machine's input budget is positive again, if it is not now. */
  function throttle(c: Client): void {
    const wait = c.host.input.wait(1)
    if (wait <= 0 || c.throttled) return
    c.throttled = true
    c.ws.pause()
    c.throttle = setTimeout(() => {
      c.throttle = undefined
      c.throttled = false
      readAgain(c)
    }, wait)
  }

  function accept(ws: WebSocket, host: Host): void {
    if (closing) {
      ws.terminate()
      return
    }
    const c: Client = {
      ws,
      budget: new TokenBucket(limits.fanoutBytesPerSecond, limits.fanoutBurstBytes),
      alive: true,
      held: [],
      heldBytes: 0,
      paused: false,
      finish: 0,
      throttled: false,
      throttle: undefined,
      host,
      topics: new Set(),
      frames: 0,
      windowStart: Date.now(),
      cutOff: false,
    }
    clients.add(c)
    // A new socket of a machine whose budget is spent is not read either: reconnecting buys no frame.
    throttle(c)
    const violate = (): void => cut(c, 'closedForViolations')
    // NET-RTC-8: only a protocol pong shows the peer is reading; frames it sends do not.
    ws.on('pong', () => {
      c.alive = true
    })
    // ws reports protocol errors here: an oversized or malformed frame.
    ws.on('error', violate)
    ws.on('close', () => {
      clearTimeout(c.throttle)
      clients.delete(c)
      flow.forget(c)
      for (const t of [...c.topics]) unsubscribe(c, t)
    })
    ws.on('message', (data, isBinary) => {
      if (c.cutOff) return
      const now = Date.now()
      if (now - c.windowStart >= 1000) {
        c.windowStart = now
        c.frames = 0
      }
      if (++c.frames > limits.maxFramesPerSecond || isBinary) return violate()
      const text = Buffer.isBuffer(data) ? data.toString('utf8') : String(data)
      const bytes = Buffer.isBuffer(data) ? data.length : Buffer.byteLength(text)
      // NET-RTC-6: past its machine's input budget, this socket is read again only when the budget recovers.
      host.input.charge(bytes, now)
      throttle(c)
      let m: SignalingMessage
      try {
        m = readSignalingMessage(text, limits)
      } catch {
        return violate()
      }
      switch (m.type) {
        case 'subscribe':
          for (const t of m.topics) {
            if (!c.topics.has(t) && c.topics.size >= limits.maxTopicsPerSocket) return violate()
            c.topics.add(t)
            let subs = topics.get(t)
            if (!subs) topics.set(t, (subs = new Set()))
            subs.add(c)
          }
          return
        case 'unsubscribe':
          for (const t of m.topics) unsubscribe(c, t)
          return
        case 'publish':
          if (!flow.publish(c, m.topic, m, bytes)) violate()
          return
        case 'ping':
          // y-webrtc's own keep-alive: answered, but it is not liveness (NET-RTC-8).
          flow.send(c, PONG)
      }
    })
  }

  const sweep = setInterval(() => {
    for (const [key, h] of hosts) if (h.connections <= 0 && h.input.full()) hosts.delete(key)
    for (const c of clients) {
      if (c.cutOff) continue
      // A socket not being read would leave its pong unseen, so it is not judged (reading it again starts a fresh
      // interval); the ping still finds a peer that has gone, as the write fails, freeing what it had sent.
      const judged = !c.paused && !c.throttled
      if (judged && !c.alive) {
        cut(c, 'closedForSilence')
        continue
      }
      if (judged) c.alive = false
      try {
        c.ws.ping()
        flow.countPing()
      } catch {
        cut(c, 'closedForSilence')
      }
    }
  }, limits.pingIntervalMs)

  try {
    await new Promise<void>((ok, fail) => {
      http.once('error', fail)
      http.listen(options.port ?? 0, host, () => ok())
    })
  } catch (e) {
    clearInterval(sweep)
    throw e
  }
  const port = (http.address() as { port: number }).port
  const shown = host.includes(':') ? `[${host}]` : host
  return {
    url: `ws://${shown}:${port}`,
    port,
    stats: () => ({
      sockets: clients.size,
      connections: connections.size,
      topics: topics.size,
      hosts: hosts.size,
      queuedBytes: flow.queuedBytes(),
      heldBytes: flow.heldBytes(),
      published: flow.published,
      ...count,
    }),
    close: () =>
      (closing ??= new Promise<void>((done) => {
        clearInterval(sweep)
        flow.stop()
        for (const c of clients) {
          clearTimeout(c.throttle)
          c.ws.terminate()
        }
        for (const s of connections) {
          clearTimeout(handshakes.get(s))
          s.destroy()
        }
        wss.close()
        http.close(() => done())
        http.closeAllConnections()
      })),
  }
}
