/**
 * Governance, generatively (GOV-1..6, TALLY-YN, TALLY-Q, TALLY-AP, VOTE-6):
 * random rules, random proposals asking for random quorum, threshold,
 * deadline and time (zero, looser, equal, stricter, back-dated), sometimes a
 * rules change landing between the proposal and its close, random ballots
 * (abstentions, raised and lowered votes), and closes over every-which subset
 * of the votes. All through real signed ops and the real fold.
 *
 * The reference below is written from docs/PROTOCOL.md §9 alone and imports
 * nothing from src/replica (no outcome.ts, no decisions.ts): it must agree
 * with the replica on every verdict and outcome; no outcome may pass that the
 * rules' own floor would not pass; and leaving votes out of a close's causal
 * past never turns a fail into a pass (omission safety).
 */
import { describe, expect, it } from 'vitest'
import { fromHex } from '../src/encoding/bytes'
import type { AnyOp, Method, OpId, ProposalAction, Rules, YesNoDetail } from '../src/index'
import { Actor, close, community, proposalTime, refusal, syncAll, TestKeys, testKeyPair, vote } from './harness'
import { range, Rng } from './random'
import { seeded } from './seeds'

const CASES = 2400
const SEED = 20_261_301
const HOUR = 3_600_000

type F = [number, number]
type Choice = 'yes' | 'no' | 'abstain'
const CLASSES = ['resolution', 'roster', 'rules', 'charter'] as const
const CHARTER = '# Commons\n\n<!-- entrenched -->\nArt. 1. Speech is free.\n<!-- /entrenched -->\nArt. 2. Dues are voluntary.\n'

// ---- the reference, from PROTOCOL.md §9 ------------------------------------------

/** a ≥ b, exactly. */
const ge = (a: F, b: F): boolean => BigInt(a[0]) * BigInt(b[1]) >= BigInt(b[0]) * BigInt(a[1])
const maxF = (a: F, b: F): F => (ge(a, b) ? a : b)
/** GOV-1: the class of each action. */
const classOf = (t: ProposalAction['type']): (typeof CLASSES)[number] =>
  t === 'resolution' ? 'resolution' : t === 'amend' ? 'charter' : t === 'rules' ? 'rules' : 'roster'

/** GOV-1: quorum, threshold, period a proposal needs under `rules`; `touches` = the amendment changes an entrenched clause. */
function refFloor(rules: Rules, action: ProposalAction, touches: boolean): { q: F; t: F; period: number } {
  const d = rules.decisions[classOf(action.type)]
  const lowersEntrenched = action.type === 'rules' && !ge(action.rules.entrenchedThreshold, rules.entrenchedThreshold)
  const entrenched = (action.type === 'amend' && touches) || lowersEntrenched
  return { q: d.quorum, t: entrenched ? maxF(d.threshold, rules.entrenchedThreshold) : d.threshold, period: d.period }
}

/** TALLY-Q and TALLY-YN: cast × qd ≥ E × qn, and yes × td > (E − abstain) × tn. */
function refYesNo(eligible: number, choices: Iterable<Choice>, q: F, t: F): boolean {
  let cast = 0
  let yes = 0
  let abstain = 0
  for (const c of choices) {
    cast++
    if (c === 'yes') yes++
    if (c === 'abstain') abstain++
  }
  return BigInt(cast) * BigInt(q[1]) >= BigInt(eligible) * BigInt(q[0]) && BigInt(yes) * BigInt(t[1]) > BigInt(eligible - abstain) * BigInt(t[0])
}

/** TALLY-AP: one option with the most approvals (and at least one) wins, quorum met. */
function refApproval(eligible: number, ballots: number[][], options: number, q: F): boolean {
  const n = new Array<number>(options).fill(0)
  for (const b of ballots) for (const i of b) n[i]!++
  const top = Math.max(...n)
  return BigInt(ballots.length) * BigInt(q[1]) >= BigInt(eligible) * BigInt(q[0]) && top > 0 && n.filter((x) => x === top).length === 1
}

/** VOTE-6: yes > abstain > no; a member's counted yes/no ballot is their strongest. */
const strength = (c: Choice): number => (c === 'yes' ? 2 : c === 'abstain' ? 1 : 0)

/** GOV-4: over the ops, each member's largest time; the second largest of those (0 if fewer than two). */
function refTimeFloor(ops: readonly AnyOp[], memberOfDevice: (d: string) => string): number {
  const best = new Map<string, number>()
  for (const op of ops) {
    const m = memberOfDevice(op.author)
    best.set(m, Math.max(best.get(m) ?? 0, op.time))
  }
  return [...best.values()].sort((a, b) => b - a)[1] ?? 0
}

// ---- the generator --------------------------------------------------------------

const fractions: F[] = [[0, 1], [1, 10], [1, 4], [1, 3], [1, 2], [3, 5], [2, 3], [3, 4], [9, 10], [1, 1]]
const thresholds = fractions.filter((f) => f[0] < f[1])

function randomRules(rng: Rng): Rules {
  const d = () => ({ quorum: rng.pick(fractions), threshold: rng.pick(thresholds), period: rng.pick([0, 0, HOUR, 7 * 24 * HOUR]) })
  return {
    invite: 'steward', remove: 'steward', roles: 'founder', propose: 'member', editDraft: 'member',
    decisions: { resolution: d(), roster: d(), rules: d(), charter: d() }, entrenchedThreshold: rng.pick(thresholds),
  }
}

/** A requested fraction: zero, looser, the floor itself, stricter, or anything. */
function requested(rng: Rng, floor: F, list: F[]): F {
  const r = rng.int(5)
  if (r === 0) return [0, 1]
  if (r === 1) return rng.pick(list.filter((f) => !ge(f, floor)).concat([floor]))
  if (r === 2) return floor
  if (r === 3) return rng.pick(list.filter((f) => ge(f, floor)).concat([floor]))
  return rng.pick(list)
}

type Stats = ReturnType<typeof newStats>
const newStats = () => ({ communities: 0, cases: 0, valid: 0, rejected: new Map<string, number>(), passed: 0, failed: 0, rulesRaised: 0, subsets: 0, loweredVotes: 0, entrenched: 0, approvalFlips: 0 })
/** Cases per community: each reads the state the previous ones left (passed removals, admissions, rules, amendments). */
const PER_COMMUNITY = 8

function runCommunity(rng: Rng, stats: Stats = newStats()): void {
  stats.communities++
  const { founder, members, all } = community(2 + rng.int(4), randomRules(rng), CHARTER, new TestKeys(rng.seed))
  const deviceMember = new Map(all.map((a) => [a.deviceKey, a.member]))
  for (let k = 0; k < PER_COMMUNITY; k++) {
    try {
      checkCase(rng, stats, founder, members, all, deviceMember)
    } catch (e) {
      ;(e as Error).message = `[case ${k} of this community] ${(e as Error).message}`
      throw e
    }
  }
}

/** One proposal on the community as it stands: everyone synced before, everyone synced after (subset closes stay on a spare device). */
function checkCase(rng: Rng, stats: Stats, founder: Actor, members: Actor[], all: Actor[], deviceMember: Map<string, string>): void {
  stats.cases++
  syncAll(all)
  const before = founder.replica.state()
  const rules = before.rules
  const active = new Set(before.members.map((m) => m.id))
  const voters = all.filter((a) => active.has(a.member))
  // Sometimes one member, sometimes two, claim a time far in the future (GOV-4 must not let one member move the floor).
  for (const liar of rng.chance(0.15) ? rng.shuffle([...voters]).slice(0, 1 + rng.int(2)) : []) liar.act('profile.set', { name: 'liar' }, { time: 8e15 })
  syncAll(all)

  // Sometimes a rules change is voted on before the proposal and closed after it (GOV-6: the close applies the stricter).
  let rulesAtClose = rules
  let raise: AnyOp | undefined
  if (rng.chance(0.25)) {
    const next = randomRules(rng)
    const a: ProposalAction = { type: 'rules', rules: next }
    const f = refFloor(rules, a, false)
    const time = proposalTime(founder)
    raise = founder.act('proposal.create', { title: 'R', text: '', action: a, method: { type: 'yesno', quorum: f.q, threshold: f.t }, deadline: time + f.period }, { time })
    founder.time = Math.max(founder.time, time)
    syncAll(all)
    for (const v of voters) vote(v, raise, { type: 'yesno', choice: 'yes' })
    syncAll(all)
    if (refYesNo(before.members.length, voters.map(() => 'yes' as const), f.q, f.t)) rulesAtClose = next
    stats.rulesRaised++
  }

  // The proposal, with random requested values.
  const proposer = rng.pick(voters)
  const kind = rng.pick(['resolution', 'resolution', 'admit', 'remove', 'role', 'rules', 'amend', 'amend'] as const)
  const targets = before.members.filter((m) => m.id !== founder.member)
  const target = targets.length > 0 ? fromHex(rng.pick(targets).id) : proposer.identity.publicKey
  const touches = rng.chance(0.5)
  const base = before.charter.versions.length - 1
  const current = before.charter.versions[base]!.text
  const action: ProposalAction = kind === 'resolution' ? { type: 'resolution' }
    : kind === 'admit' ? { type: 'admit', member: testKeyPair(founder.keys).publicKey }
      : kind === 'remove' && targets.length > 0 ? { type: 'remove', member: target }
        : kind === 'role' || kind === 'remove' ? { type: 'role', member: rng.chance(0.5) ? proposer.identity.publicKey : target, role: 'founder' }
          : kind === 'rules' ? { type: 'rules', rules: randomRules(rng) }
            : { type: 'amend', base, charter: touches ? swapClause(current) : `${current}Art. ${base + 3}.\n` }
  const entrenchedAmend = action.type === 'amend' && touches
  const floor = refFloor(rules, action, entrenchedAmend)
  const options = ['A', 'B', 'C']
  const methodType = kind === 'resolution' ? rng.pick(['yesno', 'yesno', 'approval'] as const) : 'yesno'
  // Half the cases ask as an honest node would (the floor or stricter), half anything at all.
  const honest = rng.chance(0.5)
  const q = honest ? rng.pick(fractions.filter((f) => ge(f, floor.q)).concat([floor.q])) : requested(rng, floor.q, fractions)
  const t = honest ? rng.pick(thresholds.filter((f) => ge(f, floor.t)).concat([floor.t])) : requested(rng, floor.t, thresholds)
  const method: Method = methodType === 'yesno' ? { type: 'yesno', quorum: q, threshold: t } : { type: 'approval', options, quorum: q }
  const timeFloor = refTimeFloor(proposer.replica.ops(), (d) => deviceMember.get(d)!)
  const time = !honest && rng.chance(0.3) && timeFloor > 0 ? timeFloor - 1 - rng.int(5000) : proposalTime(proposer)
  const deadline = honest ? time + floor.period + rng.pick([0, rng.int(10 * HOUR)]) : rng.pick([0, time + floor.period - 1, time + floor.period, time + floor.period + rng.int(10 * HOUR)])
  const expected = time < timeFloor ? 'GOV-4'
    : !ge(q, floor.q) || (method.type === 'yesno' && !ge(t, floor.t)) ? 'GOV-2'
      : deadline - floor.period < time ? 'GOV-3' : null
  const body = { title: 'P', text: '', action, method, deadline }
  if (expected) {
    const message = refusal(proposer, () => proposer.make('proposal.create', body, { time }))
    expect(message.split(':')[0]).toBe(expected)
    stats.rejected.set(expected, (stats.rejected.get(expected) ?? 0) + 1)
    if (raise) close(founder, raise)
    return
  }
  const p = proposer.act('proposal.create', body, { time })
  founder.pull(proposer)
  const raised = raise ? close(founder, raise) : undefined
  proposer.time = Math.max(proposer.time, time)
  stats.valid++
  if (floor.t !== rules.decisions[classOf(action.type)].threshold) stats.entrenched++
  const eligible = before.members.length
  for (const a of all) a.pull(proposer)
  for (const a of all) a.pull(founder)
  if (raised) expect(founder.replica.state().rules).toEqual(rulesAtClose)
  // A spare device of the founder closes: its first op is before any vote, so its closes can name any subset of them.
  const clerk = new Actor('clerk', undefined, founder.identity, founder.keys)
  deviceMember.set(clerk.deviceKey, founder.member)
  clerk.pull(founder)
  const clerkLink = clerk.act('device.link', { member: founder.identity.publicKey, cert: clerk.cert() })

  // Ballots: each voter casts none, one or several, raising or lowering (VOTE-6: the strongest counts).
  const cast = new Map<string, { op: AnyOp; choice?: Choice; approve?: number[] }[]>()
  for (const v of voters) {
    const mine: { op: AnyOp; choice?: Choice; approve?: number[] }[] = []
    for (let k = rng.int(4); k > 0; k--) {
      if (method.type === 'approval') {
        const approve = [0, 1, 2].filter(() => rng.chance(0.4))
        mine.push({ op: vote(v, p, { type: 'approval', approve }), approve })
        continue
      }
      const choice = rng.pick(['yes', 'no', 'abstain'] as const)
      if (strength(choice) < Math.max(-1, ...mine.map((x) => strength(x.choice!)))) stats.loweredVotes++
      mine.push({ op: vote(v, p, { type: 'yesno', choice }), choice })
    }
    // Two devices of one member may vote concurrently; the founder's spare device never votes, so each member's votes form one chain.
    if (mine.length > 0) cast.set(v.member, [...(cast.get(v.member) ?? []), ...mine])
  }
  for (const v of voters) clerk.pull(v)

  // The reference outcome for a close that sees, per voter, their first `upTo` votes.
  const atClose = refFloor(rulesAtClose, action, entrenchedAmend)
  const q2 = maxF(q, atClose.q)
  const t2 = maxF(t, atClose.t)
  const reference = (upTo: (m: string, votes: number) => number, qq: F, tt: F): boolean => {
    if (method.type === 'approval') {
      const ballots = [...cast].flatMap(([m, vs]) => (upTo(m, vs.length) > 0 ? [vs[upTo(m, vs.length) - 1]!.approve!] : []))
      return refApproval(eligible, ballots, options.length, qq)
    }
    const choices = [...cast].flatMap(([m, vs]) => {
      const seen = vs.slice(0, upTo(m, vs.length))
      return seen.length === 0 ? [] : [seen.reduce((a, b) => (strength(b.choice!) > strength(a.choice!) ? b : a)).choice!]
    })
    return refYesNo(eligible, choices, qq, tt)
  }

  // The full close, through the fold.
  const closeTime = Math.max(deadline, clerk.time + 1000)
  const full = clerk.act('proposal.close', { proposal: fromHex(p.id) }, { time: closeTime })
  const outcome = clerk.replica.state().proposals.find((x) => x.id === p.id)!.outcome!
  const want = reference((_m, k) => k, q2, t2)
  expect(outcome.passed).toBe(want)
  expect(outcome.detail.quorum).toEqual(q2)
  if (method.type === 'yesno') expect((outcome.detail as YesNoDetail).threshold).toEqual(t2)
  // Nothing passes that the rules' floors (at the proposal and at the close) would not pass.
  if (outcome.passed) expect(reference((_m, k) => k, maxF(floor.q, atClose.q), maxF(floor.t, atClose.t))).toBe(true)
  if (want) stats.passed++
  else stats.failed++
  for (const a of all) a.pull(clerk)

  // Omission safety: closes whose past holds only a subset of the votes (each voter's first j votes), on the spare device only.
  for (let s = 0; s < 3; s++) {
    const keep = new Map([...cast].map(([m, vs]) => [m, rng.int(vs.length + 1)]))
    // The rules change's close stays in the past, so the rules at the close are the same (GOV-6).
    const deps = [p.id, clerkLink.id, ...(raised ? [raised.id] : []), ...[...cast].flatMap(([m, vs]) => (keep.get(m)! > 0 ? [vs[keep.get(m)! - 1]!.op.id] : []))] as OpId[]
    const sub = clerk.make('proposal.close', { proposal: fromHex(p.id) }, { seq: full.seq, time: closeTime + s + 1, deps: [...new Set(deps)] })
    expect(clerk.replica.receive(sub).status).toBe('applied')
    const o = clerk.replica.outcomeOf(sub.id)!
    expect(o.passed).toBe(reference((m) => keep.get(m)!, q2, t2))
    // Yes/no is omission-safe; approval is not (a closer picks which votes count: THREAT_MODEL.md), and the generator shows it.
    if (method.type === 'yesno' && o.passed) expect(outcome.passed).toBe(true)
    if (method.type === 'approval' && o.passed && !outcome.passed) stats.approvalFlips++
    stats.subsets++
  }
  void members
}

/** An amendment that changes the entrenched clause (back and forth). */
function swapClause(text: string): string {
  return text.includes('Speech is free.') ? text.replace('Speech is free.', 'Speech is licensed.') : text.replace('Speech is licensed.', 'Speech is free.')
}

describe('governance, generative (GOV-*, TALLY-YN, VOTE-6)', () => {
  const communities = Math.ceil(CASES / PER_COMMUNITY)
  seeded(`GOV-1..6, TALLY-YN: random rules, proposals, ballots and close pasts agree with the reference and are omission-safe, ${PER_COMMUNITY} cases a seed`, { fixed: range(SEED, communities), chunk: 25, fresh: 10 }, (run) => {
    const stats = newStats()
    run.each((rng) => runCommunity(rng, stats))
    console.log(`governance generator, ${run.seeds.length} seeds:`, JSON.stringify({ ...stats, rejected: Object.fromEntries(stats.rejected) }))
  })

  it('GOV-1..6: the generated cases exercise every rejection, passes, fails, raised rules, entrenched floors and subset closes', () => {
    const stats = newStats()
    const seeds = range(SEED, 50)
    for (const seed of seeds) runCommunity(new Rng(seed), stats)
    const cases = seeds.length * PER_COMMUNITY
    console.log(`governance generator, seeds ${SEED}..${SEED + seeds.length - 1}:`, JSON.stringify({ ...stats, rejected: Object.fromEntries(stats.rejected) }))
    expect(stats.cases).toBe(cases)
    for (const rule of ['GOV-2', 'GOV-3', 'GOV-4']) expect(stats.rejected.get(rule) ?? 0).toBeGreaterThan(cases / 50)
    for (const k of ['valid', 'passed', 'failed', 'rulesRaised', 'subsets', 'loweredVotes', 'entrenched'] as const) expect(stats[k]).toBeGreaterThan(cases / 100)
  })
})
