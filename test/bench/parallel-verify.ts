/** The all-cores floor: bare node:crypto verify of triples on `workers` threads at once, key objects built beforehand; ops/s over the wall time of the slowest worker. */
import { Worker } from 'node:worker_threads'

export interface Triple { sig: Uint8Array; msg: Uint8Array; pub: Uint8Array }

export async function parallelVerify(items: readonly Triple[], workers: number): Promise<{ opsPerSecond: number; ok: number }> {
  const shares = Array.from({ length: workers }, (_, w) => items.filter((_, i) => i % workers === w))
  const pool = shares.map((share) => new Worker(new URL('./verify-worker.ts', import.meta.url), {
    execArgv: ['--import', 'tsx'],
    workerData: { sigs: share.map((x) => x.sig), msgs: share.map((x) => x.msg), pubs: share.map((x) => x.pub) },
  }))
  await Promise.all(pool.map((w) => new Promise((resolve) => w.once('message', resolve))))
  const t = performance.now()
  const done = pool.map((w) => new Promise<number>((resolve) => w.once('message', (m: { ok: number }) => resolve(m.ok))))
  for (const w of pool) w.postMessage('go')
  const oks = await Promise.all(done)
  const seconds = (performance.now() - t) / 1000
  await Promise.all(pool.map((w) => w.terminate()))
  return { opsPerSecond: items.length / seconds, ok: oks.reduce((a, b) => a + b, 0) }
}
