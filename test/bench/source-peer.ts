/**
 * The source peer of the cold-sync and catch-up rows, in its own process as a
 * member's other device would be: it opens a data directory that already
 * holds the community, listens on 127.0.0.1, prints `{"address": …}` once the
 * replica is whole, then answers one command per line on stdin with one JSON
 * line on stdout:
 *
 *   make N     sign N profile edits (ops the other side does not have yet)
 *   state      the community's state (getCommunity) and op count
 *   newest N   bytes of the newest N envelopes (from a bundle export)
 *   stop       close the node and exit
 */
import { createInterface } from 'node:readline'
import { PolityNode, decodeBundle } from '@polity/node'
import type { CommunityId } from '@polity/protocol'

const [dataDir, passphrase] = process.argv.slice(2) as [string, string]
const node = await PolityNode.open({ dataDir, kdfLogN: 10, network: { listen: ['/ip4/127.0.0.1/tcp/0'], syncIntervalMs: 3_600_000 } })
await node.unlock({ passphrase })
while (node.isLoading()) await new Promise((r) => setTimeout(r, 20))
const [summary] = await node.listCommunities()
if (!summary) throw new Error('the source data directory holds no community')
const community = summary.id as CommunityId
const say = (v: unknown): void => {
  process.stdout.write(`${JSON.stringify(v)}\n`)
}
say({ address: node.networkAddresses()[0] })

for await (const line of createInterface({ input: process.stdin })) {
  const [cmd, arg] = line.trim().split(/\s+/)
  if (cmd === 'make') {
    for (let i = 0; i < Number(arg); i++) await node.setProfile({ community, name: `offline ${i}` })
    say({ made: Number(arg) })
  } else if (cmd === 'state') {
    say({ state: await node.getCommunity({ community }), size: node.replicaOf(community).size })
  } else if (cmd === 'newest') {
    const all = decodeBundle(await node.exportBundle({ community }))
    say({ bytes: all.slice(-Number(arg)).reduce((n, e) => n + e.length, 0) })
  } else if (cmd === 'stop') {
    await node.close()
    say({ stopped: true })
    process.exit(0)
  } else {
    say({ error: `unknown command ${line}` })
  }
}
