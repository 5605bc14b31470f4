/**
 * The causal DAG of one community (DAG-* in docs/PROTOCOL.md).
 *
 * Ops enter only when all their deps are present; until then they wait in a
 * bounded buffer (DAG-5). Each entry records its height (1 + max dep height),
 * so (height, id) ascending is the canonical total order every replica agrees
 * on, whatever order ops arrived in.
 */
import type { HeldOp } from '../op/envelope'
import type { DeviceKey, OpId } from '../op/ids'

export interface DagEntry {
  readonly index: number
  readonly op: HeldOp
  readonly height: number
  /** Largest `time` claimed by any op in this op's causal past (0 for genesis). */
  /** Every op stored before this one is in its causal past (it saw all heads): true along linear history. */
  readonly allBefore: boolean
}

/** Canonical order: height, then op id. */
export function canonicalCompare(a: DagEntry, b: DagEntry): number {
  return a.height - b.height || (a.op.id < b.op.id ? -1 : a.op.id > b.op.id ? 1 : 0)
}

export class Dag {
  readonly entries: DagEntry[] = []
  private readonly byId = new Map<OpId, DagEntry>()
  private readonly headSet = new Set<OpId>()
  /** The heads sorted, until the next insert (many reads between inserts while thousands of heads stand). */
  private sortedHeads: OpId[] | undefined
  /** One id per seq, an array only on equivocation (a Map of arrays cost ~40 bytes per op). */
  private readonly bySeq = new Map<DeviceKey, Map<number, OpId | OpId[]>>()
  private readonly lastByDevice = new Map<DeviceKey, DagEntry>()

  get size(): number {
    return this.entries.length
  }

  get(id: OpId): DagEntry | undefined {
    return this.byId.get(id)
  }

  has(id: OpId): boolean {
    return this.byId.has(id)
  }

  heads(): OpId[] {
    this.sortedHeads ??= [...this.headSet].sort()
    return [...this.sortedHeads]
  }

  /** The device's op with the highest seq, if any. */
  lastOf(device: DeviceKey): DagEntry | undefined {
    return this.lastByDevice.get(device)
  }

  /** Ops by this device with this seq (more than one means equivocation). */
  opsAt(device: DeviceKey, seq: number): readonly OpId[] {
    const at = this.bySeq.get(device)?.get(seq)
    return at === undefined ? [] : typeof at === 'string' ? [at] : at
  }

  /** Precondition: every dep is present. */
  insert(op: HeldOp): DagEntry {
    let height = 1
    for (const d of op.deps) {
      const e = this.byId.get(d)
      if (!e) throw new Error(`insert before dep ${d}`)
      if (e.height + 1 > height) height = e.height + 1
    }
    // Every stored op is an ancestor of some head, so depending on all heads means depending on everything.
    let allBefore = this.headSet.size <= op.deps.length
    if (allBefore) for (const h of this.headSet) if (!op.deps.includes(h)) allBefore = false
    const entry: DagEntry = { index: this.entries.length, op, height, allBefore }
    this.entries.push(entry)
    this.byId.set(op.id, entry)
    for (const d of op.deps) this.headSet.delete(d)
    this.headSet.add(op.id)
    this.sortedHeads = undefined
    const prev = this.lastByDevice.get(op.author)
    if (!prev || prev.op.seq < op.seq) this.lastByDevice.set(op.author, entry)
    let seqs = this.bySeq.get(op.author)
    if (!seqs) this.bySeq.set(op.author, (seqs = new Map()))
    const at = seqs.get(op.seq)
    if (at === undefined) seqs.set(op.seq, op.id)
    else if (typeof at === 'string') seqs.set(op.seq, [at, op.id])
    else at.push(op.id)
    return entry
  }

  /**
   * Is `a` in the causal past of `b` (strictly)? A backwards search from b
   * that never descends below a's height, so it costs what lies between them.
   */
  isAncestor(a: DagEntry, b: DagEntry): boolean {
    if (a.height >= b.height) return false
    const seen = new Set<number>()
    const stack: DagEntry[] = [b]
    while (stack.length > 0) {
      const x = stack.pop() as DagEntry
      for (const d of x.op.deps) {
        const e = this.byId.get(d) as DagEntry
        if (e === a) return true
        if (e.height > a.height && !seen.has(e.index)) {
          seen.add(e.index)
          stack.push(e)
        }
      }
    }
    return false
  }

  /** Every entry in the causal past of `b` with height above `minHeight`. */
  pastAbove(b: DagEntry, minHeight: number): DagEntry[] {
    const out: DagEntry[] = []
    const seen = new Set<number>([b.index])
    const stack: DagEntry[] = [b]
    while (stack.length > 0) {
      const x = stack.pop() as DagEntry
      for (const d of x.op.deps) {
        const e = this.byId.get(d) as DagEntry
        if (e.height > minHeight && !seen.has(e.index)) {
          seen.add(e.index)
          out.push(e)
          stack.push(e)
        }
      }
    }
    return out
  }
}

export const concurrent = (dag: Dag, a: DagEntry, b: DagEntry): boolean =>
  a !== b && !dag.isAncestor(a, b) && !dag.isAncestor(b, a)
