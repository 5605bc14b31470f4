/**
 * Candidate draft updates for the fuzzer (charter-fuzz.test.ts), drawn with
 * fast-check's `gen` so a seed reproduces a run: honest edits made with
 * Y.Text, the same edits mutated at random bytes or at random fields, and
 * structs built from scratch with any info byte, neighbours and delete set.
 */
import fc from 'fast-check'
import * as Y from 'yjs'
import { craftUpdate, subdocContent, type CraftDeletes, type CraftId, type CraftStruct } from './yjs-craft'

/** Random choices drawn from fast-check's `gen` (builders with plain arguments, so its cache stays small). */
export interface Pick {
  int(min: number, max: number): number
  bool(): boolean
  of<T>(xs: readonly T[]): T
  bytes(max: number): Uint8Array
}

export function picker(g: fc.GeneratorValue): Pick {
  const int = (min: number, max: number): number => g(fc.integer, { min, max })
  return {
    int,
    bool: () => g(fc.boolean),
    of: <T>(xs: readonly T[]): T => xs[int(0, xs.length - 1)] as T,
    bytes: (max: number) => g(fc.uint8Array, { maxLength: max }),
  }
}

type Gen = Pick

/** What the author knows: its draft (the fold at its heads) and its client id. */
export interface Author {
  readonly draft: Y.Doc
  readonly client: number
  /** Client ids of the community (for plausible foreign neighbours). */
  readonly clients: readonly number[]
}

export type CandidateKind = 'honest' | 'bytes' | 'fields' | 'craft'

const ALPHABET = ['a', 'b', ' ', '\n', 'é', 'ß', '中', '😀', '\u{1F468}\u200D\u{1F469}', '#', '-']

function text(g: Gen, max = 12): string {
  const n = g.int(1, max)
  let s = ''
  for (let i = 0; i < n; i++) s += g.of(ALPHABET)
  return s
}

/** An honest edit: one or more Y.Text transactions on a copy of the author's draft, merged as the node merges them. */
export function honest(g: Gen, a: Author): Uint8Array {
  const doc = new Y.Doc({ gc: g.bool() })
  Y.applyUpdate(doc, Y.encodeStateAsUpdate(a.draft))
  doc.clientID = a.client
  const t = doc.getText('draft')
  const updates: Uint8Array[] = []
  doc.on('update', (u: Uint8Array) => updates.push(u))
  const transactions = g.int(1, 4)
  for (let i = 0; i < transactions; i++) {
    doc.transact(() => {
      const steps = g.int(1, 3)
      for (let j = 0; j < steps; j++) {
        const len = t.length
        if (len > 0 && g.bool()) {
          const at = g.int(0, len - 1)
          t.delete(at, g.int(1, Math.min(8, len - at)))
        } else t.insert(g.int(0, len), text(g))
      }
    })
  }
  if (updates.length === 0) {
    t.insert(0, 'x')
  }
  return g.bool() ? Y.mergeUpdates(updates) : Y.encodeStateAsUpdate(doc, Y.encodeStateVector(a.draft))
}

function id(g: Gen, a: Author, clock: number): CraftId {
  const sv = Y.getState(a.draft.store, 0)
  switch (g.int(0, 4)) {
    case 0: return { client: 0, clock: Math.max(0, sv - 1) }
    case 1: return { client: 0, clock: g.int(0, sv + 2) }
    case 2: {
      const c = g.of(a.clients)
      return { client: c, clock: g.int(0, Y.getState(a.draft.store, c) + 2) }
    }
    case 3: return { client: a.client, clock: g.int(Math.max(0, clock - 3), clock + 3) }
    default: return { client: g.int(0, 2 ** 32), clock: g.int(0, 2 ** 20) }
  }
}

function struct(g: Gen, a: Author, clock: number): CraftStruct {
  const w = g.int(0, 16)
  const ref = w < 12 ? 4 : w < 14 ? 1 : g.int(0, 31)
  const s: CraftStruct = { ref }
  if (g.int(0, 9) < 8) s.origin = id(g, a, clock)
  if (g.bool()) s.rightOrigin = id(g, a, clock)
  if (!s.origin && !s.rightOrigin && g.int(0, 4) === 0) {
    s.parent = g.of([{ key: 'draft' }, { key: 'x' }, { id: { client: a.client, clock } }])
  }
  if (g.int(0, 19) === 0) s.parentSub = 'k'
  if (ref === 4) s.text = text(g, 6)
  else if (ref === 9) s.raw = subdocContent('g')
  else if (ref === 0 || ref === 1 || ref === 10) s.len = g.bool() ? g.int(0, 5) : 2 ** 40
  else s.raw = g.bytes(6)
  return s
}

function deletes(g: Gen, a: Author): CraftDeletes[] {
  const out: CraftDeletes[] = []
  const n = g.int(0, 2)
  for (let i = 0; i < n; i++) {
    const c = g.of([0, a.client, ...a.clients])
    const max = Y.getState(a.draft.store, c) + 2
    const ranges: [number, number][] = []
    let at = g.int(0, max)
    for (let j = g.int(1, 3); j > 0; j--) {
      const len = g.int(0, 4)
      ranges.push([at, len])
      at += len + g.int(-2, 3)
      if (at < 0) at = 0
    }
    out.push({ client: c, ranges })
  }
  return out
}

/** Structs from scratch, at (or near) the author's clock. */
export function crafted(g: Gen, a: Author): Uint8Array {
  const start = Y.getState(a.draft.store, a.client)
  const clock = g.int(0, 6) > 0 ? start : g.int(0, start + 4)
  const client = g.int(0, 8) > 0 ? a.client : g.of([0, ...a.clients])
  const structs: CraftStruct[] = []
  let at = clock
  for (let i = g.int(0, 5); i > 0; i--) {
    const s = struct(g, a, at)
    structs.push(s)
    at += s.text !== undefined ? s.text.length : Math.min(s.len ?? 1, 5)
  }
  return craftUpdate(client, clock, structs, deletes(g, a))
}

/** An honest update with a few bytes flipped, set, inserted, removed, cut off or repeated. */
export function mutatedBytes(g: Gen, a: Author): Uint8Array {
  let b = Array.from(honest(g, a))
  for (let i = g.int(1, 4); i > 0 && b.length > 0; i--) {
    const at = g.int(0, b.length - 1)
    switch (g.int(0, 5)) {
      case 0: b[at] = (b[at] as number) ^ (1 << g.int(0, 7)); break
      case 1: b[at] = g.int(0, 255); break
      case 2: b.splice(at, 0, g.int(0, 255)); break
      case 3: b.splice(at, 1); break
      case 4: b = b.slice(0, at); break
      default: b.splice(at, 0, ...b.slice(at, at + g.int(1, 6)))
    }
  }
  return Uint8Array.from(b)
}

/** An honest update decoded and re-encoded with some fields changed: neighbours, content kind, lengths, clocks, deletions. */
export function mutatedFields(g: Gen, a: Author): Uint8Array {
  const u = Y.decodeUpdate(honest(g, a))
  const items = u.structs.filter((s): s is Y.Item => s instanceof Y.Item)
  const first = u.structs[0]
  let clock = first ? first.id.clock : Y.getState(a.draft.store, a.client)
  const structs: CraftStruct[] = items.map((it) => {
    const s: CraftStruct = it.content instanceof Y.ContentString ? { text: it.content.str } : { ref: 1, len: it.length }
    if (it.origin) s.origin = { client: it.origin.client, clock: it.origin.clock }
    if (it.rightOrigin) s.rightOrigin = { client: it.rightOrigin.client, clock: it.rightOrigin.clock }
    return s
  })
  const ds: CraftDeletes[] = [...u.ds.clients].map(([client, ranges]) => ({ client, ranges: ranges.map((r): [number, number] => [r.clock, r.len]) }))
  for (let i = g.int(1, 3); i > 0; i--) {
    const k = structs.length > 0 ? g.int(0, structs.length - 1) : 0
    const s = structs[k]
    switch (g.int(0, 7)) {
      case 0: if (s) s.origin = id(g, a, clock + k); break
      case 1: if (s) s.rightOrigin = id(g, a, clock + k); break
      case 2: if (s) { delete s.origin; delete s.rightOrigin } break
      case 3: if (s) s.ref = g.int(0, 31); break
      case 4: clock += g.int(-2, 2); if (clock < 0) clock = 0; break
      case 5: ds.push(...deletes(g, a)); break
      case 6: if (s) { s.ref = 1; delete s.text; s.len = g.int(0, 70_000) } break
      default: structs.push(struct(g, a, clock + structs.length))
    }
  }
  return craftUpdate(first ? first.id.client : a.client, clock, structs, ds)
}

export function candidate(g: Gen, a: Author): { kind: CandidateKind; update: Uint8Array } {
  const kind = g.of<CandidateKind>(['honest', 'bytes', 'fields', 'fields', 'craft', 'craft'])
  const update = kind === 'honest' ? honest(g, a) : kind === 'bytes' ? mutatedBytes(g, a) : kind === 'fields' ? mutatedFields(g, a) : crafted(g, a)
  return { kind, update }
}
