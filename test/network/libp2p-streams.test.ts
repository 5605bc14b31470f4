/**
 * NET-4: length-prefixed frame streams over real libp2p nodes on 127.0.0.1 —
 * echo, the frame size limit, the idle timeout, AbortSignal, and a peer that
 * opens 200 streams at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  dialProtocol,
  FrameTooLargeError,
  handleProtocol,
  NetAbortedError,
  parseAddress,
  StreamIdleTimeoutError,
  streamFrames,
  type FrameStream,
  type PolityLibp2p,
} from '@polity/net'
import { NodeSet, tcpAddress, until } from './libp2p-helpers'

const ECHO = '/polity-test/echo/1'
const SMALL = '/polity-test/small/1'
const IDLE = '/polity-test/idle/1'
const HOLD = '/polity-test/hold/1'
const SLOW = '/polity-test/slow/1'
const slowReceived: number[] = []

const set = new NodeSet()
let server: PolityLibp2p
let client: PolityLibp2p
const serverErrors: unknown[] = []

async function echoHandler(s: FrameStream): Promise<void> {
  for await (const f of s.frames) await s.send(f)
}

async function readAll(s: FrameStream): Promise<Uint8Array[]> {
  const out: Uint8Array[] = []
  for await (const f of s.frames) out.push(f)
  return out
}

const timeout = (ms = 10_000): AbortSignal => AbortSignal.timeout(ms)

beforeAll(async () => {
  server = await set.add()
  client = await set.add()
  await handleProtocol(server, ECHO, echoHandler, { onError: (e) => serverErrors.push(e) })
  await handleProtocol(server, SMALL, echoHandler, { maxFrameBytes: 1024, onError: (e) => serverErrors.push(e) })
  await handleProtocol(server, IDLE, echoHandler, { idleTimeoutMs: 300, onError: (e) => serverErrors.push(e) })
  // A reader slower than the sender: it takes a pause after every frame, then answers with the total.
  await handleProtocol(server, SLOW, async (s) => {
    let bytes = 0
    for await (const f of s.frames) {
      bytes += f.length
      if (f.length === 1) break // the sender's end marker
      await new Promise((r) => setTimeout(r, 4))
    }
    slowReceived.push(bytes)
    await s.send(new TextEncoder().encode(String(bytes)))
  }, { onError: (e) => serverErrors.push(e) })
})

afterAll(async () => {
  await set.stopAll()
})

describe('frame streams (NET-4)', () => {
  it('NET-4: frames echo in order, including a 1 MiB frame, and the stream ends cleanly', async () => {
    const s = await dialProtocol(client, parseAddress(tcpAddress(server)), ECHO, timeout())
    const sent = [new Uint8Array([1, 2, 3]), new Uint8Array(1024 * 1024).fill(7), new TextEncoder().encode('last')]
    const got: Uint8Array[] = []
    const it = s.frames[Symbol.asyncIterator]()
    for (const f of sent) {
      await s.send(f)
      const r = await it.next()
      expect(r.done).toBe(false)
      got.push(r.value as Uint8Array)
    }
    await s.close()
    expect((await it.next()).done).toBe(true)
    expect(got.map((g) => g.length)).toEqual(sent.map((f) => f.length))
    expect(got[1]!.every((b) => b === 7)).toBe(true)
    expect(new TextDecoder().decode(got[2])).toBe('last')
    expect(s.closeError).toBeUndefined()
  })

  it('NET-4 (backpressure): a sender faster than its reader waits (backpressure) instead of overflowing the stream; 40 MiB arrive whole (regression: cold sync of 50k ops was reset)', async () => {
    const s = await dialProtocol(client, parseAddress(tcpAddress(server)), SLOW, timeout(60_000))
    const frame = new Uint8Array(256 * 1024).fill(3)
    for (let i = 0; i < 160; i++) await s.send(frame)
    await s.send(new Uint8Array([0]))
    const it = s.frames[Symbol.asyncIterator]()
    const r = await it.next()
    expect(r.done).toBe(false)
    expect(new TextDecoder().decode(r.value as Uint8Array)).toBe(String(160 * frame.length + 1))
    await s.close()
  }, 60_000)

  it('NET-4: an oversized frame resets the stream with FrameTooLargeError; the node keeps serving', async () => {
    const before = serverErrors.length
    const s = await dialProtocol(client, server.peerId, SMALL, timeout())
    await s.send(new Uint8Array(100))
    const it = s.frames[Symbol.asyncIterator]()
    expect((await it.next()).value).toHaveLength(100)
    await s.send(new Uint8Array(2000))
    // The server resets: our frames end, with the reset recorded as the reason.
    expect((await it.next()).done).toBe(true)
    expect(s.closeError).toBeDefined()
    await until(5000, () => serverErrors.length > before, 'server handler reports the error')
    const err = serverErrors[serverErrors.length - 1]
    expect(err).toBeInstanceOf(FrameTooLargeError)
    expect((err as FrameTooLargeError).code).toBe('ERR_FRAME_TOO_LARGE')

    // A length prefix that claims 2 GiB is refused from the header alone, before any body arrives.
    const raw = await dialProtocol(client, server.peerId, SMALL, timeout())
    raw.stream.send(new Uint8Array([0x80, 0x80, 0x80, 0x80, 0x08]))
    expect(await readAll(raw)).toEqual([])
    await until(5000, () => serverErrors.filter((e) => e instanceof FrameTooLargeError).length >= 2, 'second oversize reported')

    // Still alive: ping and a fresh echo work.
    expect(await client.services.ping.ping(server.peerId, { signal: timeout() })).toBeGreaterThanOrEqual(0)
    const again = await dialProtocol(client, server.peerId, ECHO, timeout())
    await again.send(new Uint8Array([9]))
    expect((await again.frames[Symbol.asyncIterator]().next()).value).toEqual(new Uint8Array([9]))
    await again.close()
  })

  it('NET-4: a sender refuses its own oversized frame with FrameTooLargeError', async () => {
    const s = await dialProtocol(client, server.peerId, ECHO, timeout(), { maxFrameBytes: 10 })
    await expect(s.send(new Uint8Array(11))).rejects.toBeInstanceOf(FrameTooLargeError)
    s.reset()
  })

  it('NET-4: a silent stream is reset after the idle timeout (StreamIdleTimeoutError)', async () => {
    const before = serverErrors.length
    const s = await dialProtocol(client, server.peerId, IDLE, timeout())
    await s.send(new Uint8Array([1]))
    expect(await readAll(s)).toEqual([new Uint8Array([1])])
    await until(5000, () => serverErrors.slice(before).some((e) => e instanceof StreamIdleTimeoutError), 'idle timeout reported')
  })

  it('NET-4: aborting the signal resets the stream and the reader throws NetAbortedError', async () => {
    const ac = new AbortController()
    const s = await dialProtocol(client, server.peerId, ECHO, ac.signal)
    const reading = readAll(s)
    ac.abort()
    await expect(reading).rejects.toBeInstanceOf(NetAbortedError)
    expect(s.stream.status).not.toBe('open')
  })

  it('NET-4: 200 streams opened at once are limited per connection; the node stays responsive', async () => {
    // libp2p checks the per-protocol limit after negotiation, so in a burst every stream sees the others
    // already counted and the whole burst may be reset: the attacker gets at most the limit, possibly nothing.
    const target = await set.add()
    let active = 0
    let peak = 0
    let handled = 0
    await handleProtocol(
      target,
      HOLD,
      async (s) => {
        active++
        peak = Math.max(peak, active)
        handled++
        try {
          for await (const f of s.frames) await s.send(f)
        } finally {
          active--
        }
      },
      { maxInboundStreamsPerConnection: 8 },
    )
    const attacker = await set.add()
    const burst = async (): Promise<FrameStream[]> => {
      const attempts = Array.from({ length: 200 }, async (_, i) => {
        try {
          // The attacker lifts its own outbound limit; only the target's limits protect it.
          const stream = await attacker.dialProtocol(target.peerId, HOLD, { signal: timeout(15_000), maxOutboundStreams: 1000 })
          const s = streamFrames(stream, { idleTimeoutMs: 20_000 })
          await s.send(new Uint8Array([i & 0xff]))
          const r = await s.frames[Symbol.asyncIterator]().next()
          return r.done === false ? s : undefined
        } catch {
          return undefined
        }
      })
      return (await Promise.all(attempts)).filter((s): s is FrameStream => s !== undefined)
    }
    // Burst 1: on an established connection (ping first), so libp2p's per-protocol limit decides.
    await attacker.services.ping.ping(parseAddress(tcpAddress(target)), { signal: timeout() })
    const open = await burst()
    expect(peak).toBeLessThanOrEqual(8)
    expect(open.length).toBeLessThanOrEqual(8)
    for (const s of open) await s.close()
    await until(5000, () => active === 0, 'burst 1 streams released')
    await attacker.hangUp(target.peerId)
    // Burst 2: right after dialing, before the target has finished upgrading the connection ("early streams").
    await attacker.dial(parseAddress(tcpAddress(target)), { signal: timeout() })
    const open2 = await burst()
    expect(peak).toBeLessThanOrEqual(8)
    expect(open2.length).toBeLessThanOrEqual(8)
    // While the attacker holds its streams, an honest peer is served and ping answers.
    const honest = await set.add()
    expect(await honest.services.ping.ping(parseAddress(tcpAddress(target)), { signal: timeout() })).toBeGreaterThanOrEqual(0)
    const h = await dialProtocol(honest, target.peerId, HOLD, timeout())
    await h.send(new Uint8Array([42]))
    expect((await h.frames[Symbol.asyncIterator]().next()).value).toEqual(new Uint8Array([42]))
    await h.close()
    for (const s of open2) await s.close()
    await until(5000, () => active === 0, 'held streams released')
    // The limit is not a lockout: once the burst is over (and any connection whose muxer the
    // burst killed has been swept), the same peer can reconnect and is served again.
    let later: FrameStream | undefined
    await until(15_000, async () => {
      later = await dialProtocol(attacker, parseAddress(tcpAddress(target)), HOLD, timeout()).catch(() => undefined)
      return later !== undefined
    }, 'attacker served again after the burst')
    if (!later) throw new Error('unreachable')
    await later.send(new Uint8Array([7]))
    expect((await later.frames[Symbol.asyncIterator]().next()).value).toEqual(new Uint8Array([7]))
    await later.close()
    console.log(`200-stream floods: established ${open.length}/200 served, early ${open2.length}/200 served, peak ${peak} handlers, ${handled} handled in total`)
  })
})
