/**
 * FOLD-1 for the roster kept as ops arrive (global-roster.ts): after every
 * single op delivered, in random orders, the state equals a refold of the ops
 * held so far. The histories are rich in concurrent roster ops — joins on
 * shared links (contested, ROSTER-13), joins replayed on stale pasts,
 * revocations (ROSTER-16), device links and Yjs bindings built behind the
 * tip, role changes, removals (ROSTER-10) and leaves — so ops land before
 * ones already folded, and are folded on top of them only when nothing they
 * touch sorts after them. Seeded; a failing seed is printed.
 */
import { describe, expect, it } from 'vitest'
import { Replica, joinProofMessage, sign, type AnyOp, type CommunityId, type KeyPair, type OpId } from '../src/index'
import { fromHex } from '../src/encoding/bytes'
import { Actor, TestKeys, flatRules, testKeyPair } from './harness'
import { nodeCrypto } from './node-crypto'
import { range, type Rng } from './random'
import { seeded } from './seeds'

const SEEDS = Number(process.env.POLITY_SEEDS ?? 60)

interface Link { op: AnyOp; key: KeyPair }

function tryAct(a: Actor, build: () => AnyOp): AnyOp | undefined {
  const { seq, last } = a
  let op: AnyOp
  try {
    op = build()
  } catch {
    return undefined
  }
  if (a.replica.receive(op).status === 'applied') return op
  a.seq = seq
  a.last = last
  return undefined
}

const stats = { histories: 0, ops: 0, rosterOps: 0, checks: 0 }
const ROSTER = new Set(['genesis', 'device.link', 'invite.create', 'invite.revoke', 'member.join', 'member.leave', 'member.remove', 'member.role', 'charter.bind'])

function history(rng: Rng, keys: TestKeys): AnyOp[] {
  const founder = new Actor('founder', undefined, undefined, keys)
  const genesis = founder.found('Roster fuzz', flatRules([1, 3], [1, 2], 0, { remove: 'steward', roles: 'steward', invite: 'member' }))
  const pool: Actor[] = [founder]
  /** The op that admitted each actor's member: a past where it was surely a member (even after it left). */
  const joinedAt = new Map<Actor, OpId>([[founder, genesis.id]])
  const links: Link[] = []
  const invite = (a: Actor): void => {
    const key = testKeyPair(keys)
    const op = tryAct(a, () => a.make('invite.create', { key: key.publicKey, uses: 1 + rng.int(3), expires: Number.MAX_SAFE_INTEGER, member: undefined }))
    if (op) links.push({ op, key })
  }
  const join = (from: Actor, link: Link, stale: boolean): void => {
    const j = new Actor(`j${pool.length}`, undefined, rng.chance(0.2) ? rng.pick(pool).identity : undefined, keys)
    for (const op of from.replica.ops()) j.replica.receive(op)
    const proof = sign(joinProofMessage(j.community, link.op.id, j.member), link.key.secretKey)
    const body = { member: j.identity.publicKey, cert: j.cert(), invite: fromHex(link.op.id), proof }
    // A replay is built on the invite alone: it sorts low and is concurrent with everything after the invite.
    const op = tryAct(j, () => j.make('member.join', body, stale ? { deps: [link.op.id] } : {}))
    if (op) {
      pool.push(j)
      joinedAt.set(j, op.id)
    }
  }
  for (let i = 0; i < 3; i++) invite(founder)
  for (let i = 0; i < 3; i++) join(founder, rng.pick(links), false)
  for (const a of pool) for (const b of pool) if (a !== b) for (const op of b.replica.ops()) a.replica.receive(op)
  for (let step = 0; step < 70; step++) {
    const a = rng.pick(pool)
    if (rng.chance(0.4)) {
      const from = rng.pick(pool)
      if (from !== a) for (const op of from.replica.ops()) if (rng.chance(0.8)) a.replica.receive(op)
    }
    const target = rng.pick(pool)
    const known = links.filter((l) => a.replica.has(l.op.id))
    switch (rng.int(10)) {
      case 0:
        invite(a)
        break
      case 1:
      case 2:
        if (known.length > 0) join(a, rng.pick(known), rng.chance(0.5))
        break
      case 3: {
        // A device linked behind the tip: built on the member's last op only, or on its admission (perhaps
        // before it left or was removed: still a valid link, made while a member, ROSTER-2).
        const d = new Actor(`${a.label}+`, undefined, a.identity, keys)
        for (const op of a.replica.ops()) d.replica.receive(op)
        const admitted = joinedAt.get(a)
        const pick = rng.int(10)
        const deps = pick < 5 && a.last ? [a.last] : pick < 8 && admitted ? [admitted] : undefined
        const link = tryAct(d, () => d.make('device.link', { member: a.identity.publicKey, cert: d.cert() }, deps ? { deps } : {}))
        if (link) {
          pool.push(d)
          joinedAt.set(d, admitted ?? link.id)
        }
        break
      }
      case 4:
        if (known.length > 0) tryAct(a, () => a.make('invite.revoke', { invite: fromHex(rng.pick(known).op.id) }))
        break
      case 5:
        tryAct(a, () => a.make('member.role', { member: target.identity.publicKey, role: rng.pick(['member', 'steward', 'founder'] as const) }))
        break
      case 6:
        if (rng.chance(0.5)) tryAct(a, () => a.make('member.remove', { member: target.identity.publicKey, reason: '' }))
        else if (rng.chance(0.3)) tryAct(a, () => a.make('member.leave', {}))
        break
      case 7:
        // Few client ids, so concurrent bindings compete (CHARTER-B1: the first in canonical order wins).
        tryAct(a, () => a.make('charter.bind', { client: 1 + rng.int(4) }))
        break
      default:
        tryAct(a, () => a.make('profile.set', { name: `n${step}` }))
    }
  }
  const all = new Map<OpId, AnyOp>()
  for (const a of pool) for (const op of a.replica.ops()) all.set(op.id, op)
  return [...all.values()]
}

/** A random order in which every op comes after its deps (so each applies at once and is checked alone). */
function causalShuffle(rng: Rng, ops: readonly AnyOp[]): AnyOp[] {
  const left = [...ops]
  const done = new Set<OpId>()
  const out: AnyOp[] = []
  while (left.length > 0) {
    const ready = left.filter((o) => o.deps.every((d) => done.has(d)))
    const op = rng.pick(ready)
    left.splice(left.indexOf(op), 1)
    done.add(op.id)
    out.push(op)
  }
  return out
}

function checkSeed(rng: Rng): void {
  const ops = history(rng, new TestKeys(rng.seed))
  stats.histories++
  stats.ops += ops.length
  stats.rosterOps += ops.filter((o) => ROSTER.has(o.kind)).length
  let final: ReturnType<Replica['state']> | undefined
  for (let order = 0; order < 2; order++) {
    const r = new Replica({ crypto: nodeCrypto })
    const ref = new Replica({ crypto: nodeCrypto })
    for (const op of causalShuffle(rng, ops)) {
      expect(r.receive(op).status).toBe('applied')
      ref.receive(op)
      stats.checks++
      expect(r.state()).toEqual(ref.refoldedState())
    }
    expect(r.size).toBe(ops.length)
    if (final) expect(r.state()).toEqual(final)
    else final = r.state()
  }
}

/** A join by `who` with `link`, built on exactly `deps` (a replay from a leaked link). */
function joinOn(who: Actor, c: CommunityId, link: Link, deps: OpId[]): AnyOp {
  const proof = sign(joinProofMessage(c, link.op.id, who.member), link.key.secretKey)
  return who.make('member.join', { member: who.identity.publicKey, cert: who.cert(), invite: fromHex(link.op.id), proof }, { deps, community: c, seq: 1 })
}

describe('the roster kept as ops arrive (FOLD-1)', () => {
  it('ROSTER-14 (regression, FOLD-1 seed 13): a member whose join was contested and who joins again, on top of every roster op, has its earlier ops count again', () => {
    const founder = new Actor('f')
    founder.found()
    const first = founder.invite(1)
    const m = new Actor('m')
    m.pull(founder)
    m.join(first)
    m.act('profile.set', { name: 'Mia' })
    founder.pull(m)
    expect(founder.replica.state().members.find((x) => x.id === m.member)?.name).toBe('Mia')
    // A replay of the used link contests Mia's join (ROSTER-13): her profile stops counting (ROSTER-14).
    const replay = joinOn(new Actor('r'), founder.community, first, [first.op.id])
    expect(founder.replica.receive(replay).status).toBe('applied')
    expect(founder.replica.state().members.map((x) => x.id)).toEqual([founder.member])
    // She joins again with a fresh invite, built on everything: her earlier profile counts again.
    const second = founder.invite(1)
    m.pull(founder)
    const again = m.join(second)
    expect(founder.replica.receive(again).status).toBe('applied')
    const s = founder.replica.state()
    expect(s.members.find((x) => x.id === m.member)?.name).toBe('Mia')
    expect(founder.replica.refoldedState()).toEqual(s)
  })

  seeded('FOLD-1, ROSTER-10/13/16: concurrent joins, replays, revocations, stale links and bindings — after every op the state equals a refold', { fixed: range(1, SEEDS), chunk: 20, timeout: 120_000 }, (run) => {
    run.each(checkSeed)
    console.log(`FOLD-1: ${JSON.stringify(stats)}`)
  })
})
