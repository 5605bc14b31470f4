/**
 * Browser mode (BRIDGE-1..4 in docs/PROTOCOL.md): serve the built UI on
 * 127.0.0.1 and bridge the app API over a WebSocket at /api. The socket is
 * accepted only with the session's random token (and only from a page of our
 * own origin), so other local programs and web pages cannot drive the node.
 * `polity ui` keeps the token and port in the data directory so a restart
 * comes back where an open tab looks for it (BRIDGE-10); before sending the
 * token the page asks `/api/hello` for proof that this server knows it, so a
 * program squatting the port while we are down never learns it.
 * Keys never cross the bridge: it carries API calls.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { readFile, stat } from 'node:fs/promises'
import { extname, join, normalize, resolve, sep } from 'node:path'
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import { WebSocketServer, type WebSocket } from 'ws'
import { ApiError, decodeWire, encodeWire, errorReply, serve, type PolityClient, type WireMessage, type WireRequest } from '@polity/api'

const TYPES = new Map<string, string>([
  ['.html', 'text/html; charset=utf-8'],
  ['.js', 'text/javascript; charset=utf-8'],
  ['.css', 'text/css; charset=utf-8'],
  ['.json', 'application/json'],
  ['.svg', 'image/svg+xml'],
  ['.png', 'image/png'],
  ['.woff2', 'font/woff2'],
  ['.ico', 'image/x-icon'],
])

/** connect-src also lists the node's signaling servers, so the WebRTC relay may reach them (NET-RTC-3). */
const csp = (connect: readonly string[]): string =>
  `default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self' ws://127.0.0.1:* ${connect.join(' ')}; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'`.replace('  ', ' ')

export interface UiServer {
  readonly url: string
  readonly port: number
  readonly token: string
  close(): Promise<void>
}

export interface UiServerOptions {
  readonly api: PolityClient
  /** Folder holding the built UI (index.html and assets). */
  readonly uiDir: string
  readonly port?: number
  /** Listen here when it is free, else on any free port (a restart coming back where the tab looks, BRIDGE-10). `port` wins. */
  readonly preferPort?: number
  /** The session token (BRIDGE-10); a new random one when absent. */
  readonly token?: string
  /** Largest bridge message accepted, in bytes. */
  readonly maxMessageBytes?: number
  /** Extra origins the page may connect to (the WebRTC relay's signaling servers). */
  readonly connectSrc?: readonly string[]
}

export async function startUiServer(options: UiServerOptions): Promise<UiServer> {
  const token = options.token ?? randomBytes(24).toString('base64url')
  const root = resolve(options.uiDir)
  const CSP = csp((options.connectSrc ?? []).filter((u) => /^wss?:\/\/[^\s;,'"]+$/.test(u)))
  let port = 0
  const server = createServer((req, res) => {
    if (new URL(req.url ?? '/', 'http://127.0.0.1').pathname === '/api/hello') {
      hello(req, res, token, port)
      return
    }
    serveStatic(root, req, res, CSP).catch(() => {
      res.writeHead(500).end()
    })
  })
  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxMessageBytes ?? 64 * 1024 * 1024 })
  let origin = ''
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    const given = Buffer.from(url.searchParams.get('token') ?? '')
    const ok = url.pathname === '/api' && given.length === Buffer.byteLength(token) && timingSafeEqual(given, Buffer.from(token)) &&
      req.headers.origin === origin
    if (!ok) {
      socket.write('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n')
      socket.destroy()
      return
    }
    wss.handleUpgrade(req, socket, head, (ws) => bridge(ws, options.api))
  })
  const listen = (at: number): Promise<void> =>
    new Promise<void>((ok, fail) => {
      const onError = (e: Error): void => fail(e)
      server.once('error', onError)
      server.listen(at, '127.0.0.1', () => {
        server.off('error', onError)
        ok()
      })
    })
  if (options.port !== undefined) await listen(options.port)
  else if (options.preferPort !== undefined) {
    await listen(options.preferPort).catch(async (e: NodeJS.ErrnoException) => {
      if (e.code !== 'EADDRINUSE' && e.code !== 'EACCES') throw e
      await listen(0)
    })
  } else await listen(0)
  port = (server.address() as { port: number }).port
  origin = `http://127.0.0.1:${port}`
  return {
    url: `${origin}/#token=${token}`,
    port,
    token,
    close: () => closeAll(server, wss),
  }
}

/** What the page checks before it sends the token (BRIDGE-10): an HMAC of its nonce and the port, keyed by the token. */
export function helloProof(token: string, port: number, nonce: string): string {
  return createHmac('sha256', token).update(`polity-bridge-hello|${port}|${nonce}`).digest('base64url')
}

function hello(req: IncomingMessage, res: ServerResponse, token: string, port: number): void {
  const nonce = new URL(req.url ?? '/', 'http://127.0.0.1').searchParams.get('nonce') ?? ''
  if (req.method !== 'GET' || !/^[A-Za-z0-9_-]{16,64}$/.test(nonce)) {
    res.writeHead(400, { 'content-type': 'text/plain' }).end('Expected GET /api/hello?nonce=<16 to 64 base64url characters>.')
    return
  }
  res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' })
  res.end(JSON.stringify({ proof: helloProof(token, port, nonce) }))
}

function closeAll(server: Server, wss: WebSocketServer): Promise<void> {
  for (const c of wss.clients) c.terminate()
  return new Promise((ok) => {
    wss.close(() => server.close(() => ok()))
  })
}

/**
 * One socket: requests in, responses and events out (BRIDGE-3). Each request
 * is answered by `serve` — the same checks, dispatch and error contract as
 * every host (BRIDGE-5, BRIDGE-6). A bad message gets an error reply; it never
 * stops the node.
 */
function bridge(ws: WebSocket, api: PolityClient): void {
  const send = (msg: WireMessage): void => {
    if (ws.readyState !== ws.OPEN) return
    let text: string
    try {
      text = encodeWire(msg)
    } catch {
      // A value JSON cannot carry: the caller still gets an answer, under the contract.
      if (msg.kind !== 'response') return
      text = encodeWire({ kind: 'response', id: msg.id, ...errorReply(new ApiError('BridgeError', 'ERR_BRIDGE_MESSAGE', 'The reply could not be encoded for the bridge.')) })
    }
    ws.send(text)
  }
  const unsubscribe = api.subscribe((event) => send({ kind: 'event', event }))
  ws.on('close', unsubscribe)
  ws.on('message', (data, isBinary) => {
    let req: WireRequest
    try {
      if (isBinary) throw new ApiError('BridgeError', 'ERR_BRIDGE_MESSAGE', 'Binary frames are not part of the bridge protocol.')
      const msg = decodeWire(String(data))
      if (msg.kind !== 'request' || typeof msg.id !== 'number') throw new ApiError('BridgeError', 'ERR_BRIDGE_MESSAGE', 'Expected a request with a numeric id.')
      req = msg
    } catch (e) {
      send({ kind: 'response', id: -1, ...errorReply(e) })
      return
    }
    void serve(api, { method: req.method, input: req.input }).then((reply) => send({ kind: 'response', id: req.id, ...reply }))
  })
}

async function serveStatic(root: string, req: IncomingMessage, res: ServerResponse, CSP: string): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405).end()
    return
  }
  const path = decodeURIComponent(new URL(req.url ?? '/', 'http://127.0.0.1').pathname)
  let file = normalize(join(root, path === '/' ? 'index.html' : path))
  if (file !== root && !file.startsWith(root + sep)) {
    res.writeHead(403).end()
    return
  }
  const info = await stat(file).catch(() => undefined)
  if (!info || info.isDirectory()) file = join(root, 'index.html')
  const body = await readFile(file).catch(() => undefined)
  if (!body) {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('The UI is not built: run `npx -y pnpm@10 --filter @polity/ui build`.')
    return
  }
  res.writeHead(200, {
    'content-type': TYPES.get(extname(file)) ?? 'application/octet-stream',
    'content-security-policy': CSP,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-store',
  })
  res.end(req.method === 'HEAD' ? undefined : body)
}
