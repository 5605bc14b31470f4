/**
 * ENC-2..4 in one pass over the bytes: is this the deterministic encoding
 * (RFC 8949 §4.2.1) of a value the protocol allows? It replaces "decode,
 * re-encode, compare", which cost ~22 µs of an envelope's ~50 µs decode.
 *
 * Accepts exactly what the re-encoding check accepted (a differential test,
 * packages/protocol/test/canonical-check.test.ts, runs both on valid, mutated
 * and crafted inputs):
 *
 * - heads in their shortest form, definite lengths only;
 * - integers within ±(2^53 − 1) (JavaScript's safe integers);
 * - byte strings, text strings of well-formed UTF-8 that do not start with a
 *   byte-order mark (a decoder would drop it, so it could not round-trip);
 * - arrays; maps with text keys in strictly ascending bytewise order of their
 *   encodings (so no duplicates), and no key `__proto__` (a JavaScript
 *   object cannot hold it as data);
 * - false, true, null; no floats, undefined, other simple values or tags;
 * - at most 16 levels of nesting below the top item; nothing after it.
 */
const MAX_DEPTH = 16
const MAX_SAFE = Number.MAX_SAFE_INTEGER

/** Why the bytes are not canonical, or undefined when they are. */
export function canonicalProblem(bytes: Uint8Array): string | undefined {
  const r = new CanonicalReader(bytes)
  try {
    r.item(0)
    if (r.pos !== bytes.length) return 'there are bytes after the value'
    return undefined
  } catch (e) {
    if (e instanceof NotCanonical) return e.message
    throw e
  }
}

class NotCanonical extends Error {}

const fail = (why: string): never => {
  throw new NotCanonical(why)
}

class CanonicalReader {
  pos = 0
  constructor(private readonly b: Uint8Array) {}

  private byte(): number {
    if (this.pos >= this.b.length) fail('the value is cut short')
    return this.b[this.pos++] as number
  }

  /** The argument of a head with additional info `ai`, checked to be in shortest form. */
  private argument(ai: number): number {
    if (ai < 24) return ai
    if (ai === 24) {
      const v = this.byte()
      if (v < 24) fail('an integer or length is not in its shortest form')
      return v
    }
    if (ai === 25) {
      const v = this.byte() * 0x100 + this.byte()
      if (v < 0x100) fail('an integer or length is not in its shortest form')
      return v
    }
    if (ai === 26) {
      const v = ((this.byte() * 0x100 + this.byte()) * 0x100 + this.byte()) * 0x100 + this.byte()
      if (v < 0x10000) fail('an integer or length is not in its shortest form')
      return v
    }
    if (ai === 27) {
      const hi = ((this.byte() * 0x100 + this.byte()) * 0x100 + this.byte()) * 0x100 + this.byte()
      const lo = ((this.byte() * 0x100 + this.byte()) * 0x100 + this.byte()) * 0x100 + this.byte()
      if (hi === 0) fail('an integer or length is not in its shortest form')
      // Above 2^53 − 1 the value is not a safe integer (hi holds the top 32 bits).
      if (hi > 0x1fffff) fail('an integer is outside the safe range')
      return hi * 0x100000000 + lo
    }
    return fail(ai === 31 ? 'indefinite lengths are not allowed' : 'a reserved additional-information value is used')
  }

  private take(n: number): number {
    const start = this.pos
    if (n > this.b.length - start) fail('the value is cut short')
    this.pos = start + n
    return start
  }

  item(depth: number): void {
    if (depth > MAX_DEPTH) fail('the value is nested too deeply')
    const head = this.byte()
    const major = head >> 5
    const ai = head & 0x1f
    switch (major) {
      case 0:
        this.argument(ai)
        return
      case 1:
        // -1 - n must be ≥ -(2^53 - 1).
        if (this.argument(ai) >= MAX_SAFE) fail('an integer is outside the safe range')
        return
      case 2:
        this.take(this.argument(ai))
        return
      case 3: {
        const start = this.take(this.argument(ai))
        checkText(this.b, start, this.pos)
        return
      }
      case 4: {
        const n = this.argument(ai)
        for (let i = 0; i < n; i++) this.item(depth + 1)
        return
      }
      case 5: {
        const n = this.argument(ai)
        let prevStart = -1
        let prevEnd = -1
        for (let i = 0; i < n; i++) {
          const keyStart = this.pos
          if (keyStart >= this.b.length) fail('the value is cut short')
          if ((this.b[keyStart] as number) >> 5 !== 3) fail('map keys must be text')
          this.item(depth + 1)
          const keyEnd = this.pos
          if (isProtoKey(this.b, keyStart, keyEnd)) fail('the map key "__proto__" is not allowed')
          if (prevStart >= 0 && compareRanges(this.b, prevStart, prevEnd, keyStart, keyEnd) >= 0) {
            fail('map keys are not in canonical order, or repeat')
          }
          prevStart = keyStart
          prevEnd = keyEnd
          this.item(depth + 1)
        }
        return
      }
      case 6:
        fail('tags are not allowed')
        return
      default:
        // Major 7: false (20), true (21), null (22) only.
        if (ai === 20 || ai === 21 || ai === 22) return
        fail(ai >= 25 && ai <= 27 ? 'floats are not allowed' : 'only false, true and null are allowed as simple values')
    }
  }
}

/** Bytewise comparison of b[a0, a1) and b[b0, b1), shorter prefix first. */
function compareRanges(b: Uint8Array, a0: number, a1: number, b0: number, b1: number): number {
  const n = Math.min(a1 - a0, b1 - b0)
  for (let i = 0; i < n; i++) {
    const d = (b[a0 + i] as number) - (b[b0 + i] as number)
    if (d !== 0) return d
  }
  return a1 - a0 - (b1 - b0)
}

const PROTO = [0x69, 0x5f, 0x5f, 0x70, 0x72, 0x6f, 0x74, 0x6f, 0x5f, 0x5f] // text(9) "__proto__"
function isProtoKey(b: Uint8Array, start: number, end: number): boolean {
  if (end - start !== PROTO.length) return false
  for (let i = 0; i < PROTO.length; i++) if (b[start + i] !== PROTO[i]) return false
  return true
}

/** Well-formed UTF-8 (no overlongs, surrogates or code points above U+10FFFF), not starting with a BOM. */
function checkText(b: Uint8Array, start: number, end: number): void {
  if (end - start >= 3 && b[start] === 0xef && b[start + 1] === 0xbb && b[start + 2] === 0xbf) {
    fail('a text string starts with a byte-order mark')
  }
  let i = start
  while (i < end) {
    const c = b[i] as number
    if (c < 0x80) {
      i++
      continue
    }
    let need: number
    let lo = 0x80
    let hi = 0xbf
    if (c >= 0xc2 && c <= 0xdf) need = 1
    else if (c >= 0xe0 && c <= 0xef) {
      need = 2
      if (c === 0xe0) lo = 0xa0
      else if (c === 0xed) hi = 0x9f
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3
      if (c === 0xf0) lo = 0x90
      else if (c === 0xf4) hi = 0x8f
    } else return fail('a text string is not valid UTF-8')
    // The sequence is b[i ..= i + need]: it must end inside the string.
    if (i + need >= end) fail('a text string is not valid UTF-8')
    const second = b[i + 1] as number
    if (second < lo || second > hi) fail('a text string is not valid UTF-8')
    for (let k = 2; k <= need; k++) {
      const x = b[i + k] as number
      if (x < 0x80 || x > 0xbf) fail('a text string is not valid UTF-8')
    }
    i += need + 1
  }
}
