/**
 * Generative test for invites (ROSTER-5, ROSTER-13, ROSTER-16, I1, FOLD-1):
 * random communities where inviters hand out invites with 1..3 uses (some
 * bound to the invitee), honest people join from whatever past they have
 * synced (so honest joins race), replayers who saw a link — used or not —
 * build joins on stale pasts (the invite alone, an old snapshot of someone's
 * heads, or an honest join's own past with the op id ground to sort first)
 * or on someone's current heads,
 * inviters revoke, and people whose join was voided recover with a new invite
 * bound to them. Then every op is delivered to fresh replicas in random
 * orders, with delays and duplicates. Checked for every case:
 *
 * - replicas converge (deep-equal state), incremental equals a full refold,
 *   and authors' own replicas (built while authoring) equal them once synced;
 * - every honest op is accepted everywhere (verdicts do not depend on order);
 * - no invite has more effective joins, or claimed uses, than its uses;
 * - a replayer never displaces anyone: an honest join that takes effect
 *   without the replays either still does, or is listed as contested, with a
 *   join of its invite concurrent with it that only the replays brought (a
 *   replay, or an honest join made after seeing one); a link whose uses
 *   honest joins took gives a replayer nothing (no replay of it counts);
 * - a person who recovered with a bound invite is a member.
 *
 * Seeded (seeds.ts): fixed seeds plus fresh ones each run; a failing seed
 * prints its replay command and becomes a named regression (`regressions`
 * below; the hand-built cases it led to are in adversary-invite.test.ts).
 */
import { describe, expect, it } from 'vitest'
import { Replica, joinProofMessage, sign, toHex, type AnyOp, type CommunityId, type KeyPair, type MemberId, type OpId } from '../src/index'
import { fromHex } from '../src/encoding/bytes'
import type { DagEntry } from '../src/replica/dag'
import { Actor, TestKeys } from './harness'
import { nodeCrypto } from './node-crypto'
import { range, Rng } from './random'
import { seeded } from './seeds'

const FIRST_SEED = 7_000_001
const CASES = 500

interface Link { readonly inv: { op: AnyOp; key: KeyPair }; readonly by: Actor; readonly uses: number; readonly bound: Actor | null }
interface HonestJoin { readonly actor: Actor; readonly link: Link; readonly op: AnyOp }

type Stats = ReturnType<typeof newStats>
const newStats = () => ({
  cases: 0, ops: 0, honestJoins: 0, replays: 0, replaysRejected: 0, ground: 0, contestedInvites: 0,
  contestedHonest: 0, replaysEffective: 0, recoveries: 0, revokedVoids: 0, replayInBesideContest: 0, replaysOnContested: 0,
})

/** Author with the actor's own replica as judge; undo the bookkeeping when it refuses. */
function attempt(a: Actor, build: () => AnyOp): AnyOp | undefined {
  const { seq, last } = a
  try {
    return build()
  } catch {
    a.seq = seq
    a.last = last
    return undefined
  }
}

function joinOp(who: Actor, c: CommunityId, link: Link, deps: OpId[], time: number): AnyOp {
  const proof = sign(joinProofMessage(c, link.inv.op.id, who.member), link.inv.key.secretKey)
  return who.make('member.join', { member: who.identity.publicKey, cert: who.cert(), invite: fromHex(link.inv.op.id), proof }, { deps, community: c, seq: 1, time })
}

function deliver(rng: Rng, ops: AnyOp[]): Replica {
  const r = new Replica({ crypto: nodeCrypto })
  const late: AnyOp[] = []
  for (const op of rng.shuffle([...ops])) {
    if (rng.chance(0.1)) late.push(op)
    else r.receive(rng.chance(0.05) ? op.bytes : op)
    if (rng.chance(0.05)) r.receive(op.bytes)
  }
  for (const op of rng.shuffle(late)) r.receive(op)
  return r
}

function checkCase(rng: Rng, stats: Stats = newStats()): void {
  const keys = new TestKeys(rng.seed)
  const founder = new Actor('founder', undefined, undefined, keys)
  founder.found('Invites', { invite: 'steward' })
  const c = founder.community
  const steward = new Actor('steward', undefined, undefined, keys)
  const first = founder.invite(1)
  steward.pull(founder)
  steward.join(first)
  founder.pull(steward)
  founder.act('member.role', { member: steward.identity.publicKey, role: 'steward' })
  steward.pull(founder)
  const inviters = [founder, steward]
  const actors: Actor[] = [founder, steward]
  const links: Link[] = []
  const honest: HonestJoin[] = []
  const replays = new Map<OpId, { op: AnyOp; link: Link }>()
  const pasts: { deps: OpId[]; invites: Set<OpId> }[] = []
  const recovered: { actor: Actor; link: Link; op: AnyOp }[] = []
  const revoked = new Set<OpId>()
  const steps = 14 + rng.int(18)
  for (let step = 0; step < steps; step++) {
    const x = rng.next()
    if (x < 0.18 || links.length === 0) {
      const by = rng.pick(inviters)
      const bound = rng.chance(0.12) ? new Actor(`bound${step}`, undefined, undefined, keys) : null
      const uses = 1 + rng.int(3)
      const inv = by.invite(uses, Number.MAX_SAFE_INTEGER, bound?.identity.publicKey)
      links.push({ inv, by, uses, bound })
    } else if (x < 0.48) {
      // An honest person joins from the state of someone holding the invite (possibly stale).
      const link = rng.pick(links)
      const sources = actors.filter((a) => a.replica.has(link.inv.op.id))
      const joiner = link.bound ?? new Actor(`j${step}`, undefined, undefined, keys)
      if (link.bound && honest.some((h) => h.actor === joiner)) continue
      joiner.pull(rng.pick(sources))
      const op = attempt(joiner, () => joiner.join(link.inv))
      if (!op) continue
      honest.push({ actor: joiner, link, op })
      actors.push(joiner)
      if (rng.chance(0.5)) attempt(joiner, () => joiner.act('profile.set', { name: `j${step}` }))
    } else if (x < 0.68) {
      const a = rng.pick(actors)
      const b = rng.pick(actors)
      if (a !== b) for (const op of b.replica.ops()) if (rng.chance(0.75)) a.replica.receive(op)
    } else if (x < 0.8) {
      // A replayer who saw a link builds a join on a stale past and gossips it.
      const link = rng.pick(links)
      const m = new Actor(`m${step}`, undefined, undefined, keys)
      const time = 1_700_000_000_000 + step
      let op: AnyOp
      const target = honest.filter((h) => h.link === link)
      const kind = rng.int(4)
      const holders = actors.filter((a) => a.replica.has(link.inv.op.id))
      if (kind === 3) {
        // Not stale at all: on someone's current heads, preferably where the link shows as contested
        // (an attacker trying again after voiding a join). Refused once the link is used up or contested.
        const seen = holders.filter((a) => (a.replica.roster().invites.get(link.inv.op.id)?.contested ?? null) !== null)
        op = joinOp(m, c, link, rng.pick(seen.length > 0 ? seen : holders).replica.heads(), time)
      } else if (kind === 2 && target.length > 0) {
        const h = rng.pick(target)
        let t = 0
        do op = joinOp(m, c, link, h.op.deps as OpId[], time + t++)
        while (op.id > h.op.id && t < 64)
        stats.ground++
      } else {
        const known = pasts.filter((p) => p.invites.has(link.inv.op.id))
        op = joinOp(m, c, link, kind === 1 && known.length > 0 ? rng.pick(known).deps : [link.inv.op.id], time)
      }
      replays.set(op.id, { op, link })
      // Gossip carries it to whoever is listening; each of them judges it at its own causal past.
      let refused = false
      for (const a of actors) {
        if (!rng.chance(0.5)) continue
        const res = a.replica.receive(op)
        if (res.status === 'rejected' && /contested/.test(res.error.message)) refused = true
      }
      if (refused) stats.replaysOnContested++
    } else if (x < 0.87) {
      // Someone whose join was voided in their own view is invited again, bound to their key.
      const out = honest.filter((h) => h.actor.replica.has(h.op.id) && !h.actor.replica.roster().members.has(h.actor.member) && !recovered.some((r) => r.actor === h.actor))
      if (out.length === 0) continue
      const h = rng.pick(out)
      const by = rng.pick(inviters)
      by.pull(h.actor)
      const inv = by.invite(1, Number.MAX_SAFE_INTEGER, h.actor.identity.publicKey)
      const link: Link = { inv, by, uses: 1, bound: h.actor }
      links.push(link)
      h.actor.pull(by)
      const op = attempt(h.actor, () => h.actor.join(inv))
      if (op) recovered.push({ actor: h.actor, link, op })
    } else if (x < 0.92) {
      const link = rng.pick(links)
      if (link.by.replica.has(link.inv.op.id) && !link.bound) {
        const op = attempt(link.by, () => link.by.act('invite.revoke', { invite: fromHex(link.inv.op.id) }))
        if (op) revoked.add(link.inv.op.id)
      }
    } else {
      const a = rng.pick(actors)
      attempt(a, () => a.act('profile.set', { name: `p${step}` }))
    }
    if (rng.chance(0.4)) {
      const a = rng.pick(actors)
      pasts.push({ deps: a.replica.heads(), invites: new Set(links.filter((l) => a.replica.has(l.inv.op.id)).map((l) => l.inv.op.id)) })
    }
  }

  const honestOps = new Map<OpId, AnyOp>()
  for (const a of actors) for (const op of a.replica.ops()) if (!replays.has(op.id)) honestOps.set(op.id, op)
  const all = [...honestOps.values(), ...[...replays.values()].map((r) => r.op)]
  stats.cases++
  stats.ops += all.length
  stats.honestJoins += honest.length
  stats.replays += replays.size

  // Convergence: fresh replicas in random orders agree, equal a refold, and hold every honest op.
  const replicas = range(0, 3).map(() => deliver(rng, all))
  const full = replicas[0] as Replica
  const reference = full.state()
  for (const r of replicas) {
    expect(r.state()).toEqual(reference)
    expect(r.pendingCount()).toBe(0)
    for (const id of honestOps.keys()) expect(r.has(id)).toBe(true)
  }
  expect((replicas[1] as Replica).refoldedState()).toEqual(reference)
  for (const a of [rng.pick(actors), rng.pick(actors)]) {
    for (const op of all) a.replica.receive(op)
    expect(a.replica.state()).toEqual(reference)
  }
  stats.replaysRejected += [...replays.keys()].filter((id) => !full.has(id)).length

  // Without the replays (ops built on them stay pending there).
  const honestOnly = deliver(rng, [...honestOps.values()])
  const admitted = (r: Replica, op: AnyOp, who: MemberId): boolean => r.roster().everAdmitted.get(who)?.admittedBy === op.id
  const memberOf = (op: AnyOp): MemberId => full.view.memberOf(full.entry(op.id) as DagEntry)
  const concurrent = (a: AnyOp, b: AnyOp): boolean => {
    const ea = full.entry(a.id) as DagEntry
    const eb = full.entry(b.id) as DagEntry
    return !full.view.isAncestor(ea, eb) && !full.view.isAncestor(eb, ea)
  }
  const invites = new Map(reference.invites.map((i) => [i.id, i]))
  const fullEntries = full.ops().map((op) => full.entry(op.id) as DagEntry)
  for (const link of links) {
    const id = link.inv.op.id
    const view = invites.get(id)
    if (!view) continue
    const joins = fullEntries.filter((e) => e.op.kind === 'member.join' && toHex(e.op.body.invite) === id)
    const effective = joins.filter((e) => admitted(full, e.op as AnyOp, memberOf(e.op as AnyOp)))
    // Never more effective joins, or claimed uses, than the invite has.
    expect(effective.length).toBeLessThanOrEqual(link.uses)
    expect(view.used).toBeLessThanOrEqual(link.uses)
    if (view.contested.length > 0) stats.contestedInvites++
    const linkReplays = [...replays.values()].filter((r) => r.link === link && full.has(r.op.id)).map((r) => r.op)
    const replayIn = linkReplays.filter((op) => admitted(full, op, memberOf(op)))
    stats.replaysEffective += replayIn.length
    if (bound(link)) expect(linkReplays).toEqual([]) // a bound link's replays are refused outright
    if (revoked.has(id)) {
      // ROSTER-16: a join counts only if every revocation of its invite came after it.
      const revokes = fullEntries.filter((e) => e.op.kind === 'invite.revoke' && toHex(e.op.body.invite) === id)
      for (const e of effective) for (const r of revokes) expect(full.view.isAncestor(e, r)).toBe(true)
      stats.revokedVoids += joins.length - effective.length
      continue
    }
    // No displacement: an honest join that counts without the replays still counts, or it is listed as
    // contested, with a join of its invite concurrent with it that the replay-free replica lacks (a
    // replay, or an honest join made after seeing one). Canonical order never decides.
    const hidden = joins.filter((e) => !honestOnly.has(e.op.id))
    for (const h of honest.filter((j) => j.link === link && honestOnly.has(j.op.id))) {
      if (!admitted(honestOnly, h.op, h.actor.member) || admitted(full, h.op, h.actor.member)) continue
      stats.contestedHonest++
      if (replayIn.length > 0) stats.replayInBesideContest++
      expect(view.contested.map((x) => x.join)).toContain(h.op.id)
      expect(hidden.some((e) => concurrent(e.op as AnyOp, h.op))).toBe(true)
    }
    // A link whose uses honest joins took gives a replayer nothing.
    const honestView = honestOnly.state().invites.find((i) => i.id === id)
    if (honestView && honestView.used === link.uses) expect(replayIn).toEqual([])
  }
  // Recovery: a bound re-invite admits the person it was made for.
  for (const r of recovered) {
    if (!revoked.has(r.link.inv.op.id)) expect(reference.members.map((m) => m.id)).toContain(r.actor.member)
  }
  stats.recoveries += recovered.length
}

const bound = (l: Link): boolean => l.bound !== null

describe('invites, generated (ROSTER-13, ROSTER-16, I1)', () => {
  seeded('ROSTER-13: random invites, racing honest joins, stale and ground replays, revocations, recoveries converge and no replay displaces anyone', {
    fixed: range(FIRST_SEED, CASES), chunk: 50, fresh: 20, timeout: 180_000,
    regressions: [{ seed: 7_000_004, name: 'ROSTER-13 (regression): the case the old rule failed — a join first in canonical order took an invite\'s last use from an honest join' }],
  }, (run) => {
    const stats = newStats()
    run.each((rng) => checkCase(rng, stats))
    console.log(`invite cases: ${run.seeds.length} seeds`, stats)
  })

  it('ROSTER-13: the generated cases exercise contests, replays that count and that do not, revocations and recoveries', { timeout: 900_000 }, () => {
    const stats = newStats()
    const seeds = range(FIRST_SEED, 100)
    for (const seed of seeds) checkCase(new Rng(seed), stats)
    console.log(`invite cases: seeds ${FIRST_SEED}..${FIRST_SEED + seeds.length - 1}`, stats)
    expect(stats.cases).toBe(seeds.length)
    for (const k of ['contestedInvites', 'contestedHonest', 'replaysEffective', 'replaysRejected', 'recoveries', 'revokedVoids', 'ground'] as const) {
      expect(stats[k], k).toBeGreaterThan(5)
    }
  })
})
