/**
 * Diagnostic (not a benchmark row): what a fork's lineage check (FORK-5)
 * costs on a large parent. Folds a generated community, then checks forks
 * citing its tip and a point halfway back, true and with a made-up member
 * list: `checkForkLineage` against the folded replica (what the node runs),
 * beside `verifyForkLineage` from the ops alone (the standalone check).
 * `npx -y pnpm@10 exec tsx test/bench/lineage-check.ts [ops]`
 */
import { DEFAULT_RULES, KeyRing, Replica, certifyDevice, checkForkLineage, createOp, fromHex, generateKeyPair, sha256, verifyForkLineage, type AnyOp, type Op, type OpId } from '@polity/protocol'
import { createNativeCrypto } from '@polity/node'
import { generateCommunity, sizesFor } from './generate'

const total = Number(process.argv[2] ?? 10_000)
const crypto = createNativeCrypto()
let t = performance.now()
const g = generateCommunity({ seed: 2026, ...sizesFor(total) }, crypto)
console.log(`lineage-check: generated ${g.ops.length} ops in ${((performance.now() - t) / 1000).toFixed(1)} s`)
t = performance.now()
const parent = new Replica({ community: g.community, crypto, keepEnvelopes: false, keyRing: new KeyRing(g.agreeKeys.slice(0, 1)) })
for (const op of g.ops) parent.receive(op)
console.log(`parent folded in ${((performance.now() - t) / 1000).toFixed(1)} s; ${parent.roster().members.size} members`)

function fork(heads: OpId[], lie: boolean): Op<'genesis'> {
  const past = parent.rosterAt(heads)
  const text = (past.charterVersions[0] as { text: string }).text
  const members = [...past.members.keys()].sort().slice(0, 4096).map((m) => fromHex(m, 32))
  if (lie) members[members.length - 1] = generateKeyPair().publicKey
  const id = generateKeyPair()
  const device = generateKeyPair()
  return createOp({
    community: null, seq: 1, deps: [], time: 1, kind: 'genesis',
    body: {
      name: 'Fork', purpose: '', charter: text, rules: DEFAULT_RULES, founder: id.publicKey, cert: certifyDevice(id, device.publicKey),
      parent: { community: fromHex(g.community, 32), heads: heads.map((h) => fromHex(h, 32)), version: 0, charterHash: sha256(new TextEncoder().encode(text)), members },
    },
  }, device, crypto)
}

const ms = (f: () => unknown): [number, unknown] => {
  const s = performance.now()
  const r = f()
  return [performance.now() - s, r]
}
// The generator admits every member first (an invite and a join each), so "early" is a point with fewer
// than 4,096 members; where there are more, no claim can be true (FORK-4) but the check costs the same.
const points: [string, OpId[]][] = [
  ['tip', parent.heads()],
  ['halfway', [(g.ops[Math.floor(g.ops.length / 2)] as AnyOp).id]],
  ['early', [(g.ops[Math.min(Math.floor(g.ops.length / 20), 8000)] as AnyOp).id]],
]
for (const [label, heads] of points) {
  const size = parent.rosterAt(heads).members.size
  if (size > 4096) console.log(`${label}: ${size} members there, more than a fork can name: every claim is false`)
  for (const lie of [false, true]) {
    const f = fork(heads, lie)
    parent.trimCaches()
    const [first, r] = ms(() => checkForkLineage(f, parent))
    const [again] = ms(() => checkForkLineage(f, parent))
    console.log(`${label} ${lie ? 'false' : 'true '}: checkForkLineage ${(r as { status: string }).status} in ${first.toFixed(1)} ms (again ${again.toFixed(2)} ms)`)
  }
}
if (process.argv.includes('--standalone')) {
  const f = fork((points[2] as [string, OpId[]])[1], false)
  const [took, proof] = ms(() => verifyForkLineage(f, g.ops, crypto))
  console.log(`verifyForkLineage (ops alone, early point): ok=${(proof as { ok: boolean }).ok} in ${(took / 1000).toFixed(1)} s`)
}
