/**
 * Ed25519 for Polity (SIG-1..SIG-5 in docs/PROTOCOL.md).
 *
 * We verify strictly per RFC 8032 §5.1.7 with the *cofactorless* equation
 * [S]B = R + [k]A checked by re-encoding, which is what OpenSSL (node:crypto),
 * Go's crypto/ed25519 and libsodium do. On top we reject, before any curve
 * math: S ≥ L (malleability), non-canonical encodings of A and R (y ≥ p, or
 * x = 0 with the sign bit set), and public keys of small order. With those
 * inputs rejected up front, every conforming cofactorless verifier — the pure
 * one here and a native one used for speed — accepts exactly the same set, so
 * replicas can never disagree about an op's validity because of the library.
 * (ZIP215 was the alternative: it accepts more, and native verifiers do not
 * implement it, so a native fast path could not match it.)
 */
import * as ed from '@noble/ed25519'
import { sha512 } from '@noble/hashes/sha2.js'
import { concatBytes, equalBytes } from '../encoding/bytes'

ed.hashes.sha512 = sha512

const L = 2n ** 252n + 27742317777372353535851937790883648493n
const P = 2n ** 255n - 19n

export const PUBLIC_KEY_BYTES = 32
export const SIGNATURE_BYTES = 64
export const SECRET_KEY_BYTES = 32

function leToBigInt(b: Uint8Array): bigint {
  let x = 0n
  for (let i = b.length - 1; i >= 0; i--) x = (x << 8n) | BigInt(b[i] as number)
  return x
}

/** SIG-2: a point encoding is canonical iff y < p and not (x = 0 with sign bit set). */
export function isCanonicalPointEncoding(enc: Uint8Array): boolean {
  if (enc.length !== 32) return false
  const copy = new Uint8Array(enc) // a copy even of a Node Buffer (whose slice() is a view)
  copy[31] = (copy[31] as number) & 0x7f
  const y = leToBigInt(copy)
  if (y >= P) return false
  try {
    ed.Point.fromBytes(enc, false)
    return true
  } catch {
    return false
  }
}

/** SIG-3: S must be < L. */
const L_BYTES_LE = (() => {
  const out = new Uint8Array(32)
  let x = L
  for (let i = 0; i < 32; i++) {
    out[i] = Number(x & 0xffn)
    x >>= 8n
  }
  return out
})()

export function isCanonicalScalar(s: Uint8Array): boolean {
  if (s.length !== 32) return false
  for (let i = 31; i >= 0; i--) {
    const a = s[i] as number
    const b = L_BYTES_LE[i] as number
    if (a !== b) return a < b
  }
  return false
}

const smallOrderCache = new Map<string, boolean>()

/** Canonical (y < p), on the curve and not of small order — with one decompression. */
function acceptablePoint(enc: Uint8Array): boolean {
  const copy = new Uint8Array(enc) // a copy even of a Node Buffer (whose slice() is a view)
  copy[31] = (copy[31] as number) & 0x7f
  if (leToBigInt(copy) >= P) return false
  try {
    return !ed.Point.fromBytes(enc, false).isSmallOrder()
  } catch {
    return false
  }
}

/** SIG-4: keys whose point has small order (the 8 torsion points) are never valid authors. */
export function isAcceptablePublicKey(pub: Uint8Array): boolean {
  if (pub.length !== 32) return false
  const key = String.fromCharCode(...pub)
  let ok = smallOrderCache.get(key)
  if (ok === undefined) {
    ok = acceptablePoint(pub)
    if (smallOrderCache.size > 100_000) smallOrderCache.clear()
    smallOrderCache.set(key, ok)
  }
  return ok
}

/**
 * R must have y < p (SIG-2). Whether R is a valid point at all needs no
 * decompression: the cofactorless check compares R byte for byte with the
 * canonical encoding of a point, which no other byte string equals.
 */
function hasCanonicalY(enc: Uint8Array): boolean {
  // y ≥ p only when the low 255 bits are in [p, 2^255): bytes ed ff … ff 7f (ignoring the sign bit).
  if (((enc[31] as number) & 0x7f) !== 0x7f) return true
  for (let i = 30; i >= 1; i--) if (enc[i] !== 0xff) return true
  return (enc[0] as number) < 0xed
}

/** The checks every verifier shares; a native verifier runs these first too. */
export function passesStrictPrechecks(sig: Uint8Array, pub: Uint8Array): boolean {
  return hasStrictSignatureEncoding(sig) && isAcceptablePublicKey(pub)
}

/**
 * Encodings of the eight points of small order (the torsion subgroup), plus
 * the two non-canonical "negative zero" encodings of x = 0 points. Checked
 * against the curve in test/ed25519-small-order.test.ts.
 */
const SMALL_ORDER_ENCODINGS = new Set([
  '0100000000000000000000000000000000000000000000000000000000000000',
  'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  '0000000000000000000000000000000000000000000000000000000000000000',
  '0000000000000000000000000000000000000000000000000000000000000080',
  'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a',
  'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa',
  '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05',
  '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85',
  '0100000000000000000000000000000000000000000000000000000000000080',
  'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff',
])
export const SMALL_ORDER_KEY_ENCODINGS: readonly string[] = [...SMALL_ORDER_ENCODINGS]

/**
 * SIG-4 for a verifier that decodes the key itself (node:crypto): y < p and
 * not a small-order point, with no decompression. A key off the curve passes
 * here and then fails the verification itself, as in the pure verifier, so
 * the two accept exactly the same (SIG-5).
 */
export function isAcceptableKeyForVerifier(pub: Uint8Array): boolean {
  if (pub.length !== 32 || !hasCanonicalY(pub)) return false
  let h = ''
  for (let i = 0; i < 32; i++) h += ((pub[i] as number) < 16 ? '0' : '') + (pub[i] as number).toString(16)
  return !SMALL_ORDER_ENCODINGS.has(h)
}

/** The signature half of the prechecks (SIG-2, SIG-3), for verifiers that check each key once and cache it. */
export function hasStrictSignatureEncoding(sig: Uint8Array): boolean {
  return sig.length === SIGNATURE_BYTES && hasCanonicalY(sig.subarray(0, 32)) && isCanonicalScalar(sig.subarray(32, 64))
}

/**
 * Which rule a signature that did not verify breaks, for an error a person can
 * act on: SIG-3 (S ≥ L), SIG-2 (a non-canonical R or key encoding), SIG-4 (a
 * small-order or undecodable key), else SIG-1 (the equation does not hold).
 * Only called after verification failed, so its cost does not matter.
 */
export function failedSignatureRule(sig: Uint8Array, pub: Uint8Array): { rule: string; why: string } {
  if (sig.length !== SIGNATURE_BYTES) return { rule: 'ENV-1', why: 'the signature is not 64 bytes' }
  if (!isCanonicalScalar(sig.subarray(32, 64))) return { rule: 'SIG-3', why: 'the signature scalar S is not below the group order (a malleated signature)' }
  if (!hasCanonicalY(sig.subarray(0, 32))) return { rule: 'SIG-2', why: 'the signature point R is not canonically encoded' }
  if (pub.length !== PUBLIC_KEY_BYTES || !hasCanonicalY(pub)) return { rule: 'SIG-2', why: 'the author key is not a canonical point encoding' }
  if (!isAcceptablePublicKey(pub)) return { rule: 'SIG-4', why: 'the author key is a small-order point or not a point at all' }
  return { rule: 'SIG-1', why: 'the signature does not verify under the author key' }
}

/** Pure strict cofactorless verification (SIG-1..SIG-5). Never throws. */
export function verifyStrict(sig: Uint8Array, msg: Uint8Array, pub: Uint8Array): boolean {
  try {
    if (!passesStrictPrechecks(sig, pub)) return false
    const A = ed.Point.fromBytes(pub, false)
    const r = sig.subarray(0, 32)
    const s = leToBigInt(sig.subarray(32, 64))
    const k = leToBigInt(sha512(concatBytes(r, pub, msg))) % L
    // R' = [S]B - [k]A, compared byte-for-byte with R (cofactorless).
    const sB = s === 0n ? ed.Point.ZERO : ed.Point.BASE.multiply(s)
    const kA = k === 0n ? ed.Point.ZERO : A.multiply(k)
    const R2 = sB.subtract(kA)
    return equalBytes(R2.toBytes(), r)
  } catch {
    return false
  }
}

export function sign(msg: Uint8Array, secretKey: Uint8Array): Uint8Array {
  return ed.sign(msg, secretKey)
}

export function publicKeyOf(secretKey: Uint8Array): Uint8Array {
  return ed.getPublicKey(secretKey)
}

export function randomSecretKey(): Uint8Array {
  return ed.utils.randomSecretKey()
}

/**
 * A verifier the node may swap for a faster native one. Contract: for every
 * input it returns exactly what `verifyStrict` returns (tested in
 * packages/node against node:crypto).
 */
export type Verifier = (sig: Uint8Array, msg: Uint8Array, pub: Uint8Array) => boolean
