/**
 * Worker for the all-cores verification floor: verifies its share of
 * (signature, message, key) triples with bare node:crypto and key objects
 * built beforehand, and reports how many passed.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { createPublicKey, verify, type KeyObject } from 'node:crypto'

interface Job { sigs: Uint8Array[]; msgs: Uint8Array[]; pubs: Uint8Array[] }
const job = workerData as Job
const SPKI = Buffer.from('302a300506032b6570032100', 'hex')
const keys = new Map<string, KeyObject>()
// Key objects and the JIT are warmed outside the timed part.
for (const p of job.pubs) {
  const id = Buffer.from(p).toString('latin1')
  if (!keys.has(id)) keys.set(id, createPublicKey({ key: Buffer.concat([SPKI, p]), format: 'der', type: 'spki' }))
}
for (let i = 0; i < Math.min(job.pubs.length, 1000); i++) verify(null, job.msgs[i]!, keys.get(Buffer.from(job.pubs[i]!).toString('latin1'))!, job.sigs[i]!)
parentPort!.postMessage({ ready: true })
parentPort!.once('message', () => {
  let ok = 0
  for (let i = 0; i < job.sigs.length; i++) if (verify(null, job.msgs[i]!, keys.get(Buffer.from(job.pubs[i]!).toString('latin1'))!, job.sigs[i]!)) ok++
  parentPort!.postMessage({ ok })
})
