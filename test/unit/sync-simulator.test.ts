/**
 * SYNC-4 in a simulated network: 5–20 replicas, random sessions, dropped
 * frames, partitions: all converge after healing. Seeded (seeds.ts); a
 * failing seed prints its replay command.
 */
import { describe, expect } from 'vitest'
import { rosterAccess, Simulator, type SimPeer } from '@polity/sync'
import { generateCommunity, sizesFor } from '../bench/generate'
import { author, crypto, peersOf } from './sync-helpers'
import { range } from '../../packages/protocol/test/random'
import { seeded } from '../../packages/protocol/test/seeds'

const base = generateCommunity({ seed: 99, ...sizesFor(600), members: 24 })
const peer = peersOf(base)

async function runSeed(seed: number): Promise<void> {
  let rand = seed
  const rng = (): number => ((rand = (Math.imul(rand, 48271) + 1) >>> 0) / 4294967296)
  const n = 5 + Math.floor(rng() * 16)
  const peers = Array.from({ length: n }, (_, i) => {
    // Each replica starts with a different prefix of the history (some are far behind).
    const prefix = Math.max(60, Math.floor(rng() * base.ops.length))
    return peer(`r${i}`, i === 0 ? base.founder : (base.memberKeys[i - 1] as never), base.ops.slice(0, prefix), base.community)
  })
  const simPeers: SimPeer[] = peers.map((p) => ({
    name: p.name,
    target: p.target,
    access: (remote) => rosterAccess({ replica: p.replica, community: base.community, identity: p.identity, localBinding: new TextEncoder().encode(p.name), remoteBinding: new TextEncoder().encode(remote), verify: crypto.verify }),
  }))
  const sim = new Simulator({ seed, community: base.community, peers: simPeers, dropRate: 0.02 })
  // Partition into two sides; each side writes; sessions only within a side, with drops.
  sim.split((a, b) => (Number(a.slice(1)) % 2) === (Number(b.slice(1)) % 2))
  await sim.round(n)
  peers.forEach((p, i) => {
    if (p.replica.size >= 60 && rng() < 0.5) for (let k = 0; k < 1 + Math.floor(rng() * 4); k++) author(p.replica, base.devices[i] as never, 'profile.set', { name: `${p.name}-${k}` })
  })
  await sim.round(n * 2)
  sim.heal()
  await sim.round(n * 2)
  const ok = await sim.converge(12)
  if (!ok) throw new Error(`seed ${seed}: did not converge; log: ${sim.log.slice(-10).join(', ')}`)
  const states = peers.map((p) => JSON.stringify(p.replica.state()))
  expect(new Set(states).size).toBe(1)
}

describe('network simulator (SYNC-4)', () => {
  seeded('SYNC-4: 5–20 replicas, drops and a partition converge after healing', { fixed: range(1, 100), chunk: 20, fresh: 5, timeout: 120_000 }, (run) => run.eachAsync(({ seed }) => runSeed(seed)))
})
