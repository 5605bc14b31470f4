import { createPublicKey, verify as nodeVerify } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import * as ed from '@noble/ed25519'
import { fromHex, toHex } from '../src/encoding/bytes'
import { generateKeyPair, sign, verifyStrict, passesStrictPrechecks } from '../src/index'

// RFC 8032 §7.1, tests 1–3.
const RFC8032 = [
  {
    sk: '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
    pk: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
    msg: '',
    sig: 'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
  },
  {
    sk: '4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb',
    pk: '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c',
    msg: '72',
    sig: '92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00',
  },
  {
    sk: 'c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7',
    pk: 'fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025',
    msg: 'af82',
    sig: '6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a',
  },
]

const L = 2n ** 252n + 27742317777372353535851937790883648493n
const leBytes = (x: bigint): Uint8Array => {
  const out = new Uint8Array(32)
  for (let i = 0; i < 32; i++) out[i] = Number((x >> BigInt(8 * i)) & 0xffn)
  return out
}
const leInt = (b: Uint8Array): bigint => b.reduceRight((acc, x) => (acc << 8n) | BigInt(x), 0n)

/** The eight points of small order, as canonical encodings. */
function torsionEncodings(): Uint8Array[] {
  const t8 = ed.Point.fromBytes(fromHex('26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05'), false)
  const out: Uint8Array[] = []
  let p = ed.Point.ZERO
  for (let i = 0; i < 8; i++) {
    out.push(p.toBytes())
    p = p.add(t8)
  }
  return out
}

function nodeVerifyRaw(sig: Uint8Array, msg: Uint8Array, pub: Uint8Array): boolean {
  try {
    const key = createPublicKey({ key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), pub]), format: 'der', type: 'spki' })
    return nodeVerify(null, msg, key, sig)
  } catch {
    return false
  }
}

describe('ed25519 (SIG-*)', () => {
  it('SIG-1: RFC 8032 test vectors sign and verify', () => {
    for (const v of RFC8032) {
      const sk = fromHex(v.sk)
      expect(toHex(ed.getPublicKey(sk))).toBe(v.pk)
      expect(toHex(sign(fromHex(v.msg), sk))).toBe(v.sig)
      expect(verifyStrict(fromHex(v.sig), fromHex(v.msg), fromHex(v.pk))).toBe(true)
      expect(verifyStrict(fromHex(v.sig), fromHex(`${v.msg}00`), fromHex(v.pk))).toBe(false)
    }
  })

  it('SIG-4: small-order public keys are rejected, even with a signature that satisfies the equation', () => {
    const torsion = torsionEncodings()
    expect(torsion).toHaveLength(8)
    const msg = new TextEncoder().encode('anything')
    // With A = identity, R = identity and S = 0, [S]B = R + [k]A holds for every message.
    const identity = torsion[0] as Uint8Array
    const trivialSig = new Uint8Array(64)
    trivialSig.set(identity, 0)
    expect(verifyStrict(trivialSig, msg, identity)).toBe(false)
    for (const a of torsion) {
      expect(verifyStrict(trivialSig, msg, a)).toBe(false)
      expect(passesStrictPrechecks(trivialSig, a)).toBe(false)
    }
  })

  it('SIG-3: a non-canonical S (S + L) is rejected though the group equation still holds', () => {
    const k = generateKeyPair()
    const msg = new TextEncoder().encode('vote yes')
    const sig = sign(msg, k.secretKey)
    const s = leInt(sig.subarray(32))
    const malleated = new Uint8Array(sig)
    malleated.set(leBytes(s + L), 32)
    expect(verifyStrict(sig, msg, k.publicKey)).toBe(true)
    expect(verifyStrict(malleated, msg, k.publicKey)).toBe(false)
  })

  it('SIG-2: non-canonical point encodings of A and R are rejected', () => {
    const k = generateKeyPair()
    const msg = new Uint8Array([1])
    const sig = sign(msg, k.secretKey)
    // y = p (non-canonical encoding of y = 0) for R; and for A.
    const nonCanonical = fromHex('edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f')
    const badR = new Uint8Array(sig)
    badR.set(nonCanonical, 0)
    expect(verifyStrict(badR, msg, k.publicKey)).toBe(false)
    expect(verifyStrict(sig, msg, nonCanonical)).toBe(false)
  })

  it('SIG-5: the pure verifier agrees with node:crypto on valid, forged and edge-case inputs (after the shared prechecks)', () => {
    const cases: [Uint8Array, Uint8Array, Uint8Array][] = []
    for (let i = 0; i < 40; i++) {
      const k = generateKeyPair()
      const msg = new Uint8Array([i, i + 1, i + 2])
      const sig = sign(msg, k.secretKey)
      cases.push([sig, msg, k.publicKey])
      const flipped = new Uint8Array(sig)
      flipped[i % 64] = (flipped[i % 64] as number) ^ 1
      cases.push([flipped, msg, k.publicKey])
      const s = leInt(sig.subarray(32))
      const m = new Uint8Array(sig)
      m.set(leBytes(s + L), 32)
      cases.push([m, msg, k.publicKey])
    }
    for (const a of torsionEncodings()) {
      const sig = new Uint8Array(64)
      sig.set(a, 0)
      cases.push([sig, new Uint8Array(), a])
    }
    for (const [sig, msg, pub] of cases) {
      const native = passesStrictPrechecks(sig, pub) && nodeVerifyRaw(sig, msg, pub)
      expect(verifyStrict(sig, msg, pub)).toBe(native)
    }
  })

  it('SIG-5: verifying never changes its inputs, even Node Buffers (whose slice() is a view, not a copy)', () => {
    let highBit = 0
    for (let i = 0; i < 64; i++) {
      const k = generateKeyPair()
      const msg = Buffer.from([i, 1, 2])
      const sig = Buffer.from(sign(msg, k.secretKey))
      const pub = Buffer.from(k.publicKey)
      if (((pub[31] as number) & 0x80) !== 0) highBit++
      const before = [sig.toString('hex'), msg.toString('hex'), pub.toString('hex')]
      expect(verifyStrict(sig, msg, pub)).toBe(true)
      expect(passesStrictPrechecks(sig, pub)).toBe(true)
      // The key's sign bit was cleared in place once: the second check then failed.
      expect(verifyStrict(sig, msg, pub)).toBe(true)
      expect([sig.toString('hex'), msg.toString('hex'), pub.toString('hex')]).toEqual(before)
    }
    expect(highBit).toBeGreaterThan(10)
  })
})
