/**
 * I1: replicas that hold the same ops show the same state, whatever the
 * delivery order, duplicates and delays. Seeded; a failing seed is printed
 * and becomes a named regression test below.
 */
import { describe, expect, it } from 'vitest'
import { Replica, type AnyOp, type OpId } from '../src/index'
import { Actor } from './harness'
import { nodeCrypto } from './node-crypto'
import { forSeeds, range, type Rng } from './random'

const SEEDS = Number(process.env.POLITY_SEEDS ?? 200)

/** Undo the author's bookkeeping when its own replica refuses a generated op. */
function tryAct(a: Actor, build: () => AnyOp): AnyOp | undefined {
  const seq = a.seq
  const last = a.last
  const op = build()
  const r = a.replica.receive(op)
  if (r.status === 'applied') return op
  a.seq = seq
  a.last = last
  return undefined
}

/** Generate a random history by 6+ authors who sync partially and act concurrently. */
export function randomHistory(rng: Rng, steps = 60): { ops: AnyOp[]; authors: Actor[] } {
  const founder = new Actor('founder')
  founder.found('Fuzz', { remove: 'steward', roles: 'steward' })
  const authors: Actor[] = [founder]
  const identities: Actor[] = []
  // Five more members join through invites.
  for (let i = 0; i < 5; i++) {
    const inv = founder.invite(rng.chance(0.3) ? 3 : 1)
    const a = new Actor(`a${i}`)
    a.pull(founder)
    a.join(inv)
    founder.pull(a)
    authors.push(a)
    identities.push(a)
  }
  const pool = authors.slice()
  for (let step = 0; step < steps; step++) {
    const a = rng.pick(pool)
    // Partial sync: sometimes pull from someone else before acting.
    if (rng.chance(0.35)) {
      const from = rng.pick(pool)
      if (from !== a) for (const e of from.replica.dag.entries) if (rng.chance(0.8)) a.replica.receive(e.op)
    }
    const target = rng.pick(pool)
    const choice = rng.int(7)
    if (choice === 0) tryAct(a, () => a.make('profile.set', { name: `n${step}` }))
    else if (choice === 1) tryAct(a, () => a.make('member.role', { member: target.identity.publicKey, role: rng.pick(['member', 'steward', 'founder'] as const) }))
    else if (choice === 2) tryAct(a, () => a.make('member.remove', { member: target.identity.publicKey, reason: '' }))
    else if (choice === 3 && rng.chance(0.2)) tryAct(a, () => a.make('member.leave', {}))
    else if (choice === 4) {
      // Re-add: a removed or new identity joins again with a fresh device.
      const inv = tryAct(a, () => a.make('invite.create', { key: new Actor('k').device.publicKey, uses: 1, expires: Number.MAX_SAFE_INTEGER }))
      if (inv) {
        const who = rng.chance(0.5) ? rng.pick(identities) : undefined
        const joiner = new Actor(`j${step}`, undefined, who?.identity)
        joiner.pull(a)
        // Use a fresh invite whose key the harness knows.
        const real = a.invite(1)
        joiner.pull(a)
        try {
          joiner.join(real)
          pool.push(joiner)
          if (!who) identities.push(joiner)
        } catch {
          // Already a member: the join is refused by the joiner's own replica.
        }
      }
    } else if (choice === 5) tryAct(a, () => a.make('profile.set', { name: `p${step}` }, { time: rng.int(2) === 0 ? 0 : 9e15 }))
    else tryAct(a, () => a.make('invite.revoke', { invite: new Uint8Array(32) }))
  }
  const all = new Map<OpId, AnyOp>()
  for (const a of pool) for (const e of a.replica.dag.entries) all.set(e.op.id, e.op)
  return { ops: [...all.values()], authors: pool }
}

function deliver(rng: Rng, ops: AnyOp[]): Replica {
  const r = new Replica({ community: ops.find((o) => o.kind === 'genesis')?.community, crypto: nodeCrypto })
  const queue = rng.shuffle([...ops])
  // Duplicates and delays: some ops are delivered twice, some held back to the end.
  const late: AnyOp[] = []
  for (const op of queue) {
    if (rng.chance(0.1)) late.push(op)
    else r.receive(rng.chance(0.05) ? op.bytes : op)
    if (rng.chance(0.1)) r.receive(op.bytes)
  }
  for (const op of rng.shuffle(late)) r.receive(op)
  return r
}

const kindCounts = new Map<string, number>()

function checkSeed(rng: Rng): void {
  const { ops, authors } = randomHistory(rng)
  for (const op of ops) kindCounts.set(op.kind, (kindCounts.get(op.kind) ?? 0) + 1)
  expect(authors.length).toBeGreaterThanOrEqual(6)
  const replicas = range(0, 5).map(() => deliver(rng, ops))
  const reference = replicas[0]!.state()
  expect(reference.opCount).toBe(ops.length)
  for (const r of replicas) expect(r.state()).toEqual(reference)
  // Incremental application equals a full refold (FOLD-1).
  expect(replicas[1]!.refoldedState()).toEqual(reference)
}

describe('convergence (I1)', () => {
  const chunk = 25
  for (let from = 1; from <= SEEDS; from += chunk) {
    const n = Math.min(chunk, SEEDS - from + 1)
    it(`CONV-1: 5 replicas, 6+ authors, random roles/removals/re-adds/profiles, random delivery: seeds ${from}..${from + n - 1} converge`, () => {
      forSeeds(range(from, n), checkSeed)
    })
  }
  it('CONV-2: the generated histories exercise removals, role changes, re-joins and leaves', () => {
    if (kindCounts.size === 0) forSeeds(range(1, 10), checkSeed)
    console.log('op kinds across seeds:', Object.fromEntries(kindCounts))
    for (const k of ['member.remove', 'member.role', 'member.join', 'profile.set', 'member.leave']) {
      expect(kindCounts.get(k) ?? 0).toBeGreaterThan(5)
    }
  })
})
