/**
 * Bundle files (BUNDLE-1): signed ops for carrying between devices with no
 * network (a USB stick). Canonical CBOR `{format: "polity-bundle", v: 1,
 * ops: [envelope…]}`. An importer validates every op exactly as ops from the
 * network: a bundle is trusted no more than a peer.
 */
import { decodeCanonical, encodeCanonical, DecodeError, type CborValue } from '@polity/protocol'
import { InvalidFileError } from './errors'

export const MAX_BUNDLE_BYTES = 2 * 1024 * 1024 * 1024 - 1
const FORMAT = 'polity-bundle'

export function encodeBundle(ops: readonly Uint8Array[]): Uint8Array {
  return encodeCanonical({ format: FORMAT, v: 1, ops: ops as CborValue[] })
}

export function decodeBundle(bytes: Uint8Array): Uint8Array[] {
  let v: CborValue
  try {
    v = decodeCanonical(bytes, MAX_BUNDLE_BYTES, 'bundle')
  } catch (e) {
    throw new InvalidFileError(`This is not a Polity bundle file, or it is damaged (${(e as DecodeError).message}).`)
  }
  const o = v as Record<string, CborValue>
  if (o === null || typeof o !== 'object' || o['format'] !== FORMAT || o['v'] !== 1 || !Array.isArray(o['ops'])) {
    throw new InvalidFileError('This is not a Polity bundle file (version 1).')
  }
  const ops = o['ops'] as CborValue[]
  if (!ops.every((x) => x instanceof Uint8Array)) throw new InvalidFileError('The bundle holds something that is not an op.')
  return ops as Uint8Array[]
}
