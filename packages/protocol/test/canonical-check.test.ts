/**
 * ENC-3: the one-pass canonical check accepts exactly what "decode,
 * re-encode, compare" accepts, and yields the same value. Seeded: canonical
 * values, their mutations and hand-made edge cases through both decoders.
 */
import { describe, expect, it } from 'vitest'
import { encodeCanonical, type CborValue } from '../src/encoding/cbor'
import { decodeCanonical } from '../src/index'
import { decodeCanonicalByReencoding } from '../src/encoding/cbor'
import { encode as cborEncode, rfc8949EncodeOptions } from 'cborg'
import type { Rng } from './random'
import { seeded } from './seeds'

type Verdict = { ok: true; value: CborValue } | { ok: false }
const run = (f: typeof decodeCanonical, b: Uint8Array): Verdict => {
  try {
    return { ok: true, value: f(b, 1 << 20) }
  } catch (e) {
    expect((e as Error).name).toBe('DecodeError')
    return { ok: false }
  }
}
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex')
const bytes = (h: string): Uint8Array => new Uint8Array(Buffer.from(h.replace(/\s+/g, ''), 'hex'))

function agree(b: Uint8Array): boolean {
  const fast = run(decodeCanonical, b)
  const ref = run(decodeCanonicalByReencoding, b)
  expect(fast.ok, `verdicts differ for ${hex(b)}`).toBe(ref.ok)
  if (fast.ok && ref.ok) expect(fast.value).toEqual(ref.value)
  return ref.ok
}

function randomValue(rng: Rng, depth: number): CborValue {
  const k = rng.int(depth > 3 ? 6 : 9)
  switch (k) {
    case 0: return rng.pick([0, 1, 23, 24, 255, 256, 65535, 65536, 2 ** 32 - 1, 2 ** 32, Number.MAX_SAFE_INTEGER, rng.int(1e9)]) * (rng.chance(0.3) ? -1 : 1)
    case 1: return Uint8Array.from({ length: rng.pick([0, 1, 23, 24, 32, 300]) }, () => rng.int(256))
    case 2: return rng.pick(['', 'a', 'kind', 'vote.cast', 'é', '日本語', '😀', 'x'.repeat(40), 'mixed ascii and ü', '\u0000', 'not \ufefffirst'])
    case 3: return rng.pick([true, false, null])
    case 4: return rng.int(1000)
    case 5: return 'key' + rng.int(50)
    case 6: return Array.from({ length: rng.int(5) }, () => randomValue(rng, depth + 1))
    default: {
      const o: Record<string, CborValue> = {}
      for (let i = rng.int(6); i > 0; i--) o[rng.pick(['a', 'b', 'aa', 'body', 'deps', 'z', 'Z', 'type', 'é', '10', '2', 'proposal', 'x'.repeat(30)])] = randomValue(rng, depth + 1)
      return o
    }
  }
}

function mutate(rng: Rng, b: Uint8Array): Uint8Array {
  const out = [...b]
  const at = rng.int(Math.max(1, out.length))
  switch (rng.int(6)) {
    case 0: out[at] = ((out[at] ?? 0) ^ (1 << rng.int(8))) & 0xff; break
    case 1: out[at] = rng.int(256); break
    case 2: out.splice(at, 0, rng.int(256)); break
    case 3: out.splice(at, 1); break
    case 4: out.length = at; break
    default: out.push(rng.int(256))
  }
  return Uint8Array.from(out)
}

describe('canonical CBOR check (ENC-3)', () => {
  seeded('ENC-3: one pass and re-encoding agree on canonical values and their mutations', { fixed: [20261201] }, (run) => run.each((rng) => {
    let accepted = 0
    let rejected = 0
    for (let i = 0; i < 3000; i++) {
      const v = randomValue(rng, 0)
      const b = encodeCanonical(v)
      expect(agree(b)).toBe(true)
      accepted++
      // The same value with map keys in reverse order: well-formed CBOR, not canonical when a map has 2+ keys.
      const reversed = cborEncode(v, { ...rfc8949EncodeOptions, mapSorter: (a, b) => -(rfc8949EncodeOptions.mapSorter as (x: unknown, y: unknown) => number)(a, b) })
      if (agree(reversed)) accepted++
      else rejected++
      for (let m = 0; m < 8; m++) {
        if (agree(mutate(rng, b))) accepted++
        else rejected++
      }
    }
    // Both kinds were exercised in quantity.
    expect(accepted).toBeGreaterThan(3000)
    expect(rejected).toBeGreaterThan(10_000)
  }))

  it('ENC-3: hand-made edge cases get the same verdict from both', () => {
    const accept = [
      '00', '17', '1818', '18ff', '190100', '1a00010000', '1b0000000100000000', '1b001fffffffffffff', '3b001ffffffffffffe',
      '40', '5818' + '00'.repeat(24), '60', '6161', '80', 'a0', 'a1616100', 'a2616100616201', 'a2616201626161 00'.replace(' ', ''),
      'f4', 'f5', 'f6', '63e282ac', '64f09f9880', '83010203', '81'.repeat(16) + '00',
    ]
    const reject = [
      '', '1800', '1817', '19 00ff', '1a 0000ffff', '1b 00000000ffffffff', '1b 0020000000000000', '1b ffffffffffffffff',
      '3b 001fffffffffffff', '3b ffffffffffffffff', 'f9 3c00', 'fa 3f800000', 'fb 3ff0000000000000', 'f9 7e00', 'f9 7c00',
      'f7', 'f0', 'f8 20', 'c0 00', 'c2 41 01', '9f ff', '5f ff', '7f ff', 'bf ff', '1c', '1d', '1e', '3c',
      'a1 01 02', 'a1 41 61 00', 'a2 6162 00 6161 01', 'a2 6161 00 6161 01', 'a2 6261 61 00 6162 01',
      'a1 695f5f70726f746f5f5f a0', 'a1 695f5f70726f746f5f5f 01',
      '63 efbbbf', '64 efbbbf61', '62 c080', '63 eda080', '64 f4908080', '62 e282', '61 80', '61 ff', '62 c3', '63 f09f98',
      '81'.repeat(17) + '00', '00 00', '8100 00', '82 01', 'a1 6161', '5818 00',
    ]
    for (const h of accept) expect(agree(bytes(h)), `should accept ${h}`).toBe(true)
    for (const h of reject) expect(agree(bytes(h)), `should reject ${h}`).toBe(false)
  })
})
