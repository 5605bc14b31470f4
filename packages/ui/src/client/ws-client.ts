/**
 * The browser-mode client: a PolityClient over the node's token-guarded
 * WebSocket bridge (BRIDGE-* in docs/PROTOCOL.md). Calls made while
 * disconnected fail with a clear error; the client reconnects with backoff
 * and tells listeners whether it is connected.
 */
import { API_METHODS, ApiError, decodeWire, encodeWire, type PolityClient, type PolityEvent } from '@polity/api'

export type ConnectionListener = (connected: boolean) => void

export interface WsClient extends PolityClient {
  onConnection(listener: ConnectionListener): () => void
  close(): void
}

export function createWsClient(url: string, options: { WebSocketImpl?: typeof WebSocket } = {}): WsClient {
  const WS = options.WebSocketImpl ?? WebSocket
  let socket: WebSocket | undefined
  let nextId = 1
  let closed = false
  let backoff = 250
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>()
  const events = new Set<(e: PolityEvent) => void>()
  const connection = new Set<ConnectionListener>()
  let ready: Promise<void> = Promise.resolve()

  const failAll = (why: string): void => {
    for (const p of pending.values()) p.reject(new ApiError('BridgeError', 'ERR_DISCONNECTED', why))
    pending.clear()
  }

  const connect = (): void => {
    if (closed) return
    const ws = new WS(url)
    socket = ws
    ready = new Promise((resolve) => {
      ws.addEventListener('open', () => {
        backoff = 250
        for (const l of connection) l(true)
        resolve()
      })
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
        const p = pending.get(msg.id)
        if (!p) return
        pending.delete(msg.id)
        if (msg.ok) p.resolve(msg.value)
        else p.reject(new ApiError(msg.error?.name ?? 'Error', msg.error?.code ?? 'ERR_UNKNOWN', msg.error?.message ?? 'Unknown error'))
      }
    })
    ws.addEventListener('close', () => {
      if (socket === ws) socket = undefined
      failAll('The connection to the Polity node was lost.')
      for (const l of connection) l(false)
      if (!closed) setTimeout(connect, (backoff = Math.min(backoff * 2, 5000)))
    })
  }
  connect()

  const call = async (method: string, input: unknown): Promise<unknown> => {
    await Promise.race([ready, new Promise((r) => setTimeout(r, 3000))])
    const ws = socket
    if (!ws || ws.readyState !== WS.OPEN) throw new ApiError('BridgeError', 'ERR_DISCONNECTED', 'Not connected to the Polity node.')
    const id = nextId++
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject })
      ws.send(encodeWire({ kind: 'request', id, method, input }))
    })
  }

  const client: Record<string, unknown> = {
    subscribe: (l: (e: PolityEvent) => void) => {
      events.add(l)
      return () => events.delete(l)
    },
    onConnection: (l: ConnectionListener) => {
      connection.add(l)
      return () => connection.delete(l)
    },
    close: () => {
      closed = true
      socket?.close()
    },
  }
  for (const m of API_METHODS) client[m] = (input?: unknown) => call(m, input)
  return client as unknown as WsClient
}
