/**
 * Worker for the all-cores verification rows: verifies its share of
 * (signature, message, key) triples either with bare node:crypto and cached
 * key objects (the native floor) or with our path (strict prechecks, then
 * node:crypto), and reports how many passed.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { createPublicKey, verify, type KeyObject } from 'node:crypto'
import { createNativeCrypto } from '@polity/node'

interface Job { mode: 'floor' | 'ours'; sigs: Uint8Array[]; msgs: Uint8Array[]; pubs: Uint8Array[] }
const job = workerData as Job
const SPKI = Buffer.from('302a300506032b6570032100', 'hex')
const keys = new Map<string, KeyObject>()
const ours = createNativeCrypto()
// Warm the key caches and the JIT outside the timed part, the same for both modes.
for (const p of job.pubs) {
  const id = Buffer.from(p).toString('latin1')
  if (!keys.has(id)) keys.set(id, createPublicKey({ key: Buffer.concat([SPKI, p]), format: 'der', type: 'spki' }))
}
if (job.mode === 'ours') for (let i = 0; i < job.pubs.length; i++) ours.verify(job.sigs[i]!, job.msgs[i]!, job.pubs[i]!)
for (let i = 0; i < Math.min(job.pubs.length, 1000); i++) verify(null, job.msgs[i]!, keys.get(Buffer.from(job.pubs[i]!).toString('latin1'))!, job.sigs[i]!)
parentPort!.postMessage({ ready: true })
parentPort!.once('message', () => {
  let ok = 0
  if (job.mode === 'floor') {
    for (let i = 0; i < job.sigs.length; i++) if (verify(null, job.msgs[i]!, keys.get(Buffer.from(job.pubs[i]!).toString('latin1'))!, job.sigs[i]!)) ok++
  } else {
    for (let i = 0; i < job.sigs.length; i++) if (ours.verify(job.sigs[i]!, job.msgs[i]!, job.pubs[i]!)) ok++
  }
  parentPort!.postMessage({ ok })
})
