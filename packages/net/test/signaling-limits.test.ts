/**
 * The signaling server's pure pieces (NET-RTC-6, NET-RTC-7): the key a
 * remote address is counted under, the Origins allowed, the token bucket and
 * the checks on limits.
 */
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { TokenBucket, addressKey, originAllowed, signalingLimits } from '../src/signaling-limits'
import { seeded } from '../../protocol/test/seeds'

describe('signaling limits', () => {
  it('NET-RTC-7: one key per machine as far as the address tells; only 127.0.0.1 and ::1 are local', () => {
    expect(addressKey('127.0.0.1')).toEqual({ key: '127.0.0.1', local: true })
    expect(addressKey('::ffff:127.0.0.1')).toEqual({ key: '127.0.0.1', local: true })
    expect(addressKey('::1')).toEqual({ key: '::1', local: true })
    expect(addressKey('0:0:0:0:0:0:0:1')).toEqual({ key: '::1', local: true })
    // Every other loopback address is this same machine: one key for all of them.
    expect(addressKey('127.0.0.2')).toEqual({ key: '127.0.0.0/8', local: false })
    expect(addressKey('127.200.3.4')).toEqual({ key: '127.0.0.0/8', local: false })
    expect(addressKey('::ffff:10.1.2.3')).toEqual({ key: '10.1.2.3', local: false })
    expect(addressKey('192.168.1.20')).toEqual({ key: '192.168.1.20', local: false })
    expect(addressKey('2001:db8:1:2::9')).toEqual({ key: '2001:db8:1:2::/64', local: false })
    expect(addressKey('2001:DB8:1:2:aaaa:bbbb:cccc:dddd')).toEqual({ key: '2001:db8:1:2::/64', local: false })
    expect(addressKey('2001:db8::1')).toEqual({ key: '2001:db8:0:0::/64', local: false })
    expect(addressKey('fe80::1%eth0')).toEqual({ key: 'fe80:0:0:0::/64', local: false })
    expect(addressKey(undefined)).toEqual({ key: '?', local: false })
  })

  seeded('NET-RTC-7: IPv6 addresses in the same /64 share a key, written in any form; other /64s do not', { fixed: [20261213] }, (run) => run.each(({ seed }) => {
    const group = fc.integer({ min: 0, max: 0xffff })
    const groups = fc.array(group, { minLength: 8, maxLength: 8 })
    const full = (gs: number[]): string => gs.map((g) => g.toString(16).padStart(4, '0')).join(':')
    // The WHATWG URL parser writes an IPv6 address in its shortest form (zero runs as ::).
    const short = (gs: number[]): string => new URL(`http://[${full(gs)}]/`).hostname.slice(1, -1)
    fc.assert(
      fc.property(groups, groups, (a, b) => {
        const sameNet = [...a.slice(0, 4), ...b.slice(4)]
        const isLoopback = (gs: number[]): boolean => gs.every((g, i) => g === (i === 7 ? 1 : 0))
        const mapped = (gs: number[]): boolean => gs.slice(0, 5).every((g) => g === 0) && gs[5] === 0xffff
        fc.pre(![a, b, sameNet].some((gs) => isLoopback(gs) || mapped(gs)))
        expect(addressKey(short(a)).key).toBe(addressKey(full(a)).key)
        expect(addressKey(short(sameNet)).key).toBe(addressKey(full(a)).key)
        const differs = a.slice(0, 4).some((g, i) => g !== b[i])
        expect(addressKey(full(b)).key === addressKey(full(a)).key).toBe(!differs)
      }),
      { seed, numRuns: 500 },
    )
  }))

  it('NET-RTC-7: a browser page may connect only from this machine\'s loopback origins', () => {
    expect(originAllowed(undefined)).toBe(true)
    for (const o of ['http://127.0.0.1:5173', 'http://localhost:8080', 'http://[::1]:9000', 'https://127.0.0.1']) expect(originAllowed(o)).toBe(true)
    for (const o of ['https://evil.example', 'http://127.0.0.1.evil.example', 'null', 'file://', 'chrome-extension://abc', 'http://192.168.1.2:5173', '']) {
      expect(originAllowed(o)).toBe(false)
    }
  })

  it('NET-RTC-6: the token bucket refills at its rate up to its size; charge may go into debt and wait reports it', () => {
    const b = new TokenBucket(1000, 500, 0)
    expect(b.take(500, 0)).toBe(true)
    expect(b.take(1, 0)).toBe(false)
    expect(b.take(100, 100)).toBe(true)
    expect(b.take(1, 100)).toBe(false)
    expect(b.take(500, 10_000)).toBe(true) // refilled to its size, not beyond
    expect(b.take(1, 10_000)).toBe(false)
    b.charge(300, 10_000)
    expect(b.wait(1, 10_000)).toBe(301)
    expect(b.wait(200, 10_301)).toBe(199)
    expect(b.wait(5000, 11_000)).toBe(0) // never more than its size is waited for
    expect(b.full(11_000)).toBe(true)
    b.charge(1, 11_000)
    expect(b.full(11_000)).toBe(false)
    expect(b.full(11_001)).toBe(true)
  })

  it('NET-RTC-6: limits that are not positive numbers, or that cannot hold one frame, are refused with the limit named', () => {
    expect(() => signalingLimits({ maxSockets: 0 })).toThrow(/maxSockets/)
    expect(() => signalingLimits({ pingIntervalMs: Number.NaN })).toThrow(/pingIntervalMs/)
    expect(() => signalingLimits({ reservedLocalSockets: 600 })).toThrow(/reservedLocalSockets/)
    expect(() => signalingLimits({ maxQueuedBytesPerSocket: 1024 })).toThrow(/maxQueuedBytesPerSocket/)
    expect(() => signalingLimits({ maxHeldBytes: 1024 })).toThrow(/maxHeldBytes/)
    expect(signalingLimits({ maxSockets: 100 }).maxSockets).toBe(100)
  })
})
