/**
 * NET-RTC-7 and NET-RTC-8 (issue 13 §6): what one machine may hold of the
 * signaling server's connections, and liveness judged by protocol pongs
 * only. Sockets connect to 127.0.0.1 only; some use other loopback source
 * addresses (127.0.0.2 …), which the server counts as one other machine.
 */
import { connect, type Socket } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { WebSocket, type ClientOptions } from 'ws'
import { startSignalingServer, type SignalingServer } from '../src/index'

let server: SignalingServer | undefined
const mine: WebSocket[] = []
afterEach(async () => {
  for (const w of mine.splice(0)) w.terminate()
  await server?.close()
  server = undefined
})

/** Opens, or answers how it failed: 'reset' (closed before the handshake) or the refusal's status. */
function attempt(url: string, options: ClientOptions = {}): Promise<WebSocket | 'reset' | number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, options)
    ws.once('open', () => {
      mine.push(ws)
      resolve(ws)
    })
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0)
      ws.terminate()
    })
    ws.once('error', () => resolve('reset'))
  })
}
const opened = (rs: (WebSocket | 'reset' | number)[]): number => rs.filter((r) => r instanceof WebSocket).length
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))
/** Poll until `what` holds; the test's own timeout bounds the wait. */
async function until(what: () => boolean): Promise<void> {
  while (!what()) await sleep(10)
}
const tries = (url: string, n: number, from?: string): Promise<(WebSocket | 'reset' | number)[]> =>
  Promise.all(Array.from({ length: n }, (_, i) => attempt(url, from ? { localAddress: from.replace(/\d+$/, String(2 + (i % 30))) } : {})))

describe('signaling connection caps (NET-RTC-7)', () => {
  it('NET-RTC-7: other machines together cannot take the slots reserved for 127.0.0.1; other loopback addresses count as one machine', async () => {
    server = await startSignalingServer({ limits: { maxSockets: 12, reservedLocalSockets: 4, maxSocketsPerHost: 64 } })
    // 20 attempts from 127.0.0.2 … 127.0.0.21: 8 (12 − 4 reserved) get in.
    const others = await tries(server.url, 20, '127.0.0.2')
    expect(opened(others)).toBe(8)
    expect(others.filter((r) => r === 'reset')).toHaveLength(12)
    const local = await tries(server.url, 6)
    expect(opened(local)).toBe(4)
    expect(server.stats()).toMatchObject({ sockets: 12, connections: 12, refused: 14 })
    // A freed slot outside the reserve is anyone's again.
    const first = others.find((r) => r instanceof WebSocket) as WebSocket
    first.terminate()
    await sleep(100)
    expect(opened(await tries(server.url, 2))).toBe(1)
  })

  it('NET-RTC-7: the per-address cap is per machine — 127.0.0.2 … 127.0.0.31 share one, and it does not touch 127.0.0.1\'s', async () => {
    server = await startSignalingServer({ limits: { maxSocketsPerHost: 5 } })
    const others = await tries(server.url, 30, '127.0.0.2')
    expect(opened(others)).toBe(5)
    const local = await tries(server.url, 7)
    expect(opened(local)).toBe(5)
    expect(server.stats()).toMatchObject({ sockets: 10, refused: 27 })
  })

  it('NET-RTC-7: a web page from a foreign Origin is refused with 403; the UI\'s loopback origin and non-browsers are not', async () => {
    server = await startSignalingServer()
    expect(await attempt(server.url, { origin: 'https://evil.example' })).toBe(403)
    expect(await attempt(server.url, { origin: 'http://127.0.0.1.evil.example:80' })).toBe(403)
    expect(await attempt(server.url, { origin: 'http://127.0.0.1:5173' })).toBeInstanceOf(WebSocket)
    expect(await attempt(server.url)).toBeInstanceOf(WebSocket)
    await sleep(50)
    expect(server.stats()).toMatchObject({ sockets: 2, connections: 2, refused: 2 })
  })

  it('NET-RTC-7: a connection that never sends its handshake is closed after handshakeTimeoutMs; an open WebSocket is not', async () => {
    server = await startSignalingServer({ limits: { handshakeTimeoutMs: 300 } })
    const ws = await attempt(server.url)
    expect(ws).toBeInstanceOf(WebSocket)
    const port = server.port
    const raw: Socket = connect(port, '127.0.0.1')
    await new Promise((r) => raw.once('connect', r))
    expect(server.stats().connections).toBe(2)
    await new Promise((r) => raw.once('close', r))
    await sleep(400)
    // The WebSocket is older than the raw connection and still open, well past the timeout.
    expect((ws as WebSocket).readyState).toBe(WebSocket.OPEN)
    expect(server.stats()).toMatchObject({ sockets: 1, connections: 1 })
  })
})

describe('one machine\'s input budget (NET-RTC-6)', () => {
  it('NET-RTC-6: sockets of one machine share its input budget, and reconnecting does not restore it', async () => {
    server = await startSignalingServer({ limits: { hostInputBytesPerSecond: 8 * 1024, hostInputBurstBytes: 16 * 1024 } })
    const s = server
    const sub = (await attempt(s.url)) as WebSocket
    sub.send(JSON.stringify({ type: 'subscribe', topics: ['room'] }))
    const got: string[] = []
    sub.on('message', (d) => got.push(String((JSON.parse(String(d)) as { data?: unknown }).data)))
    await sleep(50)
    // 40 KiB from 127.0.0.2 against 16 KiB at once and 8 KiB a second: about three seconds in debt.
    const a = (await attempt(s.url, { localAddress: '127.0.0.2' })) as WebSocket
    a.send(JSON.stringify({ type: 'publish', topic: 'room', data: 'a'.repeat(40 * 1024) }))
    await until(() => got.length === 1)
    a.terminate()
    await until(() => s.stats().sockets === 1)
    expect(s.stats().hosts).toBe(2)
    // The same machine again, from another of its addresses: not read until the debt is paid. 127.0.0.1 is another machine.
    const b = (await attempt(s.url, { localAddress: '127.0.0.3' })) as WebSocket
    b.send(JSON.stringify({ type: 'publish', topic: 'room', data: 'from-b' }))
    await sleep(50)
    const c = (await attempt(s.url)) as WebSocket
    c.send(JSON.stringify({ type: 'publish', topic: 'room', data: 'from-c' }))
    await until(() => got.length === 3)
    expect(got.slice(1)).toEqual(['from-c', 'from-b'])
  })
})

describe('signaling liveness (NET-RTC-8)', () => {
  it('NET-RTC-8: a socket that sends y-webrtc pings but does not answer protocol pings is closed; one that answers stays', async () => {
    server = await startSignalingServer({ limits: { pingIntervalMs: 200 } })
    const silent = await attempt(server.url, { autoPong: false })
    const answering = await attempt(server.url)
    if (!(silent instanceof WebSocket) || !(answering instanceof WebSocket)) throw new Error('could not connect')
    let jsonPongs = 0
    silent.on('message', (d) => {
      if (String(d) === '{"type":"pong"}') jsonPongs++
    })
    let pings = 0
    silent.on('ping', () => pings++)
    const keepSending = setInterval(() => {
      for (const w of [silent, answering]) if (w.readyState === w.OPEN) w.send(JSON.stringify({ type: 'ping' }))
    }, 50)
    await new Promise((r) => silent.once('close', r))
    clearInterval(keepSending)
    await until(() => server?.stats().sockets === 1)
    expect(jsonPongs).toBeGreaterThan(0)
    expect(pings).toBeGreaterThan(0)
    expect(answering.readyState).toBe(WebSocket.OPEN)
    expect(server.stats()).toMatchObject({ sockets: 1, closedForSilence: 1, closedForViolations: 0 })
  })
})
