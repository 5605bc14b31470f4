/**
 * SEAL-1..5: the sealing primitives of protocol v2, against tampering,
 * wrong keys, key poisoning and small-order points.
 */
import { describe, expect, it } from 'vitest'
import { x25519 } from '@noble/curves/ed25519.js'
import {
  BOX_OVERHEAD, agreeKeyPairFromSecret, boxNonce, epochCommitment, epochNameSecret, generateAgreeKeyPair, inviteKeysFromSecret,
  keyMatches, openBox, openBoxWithOpKey, opKeyOf, randomEpochKey, sealBox, unwrapEpochKey, wrapEpochKey,
} from '../src/crypto/seal'
import { sign, verifyStrict } from '../src/crypto/ed25519'
import { Rng } from './random'

const text = new TextEncoder()
const SEED = 20261202

describe('sealing primitives (SEAL-*)', () => {
  it('SEAL-1: a box opens with its epoch key and with its own op key, and with nothing else', () => {
    const k = randomEpochKey()
    const aad = text.encode('clear fields')
    const box = sealBox(k, text.encode('the body'), aad)
    expect(box.length).toBe(BOX_OVERHEAD + 8)
    expect(new TextDecoder().decode(openBox(k, box, aad))).toBe('the body')
    // Disclosure: the op key alone opens exactly this box.
    const opKey = opKeyOf(k, boxNonce(box))
    expect(new TextDecoder().decode(openBoxWithOpKey(opKey, box, aad))).toBe('the body')
    const other = sealBox(k, text.encode('another body'), aad)
    expect(openBoxWithOpKey(opKey, other, aad)).toBeUndefined()
    // Another epoch key, other clear fields, a truncated box: nothing opens.
    expect(openBox(randomEpochKey(), box, aad)).toBeUndefined()
    expect(openBox(k, box, text.encode('other clear fields'))).toBeUndefined()
    expect(openBox(k, box.subarray(0, BOX_OVERHEAD - 1), aad)).toBeUndefined()
    expect(openBox(k, new Uint8Array(0), aad)).toBeUndefined()
  })

  it(`SEAL-1: flipping any bit of a box makes it not open (seed ${SEED})`, () => {
    const rng = new Rng(SEED)
    const k = randomEpochKey()
    const aad = text.encode('aad')
    const box = sealBox(k, text.encode('x'.repeat(100)), aad)
    for (let i = 0; i < 500; i++) {
      const bad = new Uint8Array(box)
      const at = rng.int(bad.length)
      bad[at] = (bad[at] as number) ^ (1 << rng.int(8))
      expect(openBox(k, bad, aad), `byte ${at}`).toBeUndefined()
    }
  })

  it('SEAL-2: an epoch key wrapped to each recipient opens only for that recipient', () => {
    const k = randomEpochKey()
    const people = Array.from({ length: 5 }, (_, i) => ({ id: `device-${i}`, pair: generateAgreeKeyPair() }))
    const w = wrapEpochKey(k, people.map((p) => ({ id: p.id, agree: p.pair.publicKey })))
    expect(w.commit).toEqual(epochCommitment(k))
    expect(w.wraps.map(([id]) => id)).toEqual(people.map((p) => p.id))
    for (const [i, [, wrap]] of w.wraps.entries()) {
      expect(wrap.length).toBe(48)
      expect(unwrapEpochKey(w.eph, w.commit, wrap, people[i]!.pair)).toEqual(k)
      // Somebody else's wrap does not open with my key.
      expect(unwrapEpochKey(w.eph, w.commit, wrap, people[(i + 1) % people.length]!.pair)).toBeUndefined()
      const flipped = new Uint8Array(wrap)
      flipped[3] = (flipped[3] as number) ^ 1
      expect(unwrapEpochKey(w.eph, w.commit, flipped, people[i]!.pair)).toBeUndefined()
    }
    const outsider = generateAgreeKeyPair()
    expect(w.wraps.every(([, wrap]) => unwrapEpochKey(w.eph, w.commit, wrap, outsider) === undefined)).toBe(true)
  })

  it('SEAL-3: a wrap of a wrong key is refused by the commitment — a member cannot poison another epoch', () => {
    const real = randomEpochKey()
    const fake = randomEpochKey()
    const me = generateAgreeKeyPair()
    // Mallory wraps her fake key to me but claims the real epoch's commitment.
    const w = wrapEpochKey(fake, [{ id: 'me', agree: me.publicKey }])
    expect(unwrapEpochKey(w.eph, epochCommitment(real), w.wraps[0]![1], me)).toBeUndefined()
    expect(keyMatches(real, epochCommitment(real))).toBe(true)
    expect(keyMatches(fake, epochCommitment(real))).toBe(false)
    expect(keyMatches(real.subarray(0, 31), epochCommitment(real))).toBe(false)
  })

  it('SEAL-2: small-order X25519 points are refused as recipients and as ephemeral keys', () => {
    const k = randomEpochKey()
    const zero = new Uint8Array(32)
    const one = new Uint8Array(32)
    one[0] = 1
    for (const bad of [zero, one]) {
      expect(() => wrapEpochKey(k, [{ id: 'x', agree: bad }])).toThrow(RangeError)
      expect(unwrapEpochKey(bad, epochCommitment(k), new Uint8Array(48), generateAgreeKeyPair())).toBeUndefined()
    }
    expect(() => wrapEpochKey(k, [{ id: 'x', agree: new Uint8Array(31) }])).toThrow(RangeError)
  })

  it('SEAL-4: an invite secret gives one signing key and one agree key, stable and distinct', () => {
    const secret = new Uint8Array(32).fill(7)
    const a = inviteKeysFromSecret(secret)
    const b = inviteKeysFromSecret(new Uint8Array(secret))
    expect(a.sign.publicKey).toEqual(b.sign.publicKey)
    expect(a.agree.publicKey).toEqual(b.agree.publicKey)
    expect(a.agree.publicKey).toEqual(x25519.getPublicKey(a.agree.secretKey))
    expect(verifyStrict(sign(text.encode('m'), a.sign.secretKey), text.encode('m'), a.sign.publicKey)).toBe(true)
    expect(inviteKeysFromSecret(new Uint8Array(32).fill(8)).sign.publicKey).not.toEqual(a.sign.publicKey)
    const k = randomEpochKey()
    const w = wrapEpochKey(k, [{ id: 'invite', agree: a.agree.publicKey }])
    expect(unwrapEpochKey(w.eph, w.commit, w.wraps[0]![1], b.agree)).toEqual(k)
    expect(() => inviteKeysFromSecret(new Uint8Array(31))).toThrow(RangeError)
    expect(agreeKeyPairFromSecret(new Uint8Array(32).fill(1)).publicKey.length).toBe(32)
  })

  it('SEAL-5: network names move with the epoch key and reveal neither it nor its commitment', () => {
    const k1 = randomEpochKey()
    const k2 = randomEpochKey()
    expect(epochNameSecret(k1)).not.toEqual(epochNameSecret(k2))
    expect(epochNameSecret(k1)).not.toEqual(epochCommitment(k1))
    expect(epochNameSecret(k1)).not.toEqual(k1)
    expect(epochNameSecret(k1)).toEqual(epochNameSecret(new Uint8Array(k1)))
  })
})
