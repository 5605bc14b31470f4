/**
 * The browser-mode client: a PolityClient over the node's token-guarded
 * WebSocket bridge (BRIDGE-* in docs/PROTOCOL.md), built with the API's own
 * `createClient` so errors arrive exactly as every host sends them
 * (BRIDGE-6). Calls made while disconnected fail with ERR_DISCONNECTED; the
 * client reconnects with backoff (for as long as the page is open, so a
 * restarted `polity ui` that comes back on the same port and token is found
 * again, BRIDGE-10) and tells listeners whether it is connected; screens fetch
 * their views again when it is.
 */
import { ApiError, createClient, decodeWire, encodeWire, errorReply, type ApiReply, type PolityClient, type PolityEvent } from '@polity/api'

export type ConnectionListener = (connected: boolean) => void

export interface WsClient extends PolityClient {
  onConnection(listener: ConnectionListener): () => void
  close(): void
}

const disconnected = (why: string): ApiReply => errorReply(new ApiError('BridgeError', 'ERR_DISCONNECTED', why))

export interface WsClientOptions {
  WebSocketImpl?: typeof WebSocket
  /** Asked before each connection (BRIDGE-10): false means the server is not ours — do not connect, try again later. */
  verify?: () => Promise<boolean>
}

export function createWsClient(url: string, options: WsClientOptions = {}): WsClient {
  const WS = options.WebSocketImpl ?? WebSocket
  let socket: WebSocket | undefined
  let nextId = 1
  let closed = false
  let backoff = 250
  const pending = new Map<number, (reply: ApiReply) => void>()
  const events = new Set<(e: PolityEvent) => void>()
  const connection = new Set<ConnectionListener>()
  let ready: Promise<void> = Promise.resolve()

  const failAll = (why: string): void => {
    for (const answer of pending.values()) answer(disconnected(why))
    pending.clear()
  }

  const retry = (): void => {
    if (!closed) setTimeout(connect, (backoff = Math.min(backoff * 2, 5000)))
  }

  const connect = (): void => {
    if (closed) return
    if (!options.verify) {
      open()
      return
    }
    // The server must prove it knows the token before we send it; until then calls wait as for an opening socket.
    let settle: () => void = () => undefined
    ready = new Promise((resolve) => (settle = resolve))
    const notOurs = (): void => {
      settle()
      for (const l of connection) l(false)
      retry()
    }
    options.verify().then((ours) => {
      if (closed) return
      if (ours) open(settle)
      else notOurs()
    }, notOurs)
  }

  const open = (opened?: () => void): void => {
    const ws = new WS(url)
    socket = ws
    ready = new Promise((resolve) => {
      const done = (): void => {
        resolve()
        opened?.()
      }
      ws.addEventListener('open', () => {
        backoff = 250
        for (const l of connection) l(true)
        done()
      })
      ws.addEventListener('close', done)
    })
    ws.addEventListener('message', (ev: MessageEvent) => {
      let msg
      try {
        msg = decodeWire(String(ev.data))
      } catch {
        return
      }
      if (msg.kind === 'event') {
        for (const l of events) l(msg.event as PolityEvent)
      } else if (msg.kind === 'response') {
        const answer = pending.get(msg.id)
        if (!answer) return
        pending.delete(msg.id)
        // As it came: createClient checks the reply's shape and turns an error reply into an ApiError.
        answer({ ok: msg.ok, value: msg.value, error: msg.error } as ApiReply)
      }
    })
    ws.addEventListener('close', () => {
      if (socket === ws) socket = undefined
      failAll('The connection to the Polity node was lost.')
      for (const l of connection) l(false)
      retry()
    })
  }
  connect()

  const invoke = async (method: string, input: unknown): Promise<ApiReply> => {
    await Promise.race([ready, new Promise((r) => setTimeout(r, 3000))])
    const ws = socket
    if (!ws || ws.readyState !== WS.OPEN) return disconnected('Not connected to the Polity node.')
    const id = nextId++
    const text = encodeWire({ kind: 'request', id, method, input })
    return new Promise((resolve) => {
      pending.set(id, resolve)
      ws.send(text)
    })
  }

  const subscribe = (l: (e: PolityEvent) => void): (() => void) => {
    events.add(l)
    return () => {
      events.delete(l)
    }
  }

  return Object.assign(createClient(invoke, subscribe), {
    onConnection: (l: ConnectionListener) => {
      connection.add(l)
      return () => {
        connection.delete(l)
      }
    },
    close: () => {
      closed = true
      socket?.close()
    },
  })
}
