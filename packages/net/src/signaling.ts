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
 * needs: a bound host, limits on frame size, topics, connections and message
 * rate, and a bad frame that closes one socket and nothing else.
 */
import { createServer, type Server } from 'node:http'
import { WebSocketServer, type WebSocket } from 'ws'

export interface SignalingLimits {
  /** Largest frame accepted, in bytes (an SDP offer is a few KiB). */
  readonly maxFrameBytes: number
  /** Topics one socket may subscribe to. */
  readonly maxTopicsPerSocket: number
  /** Longest topic name, in characters. */
  readonly maxTopicLength: number
  /** Open sockets at once from one remote address. */
  readonly maxSocketsPerHost: number
  /** Frames a socket may send per second (averaged over one-second windows). */
  readonly maxFramesPerSecond: number
  /** Milliseconds between keep-alive pings; a socket that misses one is closed. */
  readonly pingIntervalMs: number
}

export const DEFAULT_SIGNALING_LIMITS: SignalingLimits = {
  maxFrameBytes: 64 * 1024,
  maxTopicsPerSocket: 64,
  maxTopicLength: 256,
  maxSocketsPerHost: 64,
  maxFramesPerSecond: 200,
  pingIntervalMs: 30_000,
}

export interface SignalingServerOptions {
  /** Interface to bind; 127.0.0.1 unless a member's always-on peer says otherwise. */
  readonly host?: string
  /** 0 (default) picks a free port. */
  readonly port?: number
  readonly limits?: Partial<SignalingLimits>
}

export interface SignalingStats {
  readonly sockets: number
  readonly topics: number
  /** Sockets closed for breaking a limit or sending a malformed frame. */
  readonly closedForViolations: number
  readonly published: number
}

export interface SignalingServer {
  /** `ws://host:port` — what browser-mode UIs are configured with. */
  readonly url: string
  readonly port: number
  stats(): SignalingStats
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

export async function startSignalingServer(options: SignalingServerOptions = {}): Promise<SignalingServer> {
  const limits: SignalingLimits = { ...DEFAULT_SIGNALING_LIMITS, ...options.limits }
  const host = options.host ?? '127.0.0.1'
  const topics = new Map<string, Set<WebSocket>>()
  const perHost = new Map<string, number>()
  let closedForViolations = 0
  let published = 0

  const http: Server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' }).end('Polity signaling server (y-webrtc protocol)\n')
  })
  const wss = new WebSocketServer({ noServer: true, maxPayload: limits.maxFrameBytes })

  http.on('upgrade', (req, socket, head) => {
    const remote = req.socket.remoteAddress ?? '?'
    if ((perHost.get(remote) ?? 0) >= limits.maxSocketsPerHost) {
      socket.write('HTTP/1.1 429 Too Many Requests\r\nConnection: close\r\n\r\n')
      socket.destroy()
      return
    }
    wss.handleUpgrade(req, socket, head, (ws) => accept(ws, remote))
  })

  function send(ws: WebSocket, message: unknown): void {
    if (ws.readyState !== ws.OPEN) return
    try {
      ws.send(JSON.stringify(message))
    } catch {
      ws.terminate()
    }
  }

  function accept(ws: WebSocket, remote: string): void {
    perHost.set(remote, (perHost.get(remote) ?? 0) + 1)
    const mine = new Set<string>()
    let alive = true
    let frames = 0
    let windowStart = Date.now()
    let cutOff = false
    const violate = (): void => {
      if (cutOff) return
      cutOff = true
      closedForViolations++
      ws.terminate()
    }
    const ping = setInterval(() => {
      if (!alive) {
        ws.terminate()
        return
      }
      alive = false
      try {
        ws.ping()
      } catch {
        ws.terminate()
      }
    }, limits.pingIntervalMs)
    ws.on('pong', () => {
      alive = true
    })
    // ws reports protocol errors here: an oversized or malformed frame.
    ws.on('error', violate)
    ws.on('close', () => {
      clearInterval(ping)
      for (const t of mine) {
        const subs = topics.get(t)
        subs?.delete(ws)
        if (subs?.size === 0) topics.delete(t)
      }
      mine.clear()
      const n = (perHost.get(remote) ?? 1) - 1
      if (n <= 0) perHost.delete(remote)
      else perHost.set(remote, n)
    })
    ws.on('message', (data, isBinary) => {
      // Frames already read in the same chunk as a violation are dropped with it.
      if (cutOff) return
      alive = true
      const now = Date.now()
      if (now - windowStart >= 1000) {
        windowStart = now
        frames = 0
      }
      if (++frames > limits.maxFramesPerSecond || isBinary) return violate()
      let m: SignalingMessage
      try {
        m = readSignalingMessage(Buffer.isBuffer(data) ? data.toString('utf8') : String(data), limits)
      } catch {
        return violate()
      }
      switch (m.type) {
        case 'subscribe':
          for (const t of m.topics) {
            if (!mine.has(t) && mine.size >= limits.maxTopicsPerSocket) return violate()
            mine.add(t)
            let subs = topics.get(t)
            if (!subs) topics.set(t, (subs = new Set()))
            subs.add(ws)
          }
          return
        case 'unsubscribe':
          for (const t of m.topics) {
            mine.delete(t)
            const subs = topics.get(t)
            subs?.delete(ws)
            if (subs?.size === 0) topics.delete(t)
          }
          return
        case 'publish': {
          // As y-webrtc's server: the frame goes to every subscriber (the sender included), with the count.
          const receivers = topics.get(m.topic)
          if (!receivers) return
          published++
          const out = { ...m, clients: receivers.size }
          for (const r of receivers) send(r, out)
          return
        }
        case 'ping':
          send(ws, { type: 'pong' })
      }
    })
  }

  await new Promise<void>((ok, fail) => {
    http.once('error', fail)
    http.listen(options.port ?? 0, host, () => ok())
  })
  const port = (http.address() as { port: number }).port
  const shown = host.includes(':') ? `[${host}]` : host
  return {
    url: `ws://${shown}:${port}`,
    port,
    stats: () => ({ sockets: wss.clients.size, topics: topics.size, closedForViolations, published }),
    close: () =>
      new Promise<void>((done) => {
        for (const c of wss.clients) c.terminate()
        wss.close(() => http.close(() => done()))
      }),
  }
}
