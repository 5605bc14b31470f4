/** Small byte helpers shared by the protocol (no I/O, no allocation surprises). */
import { bytesToHex, hexToBytes as nobleHexToBytes } from '@noble/hashes/utils.js'
import { DecodeError } from '../errors'

const NodeBuffer = (globalThis as { Buffer?: { from(a: ArrayBufferLike, o: number, n: number): { toString(enc: 'hex'): string } } }).Buffer

/**
 * Lowercase hex. Under Node, Buffer's native encoder returns one flat string;
 * the portable fallback builds it by concatenation, which V8 keeps as a tree
 * of cons cells (why that matters: docs/ARCHITECTURE.md, Performance).
 */
export const toHex = (b: Uint8Array): string => (NodeBuffer ? NodeBuffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex') : bytesToHex(b))

export function fromHex(hex: string, expectedLength?: number): Uint8Array {
  if (typeof hex !== 'string' || hex.length % 2 !== 0 || !/^[0-9a-f]*$/.test(hex)) {
    throw new DecodeError('Expected lowercase hexadecimal text.')
  }
  const out = nobleHexToBytes(hex)
  if (expectedLength !== undefined && out.length !== expectedLength) {
    throw new DecodeError(`Expected ${expectedLength} bytes of hex, got ${out.length}.`)
  }
  return out
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let n = 0
  for (const p of parts) n += p.length
  const out = new Uint8Array(n)
  let o = 0
  for (const p of parts) {
    out.set(p, o)
    o += p.length
  }
  return out
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

/** Bytewise lexicographic comparison (shorter prefix first). */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    const d = (a[i] as number) - (b[i] as number)
    if (d !== 0) return d
  }
  return a.length - b.length
}

export const utf8 = new TextEncoder()
