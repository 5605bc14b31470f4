/**
 * The issue-17 rows alone at full size: the ~200k-op bench community folded
 * sealed on a bare Replica, then territoryRows (the census beside a plain
 * pass; 10,000 pledges beside 10,000 votes; the campaign's close beside a
 * proposal's). `npx -y pnpm@10 exec tsx test/bench/territory-full.ts` (about
 * 5 minutes on 2 cores); `pnpm bench` runs the same rows after its other
 * sealed rows.
 */
import { KeyRing, Replica } from '@polity/protocol'
import { createNativeCrypto } from '@polity/node'
import { generateCommunity, sizesFor } from './generate'
import { territoryRows } from './territory'

const total = Number(process.argv[2] ?? 200_000)
let t = performance.now()
const g = generateCommunity({ seed: 2026, ...sizesFor(total) })
console.log(`generated ${g.ops.length} sealed ops in ${((performance.now() - t) / 1000).toFixed(1)} s`)
const replica = new Replica({ crypto: createNativeCrypto(), keepEnvelopes: false, keyRing: new KeyRing(g.agreeKeys.slice(0, 1)) })
t = performance.now()
for (const op of g.ops) {
  const r = replica.receive(op.bytes)
  if (r.status !== 'applied') throw new Error(`ingest: ${op.kind} ${r.status}`)
}
console.log(`folded in ${((performance.now() - t) / 1000).toFixed(1)} s`)
territoryRows((name, value, unit, baseline, baselineValue, note) => console.log(`  ${name}: ${value.toFixed(1)} ${unit}  (baseline ${baseline}: ${baselineValue.toFixed(1)}; ratio ${(value / baselineValue).toFixed(3)})${note ? ` — ${note}` : ''}`), g, replica)
