/** SEAL-6: node:crypto's X25519 agrees with the pure one, and small-order points are refused by both. */
import { describe, expect, it } from 'vitest'
import { randomBytes } from 'node:crypto'
import { x25519 } from '@noble/curves/ed25519.js'
import { agreeKeyPairFromSecret, unwrapEpochKey, wrapEpochKey } from '@polity/protocol'
import { nativeAgree } from '../src/native-crypto'

const bytes = (n: number): Uint8Array => new Uint8Array(randomBytes(n))

// Small-order points of Curve25519 (u-coordinates), as the pure function refuses them (SEAL-2).
const SMALL_ORDER = [
  '0000000000000000000000000000000000000000000000000000000000000000',
  '0100000000000000000000000000000000000000000000000000000000000000',
  'e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800',
  '5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157',
  'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
].map((h) => new Uint8Array(Buffer.from(h, 'hex')))

describe('native X25519 (SEAL-6)', () => {
  it('SEAL-6: the same shared secret as the pure function, for random scalars and random u-coordinates (high bit set too)', () => {
    for (let i = 0; i < 200; i++) {
      const secret = bytes(32)
      const peer = i % 2 === 0 ? x25519.getPublicKey(bytes(32)) : bytes(32)
      let pure: string
      try {
        pure = Buffer.from(x25519.getSharedSecret(secret, peer)).toString('hex')
      } catch {
        pure = 'refused'
      }
      let native: string
      try {
        const s = nativeAgree(secret, peer)
        native = s.every((b) => b === 0) ? 'refused' : Buffer.from(s).toString('hex')
      } catch {
        native = 'refused'
      }
      expect(native).toBe(pure)
    }
  })

  it('SEAL-6: a wrap made with the native function opens with the pure one and is byte-identical; small-order recipients are refused either way', () => {
    const epochKey = bytes(32)
    const members = Array.from({ length: 5 }, () => agreeKeyPairFromSecret(bytes(32)))
    const eph = bytes(32)
    const pure = wrapEpochKey(epochKey, members.map((m, id) => ({ id, agree: m.publicKey })), eph.slice())
    const native = wrapEpochKey(epochKey, members.map((m, id) => ({ id, agree: m.publicKey })), eph.slice(), nativeAgree)
    expect(native.wraps.map(([, w]) => Buffer.from(w).toString('hex'))).toEqual(pure.wraps.map(([, w]) => Buffer.from(w).toString('hex')))
    members.forEach((m, i) => expect(unwrapEpochKey(native.eph, native.commit, native.wraps[i]![1], m)).toEqual(epochKey))
    for (const p of SMALL_ORDER) {
      expect(() => wrapEpochKey(epochKey, [{ id: 0, agree: p }], bytes(32), nativeAgree)).toThrow(RangeError)
      expect(() => wrapEpochKey(epochKey, [{ id: 0, agree: p }], bytes(32))).toThrow(RangeError)
    }
  })
})
