/**
 * A bounded, paired decoder for the one shape of Yjs update a draft edit may
 * take (CHARTER-Y4, Y5, Y7 in docs/PROTOCOL.md): a Yjs v1 update whose
 * structs are text items of one client under the root `draft`, followed by a
 * delete set. It reads the wire format exactly as Yjs 13's
 * `readClientsStructRefs` / `readDeleteSet` do (UpdateDecoderV1, lib0
 * varints, UTF-8 strings decoded fatally with the BOM kept), and refuses
 * everything else — GC and Skip structs, any content but strings and deleted
 * runs, nested or map parents, repeated clients, trailing bytes — before a
 * single byte reaches a Y.Doc. Every read is bounds-checked against this
 * update alone (lib0 would read past the end of a subarray into its buffer),
 * and every loop is bounded by the bytes left, so any 64 KiB input decodes
 * (or fails) in time and memory linear in its size.
 */
import { violation } from './roster-rules'

export interface YId {
  readonly client: number
  readonly clock: number
}

export interface DraftStruct {
  /** First clock of the struct; it covers [clock, clock + length). */
  readonly clock: number
  readonly length: number
  /** ContentDeleted (a run already deleted when it was encoded) rather than ContentString. */
  readonly deleted: boolean
  readonly origin: YId | null
  readonly rightOrigin: YId | null
  /** The struct's bytes in the update, from its info byte to the end of its content. */
  readonly start: number
  readonly end: number
}

export interface DraftDeletes {
  readonly client: number
  /** [clock, length] pairs, ascending and not overlapping. */
  readonly ranges: readonly (readonly [number, number])[]
}

export interface DraftUpdate {
  /** The one client whose structs the update carries; undefined for a delete-only update. */
  readonly client: number | undefined
  readonly structs: readonly DraftStruct[]
  readonly deletes: readonly DraftDeletes[]
  /** Structs plus delete ranges: what CHARTER-Y7 bounds per edit. */
  readonly parts: number
  /** Sum of struct lengths: how far the edit advances its client's clock. */
  readonly length: number
}

export interface DecodeLimits {
  readonly maxParts: number
  readonly maxLength: number
}

/** Content refs (the low five bits of a struct's info byte) in Yjs 13. */
const REF_GC = 0
const REF_DELETED = 1
const REF_STRING = 4
const REF_SKIP = 10
const CONTENT_NAMES = ['GC', 'deleted', 'JSON', 'binary', 'string', 'embed', 'format', 'type', 'any', 'subdocument', 'skip']
const BIT_ORIGIN = 0x80
const BIT_RIGHT_ORIGIN = 0x40
const BIT_PARENT_SUB = 0x20
const ROOT = 'draft'

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

class Reader {
  pos = 0
  constructor(readonly bytes: Uint8Array) {}

  get left(): number {
    return this.bytes.length - this.pos
  }

  u8(): number {
    if (this.pos >= this.bytes.length) return violation('CHARTER-Y4', 'the update ends in the middle of a struct')
    return this.bytes[this.pos++] as number
  }

  /** lib0's varUint: 7 bits a byte, low first; at most 8 bytes and a safe integer. */
  varUint(): number {
    let num = 0
    let mult = 1
    for (let i = 0; i < 8; i++) {
      const b = this.u8()
      num += (b & 0x7f) * mult
      if (num > Number.MAX_SAFE_INTEGER) break
      if (b < 0x80) return num
      mult *= 128
    }
    return violation('CHARTER-Y4', 'the update holds a number out of range')
  }

  string(): string {
    const len = this.varUint()
    if (len > this.left) violation('CHARTER-Y4', 'the update ends in the middle of a string')
    const view = this.bytes.subarray(this.pos, this.pos + len)
    this.pos += len
    try {
      return utf8.decode(view)
    } catch {
      return violation('CHARTER-Y4', 'the update holds text that is not UTF-8')
    }
  }

  id(): YId {
    const client = this.varUint()
    return { client, clock: this.varUint() }
  }
}

/** Decode an untrusted draft update or throw a RuleViolation naming the rule it breaks. */
export function decodeDraftUpdate(bytes: Uint8Array, limits: DecodeLimits): DraftUpdate {
  const r = new Reader(bytes)
  const groups = r.varUint()
  if (groups > 1) violation('CHARTER-Y1', 'an edit carries the structs of one client only')
  const structs: DraftStruct[] = []
  let client: number | undefined
  let length = 0
  let parts = 0
  if (groups === 1) {
    const count = r.varUint()
    // Each struct takes at least two bytes: a claimed count beyond that is a lie, refused before any loop.
    if (count === 0 || count > r.left / 2) violation('CHARTER-Y4', 'the update claims more structs than it holds')
    if (count > limits.maxParts) violation('CHARTER-Y7', `an edit may hold at most ${limits.maxParts} structs and delete ranges`)
    client = r.varUint()
    let clock = r.varUint()
    for (let i = 0; i < count; i++) {
      const start = r.pos
      const info = r.u8()
      const ref = info & 0x1f
      if (ref !== REF_STRING && ref !== REF_DELETED) {
        const what = ref === REF_GC || ref === REF_SKIP ? `${CONTENT_NAMES[ref]} structs` : `${CONTENT_NAMES[ref] ?? `unknown (${ref})`} content`
        violation('CHARTER-Y5', `the draft holds text only: ${what} are not allowed`)
      }
      if (info & BIT_PARENT_SUB) violation('CHARTER-Y5', 'the draft holds text only: map entries (parentSub) are not allowed')
      const origin = info & BIT_ORIGIN ? r.id() : null
      const rightOrigin = info & BIT_RIGHT_ORIGIN ? r.id() : null
      if (origin === null && rightOrigin === null) {
        // Without neighbours the parent is written out: it must be the root text `draft`, never an item.
        if (r.varUint() !== 1) violation('CHARTER-Y5', 'the draft holds text only: a struct names an item as its parent')
        if (r.string() !== ROOT) violation('CHARTER-Y5', `the draft holds one root text named "${ROOT}"`)
      }
      let len: number
      if (ref === REF_STRING) len = r.string().length
      else len = r.varUint()
      if (len < 1) violation('CHARTER-Y4', 'a struct has no length')
      length += len
      if (length > limits.maxLength) violation('CHARTER-Y7', `an edit may add at most ${limits.maxLength} characters`)
      structs.push({ clock, length: len, deleted: ref === REF_DELETED, origin, rightOrigin, start, end: r.pos })
      clock += len
    }
    parts = count
  }
  const deletes: DraftDeletes[] = []
  const clients = r.varUint()
  if (clients > r.left / 3) violation('CHARTER-Y4', 'the update claims more deletions than it holds')
  const seen = new Set<number>()
  for (let i = 0; i < clients; i++) {
    const c = r.varUint()
    if (seen.has(c)) violation('CHARTER-Y3', 'a client appears twice in the delete set')
    seen.add(c)
    const n = r.varUint()
    if (n === 0 || n > r.left / 2) violation('CHARTER-Y4', 'the delete set claims more ranges than it holds')
    parts += n
    if (parts > limits.maxParts) violation('CHARTER-Y7', `an edit may hold at most ${limits.maxParts} structs and delete ranges`)
    const ranges: [number, number][] = []
    let floor = 0
    for (let j = 0; j < n; j++) {
      const clock = r.varUint()
      const len = r.varUint()
      if (len < 1 || clock < floor || clock + len > Number.MAX_SAFE_INTEGER) {
        violation('CHARTER-Y3', 'delete ranges must be non-empty, ascending and not overlapping')
      }
      floor = clock + len
      ranges.push([clock, len])
    }
    deletes.push({ client: c, ranges })
  }
  if (r.left !== 0) violation('CHARTER-Y4', 'the update has trailing bytes')
  if (structs.length === 0 && deletes.length === 0) violation('CHARTER-Y4', 'the update changes nothing')
  return { client, structs, deletes, parts, length }
}
