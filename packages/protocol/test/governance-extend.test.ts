/**
 * Extending a deadline under the rules (EXTEND-1..3, CLOSE-8 in
 * docs/PROTOCOL.md): only the author, only later, only while open; a close
 * reads the latest deadline among the extensions in its own causal past, so
 * an extension concurrent with a close does not affect that close. Unit
 * cases, then seeded random histories checked against a brute-force oracle
 * and delivered in random orders to replicas that must agree.
 */
import { describe, expect, it } from 'vitest'
import { checkBody, fromHex, KeyRing, memberAgreeKeyPair, MAX_VOTING_PERIOD, Replica, type AnyOp, type OpId } from '../src/index'
import { Actor, TestKeys, flatRules, propose, proposalTime, refusal, sealedCommunity, syncAll } from './harness'
import { nodeCrypto } from './node-crypto'
import { range, type Rng } from './random'
import { seeded } from './seeds'

const resolution = { type: 'resolution' } as const

function extendOp(a: Actor, p: AnyOp, deadline: number, opts: { time?: number; deps?: OpId[] } = {}): AnyOp {
  return a.makeSealed('proposal.extend', { proposal: fromHex(p.id), deadline }, opts)
}
function extend(a: Actor, p: AnyOp, deadline: number): AnyOp {
  const op = extendOp(a, p, deadline)
  const r = a.replica.receive(op)
  if (r.status !== 'applied') throw new Error(`extend not applied: ${r.status === 'rejected' ? r.error.message : r.status}`)
  return op
}
function closeAt(a: Actor, p: AnyOp, time: number, deps?: OpId[]): AnyOp {
  const op = a.makeSealed('proposal.close', { proposal: fromHex(p.id) }, { time, ...(deps ? { deps } : {}) })
  a.time = Math.max(a.time, time)
  return op
}
const deadlineOf = (p: AnyOp): number => (p as AnyOp & { body: { deadline: number } }).body.deadline
const rowOf = (a: Actor, p: AnyOp) => a.replica.state().proposals.find((x) => x.id === p.id)!

describe('extending a deadline (EXTEND-1..3, CLOSE-8)', () => {
  it('EXTEND-1: only the proposal\'s author may extend it, and the kind exists only in protocol v2', () => {
    const { members, all } = sealedCommunity(2, flatRules([1, 2], [1, 2], 0))
    const [m0, m1] = members as [Actor, Actor]
    const p = propose(m0, resolution, undefined, m0.time + 10_000)
    syncAll(all)
    expect(refusal(m1, () => extendOp(m1, p, deadlineOf(p) + 50_000))).toMatch(/^EXTEND-1: only the proposal's author/)
    expect(() => checkBody('proposal.extend' as never, { proposal: fromHex(p.id), deadline: 1 })).toThrow(/ENV-5: unknown op kind/)
    extend(m0, p, deadlineOf(p) + 50_000)
    expect(rowOf(m0, p).deadline).toBe(deadlineOf(p) + 50_000)
  })

  it('EXTEND-2: the new deadline is later than the current one (the latest extension in its past) and at most 366 days after the extension', () => {
    const { members } = sealedCommunity(1, flatRules([1, 2], [1, 2], 0))
    const m = members[0]!
    const p = propose(m, resolution, undefined, m.time + 10_000)
    expect(refusal(m, () => extendOp(m, p, deadlineOf(p)))).toMatch(/^EXTEND-2: the new deadline must be later/)
    expect(refusal(m, () => extendOp(m, p, deadlineOf(p) - 1))).toMatch(/^EXTEND-2/)
    const later = deadlineOf(p) + 60_000
    extend(m, p, later)
    expect(refusal(m, () => extendOp(m, p, later - 1))).toMatch(/^EXTEND-2: the new deadline must be later than the current one/)
    expect(refusal(m, () => extendOp(m, p, m.time + 1000 + MAX_VOTING_PERIOD + 1, { time: m.time + 1000 }))).toMatch(/^EXTEND-2: the new deadline may be at most 366 days/)
  })

  it('EXTEND-3: no extension after a close or a withdrawal in its causal past', () => {
    const { members } = sealedCommunity(1, flatRules([1, 2], [1, 2], 0))
    const m = members[0]!
    const p = propose(m, resolution, undefined, m.time + 10_000)
    expect(m.replica.receive(closeAt(m, p, deadlineOf(p))).status).toBe('applied')
    expect(refusal(m, () => extendOp(m, p, deadlineOf(p) + 50_000))).toMatch(/^EXTEND-3: the proposal is already closed or withdrawn/)
    const q = propose(m, resolution, undefined, m.time + 10_000)
    m.act('proposal.withdraw', { proposal: fromHex(q.id) })
    expect(refusal(m, () => extendOp(m, q, deadlineOf(q) + 50_000))).toMatch(/^EXTEND-3/)
  })

  it('CLOSE-8: a close with an extension in its past must wait for the extended deadline (CLOSE-3, CLOSE-7); a close concurrent with the extension is judged by the old one', () => {
    const { founder, members, all } = sealedCommunity(2, flatRules([1, 2], [1, 2], 0))
    const [m0, m1] = members as [Actor, Actor]
    const p = propose(m0, resolution, undefined, m0.time + 10_000)
    syncAll(all)
    const before = [...m1.replica.heads()]
    const ext = extend(m0, p, deadlineOf(p) + 100_000)
    syncAll(all)
    // With the extension in its past, a close at the old deadline is early and not settled.
    expect(refusal(founder, () => closeAt(founder, p, deadlineOf(p)))).toMatch(/^CLOSE-7/)
    expect(rowOf(founder, p).deadline).toBe(deadlineOf(p) + 100_000)
    // A close that never saw the extension (concurrent with it) is valid at the old deadline, on every replica.
    const concurrent = closeAt(m1, p, deadlineOf(p), before)
    for (const a of all) expect(a.replica.receive(concurrent).status).toBe('applied')
    expect(rowOf(founder, p).status).toBe('closed')
    expect(founder.replica.has(ext.id)).toBe(true)
  })

  it('CLOSE-8: a close at or after the latest extended deadline is valid', () => {
    const { founder, members, all } = sealedCommunity(1, flatRules([1, 2], [1, 2], 0))
    const m = members[0]!
    const p = propose(m, resolution, undefined, m.time + 10_000)
    extend(m, p, deadlineOf(p) + 20_000)
    extend(m, p, deadlineOf(p) + 40_000)
    syncAll(all)
    expect(refusal(founder, () => closeAt(founder, p, deadlineOf(p) + 39_999))).toMatch(/^CLOSE-7/)
    expect(founder.replica.receive(closeAt(founder, p, deadlineOf(p) + 40_000)).status).toBe('applied')
  })
})

// ---- generative: random histories against a brute-force oracle ------------------------------

const stats = { histories: 0, extends: 0, extendsRefused: 0, closes: 0, closesRefused: 0, concurrentKept: 0 }

function history(rng: Rng, keys: TestKeys): { ops: AnyOp[]; founder: Actor } {
  const { founder, members } = sealedCommunity(3, flatRules([1, 2], [1, 2], 0), keys)
  const pool = [founder, ...members]
  const all = new Map<OpId, AnyOp>()
  const proposals: AnyOp[] = []
  for (const a of pool) for (const op of a.replica.ops()) all.set(op.id, op)
  for (let step = 0; step < 30; step++) {
    const a = rng.pick(pool)
    if (rng.chance(0.5)) {
      const from = rng.pick(pool)
      if (from !== a) for (const op of from.replica.ops()) if (rng.chance(0.7)) a.replica.receive(op)
    }
    const held = proposals.filter((p) => a.replica.has(p.id))
    const k = rng.int(10)
    if (k < 2 || held.length === 0) {
      const p = propose(a, resolution, undefined, proposalTime(a) + 2000 + 1000 * rng.int(20))
      proposals.push(p)
      all.set(p.id, p)
      continue
    }
    const p = rng.pick(held)
    const shown = a.replica.state().proposals.find((x) => x.id === p.id)!.deadline
    // Extensions come from the proposal's author 80% of the time (so most are judged on their deadline).
    const b = k < 6 && rng.chance(0.8) ? ownerOf(pool, p) ?? a : a
    const { seq, last, time } = b
    let op: AnyOp
    if (k < 6) op = extendOp(b, p, shown + 1000 * (rng.int(30) - 5))
    else if (k < 9) op = closeAt(b, p, b.time + 1000 * rng.int(25))
    else op = b.makeSealed('proposal.withdraw', { proposal: fromHex(p.id) })
    all.set(op.id, op)
    if (b.replica.receive(op).status !== 'applied') Object.assign(b, { seq, last, time })
  }
  return { ops: [...all.values()], founder }
}

function ownerOf(pool: Actor[], p: AnyOp): Actor | undefined {
  const o = pool.find((x) => x.deviceKey === p.author)
  return o && o.replica.has(p.id) ? o : undefined
}

function causalShuffle(rng: Rng, ops: readonly AnyOp[]): AnyOp[] {
  const left = [...ops]
  const done = new Set<OpId>()
  const ids = new Set(ops.map((o) => o.id))
  const out: AnyOp[] = []
  while (left.length > 0) {
    const ready = left.filter((o) => o.deps.every((d) => done.has(d) || !ids.has(d)))
    const op = rng.pick(ready)
    left.splice(left.indexOf(op), 1)
    done.add(op.id)
    out.push(op)
  }
  return out
}

/** The oracle: validity of each extend and close from the definitions, over explicit ancestor sets. */
function checkOracle(r: Replica, ops: readonly AnyOp[], order: readonly AnyOp[]): void {
  const byId = new Map(ops.map((o) => [o.id, o]))
  const anc = new Map<OpId, Set<OpId>>()
  const ancestors = (id: OpId): Set<OpId> => {
    let s = anc.get(id)
    if (s) return s
    s = new Set()
    for (const d of (byId.get(id) as AnyOp).deps) {
      s.add(d)
      if (byId.has(d)) for (const x of ancestors(d)) s.add(x)
    }
    anc.set(id, s)
    return s
  }
  const kindOf = (o: AnyOp): string => o.kind as string
  const target = (o: AnyOp): OpId => (o.body as { proposal: Uint8Array }).proposal && (Buffer.from((o.body as { proposal: Uint8Array }).proposal).toString('hex') as OpId)
  for (const op of order) {
    const k = kindOf(op)
    if (k !== 'proposal.extend' && k !== 'proposal.close') continue
    if (!op.deps.every((d) => r.has(d))) continue
    const past = ancestors(op.id)
    const pid = target(op)
    const p = byId.get(pid) as AnyOp
    const settled = [...past].some((x) => r.has(x) && ['proposal.close', 'proposal.withdraw'].includes(kindOf(byId.get(x) as AnyOp)) && target(byId.get(x) as AnyOp) === pid)
    let deadline = deadlineOf(p)
    for (const x of past) {
      const e = byId.get(x) as AnyOp
      if (r.has(x) && kindOf(e) === 'proposal.extend' && target(e) === pid) deadline = Math.max(deadline, deadlineOf(e))
    }
    let valid: boolean
    if (k === 'proposal.extend') {
      valid = op.author === p.author && !settled && deadlineOf(op) > deadline && deadlineOf(op) - MAX_VOTING_PERIOD <= op.time
      stats.extends++
      if (!valid) stats.extendsRefused++
    } else {
      // No votes are cast, so no close is settled early (CLOSE-7): a close is valid at or after the deadline only.
      valid = !settled && op.time >= deadline
      stats.closes++
      if (!valid) stats.closesRefused++
    }
    expect(r.has(op.id), `${k} ${op.id.slice(0, 8)}`).toBe(valid)
  }
}

function checkSeed(rng: Rng): void {
  const keys = new TestKeys(rng.seed)
  const { ops, founder } = history(rng, keys)
  stats.histories++
  const replicas: Replica[] = []
  for (let i = 0; i < 3; i++) {
    const r = new Replica({ crypto: nodeCrypto, keyRing: new KeyRing([memberAgreeKeyPair(founder.identity.secretKey)]) })
    const order = i === 2 ? rng.shuffle([...ops]) : causalShuffle(rng, ops)
    for (const op of order) r.receive(op.bytes)
    if (i === 0) checkOracle(r, ops, order)
    replicas.push(r)
  }
  const ref = replicas[0]!.state()
  for (const r of replicas) expect(r.state()).toEqual(ref)
  expect(replicas[1]!.refoldedState()).toEqual(ref)
  // A close and an extension it did not see: both kept (the close settles; the extension changed nothing for it).
  for (const c of ops.filter((o) => (o.kind as string) === 'proposal.close' && replicas[0]!.has(o.id))) {
    if (ops.some((e) => (e.kind as string) === 'proposal.extend' && replicas[0]!.has(e.id) && !c.deps.includes(e.id))) stats.concurrentKept++
  }
}

describe('extensions in random histories (CLOSE-8, EXTEND-1..3)', () => {
  seeded('CLOSE-8, EXTEND-1..3: random proposals, extensions (some invalid), closes at random times and withdrawals — each verdict matches the oracle, and 3 replicas in random orders agree and equal a refold', { fixed: range(1, 40), chunk: 20, fresh: 2, timeout: 120_000 }, (run) => {
    run.each(checkSeed)
    console.log(`CLOSE-8: ${JSON.stringify(stats)}`)
    if (run.fixed) {
      expect(stats.extends - stats.extendsRefused).toBeGreaterThan(run.seeds.length)
      expect(stats.extendsRefused).toBeGreaterThan(run.seeds.length / 2)
      expect(stats.closes - stats.closesRefused).toBeGreaterThan(run.seeds.length / 2)
      expect(stats.closesRefused).toBeGreaterThan(run.seeds.length / 2)
    }
  })
})
