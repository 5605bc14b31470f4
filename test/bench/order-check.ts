/**
 * Diagnostic (not a benchmark row): fold a generated community in generation
 * order and in a seeded random causal order; the states must be identical.
 * `npx -y pnpm@10 exec tsx test/bench/order-check.ts [ops] [seed]`
 */
import { Replica, decodeOp, type AnyOp } from '@polity/protocol'
import { createNativeCrypto } from '@polity/node'
import { generateCommunity, seededRandom, sizesFor } from './generate'

const total = Number(process.argv[2] ?? 10_000)
const seed = Number(process.argv[3] ?? 1)
// v1 (`sealed: false`): a protocol-level check of the fold's order independence (FOLD-1); sealed histories have their own (sealed-convergence.test.ts).
const g = generateCommunity({ seed: 2026, ...sizesFor(total), sealed: false })
const crypto = createNativeCrypto()
const ops = g.ops.map((o) => decodeOp(o.bytes, crypto)) as AnyOp[]
console.log(`order-check: ${ops.length} ops, shuffle seed ${seed}`)

/** A random topological order: repeatedly pick a random op whose deps are all placed. */
function randomCausalOrder(list: readonly AnyOp[], s: number): AnyOp[] {
  const rnd = seededRandom(s)
  const byId = new Map(list.map((o) => [o.id, o]))
  const waiting = new Map<string, AnyOp[]>()
  const missing = new Map<string, number>()
  const ready: AnyOp[] = []
  for (const o of list) {
    const n = o.deps.filter((d) => byId.has(d)).length
    missing.set(o.id, n)
    if (n === 0) ready.push(o)
    for (const d of o.deps) if (byId.has(d)) waiting.set(d, [...(waiting.get(d) ?? []), o])
  }
  const out: AnyOp[] = []
  while (ready.length > 0) {
    const i = Math.floor(rnd() * ready.length)
    const o = ready[i] as AnyOp
    ready[i] = ready[ready.length - 1] as AnyOp
    ready.pop()
    out.push(o)
    for (const w of waiting.get(o.id) ?? []) {
      const n = (missing.get(w.id) as number) - 1
      missing.set(w.id, n)
      if (n === 0) ready.push(w)
    }
  }
  return out
}

const fold = (list: readonly AnyOp[]): Replica => {
  const r = new Replica({ community: g.community, crypto })
  for (const o of list) r.receive(o)
  return r
}
let t = performance.now()
const a = fold(ops)
console.log(`generation order: ${a.size} ops in ${((performance.now() - t) / 1000).toFixed(1)} s`)
t = performance.now()
const b = fold(randomCausalOrder(ops, seed))
console.log(`random causal order: ${b.size} ops in ${((performance.now() - t) / 1000).toFixed(1)} s`)
const sa = a.state()
const sb = b.state()
let same = true
for (const k of Object.keys(sa) as (keyof typeof sa)[]) {
  const [x, y] = [JSON.stringify(sa[k]), JSON.stringify(sb[k])]
  if (x !== y) {
    same = false
    console.log(`DIFFERS: ${String(k)} (${x.length} vs ${y.length} chars)`)
    if (Array.isArray(sa[k])) {
      const xa = sa[k] as unknown[]
      const ya = sb[k] as unknown[]
      console.log(`  lengths ${xa.length} vs ${ya.length}`)
      for (let i = 0; i < Math.max(xa.length, ya.length); i++) {
        if (JSON.stringify(xa[i]) !== JSON.stringify(ya[i])) {
          console.log(`  first difference at ${i}:\n   ${JSON.stringify(xa[i]).slice(0, 600)}\n   ${JSON.stringify(ya[i]).slice(0, 600)}`)
          break
        }
      }
    }
  }
}
console.log(same ? 'SAME' : 'STATES DIFFER')
process.exitCode = same ? 0 : 1
