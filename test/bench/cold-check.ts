/**
 * Diagnostic (not a benchmark row): the bench's cold sync at a chosen size,
 * printing what differs between the source's and the receiver's state.
 * `npx -y pnpm@10 exec tsx test/bench/cold-check.ts [ops]`
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { recoveryPhraseOf } from '@polity/protocol'
import { PolityNode, encodeBundle } from '@polity/node'
import { generateCommunity, sizesFor } from './generate'

const PASS = 'benchmark passphrase'
const total = Number(process.argv[2] ?? 10_000)
const g = generateCommunity({ seed: 2026, ...sizesFor(total) })
const tmp = mkdtempSync(join(tmpdir(), 'polity-coldcheck-'))
const loop = { listen: ['/ip4/127.0.0.1/tcp/0'], syncIntervalMs: 3_600_000 }
const a = await PolityNode.open({ dataDir: join(tmp, 'a'), kdfLogN: 10, network: loop })
await a.restoreIdentity({ phrase: recoveryPhraseOf(g.founder.secretKey), passphrase: PASS })
await a.importBundle({ bytes: encodeBundle(g.ops.map((o) => o.bytes)) })
const b = await PolityNode.open({ dataDir: join(tmp, 'b'), kdfLogN: 10, network: loop })
await b.restoreIdentity({ phrase: recoveryPhraseOf(g.memberKeys[0]!.secretKey), passphrase: PASS })
const t = performance.now()
await b.fetchCommunity(g.community, [a.networkAddresses()[0]!])
for (let stalled = 0; b.replicaOf(g.community).size < g.ops.length && stalled < 3;) {
  const before = b.replicaOf(g.community).size
  await b.connectPeers([a.networkAddresses()[0]!])
  stalled = b.replicaOf(g.community).size > before ? 0 : stalled + 1
}
console.log(`cold sync ${g.ops.length} ops: ${((performance.now() - t) / 1000).toFixed(1)} s; sizes a=${a.replicaOf(g.community).size} b=${b.replicaOf(g.community).size}`)
const [sa, sb] = await Promise.all([a.getCommunity({ community: g.community }), b.getCommunity({ community: g.community })])
for (const k of Object.keys(sa) as (keyof typeof sa)[]) {
  const [x, y] = [JSON.stringify(sa[k]), JSON.stringify(sb[k])]
  if (x === y) continue
  console.log(`DIFFERS: ${String(k)}`)
  if (Array.isArray(sa[k])) {
    const xa = sa[k] as unknown[]
    const ya = sb[k] as unknown[]
    for (let i = 0; i < Math.max(xa.length, ya.length); i++) {
      if (JSON.stringify(xa[i]) !== JSON.stringify(ya[i])) {
        console.log(`  at ${i}:\n   a ${JSON.stringify(xa[i]).slice(0, 800)}\n   b ${JSON.stringify(ya[i]).slice(0, 800)}`)
        break
      }
    }
  } else console.log(`   a ${x.slice(0, 400)}\n   b ${y.slice(0, 400)}`)
}
await a.close()
await b.close()
