/**
 * Profiling aid (not a benchmark row): a cold sync between two real nodes in
 * this process over libp2p on 127.0.0.1, with the time per op.
 * `PROF=cold.cpuprofile` writes a V8 CPU profile of the sync alone. Run:
 * `node --max-old-space-size=8000 --import tsx test/bench/profile-cold-sync.ts [ops]`
 * with the workspace's Node 22 (`npx -y pnpm@10 exec node …`).
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { Session } from 'node:inspector/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { recoveryPhraseOf } from '@polity/protocol'
import { PolityNode, encodeBundle } from '@polity/node'
import { generateCommunity, sizesFor } from './generate'
const total = Number(process.argv[2] ?? 50000)
const g = generateCommunity({ seed: 2026, ...sizesFor(total) })
const tmp = mkdtempSync(join(tmpdir(), 'polity-cold-'))
const loop = { listen: ['/ip4/127.0.0.1/tcp/0'], syncIntervalMs: 3_600_000 }
const a = await PolityNode.open({ dataDir: join(tmp, 'a'), kdfLogN: 10, network: loop })
await a.restoreIdentity({ phrase: recoveryPhraseOf(g.founder.secretKey), passphrase: 'benchmark passphrase' })
let t = performance.now()
await a.importBundle({ bytes: encodeBundle(g.ops.map((o) => o.bytes)) })
console.log(`import ${g.ops.length}: ${((performance.now() - t) / 1000).toFixed(2)} s`)
const b = await PolityNode.open({ dataDir: join(tmp, 'b'), kdfLogN: 10, network: loop })
// Sealed: epoch 0 is wrapped to the founder's agree key, so b is the founder's second device.
await b.restoreIdentity({ phrase: recoveryPhraseOf(g.founder.secretKey), passphrase: 'benchmark passphrase' })
const prof = process.env.PROF ? new Session() : undefined
if (prof) { prof.connect(); await prof.post('Profiler.enable'); await prof.post('Profiler.start') }
t = performance.now()
await b.fetchCommunity(g.community, [a.networkAddresses()[0]!])
for (let stalled = 0; b.replicaOf(g.community).size < g.ops.length && stalled < 3;) {
  const before = b.replicaOf(g.community).size
  await b.connectPeers([a.networkAddresses()[0]!])
  stalled = b.replicaOf(g.community).size > before ? 0 : stalled + 1
}
const s = (performance.now() - t) / 1000
console.log(`cold sync ${b.replicaOf(g.community).size}/${g.ops.length}: ${s.toFixed(2)} s, ${(s * 1e6 / g.ops.length).toFixed(0)} µs/op`)
if (prof) { const { profile } = await prof.post('Profiler.stop'); writeFileSync(process.env.PROF!, JSON.stringify(profile)) }
await b.close()
await a.close()
process.exit(0)
