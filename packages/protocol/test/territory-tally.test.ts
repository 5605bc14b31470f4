/**
 * FUND-8, FUND-10 (property): a campaign's outcome against a simple
 * reference. Members pledge, raise, lower and withdraw amounts up to 2^53 − 1
 * while syncing partially; the closer's causal past holds a prefix of each
 * member's pledges (one device each: a chain), so the reference is the sum,
 * in BigInt, of the last pledge of each member the closer holds. Seeded.
 */
import { describe, expect } from 'vitest'
import { MAX_AMOUNT, type AnyOp } from '../src/index'
import { TestKeys, sealedCommunity, type Actor } from './harness'
import { range, type Rng } from './random'
import { seeded } from './seeds'
import { act, campaign, ref } from './territory-helpers'

function amountOf(rng: Rng): number {
  const k = rng.int(10)
  if (k === 0) return 0
  if (k === 1) return MAX_AMOUNT - rng.int(1000)
  return rng.int(1_000_000)
}

function checkSeed(rng: Rng): void {
  const { founder, members } = sealedCommunity(4, {}, new TestKeys(rng.seed, 'tally'))
  const all = [founder, ...members]
  const keep = rng.chance(0.5)
  const goal = 1 + rng.int(3_000_000)
  const c = act(founder, 'campaign.open', campaign(founder, { goal: { type: 'amount', amount: goal, currency: 'USD' }, model: keep ? 'keep' : 'all-or-nothing', deadline: founder.time + 10_000_000 }))
  for (const a of members) a.pull(founder)
  const deadline = (c as unknown as { body: { deadline: number } }).body.deadline
  const pledges = new Map<Actor, AnyOp[]>(all.map((a) => [a, []]))
  for (let step = 0; step < 40; step++) {
    const a = rng.pick(all)
    if (rng.chance(0.3)) a.pull(rng.pick(all))
    ;(pledges.get(a) as AnyOp[]).push(act(a, 'pledge.set', { campaign: ref(c), amount: amountOf(rng) }))
  }
  const closer = rng.pick(all)
  for (const a of all) if (rng.chance(0.6)) closer.pull(a)
  act(closer, 'campaign.close', { campaign: ref(c) }, { time: deadline })
  // The reference: per member, the last pledge the closer holds (a chain: every earlier one is in its past too).
  let total = 0n
  let pledgers = 0
  for (const [, ops] of pledges) {
    const held = ops.filter((o) => closer.replica.has(o.id))
    const last = held[held.length - 1] as (AnyOp & { body: { amount: number } }) | undefined
    if (!last) continue
    total += BigInt(last.body.amount)
    if (last.body.amount > 0) pledgers++
  }
  for (const a of all) a.pull(closer)
  for (const a of all) for (const b of all) a.pull(b)
  const states = all.map((a) => a.replica.state().territory.campaigns[0]!)
  for (const s of states) expect(s).toEqual(states[0])
  const o = states[0]!.outcome!
  expect(o.total).toBe(total.toString())
  expect(o.pledgers).toBe(pledgers)
  expect(o.met).toBe(total >= BigInt(goal))
  expect(o.binding).toBe(o.met || keep)
  // FUND-10: the live ledger after full sync is every member's last pledge.
  let live = 0n
  for (const [, ops] of pledges) if (ops.length > 0) live += BigInt((ops[ops.length - 1] as AnyOp & { body: { amount: number } }).body.amount)
  expect(states[0]!.pledged).toBe(live.toString())
}

describe('pledge tallies are exact (FUND-8)', () => {
  seeded('FUND-8, FUND-10: random pledges, raises, withdrawals and partial syncs — the close\'s total equals a BigInt reference over its causal past', { fixed: range(1, 40), chunk: 20, fresh: 2, timeout: 120_000 }, (run) => {
    run.each(checkSeed)
  })
})
