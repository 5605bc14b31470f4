/**
 * Fuzzing draft edits through the real replica (CHARTER-Y*, CHARTER-F*, I1):
 * thousands of honest, byte-mutated, field-mutated and hand-built Yjs updates
 * signed by three members on diverging replicas. Every update a replica
 * accepts must fold without throwing or leaving structs pending, must apply
 * to raw Yjs without throwing, and the accepted ops delivered to fresh
 * replicas in seeded random orders must give the same state as each other
 * and as a full refold. Some edits are equivocated (CHARTER-F3) and once per
 * run a member is removed concurrently with their edits (ROSTER-10, F2). Seeded (seeds.ts): the fast-check seed
 * also derives every actor's keys, so a seed replays exactly; a seed that fails becomes a named regression
 * (seed 13062025 gave ADV-yjs-fuzz-13062025-1 in charter-fold.test.ts).
 */
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import * as Y from 'yjs'
import { Replica, type AnyOp, type OpId } from '../src/index'
import { Actor, community, syncAll, TestKeys } from './harness'
import { nodeCrypto } from './node-crypto'
import { Rng } from './random'
import { seeded } from './seeds'
import { candidate, picker, type CandidateKind, type Pick } from './yjs-fuzz-gen'

const RUNS = 12
const CANDIDATES_PER_RUN = 480
const CLIENTS = [1001, 2002, 3003]

interface Stats { tried: number; accepted: number; byKind: Record<CandidateKind, [number, number]>; rules: Map<string, number>; equivocations: [number, number]; removals: number }

/** Sign `update` as `a` (or, equivocating, again under its last seq); keep it if the replica applies it, else undo the actor's seq. */
function offer(a: Actor, update: Uint8Array, equivocate = false): { op: AnyOp; applied: boolean; rule?: string } {
  const last = a.last
  const prev = equivocate && last ? a.replica.entry(last) : undefined
  const op = prev
    ? a.make('charter.edit', { update }, { seq: prev.op.seq, deps: [...prev.op.deps] })
    : a.make('charter.edit', { update })
  if (prev) {
    const r = a.replica.receive(op)
    return r.status === 'applied' ? { op, applied: true } : { op, applied: false, rule: 'equivocation refused' }
  }
  const r = a.replica.receive(op)
  if (r.status === 'applied') return { op, applied: true }
  a.seq -= 1
  a.last = last
  const rule = r.status === 'rejected' ? (/^(\S+?):/.exec(r.error.message)?.[1] ?? r.error.message.slice(0, 40)) : r.status
  return { op, applied: false, rule }
}

/** Raw Yjs on a copy of the author's draft (its causal past): an accepted update must not throw or stay pending. */
function appliesRaw(draftBefore: Uint8Array, update: Uint8Array): void {
  const doc = new Y.Doc({ gc: false })
  Y.applyUpdate(doc, draftBefore)
  Y.applyUpdate(doc, update)
  expect(doc.store.pendingStructs).toBeNull()
  expect(doc.store.pendingDs).toBeNull()
  doc.getText('draft').toString()
}

function converge(actors: Actor[], seed: number): void {
  const ops = new Map<OpId, AnyOp>()
  for (const a of actors) for (const op of a.replica.ops()) ops.set(op.id, op)
  const rng = new Rng(seed)
  let first: Replica | undefined
  for (let i = 0; i < 3; i++) {
    const r = new Replica({ crypto: nodeCrypto })
    const order = rng.shuffle([...ops.values()])
    order.sort((x, y) => Number(y.kind === 'genesis') - Number(x.kind === 'genesis'))
    for (const op of order) r.receive(op)
    expect(r.size).toBe(ops.size)
    expect(r.foldErrors()).toEqual([])
    expect(r.contentFold().draft.store.pendingStructs).toBeNull()
    if (first) expect(r.state()).toEqual(first.state())
    else first = r
  }
  expect((first as Replica).refoldedState()).toEqual((first as Replica).state())
  syncAll(actors)
  for (const a of actors) expect(a.replica.state()).toEqual((first as Replica).state())
}

function session(g: Pick, stats: Stats, keys: TestKeys): void {
  const c = community(2, {}, undefined, keys)
  c.all.forEach((a, i) => a.act('charter.bind', { client: CLIENTS[i] as number }))
  syncAll(c.all)
  // Once per run the founder removes the last member, concurrently with whatever of theirs it has not seen (ROSTER-10).
  const removeAt = g.int(0, CANDIDATES_PER_RUN * 2)
  const [founder, , removed] = c.all as [Actor, Actor, Actor]
  for (let i = 0; i < CANDIDATES_PER_RUN; i++) {
    if (i === removeAt) {
      founder.act('member.remove', { member: removed.identity.publicKey, reason: '' })
      stats.removals++
    }
    let k = g.int(0, 2)
    // A member who has learnt of their removal can no longer edit: someone else writes.
    if (!c.all[k]!.replica.roster().members.has(c.all[k]!.member)) k = 0
    const a = c.all[k] as Actor
    const draft = a.replica.contentFold().draft
    // Now and then the device signs the edit again under its last seq (equivocation: CHARTER-F3).
    if (g.int(0, 59) === 0) {
      const { update } = candidate(g, { draft, client: CLIENTS[k] as number, clients: CLIENTS })
      if (update.length === 0 || update.length > 64 * 1024) continue
      const r = offer(a, update, true)
      stats.equivocations[0]++
      if (r.applied) stats.equivocations[1]++
      expect(a.replica.foldErrors()).toEqual([])
      continue
    }
    const before = Y.encodeStateAsUpdate(draft)
    const { kind, update } = candidate(g, { draft, client: CLIENTS[k] as number, clients: CLIENTS })
    if (update.length === 0 || update.length > 64 * 1024) continue
    stats.tried++
    stats.byKind[kind][0]++
    const r = offer(a, update)
    if (r.applied) {
      stats.accepted++
      stats.byKind[kind][1]++
      expect(a.replica.foldErrors()).toEqual([])
      expect(draft.store.pendingStructs).toBeNull()
      appliesRaw(before, update)
    } else stats.rules.set(r.rule as string, (stats.rules.get(r.rule as string) ?? 0) + 1)
    // Members drift apart and meet again: concurrency for the next candidates.
    const sync = g.int(0, 19)
    if (sync === 0) syncAll(c.all)
    else if (sync < 4) (c.all[sync - 1] as Actor).pull(c.all[(sync) % 3] as Actor)
  }
  converge(c.all, g.int(0, 2 ** 31))
}

describe('fuzzing draft edits (seeded)', () => {
  seeded(`CHARTER-Y1..8, CHARTER-F2..4 (I1): ${RUNS * CANDIDATES_PER_RUN} generated and mutated updates through the replica; accepted ones fold, apply to raw Yjs and converge`, { fixed: [13_062_025], timeout: 300_000 }, (run) => run.each(({ seed }) => {
    console.log(`charter fuzz: fast-check seed ${seed}, ${RUNS} runs × ${CANDIDATES_PER_RUN} candidates`)
    const stats: Stats = { tried: 0, accepted: 0, byKind: { honest: [0, 0], bytes: [0, 0], fields: [0, 0], craft: [0, 0] }, rules: new Map(), equivocations: [0, 0], removals: 0 }
    let runs = 0
    fc.assert(fc.property(fc.gen(), (g) => session(picker(g), stats, new TestKeys(seed, `run ${++runs}`))), { seed, numRuns: RUNS, endOnFailure: true })
    console.log(`charter fuzz: ${stats.tried} updates tried, ${stats.accepted} accepted; by kind [tried, accepted]: ${JSON.stringify(stats.byKind)}`)
    console.log(`charter fuzz: refusals by rule: ${JSON.stringify(Object.fromEntries([...stats.rules].sort()))}`)
    console.log(`charter fuzz: ${stats.equivocations[0]} equivocated edits (${stats.equivocations[1]} applied), ${stats.removals} concurrent removals`)
    expect(stats.tried).toBeGreaterThanOrEqual(5000)
    expect(stats.equivocations[1]).toBeGreaterThan(0)
    expect(stats.removals).toBeGreaterThan(0)
    // Each kind of candidate is exercised on both sides of the line.
    expect(stats.byKind.honest[1]).toBe(stats.byKind.honest[0])
    for (const k of ['bytes', 'fields', 'craft'] as const) {
      expect(stats.byKind[k][1]).toBeGreaterThan(0)
      expect(stats.byKind[k][1]).toBeLessThan(stats.byKind[k][0])
    }
  }))
})
