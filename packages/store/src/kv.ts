/**
 * An ordered key-value space with atomic, durable batches: the only thing the
 * op store needs from its backend. Two backends: LevelDB (classic-level) and
 * an in-memory one for unit tests of the code above it.
 */
export type KvOp = { readonly type: 'put'; readonly key: Uint8Array; readonly value: Uint8Array } | { readonly type: 'del'; readonly key: Uint8Array }

export interface Kv {
  get(key: Uint8Array): Promise<Uint8Array | undefined>
  /** Many lookups in one call (one round trip to the backend), in the order given. */
  getMany(keys: readonly Uint8Array[]): Promise<(Uint8Array | undefined)[]>
  /** All or nothing; durable (fsync'd) when it resolves. */
  batch(ops: readonly KvOp[]): Promise<void>
  /** Entries with gte ≤ key < lt, ascending. */
  range(gte: Uint8Array, lt: Uint8Array): AsyncIterable<[Uint8Array, Uint8Array]>
  close(): Promise<void>
}

const hex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex')

export class MemoryKv implements Kv {
  private readonly map = new Map<string, [Uint8Array, Uint8Array]>()
  private sorted: string[] | undefined

  async get(key: Uint8Array): Promise<Uint8Array | undefined> {
    return this.map.get(hex(key))?.[1]
  }

  async getMany(keys: readonly Uint8Array[]): Promise<(Uint8Array | undefined)[]> {
    return keys.map((k) => this.map.get(hex(k))?.[1])
  }

  async batch(ops: readonly KvOp[]): Promise<void> {
    for (const op of ops) {
      const k = hex(op.key)
      if (op.type === 'put') {
        if (!this.map.has(k)) this.sorted = undefined
        this.map.set(k, [new Uint8Array(op.key), new Uint8Array(op.value)]) // copies, also of Buffers (whose slice() is a view)
      } else if (this.map.delete(k)) this.sorted = undefined
    }
  }

  async *range(gte: Uint8Array, lt: Uint8Array): AsyncIterable<[Uint8Array, Uint8Array]> {
    if (!this.sorted) this.sorted = [...this.map.keys()].sort()
    const lo = hex(gte)
    const hi = hex(lt)
    const keys = this.sorted
    let i = lowerBound(keys, lo)
    for (; i < keys.length && (keys[i] as string) < hi; i++) {
      const e = this.map.get(keys[i] as string)
      if (e) yield e
    }
  }

  async close(): Promise<void> {}
}

function lowerBound(xs: string[], x: string): number {
  let lo = 0
  let hi = xs.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if ((xs[mid] as string) < x) lo = mid + 1
    else hi = mid
  }
  return lo
}
