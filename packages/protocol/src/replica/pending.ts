/**
 * Ops waiting for missing deps (DAG-5): a bounded buffer, indexed by the
 * deps they wait for, so an arriving op releases exactly its waiters. In a
 * sealed community an op may also wait for its epoch's key (KEY-5): it waits
 * on `keyMarker(epoch)` in the same buffer, under the same bounds.
 */
import type { AnyOp } from '../op/envelope'
import type { OpId } from '../op/ids'
import type { SealedOp } from '../op/sealed-envelope'

/** What waits: a v1 op, or a v2 op not yet opened. */
export type WaitingOp = AnyOp | SealedOp

const KEY_PREFIX = 'key:'
/** The name an op waiting for an epoch's key waits on. */
export const keyMarker = (epoch: OpId): OpId => `${KEY_PREFIX}${epoch}` as OpId

export class PendingBuffer {
  private readonly ops = new Map<OpId, WaitingOp>()
  private bytes = 0
  /** Missing dep → the pending ops that wait for it. */
  private readonly waiting = new Map<OpId, Set<OpId>>()

  constructor(private readonly limits: { readonly maxPendingOps: number; readonly maxPendingBytes: number }) {}

  get size(): number {
    return this.ops.size
  }

  has(id: OpId): boolean {
    return this.ops.has(id)
  }

  get(id: OpId): WaitingOp | undefined {
    return this.ops.get(id)
  }

  values(): IterableIterator<WaitingOp> {
    return this.ops.values()
  }

  /** Missing deps that pending ops wait for and that are not pending themselves (what to ask peers for). */
  missing(): OpId[] {
    return [...this.waiting.keys()].filter((id) => !this.ops.has(id) && !id.startsWith(KEY_PREFIX)).sort()
  }

  /** Epochs whose keys waiting ops need (KEY-5). */
  missingKeys(): OpId[] {
    return [...this.waiting.keys()].filter((id) => id.startsWith(KEY_PREFIX)).map((id) => id.slice(KEY_PREFIX.length) as OpId).sort()
  }

  /** Buffer an op waiting for `missing`; false when the buffer is full (the op is dropped). */
  add(op: WaitingOp, missing: readonly OpId[]): boolean {
    if (this.ops.size >= this.limits.maxPendingOps || this.bytes + op.bytes.length > this.limits.maxPendingBytes) return false
    this.ops.set(op.id, op)
    this.bytes += op.bytes.length
    for (const m of missing) {
      let w = this.waiting.get(m)
      if (!w) this.waiting.set(m, (w = new Set()))
      w.add(op.id)
    }
    return true
  }

  /**
   * `id` is now held: take out, one by one, the ops that waited for it and
   * have every dep (`ready`), handing each to `take`. `take` returns whether
   * the op was applied: its own waiters are released in turn; if not, they
   * can never apply (DAG-6) and are dropped. `take` may instead name what
   * the op still waits for (an epoch key): it goes back into the buffer.
   */
  release(id: OpId, ready: (op: WaitingOp) => boolean, take: (op: WaitingOp) => boolean | OpId[]): void {
    const queue = [id]
    while (queue.length > 0) {
      const done = queue.pop() as OpId
      const ws = this.waiting.get(done)
      if (!ws) continue
      this.waiting.delete(done)
      for (const wid of ws) {
        const op = this.ops.get(wid)
        if (!op || !ready(op)) continue
        this.remove(op)
        const r = take(op)
        if (Array.isArray(r)) {
          if (!this.add(op, r)) this.dropDependents(wid)
        } else if (r) queue.push(wid)
        else this.dropDependents(wid)
      }
    }
  }

  private remove(op: WaitingOp): void {
    this.ops.delete(op.id)
    this.bytes -= op.bytes.length
  }

  /** Ops waiting on an op that will never apply can never apply (DAG-6): drop them now. */
  private dropDependents(id: OpId): void {
    const queue = [id]
    while (queue.length > 0) {
      const ws = this.waiting.get(queue.pop() as OpId)
      if (!ws) continue
      for (const wid of ws) {
        const op = this.ops.get(wid)
        if (op) {
          this.remove(op)
          queue.push(wid)
        }
      }
    }
    this.waiting.delete(id)
  }
}
