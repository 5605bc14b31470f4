/**
 * Hand-built Yjs v1 updates for adversary tests and the fuzzer: any struct a
 * hostile member could write, field by field, in Yjs's own wire format.
 */
import * as encoding from 'lib0/encoding'
import * as Y from 'yjs'

export interface CraftId { client: number; clock: number }

export interface CraftStruct {
  /** Content ref (low 5 bits of info): 4 string, 1 deleted, 0 GC, 10 skip, 7 type, 9 subdocument, … */
  ref?: number
  origin?: CraftId
  rightOrigin?: CraftId
  /** Written when there is neither origin nor right origin: a root key, or an item id. */
  parent?: { key: string } | { id: CraftId }
  parentSub?: string
  /** Content: a string (ref 4), a length (refs 0, 1, 10), or raw bytes for any other ref. */
  text?: string
  len?: number
  raw?: Uint8Array
}

export interface CraftDeletes { client: number; ranges: [number, number][] }

export function craftUpdate(client: number, clock: number, structs: CraftStruct[], deletes: CraftDeletes[] = []): Uint8Array {
  const e = encoding.createEncoder()
  if (structs.length === 0) encoding.writeVarUint(e, 0)
  else {
    encoding.writeVarUint(e, 1)
    encoding.writeVarUint(e, structs.length)
    encoding.writeVarUint(e, client)
    encoding.writeVarUint(e, clock)
    for (const s of structs) writeStruct(e, s)
  }
  writeDeletes(e, deletes)
  return encoding.toUint8Array(e)
}

export function writeStruct(e: encoding.Encoder, s: CraftStruct): void {
  const ref = s.ref ?? (s.text !== undefined ? 4 : 1)
  const info = (ref & 0x1f) | (s.origin ? 0x80 : 0) | (s.rightOrigin ? 0x40 : 0) | (s.parentSub !== undefined ? 0x20 : 0)
  encoding.writeUint8(e, info)
  if (ref === 0 || ref === 10) {
    encoding.writeVarUint(e, s.len ?? 1)
    return
  }
  if (s.origin) {
    encoding.writeVarUint(e, s.origin.client)
    encoding.writeVarUint(e, s.origin.clock)
  }
  if (s.rightOrigin) {
    encoding.writeVarUint(e, s.rightOrigin.client)
    encoding.writeVarUint(e, s.rightOrigin.clock)
  }
  if (!s.origin && !s.rightOrigin) {
    const p = s.parent ?? { key: 'draft' }
    if ('key' in p) {
      encoding.writeVarUint(e, 1)
      encoding.writeVarString(e, p.key)
    } else {
      encoding.writeVarUint(e, 0)
      encoding.writeVarUint(e, p.id.client)
      encoding.writeVarUint(e, p.id.clock)
    }
    if (s.parentSub !== undefined) encoding.writeVarString(e, s.parentSub)
  }
  if (ref === 4) encoding.writeVarString(e, s.text ?? 'x')
  else if (ref === 1) encoding.writeVarUint(e, s.len ?? 1)
  else if (s.raw) encoding.writeUint8Array(e, s.raw)
}

export function writeDeletes(e: encoding.Encoder, deletes: CraftDeletes[]): void {
  encoding.writeVarUint(e, deletes.length)
  for (const d of deletes) {
    encoding.writeVarUint(e, d.client)
    encoding.writeVarUint(e, d.ranges.length)
    for (const [clock, len] of d.ranges) {
      encoding.writeVarUint(e, clock)
      encoding.writeVarUint(e, len)
    }
  }
}

/** A subdocument struct as Yjs itself writes one (ContentDoc: guid + options). */
export function subdocContent(guid: string): Uint8Array {
  const e = encoding.createEncoder()
  encoding.writeVarString(e, guid)
  encoding.writeAny(e, {})
  return encoding.toUint8Array(e)
}

/** The draft's clock for a client (how far its ids go) in a Y.Doc. */
export const clockOf = (doc: Y.Doc, client: number): number => Y.getState(doc.store, client)
