/** Child process for the startup/memory rows: open a data directory and report time and RSS as JSON. */
import { PolityNode } from '@polity/node'
import { LevelStore } from '@polity/store'
import { join } from 'node:path'
import { closeSync, fdatasyncSync, openSync, readdirSync, unlinkSync, writeSync } from 'node:fs'

const [mode, dataDir, passphrase] = process.argv.slice(2) as [string, string, string]
const rssBefore = process.memoryUsage().rss
const t = performance.now()
if (mode === 'node') {
  const node = await PolityNode.open({ dataDir, kdfLogN: 10 })
  await node.unlock({ passphrase })
  const ms = performance.now() - t // state ready (from the checkpoint when there is one)
  if (process.env['STARTUP_ONLY']) {
    process.stdout.write(JSON.stringify({ ms }))
    process.exit(0)
  }
  while (node.isLoading()) await new Promise((r) => setTimeout(r, 5))
  const fullMs = performance.now() - t // the whole fold replayed
  // Idle: the verification pool stops its workers after 10 s without work, as on a member's idle machine.
  await new Promise((r) => setTimeout(r, 12_000))
  // Twice, a turn apart: array buffers freed by the first collection are released by callbacks that run after it.
  globalThis.gc?.()
  await new Promise((r) => setImmediate(r))
  globalThis.gc?.()
  const mem = process.memoryUsage()
  const threads = readdirSync('/proc/self/task').length
  // Local apply, here rather than in the bench process: that one also holds the generator's 218k ops and
  // two more nodes, and its garbage collector's pauses were not the node's (p99 7.4 ms there, 4.0 ms here).
  const [first] = await node.listCommunities()
  const community = first!.id
  const opCount = (await node.getCommunity({ community })).opCount
  const proposal = await node.createProposal({ community, title: 'Bench', text: '', action: { type: 'resolution' }, method: { type: 'yesno', quorum: [1, 10], threshold: [1, 2] }, deadlineInHours: 0 })
  // A node in steady state (idle above, so the collector has settled the heap the load built), then
  // 20 unmeasured votes compile the vote path.
  for (let i = 0; i < 20; i++) await node.vote({ community, proposal, ballot: { type: 'yesno', choice: 'yes' } })
  const apply: number[] = []
  for (let i = 0; i < 200; i++) {
    const t0 = performance.now()
    // The same member again and again (a yes/no vote is only ever raised: VOTE-6), each a fresh counted vote.
    await node.vote({ community, proposal, ballot: { type: 'yesno', choice: 'yes' } })
    apply.push(performance.now() - t0)
  }
  // The physics of a durable apply on this disk: append one op-sized record to a file and fdatasync it.
  const fd = openSync(join(dataDir, 'fsync-probe'), 'a')
  const record = new Uint8Array(400)
  const fsync: number[] = []
  for (let i = 0; i < 200; i++) {
    const t0 = performance.now()
    writeSync(fd, record)
    fdatasyncSync(fd)
    fsync.push(performance.now() - t0)
  }
  closeSync(fd)
  unlinkSync(join(dataDir, 'fsync-probe'))
  process.stdout.write(JSON.stringify({ threads, ms, fullMs, rss: mem.rss, heapUsed: mem.heapUsed, heapTotal: mem.heapTotal, external: mem.external, rssBefore, apply, fsync, opCount }))
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
