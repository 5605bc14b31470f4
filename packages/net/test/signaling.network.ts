/**
 * NET-RTC-2: the signaling server speaks y-webrtc's protocol on 127.0.0.1,
 * and a client that breaks a rule loses its own socket and nothing else.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { startSignalingServer, webrtcRoom, type SignalingServer } from '../src/index'

let server: SignalingServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

function open(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url)
    ws.once('open', () => resolve(ws))
    ws.once('error', reject)
  })
}

function next(ws: WebSocket): Promise<Record<string, unknown>> {
  return new Promise((resolve) => ws.once('message', (d) => resolve(JSON.parse(String(d)) as Record<string, unknown>)))
}

function closed(ws: WebSocket): Promise<void> {
  return new Promise((resolve) => {
    if (ws.readyState === ws.CLOSED) resolve()
    else ws.once('close', () => resolve())
  })
}

describe('signaling server (NET-RTC-2)', () => {
  it('NET-RTC-2: binds 127.0.0.1 and forwards a publish to every subscriber of the topic, with the count', async () => {
    server = await startSignalingServer()
    expect(server.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+$/)
    const [a, b, c] = await Promise.all([open(server.url), open(server.url), open(server.url)])
    a.send(JSON.stringify({ type: 'subscribe', topics: ['room-1'] }))
    b.send(JSON.stringify({ type: 'subscribe', topics: ['room-1'] }))
    c.send(JSON.stringify({ type: 'subscribe', topics: ['room-2'] }))
    const pong = next(a)
    a.send(JSON.stringify({ type: 'ping' }))
    expect(await pong).toEqual({ type: 'pong' })
    await new Promise((r) => setTimeout(r, 50))
    let cGot = false
    c.on('message', () => (cGot = true))
    const [ga, gb] = [next(a), next(b)]
    b.send(JSON.stringify({ type: 'publish', topic: 'room-1', data: 'sealed offer' }))
    expect(await ga).toEqual({ type: 'publish', topic: 'room-1', data: 'sealed offer', clients: 2 })
    expect(await gb).toEqual({ type: 'publish', topic: 'room-1', data: 'sealed offer', clients: 2 })
    await new Promise((r) => setTimeout(r, 50))
    expect(cGot).toBe(false)
    expect(server.stats()).toMatchObject({ sockets: 3, topics: 2, published: 1, closedForViolations: 0 })
    for (const w of [a, b, c]) w.close()
  })

  it('NET-RTC-2: malformed JSON, unknown types, oversized frames, too many topics and floods each close only the offender', async () => {
    server = await startSignalingServer({ limits: { maxFrameBytes: 4096, maxTopicsPerSocket: 4, maxFramesPerSecond: 50 } })
    const honest = await open(server.url)
    honest.send(JSON.stringify({ type: 'subscribe', topics: ['t'] }))
    const attacks: ((ws: WebSocket) => void)[] = [
      (ws) => ws.send('{not json'),
      (ws) => ws.send(JSON.stringify({ type: 'take-over' })),
      (ws) => ws.send(JSON.stringify(['subscribe'])),
      (ws) => ws.send(JSON.stringify({ type: 'publish', topic: 't', data: 'x'.repeat(5000) })),
      (ws) => ws.send(JSON.stringify({ type: 'subscribe', topics: ['1', '2', '3', '4', '5'] })),
      (ws) => ws.send(JSON.stringify({ type: 'subscribe', topics: [{}] })),
      (ws) => ws.send(Buffer.from([1, 2, 3]), { binary: true }),
      (ws) => {
        for (let i = 0; i < 200; i++) ws.send(JSON.stringify({ type: 'ping' }))
      },
    ]
    for (const attack of attacks) {
      const ws = await open(server.url)
      ws.on('error', () => undefined)
      attack(ws)
      await closed(ws)
    }
    expect(server.stats().closedForViolations).toBe(attacks.length)
    const pong = next(honest)
    honest.send(JSON.stringify({ type: 'ping' }))
    expect(await pong).toEqual({ type: 'pong' })
    expect(server.stats().sockets).toBe(1)
    honest.close()
  })

  it('NET-RTC-1: room name and password derive from the secret, differ from each other and from the other names', () => {
    const secret = new Uint8Array(32).fill(7)
    const r = webrtcRoom(secret)
    expect(r.room).toMatch(/^polity-[0-9a-f]{64}$/)
    expect(r.password).toMatch(/^[0-9a-f]{64}$/)
    expect(r.room.slice(7)).not.toBe(r.password)
    expect(webrtcRoom(new Uint8Array(32).fill(8)).room).not.toBe(r.room)
    expect(webrtcRoom(secret)).toEqual(r)
  })
})
