/**
 * Issue 5's figure: bytes exchanged to catch up on 100 missing ops in a
 * 100,000-op community, over the real sync protocol (in-memory pipe; the
 * frames are exactly what libp2p would carry). Baseline: the bytes of the
 * 100 missing envelopes themselves. Run: npx -y pnpm@10 exec tsx test/bench/catchup.ts [total] [missing]
 */
import { randomBytes } from 'node:crypto'
import { KeyRing, Replica } from '@polity/protocol'
import { createNativeCrypto } from '@polity/node'
import { dialSync, listenSync, memoryPipe, rosterAccess } from '@polity/sync'
import { generateCommunity, sizesFor } from './generate'

const total = Number(process.argv[2] ?? 100_000)
const missing = Number(process.argv[3] ?? 100)
const native = createNativeCrypto()
let t = performance.now()
const g = generateCommunity({ seed: 5, ...sizesFor(total) })
console.log(`generated ${g.ops.length} ops in ${((performance.now() - t) / 1000).toFixed(1)} s`)
// Setup replays our own generated ops without re-verifying them; the measured session verifies everything it receives.
const trusted = { ...native, verify: () => true }
// Sealed: each replica holds the founder's agree key (epoch 0 is wrapped to it).
const ring = (): KeyRing => new KeyRing(g.agreeKeys.slice(0, 1))
const full = new Replica({ community: g.community, crypto: trusted, keyRing: ring() })
const behind = new Replica({ community: g.community, crypto: native, keyRing: ring() })
for (const op of g.ops) full.receive(op)
const behindTrusted = new Replica({ community: g.community, crypto: trusted, keyRing: ring() })
void behindTrusted
for (const op of g.ops.slice(0, g.ops.length - missing)) behind.receive(op)
const missingBytes = g.ops.slice(-missing).reduce((n, o) => n + o.bytes.length, 0)
const [da, db] = memoryPipe()
const bind = (s: string): Uint8Array => new TextEncoder().encode(s)
const ingest = (r: Replica) => async (envs: Uint8Array[]) => {
  let applied = 0
  let rejected = 0
  for (const e of envs) {
    const x = r.receive(e)
    if (x.status === 'applied') applied += x.applied.length
    if (x.status === 'rejected') rejected++
  }
  return { applied, rejected }
}
t = performance.now()
const [s] = await Promise.all([
  dialSync({ duplex: da, community: g.community, target: { replica: behind, ingest: ingest(behind) }, access: rosterAccess({ replica: behind, community: g.community, identity: g.memberKeys[0], localBinding: bind('b'), remoteBinding: bind('a'), verify: native.verify }), randomNonce: () => new Uint8Array(randomBytes(32)) }),
  listenSync({ duplex: db, resolve: () => ({ target: { replica: full, ingest: ingest(full) }, access: rosterAccess({ replica: full, community: g.community, identity: g.founder, localBinding: bind('a'), remoteBinding: bind('b'), verify: native.verify }) }), randomNonce: () => new Uint8Array(randomBytes(32)) }),
])
const ms = performance.now() - t
console.log(JSON.stringify({ community: g.ops.length, missing, received: s.opsReceived, applied: s.applied, bytesIn: s.bytesIn, bytesOut: s.bytesOut, missingEnvelopeBytes: missingBytes, overheadRatio: Math.round(((s.bytesIn + s.bytesOut) / missingBytes) * 1000) / 1000, ms: Math.round(ms), identical: behind.heads().join() === full.heads().join() }))
