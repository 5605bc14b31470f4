/**
 * The op store over any ordered KV (STORE-1..5). Key layout, all binary:
 *
 *   01 ‖ community                          → ''                community list
 *   02 ‖ id                                 → community ‖ height(u32)
 *   03 ‖ community ‖ height(u32 BE) ‖ id    → envelope bytes    causal-order index
 *   07 ‖ community                          → count(u32 BE)
 *   08 ‖ community                          → checkpoint (when no checkpoint files are given)
 *   09 ‖ utf8 key                           → meta value
 *
 * Every put of ops is one KV batch, so an op and its index entries land
 * together or not at all (STORE-2); batches are serialized so counts are
 * computed against a consistent view. Heads and per-device seq indexes
 * (tags 04..06) were dropped: the replica derives both as it replays, no
 * caller read them, and they were 5 of the 7 writes per op (STORE-3).
 */
import type { Kv, KvOp } from './kv'
import type { Checkpoint, OpRecord, PutOptions, Store, StoredOp } from './types'
import type { CheckpointBlobs } from './checkpoint-files'
import { StoreClosedError, StoreCorruptError } from './errors'

const C = 0x01
const O = 0x02
const I = 0x03
const N = 0x07
const K = 0x08
const M = 0x09

function key(tag: number, ...parts: Uint8Array[]): Uint8Array {
  let n = 1
  for (const p of parts) n += p.length
  const out = new Uint8Array(n)
  out[0] = tag
  let o = 1
  for (const p of parts) {
    out.set(p, o)
    o += p.length
  }
  return out
}

const u32 = (n: number): Uint8Array => {
  const b = new Uint8Array(4)
  new DataView(b.buffer).setUint32(0, n)
  return b
}
const readU32 = (b: Uint8Array, at = 0): number => new DataView(b.buffer, b.byteOffset, b.byteLength).getUint32(at)
const EMPTY = new Uint8Array(0)
const latin1 = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1')

/** The exclusive upper bound of every key that starts with `prefix`. */
function prefixEnd(prefix: Uint8Array): Uint8Array {
  const end = prefix.slice()
  for (let i = end.length - 1; i >= 0; i--) {
    if ((end[i] as number) < 0xff) {
      end[i] = (end[i] as number) + 1
      return end.subarray(0, i + 1)
    }
  }
  return new Uint8Array([0xff, 0xff])
}

function check32(b: Uint8Array, what: string): void {
  if (!(b instanceof Uint8Array) || b.length !== 32) throw new TypeError(`${what} must be 32 bytes`)
}

export class OpStore implements Store {
  private closed = false
  private queue: Promise<unknown> = Promise.resolve()
  /** Op counts as last written (this store is the only writer while it holds the lock): one read fewer per write. */
  private readonly counts = new Map<string, number>()

  /** Checkpoints go to `blobs` when given (files beside LevelDB), else into the KV under tag 08. */
  constructor(private readonly kv: Kv, private readonly blobs?: CheckpointBlobs) {}

  private live(): void {
    if (this.closed) throw new StoreClosedError()
  }

  /** Run writes one at a time. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn)
    this.queue = run.catch(() => undefined)
    return run
  }

  putOps(records: readonly OpRecord[], options: PutOptions = {}): Promise<void> {
    this.live()
    for (const r of records) {
      check32(r.id, 'id')
      check32(r.community, 'community')
      if (!Number.isSafeInteger(r.height) || r.height < 1 || r.height > 0xffffffff) throw new TypeError('height must be a positive integer')
      if (!(r.bytes instanceof Uint8Array)) throw new TypeError('bytes must be a Uint8Array')
    }
    return this.serial(async () => {
      this.live()
      const ops: KvOp[] = []
      const added = new Set<string>()
      const counts = new Map<string, { community: Uint8Array; n: number }>()
      // One lookup call for the whole batch instead of one await per op (sync writes thousands).
      const stored = options.fresh ? [] : await this.kv.getMany(records.map((r) => key(O, r.id)))
      records.forEach((r, i) => {
        if (stored[i] !== undefined) return
        const id = latin1(r.id)
        if (added.has(id)) return
        added.add(id)
        const c = latin1(r.community)
        const count = counts.get(c)
        if (count) count.n++
        else counts.set(c, { community: r.community, n: 1 })
        const height = u32(r.height)
        ops.push({ type: 'put', key: key(O, r.id), value: key(0, r.community, height).subarray(1) })
        ops.push({ type: 'put', key: key(I, r.community, height, r.id), value: r.bytes })
      })
      const next = new Map<string, number>()
      for (const [c, { community, n }] of counts) {
        const cur = await this.countOf(c, community)
        // The community key is written once, when its first op arrives: rewritten per op, its ~200k stale
        // versions made listing communities at startup scan them all (~100 ms) until LevelDB compacted.
        if (cur === 0) ops.push({ type: 'put', key: key(C, community), value: EMPTY })
        next.set(c, cur + n)
        ops.push({ type: 'put', key: key(N, community), value: u32(cur + n) })
      }
      await this.kv.batch(ops)
      for (const [c, n] of next) this.counts.set(c, n)
    })
  }

  private async countOf(c: string, community: Uint8Array): Promise<number> {
    const known = this.counts.get(c)
    if (known !== undefined) return known
    const v = await this.kv.get(key(N, community))
    return v ? readU32(v) : 0
  }

  async getOp(id: Uint8Array): Promise<Uint8Array | undefined> {
    this.live()
    const loc = await this.kv.get(key(O, id))
    if (!loc) return undefined
    if (loc.length !== 36) throw new StoreCorruptError('an op location entry has the wrong size')
    const bytes = await this.kv.get(key(I, loc.subarray(0, 32), loc.subarray(32, 36), id))
    if (!bytes) throw new StoreCorruptError('an indexed op is missing its bytes')
    return bytes
  }

  async getOps(ids: readonly Uint8Array[]): Promise<(Uint8Array | undefined)[]> {
    this.live()
    const locs = await this.kv.getMany(ids.map((id) => key(O, id)))
    const found: number[] = []
    const keys: Uint8Array[] = []
    locs.forEach((loc, i) => {
      if (!loc) return
      if (loc.length !== 36) throw new StoreCorruptError('an op location entry has the wrong size')
      found.push(i)
      keys.push(key(I, loc.subarray(0, 32), loc.subarray(32, 36), ids[i] as Uint8Array))
    })
    const out: (Uint8Array | undefined)[] = ids.map(() => undefined)
    const values = await this.kv.getMany(keys)
    values.forEach((bytes, j) => {
      if (!bytes) throw new StoreCorruptError('an indexed op is missing its bytes')
      out[found[j] as number] = bytes
    })
    return out
  }

  async hasOp(id: Uint8Array): Promise<boolean> {
    this.live()
    return (await this.kv.get(key(O, id))) !== undefined
  }

  async *iterate(community: Uint8Array, options: { afterHeight?: number; signal?: AbortSignal } = {}): AsyncIterable<StoredOp> {
    this.live()
    const start = key(I, community, u32((options.afterHeight ?? 0) + 1))
    for await (const [k, v] of this.kv.range(start, prefixEnd(key(I, community)))) {
      options.signal?.throwIfAborted()
      yield { id: k.slice(37), height: readU32(k, 33), bytes: v }
    }
  }

  async count(community: Uint8Array): Promise<number> {
    this.live()
    const v = await this.kv.get(key(N, community))
    return v ? readU32(v) : 0
  }

  async listCommunities(): Promise<Uint8Array[]> {
    this.live()
    const prefix = new Uint8Array([C])
    const out: Uint8Array[] = []
    for await (const [k] of this.kv.range(prefix, prefixEnd(prefix))) out.push(k.slice(1))
    return out
  }

  putCheckpoint(community: Uint8Array, cp: Checkpoint): Promise<void> {
    this.live()
    const head = new Uint8Array(12)
    const dv = new DataView(head.buffer)
    dv.setUint32(0, cp.heads.length)
    dv.setUint32(4, cp.opCount)
    dv.setUint32(8, cp.height)
    const value = key(0, head, ...cp.heads, cp.state).subarray(1)
    const blobs = this.blobs
    if (blobs) return this.serial(() => blobs.put(community, value))
    return this.serial(() => this.kv.batch([{ type: 'put', key: key(K, community), value }]))
  }

  async getCheckpoint(community: Uint8Array): Promise<Checkpoint | undefined> {
    this.live()
    const v = this.blobs ? await this.blobs.get(community) : await this.kv.get(key(K, community))
    if (!v) return undefined
    if (v.length < 12) throw new StoreCorruptError('a checkpoint is truncated')
    const n = readU32(v, 0)
    if (v.length < 12 + 32 * n) throw new StoreCorruptError('a checkpoint is truncated')
    const heads: Uint8Array[] = []
    for (let i = 0; i < n; i++) heads.push(v.slice(12 + 32 * i, 44 + 32 * i))
    return { heads, opCount: readU32(v, 4), height: readU32(v, 8), state: v.subarray(12 + 32 * n) }
  }

  async getMeta(k: string): Promise<Uint8Array | undefined> {
    this.live()
    return this.kv.get(key(M, new TextEncoder().encode(k)))
  }

  putMeta(k: string, value: Uint8Array): Promise<void> {
    this.live()
    return this.serial(() => this.kv.batch([{ type: 'put', key: key(M, new TextEncoder().encode(k)), value }]))
  }

  async listMeta(prefix: string): Promise<string[]> {
    this.live()
    const p = key(M, new TextEncoder().encode(prefix))
    const out: string[] = []
    const dec = new TextDecoder()
    for await (const [k] of this.kv.range(p, prefixEnd(p))) out.push(dec.decode(k.subarray(1)))
    return out
  }

  async close(): Promise<void> {
    if (this.closed) return
    await this.queue
    this.closed = true
    await this.kv.close()
  }
}
