/**
 * Folding checked draft edits into the Y.Doc (CHARTER-F1..F5 in
 * docs/PROTOCOL.md). Every valid edit in the DAG is applied, in a causal
 * order, so every id an edit names is present when it arrives and Yjs never
 * keeps anything pending:
 *
 * - a counted edit applies as signed (F1);
 * - an edit that does not count (cut by a removal) keeps its place but its
 *   text is hidden and its deletions do nothing (F2), so text others anchored
 *   to it stays where they put it;
 * - under a client id two held edits both claim (equivocation, a concurrent
 *   double binding) every edit is a tombstone: Yjs GC structs, no text, no
 *   place; text anchored to a tombstone becomes one too (F3);
 * - a struct whose neighbours were not next to each other in the state it
 *   claims to have been made in — its creation state: the edits it names,
 *   each with what its writer had seen, and its author's earlier text — is a
 *   tombstone, as is one placed across more than MAX_SPAN characters of its
 *   causal past (F4). Yjs converges only for items whose origin and right
 *   origin were adjacent where they were made; this also bounds the scan Yjs
 *   makes to place a struct;
 * - anything that still throws is recorded and the fold goes on (F5).
 */
import * as Y from 'yjs'
import type { OpId } from '../op/ids'
import { DRAFT_LIMITS, type DraftClock } from './draft'
import { decodeDraftUpdate, type DraftDeletes, type DraftStruct, type DraftUpdate, type YId } from './yjs-update'

/** CHARTER-F4: characters of the causal past a struct may be placed across. */
export const MAX_SPAN = 1024
/** Fold errors kept (F5); later ones are counted, not kept. */
const MAX_ERRORS = 100

export interface FoldError {
  readonly op: OpId
  readonly error: string
}

export interface EditFold {
  /** Counts (not cut, author admitted): its text shows and its deletions apply. */
  readonly counted: boolean
  /** Has this client id clashed (CHARTER-F3)? */
  readonly clashed: (client: number) => boolean
  /** The draft clock at the edit's causal past. */
  readonly past: DraftClock
  /** The draft clock after the edit that wrote an id (what its writer had seen); undefined when unknown or clashed. */
  readonly creation: (client: number, clock: number) => DraftClock | undefined
}

/** A struct's creation state: the author's ids below `own`, and for other clients the largest end in any of `maps`. */
class CreationState {
  private readonly maps: DraftClock[] = []
  private readonly ends = new Map<number, number>()
  own = 0

  constructor(readonly client: number) {}

  add(m: DraftClock | undefined, fallback: YId): void {
    if (m === undefined) m = new Map([[fallback.client, fallback.clock + 1]])
    if (this.maps.includes(m)) return
    this.maps.push(m)
    this.ends.clear()
  }

  end(c: number): number {
    if (c === this.client) return this.own
    let e = this.ends.get(c)
    if (e === undefined) {
      e = 0
      for (const m of this.maps) e = Math.max(e, m.get(c) ?? 0)
      this.ends.set(c, e)
    }
    return e
  }
}

/** lib0 varUint, as Yjs writes it. */
function pushVarUint(out: number[], n: number): void {
  while (n > 0x7f) {
    out.push((n % 128) | 0x80)
    n = Math.floor(n / 128)
  }
  out.push(n)
}

function deleteSetBytes(out: number[], deletes: readonly DraftDeletes[]): void {
  pushVarUint(out, deletes.length)
  for (const d of deletes) {
    pushVarUint(out, d.client)
    pushVarUint(out, d.ranges.length)
    for (const [clock, len] of d.ranges) {
      pushVarUint(out, clock)
      pushVarUint(out, len)
    }
  }
}

type Part = { readonly bytes: Uint8Array } | { readonly gc: number }

export class DraftFold {
  readonly doc = new Y.Doc()
  readonly errors: FoldError[] = []
  errorCount = 0
  private readonly text: Y.Text

  constructor() {
    this.doc.gc = false
    this.text = this.doc.getText('draft')
  }

  /** The genesis seed (CHARTER-D0): built by every replica, trusted. */
  seed(id: OpId, update: Uint8Array): void {
    this.guard(id, () => Y.applyUpdate(this.doc, update, 'replica'))
  }

  apply(id: OpId, bytes: Uint8Array, how: EditFold): void {
    this.guard(id, () => {
      const u = decodeDraftUpdate(bytes, DRAFT_LIMITS)
      const client = u.client
      const first = u.structs[0]
      if (client !== undefined && first) {
        if (how.clashed(client)) this.flush(client, first.clock, [{ gc: u.length }])
        else {
          this.applyStructs(client, bytes, u, how)
          // F2: an edit that does not count keeps its place; its text is hidden.
          if (!how.counted) this.deleteRanges([{ client, ranges: [[first.clock, u.length]] }])
        }
      }
      if (how.counted && u.deletes.length > 0) this.deleteRanges(u.deletes)
    })
  }

  draftText(): string {
    return this.text.toString()
  }

  guard(id: OpId, f: () => void): void {
    try {
      f()
    } catch (e) {
      this.record(id, e instanceof Error ? e.message : String(e))
    }
    const store = this.doc.store
    if (store.pendingStructs !== null || store.pendingDs !== null) {
      // Validity makes this unreachable; if it ever happens, do not let pending structs pile up (F5).
      store.pendingStructs = null
      store.pendingDs = null
      this.record(id, 'the edit left structs pending')
    }
  }

  record(op: OpId, error: string): void {
    this.errorCount++
    if (this.errors.length < MAX_ERRORS) this.errors.push({ op, error })
  }

  /** Structs in order; a batch is applied before a struct that names one of its items. */
  private applyStructs(client: number, bytes: Uint8Array, u: DraftUpdate, how: EditFold): void {
    const start = (u.structs[0] as DraftStruct).clock
    const state = new CreationState(client)
    if (start > 0) state.add(how.creation(client, start - 1), { client, clock: start - 1 })
    let batch: Part[] = []
    let batchClock = start
    let applied = start
    const unapplied = (x: YId | null): boolean => x !== null && x.client === client && x.clock >= applied
    for (const s of u.structs) {
      if (unapplied(s.origin) || unapplied(s.rightOrigin)) {
        this.flush(client, batchClock, batch)
        batch = []
        batchClock = s.clock
        applied = s.clock
      }
      for (const ref of [s.origin, s.rightOrigin]) if (ref && ref.client !== client) state.add(how.creation(ref.client, ref.clock), ref)
      state.own = s.clock
      batch.push(this.placeable(s, client, start, how.past, state) ? { bytes: bytes.subarray(s.start, s.end) } : { gc: s.length })
    }
    this.flush(client, batchClock, batch)
  }

  private flush(client: number, clock: number, parts: readonly Part[]): void {
    if (parts.length === 0) return
    const head: number[] = []
    pushVarUint(head, 1)
    pushVarUint(head, parts.length)
    pushVarUint(head, client)
    pushVarUint(head, clock)
    const chunks: Uint8Array[] = [Uint8Array.from(head)]
    for (const p of parts) {
      if ('bytes' in p) chunks.push(p.bytes)
      else {
        const gc: number[] = [0]
        pushVarUint(gc, p.gc)
        chunks.push(Uint8Array.from(gc))
      }
    }
    chunks.push(Uint8Array.of(0))
    Y.applyUpdate(this.doc, concat(chunks), 'replica')
  }

  private deleteRanges(deletes: readonly DraftDeletes[]): void {
    const out: number[] = [0]
    deleteSetBytes(out, deletes)
    Y.applyUpdate(this.doc, Uint8Array.from(out), 'replica')
  }

  /**
   * CHARTER-F4: no id of the struct's creation state lies between its origin
   * and right origin in the draft, and at most MAX_SPAN characters of its
   * causal past do (the author's own ids from `start` on are not of its
   * past). The walk visits what Yjs's integration would scan, and stops at
   * the first id of the creation state.
   */
  private placeable(s: DraftStruct, client: number, start: number, past: DraftClock, state: CreationState): boolean {
    const store = this.doc.store
    const pastEnd = (c: number): number => (c === client ? start : (past.get(c) ?? 0))
    let count = 0
    /** Ids [from, to) of an item lie between the neighbours: false if that breaks the rule. */
    const between = (item: Y.Item, from: number, to: number): boolean => {
      if (from >= to) return true
      const c = item.id.client
      if (from < state.end(c)) return false
      count += Math.max(0, Math.min(to, pastEnd(c)) - from)
      return count <= MAX_SPAN
    }
    let left: Y.Item | null = null
    let right: Y.Item | null = null
    if (s.origin) {
      const l = Y.getItem(store, Y.createID(s.origin.client, s.origin.clock)) as Y.Item | Y.GC
      if (!(l instanceof Y.Item)) return true // a tombstone neighbour: Yjs makes this one a tombstone, no scan
      left = l
    }
    if (s.rightOrigin) {
      const r = Y.getItem(store, Y.createID(s.rightOrigin.client, s.rightOrigin.clock)) as Y.Item | Y.GC
      if (!(r instanceof Y.Item)) return true
      right = r
    }
    let o: Y.Item | null
    if (left && s.origin) {
      if (left === right && s.rightOrigin && s.rightOrigin.clock > s.origin.clock) return between(left, s.origin.clock + 1, s.rightOrigin.clock)
      if (!between(left, s.origin.clock + 1, left.id.clock + left.length)) return false
      o = left.right
    } else o = this.text._start
    while (o !== null) {
      if (o === right && s.rightOrigin) return between(o, o.id.clock, s.rightOrigin.clock)
      if (!between(o, o.id.clock, o.id.clock + o.length)) return false
      o = o.right
    }
    // No right origin, or it was not found to the right: the struct claims to end the text.
    return s.rightOrigin === null
  }
}

function concat(chunks: readonly Uint8Array[]): Uint8Array {
  let n = 0
  for (const c of chunks) n += c.length
  const out = new Uint8Array(n)
  let at = 0
  for (const c of chunks) {
    out.set(c, at)
    at += c.length
  }
  return out
}
