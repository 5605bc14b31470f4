/**
 * Live latency (bench row 4): a loopback network of `nodes` real Polity
 * nodes (libp2p on 127.0.0.1, gossipsub flood publishing, periodic sync off
 * so only live push counts). Each sample makes one op on one node and times
 * until every node's replica holds it. Baseline: a loopback TCP round trip.
 */
import { mkdirSync } from 'node:fs'
import { createServer, connect } from 'node:net'
import { join } from 'node:path'
import { PolityNode } from '@polity/node'
import type { CommunityId } from '@polity/api'

const PASS = 'benchmark passphrase'
const pct = (xs: number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] as number

export async function liveLatency(o: { nodes: number; samples: number; dir: string }): Promise<{ p50: number; p99: number; rttP50: number; rttP99: number }> {
  mkdirSync(o.dir, { recursive: true })
  const net = { listen: ['/ip4/127.0.0.1/tcp/0'], syncIntervalMs: 3_600_000 }
  const nodes: PolityNode[] = []
  try {
    for (let i = 0; i < o.nodes; i++) {
      const n = await PolityNode.open({ dataDir: join(o.dir, `n${i}`), kdfLogN: 10, network: net })
      await n.createIdentity({ passphrase: PASS })
      nodes.push(n)
    }
    const founder = nodes[0] as PolityNode
    const community: CommunityId = await founder.createCommunity({ name: 'Live', purpose: 'latency', charter: 'c', founderName: 'n0' })
    for (let i = 1; i < o.nodes; i++) {
      const { link } = await founder.createInvite({ community })
      const r = await (nodes[i] as PolityNode).acceptInvite({ link, name: `n${i}` })
      if (r.status !== 'joined') throw new Error(`node ${i} could not join over the loopback network`)
      // A chain besides the star through the founder: more than one path, as in a real group.
      if (i > 1) await (nodes[i] as PolityNode).connectPeers([(nodes[i - 1] as PolityNode).networkAddresses()[0] as string])
    }
    for (const n of nodes) await n.syncNow()
    await new Promise((r) => setTimeout(r, 3000)) // let gossipsub build its mesh
    const sizes = (): number[] => nodes.map((n) => n.replicaOf(community).size)
    const lat: number[] = []
    for (let k = 0; k < o.samples; k++) {
      const origin = nodes[k % o.nodes] as PolityNode
      const target = Math.max(...sizes()) + 1
      const arrived = nodes.map((n) => new Promise<void>((resolve) => {
        if (n.replicaOf(community).size >= target) return resolve()
        const un = n.subscribe((e) => {
          if (e.type === 'community' && e.community === community && e.ops >= target) {
            un()
            resolve()
          }
        })
      }))
      const t = performance.now()
      await origin.setProfile({ community, name: `n${k % o.nodes} sample ${k}` })
      let timer: ReturnType<typeof setTimeout> | undefined
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`sample ${k}: not every node got the op within 10 s (sizes ${sizes().join(',')})`)), 10_000)
      })
      await Promise.race([Promise.all(arrived), timeout]).finally(() => clearTimeout(timer))
      lat.push(performance.now() - t)
    }
    const rtt = await loopbackRtt(500)
    return { p50: pct(lat, 50), p99: pct(lat, 99), rttP50: pct(rtt, 50), rttP99: pct(rtt, 99) }
  } finally {
    for (const n of nodes) await n.close()
  }
}

async function loopbackRtt(n: number): Promise<number[]> {
  const server = createServer((s) => s.on('data', (d) => s.write(d)))
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()))
  const sock = connect((server.address() as { port: number }).port, '127.0.0.1')
  sock.setNoDelay(true)
  await new Promise<void>((r) => sock.once('connect', () => r()))
  const out: number[] = []
  for (let i = 0; i < n; i++) {
    const t = performance.now()
    await new Promise<void>((r) => {
      sock.once('data', () => r())
      sock.write('x')
    })
    out.push(performance.now() - t)
  }
  sock.destroy()
  await new Promise<void>((r) => server.close(() => r()))
  return out
}
