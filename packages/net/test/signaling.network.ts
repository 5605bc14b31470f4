/**
 * NET-RTC-2: the signaling server speaks y-webrtc's protocol on 127.0.0.1,
 * and a client that breaks a rule loses its own socket and nothing else.
 * NET-RTC-6 … 8 (issue 13 §6): no peer, however many sockets it holds within
 * every per-socket limit, exhausts what all share; the flood itself is in
 * signaling-flood.ts, the connection caps and liveness in
 * signaling-caps.network.ts.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { DEFAULT_SIGNALING_LIMITS, startSignalingServer, webrtcRoom, type SignalingServer } from '../src/index'
import { startFlood, type Flood } from './signaling-flood'

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

const KiB = 1024
const MiB = 1024 * KiB
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))
/** Poll until `what` holds; the test's own timeout bounds the wait. */
async function until(what: () => boolean): Promise<void> {
  while (!what()) await sleep(10)
}
const publish = (topic: string, data: string): string => JSON.stringify({ type: 'publish', topic, data })
/** Subscribe and wait until the server has read it (a ping sent after it is answered after it). */
async function subscribed(ws: WebSocket, topic: string): Promise<void> {
  ws.send(JSON.stringify({ type: 'subscribe', topics: [topic] }))
  const pong = next(ws)
  ws.send(JSON.stringify({ type: 'ping' }))
  await pong
}
/** Every message `ws` receives from now on, in order. */
function record(ws: WebSocket): Record<string, unknown>[] {
  const got: Record<string, unknown>[] = []
  ws.on('message', (d) => got.push(JSON.parse(String(d)) as Record<string, unknown>))
  return got
}
/** Loopback source addresses other than 127.0.0.1 (one machine: the server counts them as one host). */
const elsewhere = Array.from({ length: 30 }, (_, i) => `127.0.0.${i + 2}`)

describe('signaling server under load (NET-RTC-6)', () => {
  let flood: Flood | undefined
  afterEach(async () => {
    await flood?.stop()
    flood = undefined
  })

  it('NET-RTC-6: 40 subscribers that never read and 20 publishers at every per-socket limit — an honest publish arrives while the attack runs, queues stay within their bounds, attackers are closed, stats return to baseline, close() finishes under load', async () => {
    const maxQueuedBytes = 8 * MiB
    server = await startSignalingServer({ limits: { maxQueuedBytes, pingIntervalMs: 5000 } })
    const s = server
    const sub = await open(s.url)
    const pub = await open(s.url)
    await subscribed(sub, 'honest-room')
    const baseline = s.stats()
    expect(baseline).toMatchObject({ sockets: 2, connections: 2, topics: 1, hosts: 1, queuedBytes: 0, heldBytes: 0 })
    let peakQueued = 0
    let peakHeld = 0
    const sampler = setInterval(() => {
      const now = s.stats()
      peakQueued = Math.max(peakQueued, now.queuedBytes)
      peakHeld = Math.max(peakHeld, now.heldBytes)
    }, 5)
    const load = {
      subscribers: 40,
      publishers: 20,
      framesPerSecond: DEFAULT_SIGNALING_LIMITS.maxFramesPerSecond - 10,
      frameBytes: DEFAULT_SIGNALING_LIMITS.maxFrameBytes - 1,
      topic: 'flood',
      from: elsewhere,
    }
    const f = (flood = startFlood(s.url, load))
    // In full swing: the server is closing non-readers for their queues and publishers for their fan-out.
    await until(() => s.stats().closedForBackpressure >= 10 && s.stats().closedForViolations >= 5)
    const latencies: number[] = []
    for (let i = 0; i < 5; i++) {
      const got = next(sub)
      const t0 = performance.now()
      pub.send(publish('honest-room', `offer-${i}`))
      expect(await got).toEqual({ type: 'publish', topic: 'honest-room', data: `offer-${i}`, clients: 1 })
      latencies.push(performance.now() - t0)
      // It arrived during the attack: attack sockets were open, on both ends.
      expect(f.open()).toBeGreaterThan(0)
      expect(s.stats().sockets).toBeGreaterThan(2)
      await sleep(200)
    }
    clearInterval(sampler)
    const during = s.stats()
    console.log(`NET-RTC-6 flood: honest publish latencies under attack ${latencies.map((x) => x.toFixed(1)).join(', ')} ms; peak queued ${peakQueued} B (bound ${maxQueuedBytes}), peak held ${peakHeld} B; ${JSON.stringify(during)}; attacker ${JSON.stringify(f.counts())}`)
    expect(peakQueued).toBeLessThanOrEqual(maxQueuedBytes)
    expect(peakHeld).toBeLessThanOrEqual(DEFAULT_SIGNALING_LIMITS.maxHeldBytes)
    expect(during.closedForBackpressure).toBeGreaterThanOrEqual(10)
    expect(during.closedForViolations).toBeGreaterThanOrEqual(5)
    expect(f.counts().closedByServer).toBeGreaterThanOrEqual(15)

    // The attackers leave: nothing of theirs stays behind.
    await f.stop()
    await until(() => {
      const now = s.stats()
      return now.sockets === 2 && now.connections === 2 && now.topics === 1 && now.hosts === 1 && now.queuedBytes === 0 && now.heldBytes === 0
    })
    const after = next(sub)
    pub.send(publish('honest-room', 'after'))
    expect(await after).toMatchObject({ data: 'after', clients: 1 })

    // close() under the same load: every socket is closed and the port released.
    const g = (flood = startFlood(s.url, load))
    await until(() => s.stats().sockets >= 40)
    const honestClosed = Promise.all([closed(sub), closed(pub)])
    const t0 = performance.now()
    await s.close()
    console.log(`NET-RTC-6 flood: close() under load took ${(performance.now() - t0).toFixed(1)} ms`)
    server = undefined
    await honestClosed
    await until(() => g.open() === 0)
    await expect(open(s.url)).rejects.toThrow(/ECONNREFUSED/)
  })

  it('NET-RTC-6: a subscriber that does not read is closed once its queue passes maxQueuedBytesPerSocket; a reading one gets every frame', async () => {
    server = await startSignalingServer({
      limits: { maxQueuedBytesPerSocket: 256 * KiB, fanoutBytesPerSecond: 64 * MiB, fanoutBurstBytes: 64 * MiB, hostInputBytesPerSecond: 64 * MiB, hostInputBurstBytes: 64 * MiB },
    })
    const s = server
    const [slow, reader, pub] = await Promise.all([open(s.url), open(s.url), open(s.url)])
    await subscribed(slow, 'room')
    await subscribed(reader, 'room')
    slow.pause()
    const got = record(reader)
    const frame = publish('room', 'y'.repeat(60 * KiB))
    let sent = 0
    while (s.stats().closedForBackpressure === 0) {
      pub.send(frame)
      sent++
      await sleep(10)
    }
    await until(() => got.length === sent)
    await until(() => s.stats().sockets === 2 && s.stats().queuedBytes === 0)
    console.log(`NET-RTC-6 backpressure: the non-reader was closed after ${sent} frames of 60 KiB`)
    expect(s.stats()).toMatchObject({ closedForBackpressure: 1, closedForViolations: 0, published: sent })
    expect(pub.readyState).toBe(pub.OPEN)
    slow.terminate()
  })

  it('NET-RTC-6: a publisher that overdraws its fan-out budget is closed; the others keep publishing', async () => {
    server = await startSignalingServer({ limits: { fanoutBytesPerSecond: 1024, fanoutBurstBytes: 64 * KiB } })
    const s = server
    const subs = await Promise.all([open(s.url), open(s.url), open(s.url)])
    for (const w of subs) await subscribed(w, 'room')
    const got = record(subs[0] as WebSocket)
    const [heavy, light] = await Promise.all([open(s.url), open(s.url)])
    // 10 KiB to 3 subscribers costs about 31 KB: two fit in 64 KiB, the third does not.
    for (let i = 0; i < 3; i++) heavy.send(publish('room', `${i}`.repeat(10 * KiB)))
    await closed(heavy)
    light.send(publish('room', 'light'))
    await until(() => got.some((m) => m['data'] === 'light'))
    expect(got.map((m) => String(m['data']).slice(0, 5))).toEqual(['00000', '11111', 'light'])
    expect(s.stats()).toMatchObject({ closedForViolations: 1, published: 3 })
  })

  it('NET-RTC-6: when the server\'s fan-out budget is spent, a small publish overtakes the floods queued before it (fair queueing)', async () => {
    server = await startSignalingServer({ limits: { totalFanoutBytesPerSecond: 256 * KiB, totalFanoutBurstBytes: 80 * KiB } })
    const s = server
    const sub = await open(s.url)
    await subscribed(sub, 'room')
    const got = record(sub)
    const heavy = await Promise.all(Array.from({ length: 5 }, () => open(s.url)))
    for (const h of heavy) for (let i = 0; i < 4; i++) h.send(publish('room', 'h'.repeat(30 * KiB)))
    // 600 KB of fan-out against 80 KiB at once and 256 KiB a second: most of it waits.
    await until(() => s.stats().heldBytes > 300 * KiB)
    const honest = await open(s.url)
    honest.send(publish('room', 'honest'))
    await until(() => got.length === 21)
    const at = got.findIndex((m) => m['data'] === 'honest')
    console.log(`NET-RTC-6 fair queueing: the honest publish arrived ${at + 1}th of 21, after ${at} of the 20 floods published before it`)
    expect(got.length - 1 - at).toBeGreaterThanOrEqual(10)
  })
})
