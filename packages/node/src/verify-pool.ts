/**
 * Ed25519 verification on every core: a small pool of worker threads that
 * run node:crypto's verify over batches of (signature, message, key).
 *
 * Signature checks are most of the work of taking in a community (cold sync,
 * bundles): ~130 µs each on one core of a small machine, everything else
 * about 60. The pool lets the main thread decode, fold and store one batch
 * while the workers check the next.
 *
 * The strict prechecks (SIG-2..4) stay on the caller's side (see
 * native-crypto.ts), so what the workers answer is exactly what
 * `verify` answers (SIG-5). The worker's code is a string evaluated by
 * Node, so the same pool runs under tsx, vitest, a bundle or Electron with no
 * file to ship beside it.
 */
import { Worker } from 'node:worker_threads'
import { availableParallelism } from 'node:os'

/*
 * A job lives in a slot of shared memory (see Slot): signatures, keys, message
 * ends, messages, then one answer byte per item that the worker fills in.
 * Only the slot's handle and three numbers cross postMessage, so a job
 * allocates nothing on either side: copying or transferring a fresh ~2 MB
 * buffer per job left ~250 MB more RSS after a 219k-op replay (glibc kept
 * the freed buffers' pages).
 */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads')
const { createPublicKey, verify } = require('node:crypto')
const SPKI = Buffer.from('302a300506032b6570032100', 'hex')
const keys = new Map()
parentPort.on('message', (job) => {
  const n = job.n
  const all = Buffer.from(job.sab)
  const ends = new Uint32Array(job.sab, n * 96, n)
  const msgsAt = n * 100
  const okAt = msgsAt + job.total
  let start = 0
  for (let i = 0; i < n; i++) {
    const end = ends[i]
    const id = all.latin1Slice(n * 64 + i * 32, n * 64 + i * 32 + 32)
    let key = keys.get(id)
    let ok = 0
    try {
      if (key === undefined) {
        key = createPublicKey({ key: Buffer.concat([SPKI, all.subarray(n * 64 + i * 32, n * 64 + i * 32 + 32)]), format: 'der', type: 'spki' })
        if (keys.size >= ${50_000}) keys.clear()
        keys.set(id, key)
      }
      ok = verify(null, all.subarray(msgsAt + start, msgsAt + end), key, all.subarray(i * 64, i * 64 + 64)) ? 1 : 0
    } catch {
      ok = 0
    }
    all[okAt + i] = ok
    start = end
  }
  parentPort.postMessage(job.id)
})
`

/** Shared memory for one job at a time; kept and reused (grown only when a job needs more). */
interface Slot {
  readonly sab: SharedArrayBuffer
  readonly bytes: Uint8Array
}

/** A signature over `prefix ‖ message` (the protocol's VerifyItem). */
export interface VerifyTriple {
  readonly signature: Uint8Array
  readonly prefix: Uint8Array
  readonly message: Uint8Array
  readonly key: Uint8Array
}

interface Job {
  readonly slot: Slot
  readonly n: number
  /** Where the answer bytes start in the slot. */
  readonly okAt: number
  resolve(ok: Uint8Array): void
  reject(e: Error): void
}

/** Fewer items than this are verified on the caller's thread: a round trip to a worker costs more. */
export const POOL_MIN_BATCH = 64
/** Workers stop after this long without work and give their memory back (they start again on demand). */
const IDLE_MS = 10_000

export class VerifyPool {
  private readonly workers: Worker[] = []
  private readonly jobs = new Map<number, Job>()
  private nextId = 1
  private closed = false
  private readonly freeSlots: Slot[] = []
  private idleTimer: ReturnType<typeof setTimeout> | undefined

  constructor(readonly size = Math.max(1, availableParallelism())) {}

  private start(): void {
    if (this.workers.length > 0) return
    for (let i = 0; i < this.size; i++) {
      const w = new Worker(WORKER_SOURCE, { eval: true })
      w.on('message', (id: number) => {
        const job = this.jobs.get(id)
        if (!job) return
        this.jobs.delete(id)
        const ok = job.slot.bytes.slice(job.okAt, job.okAt + job.n)
        this.freeSlots.push(job.slot)
        if (this.jobs.size === 0) this.idle()
        job.resolve(ok)
      })
      w.on('error', (e) => this.fail(e))
      w.on('exit', () => {
        if (!this.closed) this.fail(new Error('A verification worker stopped.'))
      })
      // Held open only while a job is out (after the listeners: attaching a 'message' listener refs it again).
      w.unref()
      this.workers.push(w)
    }
  }

  /** No job out: let the process exit, and stop the workers if nothing comes for IDLE_MS. */
  private idle(): void {
    for (const x of this.workers) x.unref()
    clearTimeout(this.idleTimer)
    this.idleTimer = setTimeout(() => {
      if (this.jobs.size > 0) return
      this.freeSlots.length = 0
      const ws = this.workers.splice(0)
      for (const w of ws) {
        w.removeAllListeners('exit')
        void w.terminate().catch(() => undefined)
      }
    }, IDLE_MS)
    this.idleTimer.unref()
  }

  private fail(e: Error): void {
    for (const job of this.jobs.values()) job.reject(e)
    this.jobs.clear()
    const ws = this.workers.splice(0)
    for (const w of ws) void w.terminate().catch(() => undefined)
  }

  /** Verify every triple, split across the workers; answer i is for triple i. */
  async verify(items: readonly VerifyTriple[], signal?: AbortSignal): Promise<boolean[]> {
    if (this.closed) throw new Error('The verification pool is closed.')
    signal?.throwIfAborted()
    this.start()
    const shares = Math.min(this.workers.length, Math.ceil(items.length / POOL_MIN_BATCH))
    const per = Math.ceil(items.length / shares)
    const parts: Promise<Uint8Array>[] = []
    for (let w = 0; w < shares; w++) parts.push(this.send(this.workers[w] as Worker, items.slice(w * per, (w + 1) * per)))
    let onAbort: (() => void) | undefined
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => reject(signal?.reason instanceof Error ? signal.reason : new Error('Verification was cancelled.'))
      signal?.addEventListener('abort', onAbort, { once: true })
    })
    try {
      const answers = await Promise.race([Promise.all(parts), aborted])
      const out: boolean[] = []
      for (const a of answers) for (let i = 0; i < a.length; i++) out.push(a[i] === 1)
      return out
    } finally {
      if (onAbort) signal?.removeEventListener('abort', onAbort)
    }
  }

  /** A free slot of at least `need` bytes (the largest free one is grown if none is big enough). */
  private slotFor(need: number): Slot {
    let best = -1
    for (let i = 0; i < this.freeSlots.length; i++) if ((this.freeSlots[i] as Slot).bytes.length >= need) best = i
    if (best >= 0) return this.freeSlots.splice(best, 1)[0] as Slot
    if (this.freeSlots.length > 0) this.freeSlots.pop()
    let size = 1 << 21
    while (size < need) size *= 2
    const sab = new SharedArrayBuffer(size)
    return { sab, bytes: new Uint8Array(sab) }
  }

  private send(worker: Worker, items: readonly VerifyTriple[]): Promise<Uint8Array> {
    const n = items.length
    let total = 0
    for (let i = 0; i < n; i++) total += (items[i] as VerifyTriple).prefix.length + (items[i] as VerifyTriple).message.length
    const msgsAt = n * 100
    const okAt = msgsAt + total
    const slot = this.slotFor(okAt + n)
    const buf = slot.bytes
    const ends = new Uint32Array(slot.sab, n * 96, n)
    let at = 0
    for (let i = 0; i < n; i++) {
      const it = items[i] as VerifyTriple
      // Callers pass 64-byte signatures and 32-byte keys (checked before the pool is asked).
      buf.set(it.signature, i * 64)
      buf.set(it.key, n * 64 + i * 32)
      buf.set(it.prefix, msgsAt + at)
      at += it.prefix.length
      buf.set(it.message, msgsAt + at)
      at += it.message.length
      ends[i] = at
    }
    const id = this.nextId++
    return new Promise<Uint8Array>((resolve, reject) => {
      if (this.jobs.size === 0) {
        clearTimeout(this.idleTimer)
        for (const x of this.workers) x.ref()
      }
      this.jobs.set(id, { slot, n, okAt, resolve, reject })
      worker.postMessage({ id, sab: slot.sab, n, total })
    })
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    clearTimeout(this.idleTimer)
    for (const job of this.jobs.values()) job.reject(new Error('The verification pool is closed.'))
    this.jobs.clear()
    await Promise.all(this.workers.splice(0).map((w) => w.terminate()))
  }
}
