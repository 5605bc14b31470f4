/**
 * I1: replicas that hold the same ops show the same state, whatever the
 * delivery order, duplicates and delays. Seeded (seeds.ts): fixed seeds plus
 * fresh ones each run; a failing seed prints its replay command and becomes a
 * named regression (`regressions` below).
 */
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { DEFAULT_RULES, Replica, type AnyOp, type OpId } from '../src/index'
import { fromHex } from '../src/encoding/bytes'
import { sha256 } from '@noble/hashes/sha2.js'
import { Actor, flatRules, floorMethod, proposalTime, TestKeys, testKeyPair } from './harness'
import { nodeCrypto } from './node-crypto'
import { range, Rng } from './random'
import { seeded } from './seeds'

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
/** Each actor's view of the draft, bound to its own Yjs client id. */
const drafts = new WeakMap<Actor, Y.Doc>()

function governanceStep(rng: Rng, a: Actor, step: number): void {
  const s = a.replica.state()
  const open = s.proposals.filter((p) => p.status === 'open')
  const pick = rng.int(6)
  if (pick === 0 || open.length === 0) {
    const kinds = ['resolution', 'amend', 'remove', 'role', 'rules'] as const
    const kind = rng.pick(kinds)
    const target = rng.pick(s.members)
    const frac = (): [number, number] => rng.pick([[1, 3], [1, 2], [2, 3]] as [number, number][])
    const action = kind === 'amend'
      ? { type: 'amend' as const, charter: `# Charter ${step}\n\n${s.charter.draft.slice(0, 200)}`, base: s.charter.versions.length - 1 }
      : kind === 'remove' ? { type: 'remove' as const, member: fromHex(target.id) }
        : kind === 'role' ? { type: 'role' as const, member: fromHex(target.id), role: rng.pick(['member', 'steward'] as const) }
          : kind === 'rules' ? { type: 'rules' as const, rules: { ...s.rules, ...flatRules([1, 3], frac(), 0), entrenchedThreshold: frac() } as typeof s.rules }
            : { type: 'resolution' as const }
    // GOV-2: the floor of the rules the author sees, sometimes stricter.
    const floor = floorMethod(a, action) as { type: 'yesno'; quorum: [number, number]; threshold: [number, number] }
    const quorum = rng.chance(0.3) ? [2, 3] as [number, number] : floor.quorum
    const method = kind === 'resolution' && rng.chance(0.5)
      ? (rng.chance(0.5) ? { type: 'approval' as const, options: ['a', 'b', 'c'], quorum } : { type: 'irv' as const, options: ['a', 'b', 'c'], quorum })
      : { ...floor, quorum }
    // GOV-4: claim at least the floor of the causal past; GOV-3: these rules' periods are 0.
    const time = proposalTime(a)
    if (tryAct(a, () => a.make('proposal.create', { title: `P${step}`, text: '', action, method, deadline: time }, { time }))) a.time = Math.max(a.time, time)
  } else if (pick <= 2) {
    const p = rng.pick(open)
    const ballot = p.method.type === 'yesno'
      ? { type: 'yesno' as const, choice: rng.pick(['yes', 'yes', 'no', 'abstain'] as const) }
      : p.method.type === 'approval' ? { type: 'approval' as const, approve: [0, 1, 2].filter(() => rng.chance(0.5)) }
        : { type: 'irv' as const, rank: rng.shuffle([0, 1, 2]).slice(0, 1 + rng.int(3)) }
    tryAct(a, () => a.make('vote.cast', { proposal: fromHex(p.id), ballot }))
  } else if (pick === 3) {
    const p = rng.pick(open)
    const time = Math.max(a.time + 1000, p.deadline)
    if (tryAct(a, () => a.make('proposal.close', { proposal: fromHex(p.id) }, { time }))) a.time = time
  } else if (pick === 4) {
    tryAct(a, () => a.make('comment.add', { proposal: fromHex(rng.pick(open).id), text: `c${step}`, replyTo: undefined }))
  } else {
    // A burst of typing in the shared draft, signed as one op.
    let doc = drafts.get(a)
    const roster = a.replica.roster()
    let client = roster.deviceClients.get(a.deviceKey as never)
    if (client === undefined) {
      client = 1 + rng.int(1_000_000)
      if (!tryAct(a, () => a.make('charter.bind', { client: client as number }))) return
    }
    if (!doc) {
      doc = new Y.Doc()
      drafts.set(a, doc)
    }
    doc.clientID = client
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(a.replica.contentFold().draft), 'remote')
    const text = doc.getText('draft')
    const before = Y.encodeStateVector(doc)
    if (text.length > 5 && rng.chance(0.3)) text.delete(rng.int(text.length - 3), 1 + rng.int(3))
    text.insert(rng.int(text.length + 1), `w${step} `)
    tryAct(a, () => a.make('charter.edit', { update: Y.encodeStateAsUpdate(doc as Y.Doc, before) }))
  }
}

/** `governance`: proposals, votes, closes and draft edits beside the roster changes. */
export function randomHistory(rng: Rng, steps = 60, governance = false, keys?: TestKeys): { ops: AnyOp[]; authors: Actor[] } {
  const founder = new Actor('founder', undefined, undefined, keys)
  founder.found('Fuzz', flatRules([1, 3], [1, 2], 0, { remove: 'steward', roles: 'steward' }))
  const authors: Actor[] = [founder]
  const identities: Actor[] = []
  // Five more members join through invites.
  for (let i = 0; i < 5; i++) {
    const inv = founder.invite(rng.chance(0.3) ? 3 : 1)
    const a = new Actor(`a${i}`, undefined, undefined, keys)
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
      if (from !== a) for (const op of from.replica.ops()) if (rng.chance(0.8)) a.replica.receive(op)
    }
    if (governance && rng.chance(0.5)) {
      governanceStep(rng, a, step)
      continue
    }
    const target = rng.pick(pool)
    const choice = rng.int(7)
    if (choice === 0) tryAct(a, () => a.make('profile.set', { name: `n${step}` }))
    else if (choice === 1) tryAct(a, () => a.make('member.role', { member: target.identity.publicKey, role: rng.pick(['member', 'steward', 'founder'] as const) }))
    else if (choice === 2) tryAct(a, () => a.make('member.remove', { member: target.identity.publicKey, reason: '' }))
    else if (choice === 3 && rng.chance(0.2)) tryAct(a, () => a.make('member.leave', {}))
    else if (choice === 4) {
      // Re-add: a removed or new identity joins again with a fresh device.
      const inv = tryAct(a, () => a.make('invite.create', { key: testKeyPair(keys).publicKey, uses: 1, expires: Number.MAX_SAFE_INTEGER, member: undefined }))
      if (inv) {
        const who = rng.chance(0.5) ? rng.pick(identities) : undefined
        const joiner = new Actor(`j${step}`, undefined, who?.identity, keys)
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
    else if (governance) governanceStep(rng, a, step)
    else tryAct(a, () => a.make('invite.revoke', { invite: new Uint8Array(32) }))
  }
  const all = new Map<OpId, AnyOp>()
  for (const a of pool) for (const op of a.replica.ops()) all.set(op.id, op)
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

/** With governance: a member forks at the latest ratified version; parent members join; fork replicas converge. Returns whether a fork was checked. */
function checkFork(rng: Rng, authors: Actor[], reference: ReturnType<Replica['state']>, keys: TestKeys): boolean {
  // One actor per member: a re-joined member may have several devices.
  const active = authors.filter((a, i) => reference.members.some((m) => m.id === a.member) && authors.findIndex((b) => b.member === a.member) === i)
  if (active.length < 2) return false
  const forker = rng.pick(active)
  const version = reference.charter.versions.length - 1
  const text = reference.charter.versions[version]!.text
  const forkView = new Actor(`${forker.label}-fork`, undefined, forker.identity, keys)
  const genesis = forkView.act('genesis', {
    name: 'Fork', purpose: '', charter: text, rules: DEFAULT_RULES, founder: forker.identity.publicKey, cert: forkView.cert(),
    parent: {
      community: fromHex(reference.community), heads: reference.heads.map((h) => fromHex(h)), version,
      charterHash: sha256(new TextEncoder().encode(text)), members: reference.members.map((m) => fromHex(m.id)),
    },
  })
  const forkOps: AnyOp[] = [genesis]
  for (const a of active) {
    if (a === forker || rng.chance(0.4)) continue
    const j = new Actor(`${a.label}-fj`, undefined, a.identity, keys)
    j.replica.receive(genesis)
    forkOps.push(j.act('fork.join', { member: a.identity.publicKey, cert: j.cert() }))
    if (rng.chance(0.5)) forkOps.push(j.act('profile.set', { name: `${a.label} in the fork` }))
  }
  const replicas = range(0, 5).map(() => deliver(rng, forkOps))
  const first = replicas[0]!.state()
  expect(first.parent?.community).toBe(reference.community)
  for (const r of replicas) expect(r.state()).toEqual(first)
  return true
}

/** One seed: a history, five deliveries, a refold; with governance also a fork. Counts op kinds into `kindCounts`; returns whether a fork was checked. */
function checkSeed(rng: Rng, governance: boolean, kindCounts = new Map<string, number>()): boolean {
  const keys = new TestKeys(rng.seed)
  const { ops, authors } = randomHistory(rng, governance ? 90 : 60, governance, keys)
  for (const op of ops) kindCounts.set(op.kind, (kindCounts.get(op.kind) ?? 0) + 1)
  expect(authors.length).toBeGreaterThanOrEqual(6)
  const replicas = range(0, 5).map(() => deliver(rng, ops))
  const reference = replicas[0]!.state()
  expect(reference.opCount).toBe(ops.length)
  for (const r of replicas) expect(r.state()).toEqual(reference)
  // Incremental application equals a full refold (FOLD-1).
  expect(replicas[1]!.refoldedState()).toEqual(reference)
  return governance && checkFork(rng, authors, reference, keys)
}

describe('convergence (I1)', () => {
  seeded('FOLD-1 (I1): 5 replicas, 6+ authors, random roles/removals/re-adds/profiles, random delivery: all converge and equal a full refold', { fixed: range(1, 200), chunk: 25, fresh: 10 }, (run) => {
    run.each((rng) => checkSeed(rng, false))
  })
  seeded('FOLD-3 (I1): governance too (proposals of every method, votes and changed votes, closes, amendments, draft edits, forks) converges, including the charter text', { fixed: range(10_001, 200), chunk: 25, fresh: 10 }, (run) => {
    let forks = 0
    run.each((rng) => {
      if (checkSeed(rng, true)) forks++
    })
    if (run.fixed) expect(forks).toBeGreaterThan(run.seeds.length / 2)
  })

  it('FOLD-1 (I1): the generated histories exercise removals, role changes, re-joins, leaves and governance', () => {
    const kindCounts = new Map<string, number>()
    for (const seed of range(1, 10)) checkSeed(new Rng(seed), false, kindCounts)
    for (const seed of range(10_001, 10)) checkSeed(new Rng(seed), true, kindCounts)
    console.log('op kinds across seeds:', Object.fromEntries(kindCounts))
    for (const k of ['member.remove', 'member.role', 'member.join', 'profile.set', 'member.leave', 'proposal.create', 'vote.cast', 'proposal.close', 'charter.edit', 'comment.add']) {
      expect(kindCounts.get(k) ?? 0).toBeGreaterThan(5)
    }
  })
})
