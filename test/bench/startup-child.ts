/** Child process for the startup/memory rows: open a data directory and report time and RSS as JSON. */
import { PolityNode } from '@polity/node'
import { LevelStore } from '@polity/store'
import { join } from 'node:path'

const [mode, dataDir, passphrase] = process.argv.slice(2) as [string, string, string]
const rssBefore = process.memoryUsage().rss
const t = performance.now()
if (mode === 'node') {
  const node = await PolityNode.open({ dataDir })
  await node.unlock({ passphrase })
  const ms = performance.now() - t // state ready (from the checkpoint when there is one)
  if (process.env['STARTUP_ONLY']) {
    process.stdout.write(JSON.stringify({ ms }))
    process.exit(0)
  }
  while (node.isLoading()) await new Promise((r) => setTimeout(r, 5))
  const fullMs = performance.now() - t // the whole fold replayed
  globalThis.gc?.()
  const mem = process.memoryUsage()
  process.stdout.write(JSON.stringify({ ms, fullMs, rss: mem.rss, heapUsed: mem.heapUsed, external: mem.external, rssBefore }))
  await node.close()
} else {
  // Baseline: read every stored op's bytes from LevelDB, nothing else.
  const store = await LevelStore.open(join(dataDir, 'ops'))
  let n = 0
  for (const c of await store.listCommunities()) for await (const op of store.iterate(c)) n += op.bytes.length > 0 ? 1 : 0
  const ms = performance.now() - t
  process.stdout.write(JSON.stringify({ ms, rss: process.memoryUsage().rss, rssBefore, n }))
  await store.close()
}
