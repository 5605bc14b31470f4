import { describe, expect, it } from 'vitest'
import {
  createOp, decodeOp, decodeOpUnverified, signatureError, encodeCanonical, generateKeyPair, DecodeError, SignatureError, MAX_ENVELOPE_BYTES,
  type CommunityId, type OpId,
} from '../src/index'
import { decodeCanonical } from '../src/encoding/cbor'
import { Actor } from './harness'

function sampleOp() {
  const a = new Actor('a')
  a.found()
  return { a, op: a.act('profile.set', { name: 'Ada' }) }
}

describe('envelope (ENV-*)', () => {
  it('ENV-1: an op round-trips through its bytes with the same id', () => {
    const { op } = sampleOp()
    const back = decodeOp(op.bytes)
    expect(back.id).toBe(op.id)
    expect(back.body).toEqual({ name: 'Ada' })
    expect(back.community).toBe(op.community)
  })

  it('ENV-6: a forged signature is rejected', () => {
    const { op } = sampleOp()
    const bytes = new Uint8Array(op.bytes)
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] as number) ^ 0x01
    expect(() => decodeOp(bytes)).toThrow(SignatureError)
  })

  it('ENV-6: a rejected signature names the rule it broke (SIG-1, SIG-2, SIG-3, SIG-4), on the single and the batch path', () => {
    const { op } = sampleOp()
    const [payload, sig] = decodeCanonical(op.bytes, MAX_ENVELOPE_BYTES) as [Uint8Array, Uint8Array]
    const p = decodeCanonical(payload, MAX_ENVELOPE_BYTES) as Record<string, unknown>
    const ruleOf = (bytes: Uint8Array): string => {
      try {
        decodeOp(bytes)
      } catch (e) {
        expect(e).toBeInstanceOf(SignatureError)
        const single = (e as SignatureError).rule
        // The batch path (decodeOpUnverified + signatureError(check)) names the same rule.
        const { check } = decodeOpUnverified(bytes)
        expect(signatureError(check).rule).toBe(single)
        expect((e as Error).message).toContain(single)
        return single
      }
      throw new Error('accepted')
    }
    const flipped = new Uint8Array(sig)
    flipped[5] = (flipped[5] as number) ^ 0x01
    expect(ruleOf(encodeCanonical([payload, flipped]))).toBe('SIG-1')
    const malleated = new Uint8Array(sig)
    malleated[63] = 0xff // S far above L
    expect(ruleOf(encodeCanonical([payload, malleated]))).toBe('SIG-3')
    const badR = new Uint8Array(sig)
    badR.fill(0xff, 0, 32) // y ≥ p
    expect(ruleOf(encodeCanonical([payload, badR]))).toBe('SIG-2')
    const torsion = new Uint8Array(32)
    torsion[0] = 1 // the identity point: small order
    const withKey = (key: Uint8Array) => encodeCanonical([encodeCanonical({ ...(p as object), author: key } as never), sig])
    expect(ruleOf(withKey(torsion))).toBe('SIG-4')
    const nonCanonicalKey = new Uint8Array(32).fill(0xff)
    nonCanonicalKey[31] = 0x7f
    expect(ruleOf(withKey(nonCanonicalKey))).toBe('SIG-2')
  })

  it('ENV-6: an author field that is not the signing key is rejected', () => {
    const { op } = sampleOp()
    const [payload] = decodeCanonical(op.bytes, MAX_ENVELOPE_BYTES) as [Uint8Array, Uint8Array]
    const p = decodeCanonical(payload, MAX_ENVELOPE_BYTES) as Record<string, unknown>
    const other = generateKeyPair()
    const forgedPayload = encodeCanonical({ ...(p as object), author: other.publicKey } as never)
    const [, sig] = decodeCanonical(op.bytes, MAX_ENVELOPE_BYTES) as [Uint8Array, Uint8Array]
    expect(() => decodeOp(encodeCanonical([forgedPayload, sig]))).toThrow(SignatureError)
  })

  it('ENV-1: a non-canonical encoding of a validly signed op is rejected', () => {
    const { op } = sampleOp()
    const [payload, sig] = decodeCanonical(op.bytes, MAX_ENVELOPE_BYTES) as [Uint8Array, Uint8Array]
    // Same array and signature, but the payload's byte-string length written in a longer form than needed.
    const len = payload.length
    const header = len < 256 ? [0x59, 0x00, len] : [0x5a, 0, 0, len >> 8, len & 0xff]
    const bytes = new Uint8Array([0x82, ...header, ...payload, ...encodeCanonical(sig)])
    expect(() => decodeOp(bytes)).toThrow(/not canonically encoded|not valid CBOR/)
    // An indefinite-length array is rejected too.
    const indefinite = new Uint8Array([0x9f, ...op.bytes.subarray(1), 0xff])
    expect(() => decodeOp(indefinite)).toThrow(DecodeError)
  })

  it('ENV-2: truncated and oversized envelopes are rejected with a clear error', () => {
    const { op } = sampleOp()
    for (const n of [0, 1, 10, op.bytes.length - 1]) expect(() => decodeOp(op.bytes.subarray(0, n))).toThrow(DecodeError)
    const big = new Uint8Array(MAX_ENVELOPE_BYTES + 1)
    expect(() => decodeOp(big)).toThrow(/limit/)
  })

  it('ENV-4: an op naming 10,000 deps is rejected at decode', () => {
    const k = generateKeyPair()
    const deps = Array.from({ length: 10_000 }, (_, i) => i.toString(16).padStart(64, '0') as OpId)
    expect(() =>
      createOp({ community: '00'.repeat(32) as CommunityId, seq: 1, deps, time: 0, kind: 'profile.set', body: { name: 'x' } }, k),
    ).toThrow(/at most 64 deps|limit/)
  })

  it('ENV-5: unknown kinds, extra body fields and out-of-range values are rejected', () => {
    const k = generateKeyPair()
    const base = { community: '11'.repeat(32) as CommunityId, seq: 1, deps: ['22'.repeat(32) as OpId], time: 0 }
    expect(() => createOp({ ...base, kind: 'profile.set', body: { name: 'x', extra: 1 } as never }, k)).toThrow(/not allowed/)
    expect(() => createOp({ ...base, kind: 'profile.set', body: { name: '' } }, k)).toThrow(/1..80/)
    expect(() => createOp({ ...base, kind: 'nope' as never, body: {} as never }, k)).toThrow(/unknown op kind/)
  })

  it('ENV-7: only a genesis op may omit the community and deps', () => {
    const k = generateKeyPair()
    expect(() => createOp({ community: null, seq: 1, deps: [], time: 0, kind: 'profile.set', body: { name: 'x' } }, k)).toThrow(/ENV-7/)
  })
})
