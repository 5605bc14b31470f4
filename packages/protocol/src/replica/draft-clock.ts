/**
 * The draft's state vector along the DAG: after every op, each Yjs client's
 * clock end and spent units (CHARTER-Y2, Y8), so an edit is checked against
 * exactly its causal past (DAG-4). Also notices clock-range clashes — two
 * held edits under one client id claiming the same ids, which only
 * equivocation or a concurrent double binding can produce (CHARTER-F3).
 */
import type { AnyOp } from '../op/envelope'
import type { OpId } from '../op/ids'
import type { DagEntry } from './dag'
import type { ReplicaView } from './view'
import { checkDraftEdit, unitsKey, type DraftClock, type DraftEditResult } from './draft'
import { genesisDraft } from './content'
import { isRedacted } from '../op/texts'

function redactedEdit(past: DraftClock, client: number): DraftEditResult {
  const at = past.get(client) ?? 0
  return { update: undefined as never, start: at, end: at, units: past.get(unitsKey(client)) ?? 0 }
}

const EMPTY_CLOCK: DraftClock = new Map()

interface PendingEdit { readonly clock: DraftClock; readonly client: number; readonly start: number; readonly end: number }

export class DraftClocks {
  /** Draft state vector after each op (shared between ops, copied only when it changes). */
  private readonly clockAfter: DraftClock[] = []
  /**
   * One map per distinct clock value. Merging two deps' clocks makes a new map
   * whenever they are concurrent, and most merges recur: at 60k ops, 12,710
   * maps held 1,204 values (~29 MB of the heap at 219k ops).
   */
  private readonly clocks = new Map<string, DraftClock>()
  private pending: PendingEdit | undefined
  /** Per client: the highest clock end of any held edit (CHARTER-F3). */
  private readonly heldEnd = new Map<number, number>()
  /**
   * Per client: the held edits' ranges in arrival order, each with the draft
   * clock after it (its causal past plus its own range): where an id was
   * written and what its writer had seen (CHARTER-F4).
   */
  private readonly claims = new Map<number, { start: number; end: number; after: DraftClock }[]>()
  /** Clients with two held edits claiming the same ids (CHARTER-F3). */
  private readonly clashedClients = new Set<number>()
  private clashNoticed = false

  constructor(private readonly view: Pick<ReplicaView, 'entry'>) {}

  /** Validate a charter.edit at its causal past (CHARTER-Y*); remembers the clock after it for `inserted`. */
  check(op: AnyOp & { kind: 'charter.edit' }, client: number): DraftEditResult {
    const past = this.clockOfDeps(op.deps)
    // SEAL-7: a redacted edit's update is not disclosed; it counts as an edit that adds nothing (DOSSIER-R3).
    const r = isRedacted(op) ? redactedEdit(past, client) : checkDraftEdit(op.body.update, { boundClientId: client, past })
    const next = new Map(past)
    next.set(client, r.end)
    next.set(unitsKey(client), r.units)
    this.pending = { clock: this.intern(next), client, start: r.start, end: r.end }
    return r
  }

  /** After insertion: remember the draft clock after the op; note a clash. */
  inserted(entry: DagEntry): void {
    const op = entry.op
    if (op.kind === 'charter.edit') {
      const { clock, client, start, end } = this.pending as PendingEdit
      this.pending = undefined
      this.clockAfter[entry.index] = clock
      const held = this.heldEnd.get(client) ?? 0
      // A non-empty range starting below what held edits already claim overlaps one of them (ranges chain from 0).
      if (end > start && start < held && !this.clashedClients.has(client)) {
        this.clashedClients.add(client)
        this.clashNoticed = true
      }
      if (end > held) this.heldEnd.set(client, end)
      if (end > start) {
        const list = this.claims.get(client) ?? []
        list.push({ start, end, after: clock })
        this.claims.set(client, list)
      }
    } else if (op.kind === 'genesis') {
      const len = genesisDraft(op.body.charter).clock
      const after: DraftClock = new Map([[0, len]])
      this.clockAfter[entry.index] = after
      if (len > 0) this.claims.set(0, [{ start: 0, end: len, after }])
    } else {
      this.clockAfter[entry.index] = this.clockOfDeps(op.deps)
    }
  }

  /** The draft clock at an op's causal past. */
  pastOf(entry: DagEntry): DraftClock {
    return this.clockOfDeps(entry.op.deps)
  }

  /**
   * The draft clock after the edit that wrote id (client, clock): the state
   * its writer had seen. Undefined for a clashed client (ids written twice).
   */
  creationOf(client: number, clock: number): DraftClock | undefined {
    if (this.clashedClients.has(client)) return undefined
    const list = this.claims.get(client)
    if (!list) return undefined
    // Without a clash a client's ranges follow each other in arrival order: binary search on the start.
    let lo = 0
    let hi = list.length - 1
    while (lo <= hi) {
      const mid = (lo + hi) >> 1
      const r = list[mid] as { start: number; end: number; after: DraftClock }
      if (clock < r.start) hi = mid - 1
      else if (clock >= r.end) lo = mid + 1
      else return r.after
    }
    return undefined
  }

  clashed(client: number): boolean {
    return this.clashedClients.has(client)
  }

  /** True once after a client first clashes: the draft must be folded again (CHARTER-F3). */
  takeClash(): boolean {
    const c = this.clashNoticed
    this.clashNoticed = false
    return c
  }

  clockOfDeps(deps: readonly OpId[]): DraftClock {
    let out: DraftClock | undefined
    let copied = false
    for (const d of deps) {
      const c = this.clockAfter[(this.view.entry(d) as DagEntry).index] ?? EMPTY_CLOCK
      if (out === undefined) {
        out = c
        continue
      }
      if (c === out) continue
      for (const [client, end] of c) {
        if ((out.get(client) ?? 0) < end) {
          if (!copied) {
            out = new Map(out)
            copied = true
          }
          ;(out as Map<number, number>).set(client, end)
        }
      }
    }
    return copied ? this.intern(out as DraftClock) : (out ?? EMPTY_CLOCK)
  }

  private intern(c: DraftClock): DraftClock {
    const key = [...c].sort((a, b) => a[0] - b[0]).join(';')
    const known = this.clocks.get(key)
    if (known) return known
    this.clocks.set(key, c)
    return c
  }
}
