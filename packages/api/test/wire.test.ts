/** BRIDGE-2: the bridge's JSON wire format carries bytes as {$bytes: base64}, whatever kind of Uint8Array holds them. */
import { describe, expect, it } from 'vitest'
import { ApiError, decodeWire, encodeWire } from '../src/index'

describe('bridge wire (BRIDGE-2)', () => {
  it('BRIDGE-2: bytes round-trip, nested in arrays and objects', () => {
    const value = { ids: ['a'], envelopes: [new Uint8Array([1, 2, 3]), new Uint8Array(0)], deep: { b: new Uint8Array(70_000).fill(9) } }
    const back = decodeWire(encodeWire({ kind: 'response', id: 1, ok: true, value }))
    expect(back).toEqual({ kind: 'response', id: 1, ok: true, value })
    expect((back as { value: typeof value }).value.envelopes[0]).toBeInstanceOf(Uint8Array)
  })

  it('BRIDGE-2: a Node Buffer travels as bytes, not as its toJSON form (regression: relayed envelopes arrived as objects)', () => {
    const buf = Buffer.from([0xa2, 0x61, 0x62])
    const text = encodeWire({ kind: 'event', event: { update: buf, list: [buf.subarray(1)] } })
    expect(text).not.toContain('"Buffer"')
    const back = decodeWire(text) as { event: { update: Uint8Array; list: Uint8Array[] } }
    expect(back.event.update).toEqual(new Uint8Array([0xa2, 0x61, 0x62]))
    expect(back.event.list[0]).toEqual(new Uint8Array([0x61, 0x62]))
  })

  it('BRIDGE-2: malformed messages throw a named error', () => {
    for (const bad of ['{', '[]', '{"kind":"shout"}', 'null']) {
      expect(() => decodeWire(bad)).toThrow(ApiError)
    }
    expect(() => decodeWire('x'.repeat(11), 10)).toThrow(/too large/)
  })
})
