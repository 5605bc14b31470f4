/**
 * Encoding, payload and DAG rules with no test of their own before
 * (ENC-1, ENC-2, ENV-3, DAG-1, DAG-3, DAG-6): each with a control that is
 * accepted and the cases the rule refuses.
 */
import { describe, expect, it } from 'vitest'
import {
  decodeCanonical, decodeOp, encodeCanonical, generateKeyPair, sign, DecodeError, Replica,
  type AnyOp, type CborValue, type KeyPair, type OpId,
} from '../src/index'
import { concatBytes, utf8 } from '../src/encoding/bytes'
import { canonicalCompare } from '../src/replica/dag'
import { Actor, community } from './harness'
import { nodeCrypto } from './node-crypto'

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex')
const bytes = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h.replace(/\s/g, ''), 'hex'))
const decodes = (h: string): boolean => {
  try {
    decodeCanonical(bytes(h), 1024)
    return true
  } catch (e) {
    expect(e).toBeInstanceOf(DecodeError)
    return false
  }
}

describe('canonical CBOR (ENC-1, ENC-2)', () => {
  it('ENC-1: values encode to their RFC 8949 deterministic bytes — shortest integer and length forms, map keys sorted bytewise by their encoding', () => {
    const cases: [CborValue, string][] = [
      [0, '00'], [23, '17'], [24, '1818'], [255, '18ff'], [256, '190100'], [65_536, '1a00010000'], [2 ** 32, '1b0000000100000000'],
      [-1, '20'], [-25, '3818'], [Number.MAX_SAFE_INTEGER, '1b001fffffffffffff'],
      ['', '60'], ['a', '6161'], ['é', '62c3a9'], [new Uint8Array(0), '40'], [new Uint8Array(24), `5818${'00'.repeat(24)}`],
      [[], '80'], [[1, [2]], '8201 8102'], [{}, 'a0'], [true, 'f5'], [false, 'f4'], [null, 'f6'],
      // Bytewise order of the encoded keys: "b" (61 62) before "aa" (62 61 61) — shorter keys first, then by bytes.
      [{ aa: 1, b: 2 }, 'a2 6162 02 626161 01'],
      [{ z: 1, a: 2, m: [] }, 'a3 6161 02 616d 80 617a 01'],
    ]
    for (const [value, expected] of cases) expect(hex(encodeCanonical(value)), JSON.stringify(value)).toBe(expected.replace(/\s/g, ''))
    // Key order in the object does not matter: one value, one byte form.
    expect(hex(encodeCanonical({ b: 2, aa: 1 }))).toBe(hex(encodeCanonical({ aa: 1, b: 2 })))
    // Every case decodes back to the same value.
    for (const [value, expected] of cases) expect(decodeCanonical(bytes(expected), 1024)).toEqual(value)
  })

  it('ENC-2: only safe integers, bytes, well-formed text, arrays, maps with text keys, true, false and null; depth at most 16', () => {
    // Refused on decode: floats, tags, undefined, bignums, indefinite lengths, integers beyond 2^53 − 1, non-text keys.
    for (const h of ['f9 3c00', 'fa 3f800000', 'fb 3ff0000000000000', 'c0 00', 'c2 41 01', 'f7', '9f ff', '5f ff', '7f ff', 'bf ff',
      '1b 0020000000000000', '3b 0020000000000000', 'a1 01 02', 'a1 41 61 00', 'f0', 'f8 20']) {
      expect(decodes(h), h).toBe(false)
    }
    // Text must be well-formed UTF-8 and must not start with a byte-order mark; the key __proto__ is refused.
    for (const h of ['62 c080', '63 eda080', '61 ff', '63 efbbbf', 'a1 69 5f5f70726f746f5f5f 00']) expect(decodes(h), h).toBe(false)
    expect(decodes('64 61efbbbf')).toBe(true)
    // Depth: an item inside 16 arrays is accepted, inside 17 refused.
    expect(decodes(`${'81'.repeat(16)}00`)).toBe(true)
    expect(decodes(`${'81'.repeat(17)}00`)).toBe(false)
    // Map keys count as one level inside their map.
    expect(decodes(`${'81'.repeat(15)}a1616100`)).toBe(true)
    expect(decodes(`${'81'.repeat(16)}a1616100`)).toBe(false)
    // The encoder refuses what the decoder would refuse.
    expect(() => encodeCanonical(1.5)).toThrow()
    expect(() => encodeCanonical({ a: Number.NaN })).toThrow()
  })
})

/** Sign a payload map of our own making (ENV-3 cases the honest encoder never makes). */
function envelopeOf(payload: Record<string, CborValue>, device: KeyPair): Uint8Array {
  const p = encodeCanonical(payload)
  const signature = sign(concatBytes(utf8.encode('polity/op/v1\0'), p), device.secretKey)
  return encodeCanonical([p, signature])
}

describe('the payload (ENV-3)', () => {
  it('ENV-3: exactly the eight fields with their types and v = 1; anything else is a DecodeError', () => {
    const device = generateKeyPair()
    const good: Record<string, CborValue> = {
      v: 1, community: new Uint8Array(32).fill(7), author: device.publicKey, seq: 1, deps: [new Uint8Array(32).fill(9)], time: 1_700_000_000_000,
      kind: 'profile.set', body: { name: 'Ada' },
    }
    expect(decodeOp(envelopeOf(good, device), nodeCrypto).kind).toBe('profile.set')
    const { time: _time, ...noTime } = good
    const bad: [string, Record<string, CborValue>][] = [
      ['v = 2', { ...good, v: 2 }],
      ['v = 0', { ...good, v: 0 }],
      ['no time', noTime],
      ['an extra field', { ...good, extra: 1 }],
      ['seq as text', { ...good, seq: '1' }],
      ['seq 0', { ...good, seq: 0 }],
      ['a 31-byte author', { ...good, author: device.publicKey.subarray(1) }],
      ['a 31-byte community', { ...good, community: new Uint8Array(31) }],
      ['time as text', { ...good, time: 'now' }],
      ['a negative time', { ...good, time: -1 }],
      ['deps not a list', { ...good, deps: new Uint8Array(32) }],
      ['a 33-byte dep', { ...good, deps: [new Uint8Array(33)] }],
      ['kind as bytes', { ...good, kind: utf8.encode('profile.set') }],
      ['body as a list', { ...good, body: ['Ada'] }],
    ]
    for (const [what, payload] of bad) expect(() => decodeOp(envelopeOf(payload, device), nodeCrypto), what).toThrow(DecodeError)
  })
})

describe('the causal DAG (DAG-1, DAG-3, DAG-6)', () => {
  it('DAG-1: an op is applied only after all its deps; until then it waits and changes nothing', () => {
    const { founder, members } = community(1)
    const m = members[0]!
    const first = m.act('profile.set', { name: 'First' })
    const second = m.act('profile.set', { name: 'Second' })
    const r = new Replica({ crypto: nodeCrypto })
    for (const op of founder.replica.ops()) expect(r.receive(op).status).toBe('applied')
    const before = r.state()
    const waiting = r.receive(second)
    expect(waiting).toMatchObject({ status: 'pending', missing: [first.id] })
    expect(r.has(second.id)).toBe(false)
    expect(r.state()).toEqual(before)
    const released = r.receive(first)
    expect(released.status).toBe('applied')
    expect(r.has(first.id) && r.has(second.id)).toBe(true)
    expect(r.state().members.find((x) => x.id === m.member)?.name).toBe('Second')
  })

  it('DAG-1: a replica that has not seen the genesis applies nothing of the community', () => {
    const { founder } = community(1)
    const r = new Replica({ crypto: nodeCrypto })
    const [genesis, ...rest] = founder.replica.ops() as [AnyOp, ...AnyOp[]]
    for (const op of rest) expect(r.receive(op).status).toBe('pending')
    expect(r.size).toBe(0)
    r.receive(genesis)
    expect(r.size).toBe(rest.length + 1)
  })

  it('DAG-3: height is 1 for the genesis and 1 + the largest dep height otherwise; (height, id) is a topological order every replica agrees on', () => {
    const c = community(3)
    const [m0, m1, m2] = c.members as [Actor, Actor, Actor]
    // Concurrent branches of different lengths, then a merge.
    m0.act('profile.set', { name: 'a' })
    m0.act('profile.set', { name: 'b' })
    m1.act('profile.set', { name: 'c' })
    m2.pull(m0)
    m2.pull(m1)
    m2.act('profile.set', { name: 'merge' })
    const all = new Map<OpId, AnyOp>()
    for (const a of c.all) for (const op of a.replica.ops()) all.set(op.id, op)
    const height = new Map<OpId, number>()
    const heightOf = (op: AnyOp): number => {
      const known = height.get(op.id)
      if (known !== undefined) return known
      const h = op.deps.length === 0 ? 1 : 1 + Math.max(...op.deps.map((d) => heightOf(all.get(d) as AnyOp)))
      height.set(op.id, h)
      return h
    }
    const expected = [...all.values()].sort((x, y) => heightOf(x) - heightOf(y) || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0)).map((o) => o.id)
    for (const order of [[...all.values()], [...all.values()].reverse()]) {
      const r = new Replica({ crypto: nodeCrypto })
      for (const op of order) r.receive(op)
      expect(r.size).toBe(all.size)
      const entries = [...all.keys()].map((id) => r.entry(id)!)
      for (const e of entries) expect(e.height, e.op.kind).toBe(heightOf(all.get(e.op.id)!))
      const canonical = [...entries].sort(canonicalCompare).map((e) => e.op.id)
      expect(canonical).toEqual(expected)
      const pos = new Map(canonical.map((id, i) => [id, i]))
      for (const op of all.values()) for (const d of op.deps) expect(pos.get(d)!).toBeLessThan(pos.get(op.id)!)
    }
    expect(Math.max(...height.values())).toBeGreaterThan(c.all.length)
  })

  it('DAG-6: an op that depends on a rejected op is rejected too, whoever signed it', () => {
    const { founder, members } = community(1)
    const m = members[0]!
    const outsider = new Actor('outsider', new Replica({ crypto: nodeCrypto }))
    outsider.pull(founder)
    // A signed op by a non-member: rejected (AUTH-1), and remembered as rejected.
    const bad = outsider.make('profile.set', { name: 'Intruder' })
    expect(founder.replica.receive(bad)).toMatchObject({ status: 'rejected' })
    // A member's op that lists it among its deps is rejected as DAG-6, though the member may act.
    const { seq, last } = m
    const child = m.make('profile.set', { name: 'Innocent' }, { deps: [...m.replica.heads(), bad.id] })
    const r = founder.replica.receive(child)
    expect(r.status).toBe('rejected')
    expect(r.status === 'rejected' && r.error.message).toMatch(/^DAG-6: /)
    expect(founder.replica.has(child.id)).toBe(false)
    // The same op without the bad dep is applied (the control).
    m.seq = seq
    m.last = last
    const fine = m.make('profile.set', { name: 'Innocent' })
    expect(founder.replica.receive(fine).status).toBe('applied')
  })
})
