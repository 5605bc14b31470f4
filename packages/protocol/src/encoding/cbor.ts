/**
 * Canonical CBOR (ENC-1..ENC-4 in docs/PROTOCOL.md) on top of `cborg`.
 *
 * Encoding: definite lengths, smallest integer encodings, map keys sorted
 * bytewise (RFC 8949 §4.2.1 deterministic encoding), no floats, no tags, no
 * undefined. Decoding is strict and then re-encodes: any input whose
 * re-encoding differs from the input bytes is rejected, so every value has
 * exactly one accepted byte form and the op id (a hash of bytes) is unique.
 *
 * ENC-4: every decoded map is an object with a null prototype, so a lookup of
 * a key the peer did not send (`constructor`, `toString`, …) finds nothing,
 * whatever code reads it.
 */
import { decode as cborDecode, encode as cborEncode, rfc8949EncodeOptions } from 'cborg'
import { DecodeError } from '../errors'
import { equalBytes } from './bytes'
import { canonicalProblem } from './canonical-check'

export type CborValue =
  | null
  | boolean
  | number
  | string
  | Uint8Array
  | CborValue[]
  | { [key: string]: CborValue }

const decodeOptions = {
  strict: true,
  allowIndefinite: false,
  allowUndefined: false,
  allowInfinity: false,
  allowNaN: false,
  allowBigInt: false,
  rejectDuplicateMapKeys: true,
  useMaps: false,
  tags: [],
} as const

export function encodeCanonical(value: CborValue): Uint8Array {
  assertNoFloats(value, 0)
  return cborEncode(value, rfc8949EncodeOptions)
}

/**
 * Decode bytes that must be canonical CBOR of at most `maxBytes`.
 * Throws DecodeError for anything else; never throws anything but DecodeError.
 */
export function decodeCanonical(bytes: Uint8Array, maxBytes: number, what = 'value'): CborValue {
  if (!(bytes instanceof Uint8Array)) throw new DecodeError(`The ${what} is not a byte array.`)
  if (bytes.length === 0) throw new DecodeError(`The ${what} is empty.`)
  if (bytes.length > maxBytes) {
    throw new DecodeError(`The ${what} is ${bytes.length} bytes; the limit is ${maxBytes}.`)
  }
  // One pass over the bytes decides canonical form (ENC-2..4) before anything is decoded.
  const problem = canonicalProblem(bytes)
  if (problem !== undefined) throw new DecodeError(`The ${what} is not canonically encoded: ${problem}.`)
  let value: CborValue
  try {
    value = cborDecode(bytes, decodeOptions) as CborValue
  } catch (e) {
    throw new DecodeError(`The ${what} is not valid CBOR: ${(e as Error).message}`)
  }
  withoutPrototypes(value)
  return value
}

/** ENC-4: give every map of a freshly decoded value a null prototype (in place; depth ≤ 16 by ENC-2). */
function withoutPrototypes(v: CborValue): void {
  if (v === null || typeof v !== 'object' || v instanceof Uint8Array) return
  if (Array.isArray(v)) {
    for (const x of v) withoutPrototypes(x)
    return
  }
  Object.setPrototypeOf(v, null)
  for (const k in v) withoutPrototypes(v[k] as CborValue)
}

/** A decoded value in an error message, whatever it is (String() throws on a map without a prototype). */
export function describeValue(v: unknown): string {
  if (v === null || typeof v !== 'object') return String(v).slice(0, 40)
  if (v instanceof Uint8Array) return `${v.length} bytes`
  return Array.isArray(v) ? 'a list' : 'a map'
}

/**
 * The reference definition of canonical decoding: decode, re-encode and
 * compare. Slower (it builds the bytes again); kept as the oracle that the
 * one-pass check is tested against.
 */
export function decodeCanonicalByReencoding(bytes: Uint8Array, maxBytes: number, what = 'value'): CborValue {
  if (!(bytes instanceof Uint8Array)) throw new DecodeError(`The ${what} is not a byte array.`)
  if (bytes.length === 0) throw new DecodeError(`The ${what} is empty.`)
  if (bytes.length > maxBytes) {
    throw new DecodeError(`The ${what} is ${bytes.length} bytes; the limit is ${maxBytes}.`)
  }
  let value: CborValue
  try {
    value = cborDecode(bytes, decodeOptions) as CborValue
  } catch (e) {
    throw new DecodeError(`The ${what} is not valid CBOR: ${(e as Error).message}`)
  }
  let again: Uint8Array
  try {
    again = encodeCanonical(value)
  } catch (e) {
    throw new DecodeError(`The ${what} holds a value the protocol does not allow: ${(e as Error).message}`)
  }
  if (!equalBytes(again, bytes)) throw new DecodeError(`The ${what} is not canonically encoded.`)
  if (hasProtoKey(value)) throw new DecodeError(`The ${what} is not canonically encoded: the map key "__proto__" is not allowed.`)
  withoutPrototypes(value)
  return value
}

/** ENC-2: no map key "__proto__" (an object holds it as an own property, and then every schema check reads past it). */
function hasProtoKey(v: CborValue): boolean {
  if (Array.isArray(v)) return v.some(hasProtoKey)
  if (v === null || typeof v !== 'object' || v instanceof Uint8Array) return false
  return Object.keys(v).some((k) => k === '__proto__' || hasProtoKey(v[k] as CborValue))
}

const MAX_DEPTH = 16

function assertNoFloats(v: CborValue, depth: number): void {
  if (depth > MAX_DEPTH) throw new DecodeError('Nested too deeply.')
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v)) throw new DecodeError('Only safe integers are allowed, no floats.')
  } else if (Array.isArray(v)) {
    for (const x of v) assertNoFloats(x, depth + 1)
  } else if (v !== null && typeof v === 'object' && !(v instanceof Uint8Array)) {
    for (const k of Object.keys(v)) assertNoFloats(v[k] as CborValue, depth + 1)
  } else if (v === undefined) {
    throw new DecodeError('undefined is not allowed.')
  }
}
