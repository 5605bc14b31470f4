/**
 * Profiling aid (not a benchmark row): import a generated community into a
 * fresh node and report where the time goes, phase by phase. Run with
 * `npx -y pnpm@10 exec tsx test/bench/profile-ingest.ts [ops]`; add
 * `--cpu-prof` via NODE_OPTIONS for a V8 profile.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { KeyRing, recoveryPhraseOf, Replica, decodeSealedOp } from '@polity/protocol'
import { PolityNode, createNativeCrypto, encodeBundle } from '@polity/node'
import { generateCommunity, sizesFor } from './generate'

const total = Number(process.argv[2] ?? 10_000)
const g = generateCommunity({ seed: 2026, ...sizesFor(total) })
const crypto = createNativeCrypto()
const ms = (t: number): string => `${(performance.now() - t).toFixed(0)} ms`
let t = performance.now()
const decoded = g.ops.map((o) => decodeSealedOp(o.bytes, crypto))
console.log(`decode + verify ${g.ops.length} envelopes: ${ms(t)}`)
t = performance.now()
// Sealed: the replicas hold the founder's agree key (epoch 0 is wrapped to it); they open each op as they fold it.
const r = new Replica({ community: g.community, crypto, keyRing: new KeyRing(g.agreeKeys.slice(0, 1)) })
for (const op of decoded) r.receive(op)
console.log(`replica.receive of decoded ops (open + fold): ${ms(t)}`)
t = performance.now()
const r2 = new Replica({ community: g.community, crypto, keyRing: new KeyRing(g.agreeKeys.slice(0, 1)) })
for (const op of g.ops) r2.receive(op.bytes)
console.log(`replica.receive of envelopes (decode + verify + fold): ${ms(t)}`)
const node = await PolityNode.open({ dataDir: join(mkdtempSync(join(tmpdir(), 'polity-prof-')), 'n'), kdfLogN: 10 })
await node.restoreIdentity({ phrase: recoveryPhraseOf(g.founder.secretKey), passphrase: 'profile passphrase' })
t = performance.now()
await node.importBundle({ bytes: encodeBundle(g.ops.map((o) => o.bytes)) })
console.log(`node.importBundle (decode + verify + fold + LevelDB): ${ms(t)}`)
await node.close()
