/**
 * What to send a peer (SYNC-4). The peer tells us its heads and "probes":
 * ids at exponentially spaced depths below its top head (0, 1, 2, 4, 8, …;
 * see probesOf). Every one of those we also hold is in the peer's set,
 * and so is its whole causal past. We send exactly our ops outside the past
 * of that common base — after a partition, what was added on our side; after
 * time offline, what was added since — so bandwidth follows what is missing,
 * not the size of the history.
 */
import type { CausalNode, CausalView, OpId } from '@polity/protocol'

type Entry = CausalNode

/** Spine probes are walked to this depth; deeper ones are picked by insertion position (no walk). */
const SPINE_DEPTH = 1024

/**
 * Up to 40 ids: down the spine (always the highest dep) at depths 0, 1, 2, 4,
 * …, 1024 from the top head; then, deeper, the ops inserted 2^11, 2^12, …
 * positions before the newest (insertion order is a causal order), and the
 * genesis, so a session costs O(log history), not O(history) (measured in
 * docs/ARCHITECTURE.md, Performance).
 */
export function probesOf(dag: CausalView): OpId[] {
  const heads = dag.heads().map((h) => dag.entry(h) as Entry)
  if (heads.length === 0) return []
  let cur: Entry | undefined = heads.reduce((a, b) => (b.height > a.height ? b : a))
  const out: OpId[] = []
  let depth = 0
  let next = 0
  while (cur && depth <= SPINE_DEPTH) {
    if (depth === next) {
      out.push(cur.op.id)
      next = next === 0 ? 1 : next * 2
    }
    let best: Entry | undefined
    for (const d of cur.op.deps) {
      const e = dag.entry(d) as Entry
      if (!best || e.height > best.height) best = e
    }
    cur = best
    depth++
  }
  const last = dag.size - 1
  for (let back = SPINE_DEPTH * 2; last - back > 0 && out.length < 39; back *= 2) out.push(dag.idsFrom(last - back, 1)[0] as OpId)
  const genesis = dag.idsFrom(0, 1)[0]
  if (genesis !== undefined && !out.includes(genesis)) out.push(genesis)
  return out
}

/** A max-heap of DAG entries by height. */
class HeightHeap {
  private readonly xs: Entry[] = []
  get size(): number {
    return this.xs.length
  }
  push(e: Entry): void {
    const xs = this.xs
    xs.push(e)
    let i = xs.length - 1
    while (i > 0) {
      const p = (i - 1) >> 1
      if ((xs[p] as Entry).height >= e.height) break
      xs[i] = xs[p] as Entry
      i = p
    }
    xs[i] = e
  }
  pop(): Entry {
    const xs = this.xs
    const top = xs[0] as Entry
    const last = xs.pop() as Entry
    if (xs.length > 0) {
      let i = 0
      for (;;) {
        const l = 2 * i + 1
        if (l >= xs.length) break
        const r = l + 1
        const c = r < xs.length && (xs[r] as Entry).height > (xs[l] as Entry).height ? r : l
        if ((xs[c] as Entry).height <= last.height) break
        xs[i] = xs[c] as Entry
        i = c
      }
      xs[i] = last
    }
    return top
  }
}

/**
 * Our ops that are not in the causal past of `base` (ids the peer surely
 * holds), in causal order. A sweep by descending height from our heads and
 * the base: a node reached from the base is theirs; the sweep stops as soon
 * as only base-reached nodes remain.
 */
export function opsOutside(dag: CausalView, base: readonly OpId[], from: readonly OpId[] = dag.heads()): OpId[] {
  const mark = new Map<number, 1 | 2>() // 1 = ours only, 2 = in the base's past
  const heap = new HeightHeap()
  let ours = 0
  for (const id of base) {
    const e = dag.entry(id)
    if (e && mark.get(e.index) !== 2) {
      if (mark.get(e.index) === 1) ours--
      mark.set(e.index, 2)
      heap.push(e)
    }
  }
  for (const id of from) {
    const e = dag.entry(id)
    if (e && !mark.has(e.index)) {
      mark.set(e.index, 1)
      ours++
      heap.push(e)
    }
  }
  const out: Entry[] = []
  const done = new Set<number>()
  while (heap.size > 0 && ours > 0) {
    const e = heap.pop()
    if (done.has(e.index)) continue
    done.add(e.index)
    const m = mark.get(e.index) as 1 | 2
    if (m === 1) {
      ours--
      out.push(e)
    }
    for (const d of e.op.deps) {
      const de = dag.entry(d) as Entry
      const dm = mark.get(de.index)
      if (m === 2) {
        if (dm !== 2) {
          if (dm === 1) ours--
          mark.set(de.index, 2)
          heap.push(de)
        }
      } else if (dm === undefined) {
        mark.set(de.index, 1)
        ours++
        heap.push(de)
      }
    }
  }
  out.sort((a, b) => a.height - b.height || (a.op.id < b.op.id ? -1 : 1))
  return out.map((e) => e.op.id)
}

/** SYNC-8: at most this many key-carrying ops go ahead of the rest (they wait in the receiver's bounded buffer, DAG-5, until their deps arrive). */
export const MAX_KEYS_AHEAD = 1024

/** ENV2-3: the kinds whose clear part carries an epoch key; a relay reads the kind without any key. */
const KEY_KINDS = new Set(['genesis', 'invite.create', 'epoch.rekey', 'epoch.grant'])


/**
 * SYNC-8: in a sealed community, send the key-carrying ops (genesis,
 * `invite.create`, `epoch.rekey`, `epoch.grant`) among `ids` first — the
 * newest MAX_KEYS_AHEAD of them (and the genesis), in causal order — then
 * the rest in causal order. A receiver learns keys from an op's clear part
 * on arrival, before its deps (KEY-4), so a newcomer whose only key is
 * carried by the newest op opens each later op as it arrives instead of
 * holding the whole history back (or dropping it past its buffer) until
 * that op comes last. Same set of ops, so SYNC-4's counts are unchanged.
 */
export function keysFirst(dag: CausalView & { readonly sealed?: boolean | undefined }, ids: readonly OpId[]): OpId[] {
  if (dag.sealed !== true) return [...ids]
  const keys: number[] = []
  for (let i = 0; i < ids.length; i++) {
    const e = dag.entry(ids[i] as OpId)
    if (e && KEY_KINDS.has((e.op as { kind?: string }).kind ?? '')) keys.push(i)
  }
  if (keys.length === 0) return [...ids]
  const ahead = keys.length <= MAX_KEYS_AHEAD ? keys : [...(keys[0] === 0 ? [0] : []), ...keys.slice(-MAX_KEYS_AHEAD)]
  const set = new Set(ahead)
  return [...ahead.map((i) => ids[i] as OpId), ...ids.filter((_, i) => !set.has(i))]
}
