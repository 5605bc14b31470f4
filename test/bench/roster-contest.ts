/**
 * Diagnostic (not a benchmark row): what N concurrent roster ops cost the
 * fold when the roster (or the whole state) is read after each one — the
 * denial of service of issue 14: joins replayed from a leaked invite link,
 * and a member linking many devices at once. Prints wall-clock per scenario.
 * `npx -y pnpm@10 exec tsx test/bench/roster-contest.ts [N ...]`
 */
import { Replica } from '@polity/protocol'
import { nodeCrypto } from '../../packages/protocol/test/node-crypto'
import { concurrentLinks, linksAfterLeave, mergedLinks, staleJoins, type Scenario } from '../../packages/protocol/test/roster-scenarios'

function run(name: string, s: Scenario, read: 'roster' | 'state'): number {
  const r = new Replica({ crypto: nodeCrypto, keepEnvelopes: false })
  for (const o of s.base) r.receive(o)
  const t = performance.now()
  for (const o of s.extra) {
    if (r.receive(o).status !== 'applied') throw new Error('not applied')
    if (read === 'roster') r.roster()
    else r.state()
  }
  const ms = performance.now() - t
  const c = r.rosterCosts()
  console.log(`${name}, ${read} read after each, N=${s.extra.length}: ${(ms / 1000).toFixed(2)} s (${(ms / s.extra.length).toFixed(3)} ms per op); ${c.rosterFolds} roster folds, ${c.ancestrySteps} ancestry steps in all`)
  return ms
}

const sizes = process.argv.slice(2).map(Number)
for (const n of sizes.length > 0 ? sizes : [250, 500, 1000]) {
  run('stale joins on a used link', staleJoins(nodeCrypto, n), 'roster')
  run('concurrent device links', concurrentLinks(nodeCrypto, n), 'roster')
  run('device links by a member who left, on a past before the leave', linksAfterLeave(nodeCrypto, n), 'roster')
  run('stale joins on a used link', staleJoins(nodeCrypto, n), 'state')
  run('concurrent device links', concurrentLinks(nodeCrypto, n), 'state')
  run('stale joins on a used link after 20,000 honest ops', staleJoins(nodeCrypto, n, 1, 'stale-joins', 20_000), 'state')
  run('device links, each merged with the founder\'s 200-invite past by its next op', mergedLinks(nodeCrypto, n), 'roster')
}
