/**
 * The adversary suite for invites and joins (ROSTER-3, ROSTER-5, ROSTER-13,
 * ROSTER-16): what a leaked invite link — used or not — lets its holder do.
 * Each test delivers the ops in several orders and checks that every replica
 * reaches the same state, equal to a full refold (I1, FOLD-1).
 */
import { describe, expect, it } from 'vitest'
import { Replica, certifyDevice, joinProofMessage, sign, toHex, type AnyOp, type CommunityId, type CommunityState, type KeyPair, type MemberId, type OpId } from '../src/index'
import { fromHex } from '../src/encoding/bytes'
import { canonicalCompare, type DagEntry } from '../src/replica/dag'
import { Actor, community, memberIds, testKeyPair } from './harness'
import { nodeCrypto } from './node-crypto'
import { Rng } from './random'

type Invite = { op: AnyOp; key: KeyPair }

/** A join by `who` with `invite`, built on exactly `deps` (a stale past, for a replayer). */
function joinOn(who: Actor, c: CommunityId, invite: Invite, deps: OpId[], time?: number): AnyOp {
  const proof = sign(joinProofMessage(c, invite.op.id, who.member), invite.key.secretKey)
  return who.make('member.join', { member: who.identity.publicKey, cert: who.cert(), invite: fromHex(invite.op.id), proof }, { deps, community: c, seq: 1, ...(time === undefined ? {} : { time }) })
}

/**
 * Deliver `base` in order, then `extra` in every order given plus shuffles; every replica must
 * apply every op, agree, and equal its own refold. Returns one replica.
 */
function converge(base: AnyOp[], extra: AnyOp[], seed = 1): Replica {
  const orders = [extra, [...extra].reverse()]
  const rng = new Rng(seed)
  for (let i = 0; i < 4; i++) orders.push(rng.shuffle([...extra]))
  let first: { r: Replica; s: CommunityState } | undefined
  for (const order of orders) {
    const r = new Replica({ crypto: nodeCrypto })
    for (const op of [...base, ...order]) r.receive(op)
    expect(r.size).toBe(base.length + extra.length)
    const s = r.state()
    if (first) expect(s).toEqual(first.s)
    else first = { r, s }
    expect(r.refoldedState()).toEqual(s)
  }
  return (first as { r: Replica }).r
}

/** The actor's own replica refuses what `fn` authors; undo the actor's seq bookkeeping so it can go on. */
function refused(a: Actor, fn: () => unknown, pattern: RegExp): void {
  const { seq, last } = a
  expect(fn).toThrow(pattern)
  a.seq = seq
  a.last = last
}

const entry = (r: Replica, op: AnyOp): DagEntry => r.entry(op.id) as DagEntry
const inviteView = (r: Replica, inv: Invite) => r.state().invites.find((i) => i.id === inv.op.id)!
const contested = (r: Replica, inv: Invite) => inviteView(r, inv).contested.map((c) => [c.join, c.member])

describe('adversary: invite links', () => {
  it('ADV-invite-replay-stale (ROSTER-13): a join replayed from a used link\'s stale past displaces no one: both joins are void and the invite lists them', () => {
    const founder = new Actor('f')
    founder.found()
    const inv = founder.invite(1)
    founder.act('profile.set', { name: 'Founder' })
    const a = new Actor('a')
    a.pull(founder)
    const ja = a.join(inv)
    const pa = a.act('profile.set', { name: 'Ada' })
    founder.pull(a)
    founder.act('profile.set', { name: 'Founder, later' })
    const honest = founder.replica.ops()
    // Mallory later sees the used link. The link names the invite, so a join on it alone is valid at its own past...
    const m = new Actor('m')
    const jm = joinOn(m, founder.community, inv, [inv.op.id])
    expect(founder.replica.receive(jm).status).toBe('applied') // ...and the gossip validator forwards it.
    // It is lower than the real join, so it sorts first in canonical order without any grinding.
    expect(entry(founder.replica, jm).height).toBeLessThan(entry(founder.replica, ja).height)
    const r = converge(honest, [jm])
    expect(memberIds(r)).toEqual([founder.member])
    expect(contested(r, inv)).toEqual([[ja.id, a.member], [jm.id, m.member]].sort((x, y) => (x[0]! < y[0]! ? -1 : 1)))
    expect(inviteView(r, inv).used).toBe(0)
    expect(inviteView(r, inv).contested.find((c) => c.member === a.member)!.did).toMatch(/^did:key:z/)
    // Ada's own ops stop counting (ROSTER-14); the roster at their causal past still had her.
    expect(r.state().members.find((x) => x.id === a.member)).toBeUndefined()
    expect(r.view.rosterBefore(entry(r, pa)).members.has(a.member)).toBe(true)
    // The link is closed for everyone now (ROSTER-5).
    const c = new Actor('c')
    c.pull(founder)
    refused(c, () => c.join(inv), /ROSTER-5.*contested/)
    const again = new Actor('m2')
    const late = joinOn(again, founder.community, inv, founder.replica.heads())
    const res = founder.replica.receive(late)
    expect(res.status === 'rejected' && res.error.message).toMatch(/contested/)
  })

  it('ADV-invite-replay-ground (ROSTER-13): a replayed join on the same past with its op id ground to sort first still displaces no one', () => {
    for (const sortFirst of [true, false]) {
      const founder = new Actor('f')
      founder.found()
      const inv = founder.invite(1)
      const a = new Actor('a')
      a.pull(founder)
      const ja = a.join(inv)
      founder.pull(a)
      const honest = founder.replica.ops()
      const m = new Actor('m')
      // Grind the claimed time until the id sorts where the attacker wants it.
      let jm: AnyOp | undefined
      for (let t = 0; t < 256 && !jm; t++) {
        const op = joinOn(m, founder.community, inv, ja.deps as OpId[], 1_700_000_000_000 + t)
        if ((op.id < ja.id) === sortFirst) jm = op
      }
      expect(jm).toBeDefined()
      const r = converge(honest, [jm as AnyOp])
      expect(entry(r, jm as AnyOp).height).toBe(entry(r, ja).height)
      expect(canonicalCompare(entry(r, jm as AnyOp), entry(r, ja)) < 0).toBe(sortFirst)
      expect(memberIds(r)).toEqual([founder.member])
      expect(contested(r, inv).map(([, mem]) => mem).sort()).toEqual([a.member, m.member].sort())
    }
  })

  it('ADV-invite-replay-flood (ROSTER-13): 300 replayed joins on a used link, in any order, are all void with the real one; the state equals a refold', () => {
    const founder = new Actor('f')
    founder.found()
    const inv = founder.invite(1)
    const a = new Actor('a')
    a.pull(founder)
    const ja = a.join(inv)
    founder.pull(a)
    const floods = Array.from({ length: 300 }, (_, i) => joinOn(new Actor(`m${i}`), founder.community, inv, [inv.op.id]))
    const r = new Replica({ crypto: nodeCrypto })
    for (const op of [...founder.replica.ops(), ...new Rng(3).shuffle([...floods])]) expect(r.receive(op).status).toBe('applied')
    const s = r.state()
    expect(memberIds(r)).toEqual([founder.member])
    expect(inviteView(r, inv).contested).toHaveLength(301)
    expect(inviteView(r, inv).contested.map((c) => c.join)).toContain(ja.id)
    expect(r.refoldedState()).toEqual(s)
  })

  it('ADV-invite-race (ROSTER-13): two people racing for a single-use invite are both void, the same everywhere; a later join is refused', () => {
    const founder = new Actor('f')
    founder.found()
    const inv = founder.invite(1)
    const a = new Actor('a')
    const b = new Actor('b')
    a.pull(founder)
    b.pull(founder)
    const r = converge(founder.replica.ops(), [a.join(inv), b.join(inv)])
    expect(memberIds(r)).toEqual([founder.member])
    expect(contested(r, inv)).toHaveLength(2)
    const c = new Actor('c')
    c.pull(r)
    refused(c, () => c.join(inv), /contested/)
    // Sequential reuse is refused outright.
    const d = new Actor('d')
    d.pull(a)
    refused(d, () => d.join(inv), /no uses left/)
  })

  it('ROSTER-5: recovery — the device whose join was voided joins again with a new invite bound to its member; the replayer cannot use it', () => {
    const founder = new Actor('f')
    founder.found()
    const inv = founder.invite(1)
    const a = new Actor('a')
    a.pull(founder)
    a.join(inv)
    a.act('profile.set', { name: 'Ada' })
    founder.pull(a)
    const m = new Actor('m')
    const jm = joinOn(m, founder.community, inv, [inv.op.id])
    founder.replica.receive(jm)
    // The inviter sees the contest, with each contender's key, and invites the right one again, bound to her key.
    const view = inviteView(founder.replica, inv)
    const ada = view.contested.find((c) => c.member === a.member)!
    const bound = founder.invite(1, Number.MAX_SAFE_INTEGER, fromHex(ada.member))
    expect(inviteView(founder.replica, bound).member).toBe(a.member)
    // Mallory cannot use the new link: it is for Ada.
    const m2 = new Actor('m2', undefined, m.identity)
    m2.pull(founder)
    refused(m2, () => m2.join(bound), /ROSTER-5.*for another member/)
    // Ada's device learns it is out (its ops are refused now), then joins again: its next op, not its first.
    a.pull(founder)
    refused(a, () => a.act('profile.set', { name: 'Still here?' }), /AUTH-1/)
    const rejoin = a.join(bound)
    expect(rejoin.seq).toBe(3)
    const r = converge(founder.replica.ops(), [rejoin])
    expect(memberIds(r)).toEqual([founder.member, a.member].sort())
    expect(r.state().members.find((x) => x.id === a.member)!.devices).toEqual([a.deviceKey])
    expect(inviteView(r, bound).used).toBe(1)
    a.act('profile.set', { name: 'Ada, back' })
    founder.pull(a)
    expect(founder.replica.state().members.find((x) => x.id === a.member)!.name).toBe('Ada, back')
  })

  it('ROSTER-5: a device acting for an active member cannot join; a removed member\'s device joins again only with a fresh valid invite', () => {
    const founder = new Actor('f')
    founder.found()
    const first = founder.invite(1)
    const x = new Actor('x')
    x.pull(founder)
    x.join(first)
    founder.pull(x)
    const fresh = founder.invite(1)
    x.pull(founder)
    refused(x, () => x.join(fresh), /ROSTER-5.*active member/)
    // Not as someone else either: the device still acts for x.
    const other = testKeyPair()
    const asOther = x.make('member.join', {
      member: other.publicKey, cert: certifyDevice(other, x.device.publicKey), invite: fromHex(fresh.op.id),
      proof: sign(joinProofMessage(x.community, fresh.op.id, toHex(other.publicKey) as MemberId), fresh.key.secretKey),
    }, { deps: [...new Set([...x.replica.heads(), x.last as OpId])], seq: x.seq + 1 })
    const res = founder.replica.receive(asOther)
    expect(res.status === 'rejected' && res.error.message).toMatch(/ROSTER-5.*active member/)
    // Removed: the used invite does not let the device back in; a fresh one does.
    founder.act('member.remove', { member: x.identity.publicKey, reason: '' })
    const again = founder.invite(1)
    x.pull(founder)
    refused(x, () => x.join(first), /ROSTER-5.*no uses left/)
    const rejoin = x.join(again)
    expect(rejoin.seq).toBe(2)
    const r = converge(founder.replica.ops(), [rejoin])
    expect(memberIds(r)).toEqual([founder.member, x.member].sort())
    expect(r.state().former).toEqual([])
    expect(r.state().members.find((m) => m.id === x.member)!.devices).toEqual([x.deviceKey])
  })

  it('ROSTER-3: an invite bound to a member admits only that member; a leaked bound link gives nothing', () => {
    const founder = new Actor('f')
    founder.found()
    const a = new Actor('a')
    const inv = founder.invite(1, Number.MAX_SAFE_INTEGER, a.identity.publicKey)
    const m = new Actor('m')
    m.pull(founder)
    refused(m, () => m.join(inv), /for another member/)
    // Naming Ada does not help Mallory: the device certificate must be signed by Ada's key.
    const forged = m.make('member.join', {
      member: a.identity.publicKey, cert: certifyDevice(m.identity, m.device.publicKey), invite: fromHex(inv.op.id),
      proof: sign(joinProofMessage(founder.community, inv.op.id, a.member), inv.key.secretKey),
    }, { seq: 1 })
    const res = founder.replica.receive(forged)
    expect(res.status === 'rejected' && res.error.message).toMatch(/ROSTER-5.*certificate/)
    a.pull(founder)
    const ja = a.join(inv)
    const r = converge(founder.replica.ops(), [ja])
    expect(memberIds(r)).toEqual([founder.member, a.member].sort())
  })

  it('ROSTER-16: a revoked invite admits no join concurrent with the revocation, however low it sorts', () => {
    const founder = new Actor('f')
    founder.found()
    const inv = founder.invite(2)
    // An honest join made before its author saw the revocation...
    const a = new Actor('a')
    a.pull(founder)
    const ja = a.join(inv)
    founder.act('profile.set', { name: 'Founder' })
    const rv = founder.act('invite.revoke', { invite: fromHex(inv.op.id) })
    // ...and a leaked link's holder joining on the invite alone, after the revocation was made.
    const m = new Actor('m')
    const jm = joinOn(m, founder.community, inv, [inv.op.id])
    const r = converge(founder.replica.ops(), [ja, jm])
    expect(entry(r, jm).height).toBeLessThan(entry(r, rv).height)
    expect(memberIds(r)).toEqual([founder.member])
    expect(inviteView(r, inv).revoked).toBe(true)
    // A join that saw the revocation is refused outright.
    const c = new Actor('c')
    c.pull(founder)
    refused(c, () => c.join(inv), /revoked/)
  })

  it('ADV-invite-expired (ROSTER-5): a join after the invite expired changes nothing, even if the joiner back-dates it', () => {
    const founder = new Actor('f')
    founder.found()
    const inv = founder.invite(5, founder.time + 10_000)
    founder.time += 60_000
    founder.act('profile.set', { name: 'Founder' })
    const late = new Actor('late')
    late.pull(founder)
    late.time = founder.time + 1000
    refused(late, () => late.join(inv), /expired/)
    // Back-dated join: its own time is fine, but the founder's later op in its past witnesses the expiry.
    const backdated = new Actor('backdated')
    backdated.pull(founder)
    backdated.time = 0
    refused(backdated, () => backdated.join(inv), /expired/)
  })
})

describe('invite expiry cannot be poisoned (ROSTER-5)', () => {
  it('ADV-invite-time-poison (ROSTER-5): one member claiming the largest time there is does not expire anyone else\'s invites; the creator\'s own later times still do', () => {
    const { founder, members: [mallory] } = community(1) as unknown as { founder: Actor; members: [Actor] }
    const inv = founder.invite(3, founder.time + 3_600_000)
    mallory.pull(founder)
    mallory.act('profile.set', { name: 'Mallory' }, { time: Number.MAX_SAFE_INTEGER })
    founder.pull(mallory)
    // An honest joiner whose past holds Mallory's far-future op still gets in.
    const ok = new Actor('ok')
    ok.pull(founder)
    ok.join(inv)
    expect(ok.replica.roster().members.has(ok.member)).toBe(true)
    // Two members claiming a later time, or the creator alone, still witness the expiry.
    founder.act('profile.set', { name: 'Founder' }, { time: founder.time + 7_200_000 })
    const late = new Actor('late')
    late.pull(founder)
    late.time = 0
    refused(late, () => late.join(inv), /expired/)
  })
})

describe('multi-use invites (ROSTER-13)', () => {
  /** The founder, an invite with `uses`, and `n` joiners who each pulled the founder's state. */
  function setup(uses: number, n: number): { founder: Actor; inv: Invite; joiners: Actor[] } {
    const founder = new Actor('f')
    founder.found()
    const inv = founder.invite(uses)
    const joiners = Array.from({ length: n }, (_, i) => new Actor(`j${i}`))
    return { founder, inv, joiners }
  }

  it('ROSTER-13: concurrent joins within the uses all take effect', () => {
    const { founder, inv, joiners: [a, b] } = setup(2, 2) as { founder: Actor; inv: Invite; joiners: [Actor, Actor] }
    a.pull(founder)
    b.pull(founder)
    const r = converge(founder.replica.ops(), [a.join(inv), b.join(inv)])
    expect(memberIds(r)).toEqual([founder.member, a.member, b.member].sort())
    expect(inviteView(r, inv)).toMatchObject({ used: 2, contested: [] })
  })

  it('ROSTER-13: more concurrent joins than uses are all void', () => {
    const { founder, inv, joiners } = setup(2, 3)
    for (const j of joiners) j.pull(founder)
    const r = converge(founder.replica.ops(), joiners.map((j) => j.join(inv)))
    expect(memberIds(r)).toEqual([founder.member])
    expect(inviteView(r, inv)).toMatchObject({ used: 0 })
    expect(contested(r, inv)).toHaveLength(3)
  })

  it('ROSTER-13: a join that saw one use, then two concurrent joins: all fit three uses; with two uses only the first stands', () => {
    for (const uses of [3, 2]) {
      const { founder, inv, joiners: [a, b, c] } = setup(uses, 3) as { founder: Actor; inv: Invite; joiners: [Actor, Actor, Actor] }
      a.pull(founder)
      a.join(inv)
      b.pull(a)
      c.pull(a)
      const r = converge(a.replica.ops(), [b.join(inv), c.join(inv)])
      if (uses === 3) expect(memberIds(r)).toEqual([founder.member, a.member, b.member, c.member].sort())
      else {
        expect(memberIds(r)).toEqual([founder.member, a.member].sort())
        expect(contested(r, inv).map(([, m]) => m).sort()).toEqual([b.member, c.member].sort())
      }
    }
  })

  it('ADV-invite-replay-multi (ROSTER-13): a used-up three-use link replayed from its stale past voids only the joins it overlaps beyond the uses, never more than it takes', () => {
    const { founder, inv, joiners: [a, b, c] } = setup(3, 3) as { founder: Actor; inv: Invite; joiners: [Actor, Actor, Actor] }
    a.pull(founder)
    a.join(inv)
    b.pull(a)
    b.join(inv)
    c.pull(b)
    const jc = c.join(inv)
    const m = new Actor('m')
    const jm = joinOn(m, founder.community, inv, [inv.op.id])
    const r = converge(c.replica.ops(), [jm])
    // a saw no join (3 uses left, 1 concurrent), b saw one (2 left, 1 concurrent): both stand.
    // c saw two (1 left, 1 concurrent) and the replay saw none (3 left, 3 concurrent): both void.
    expect(memberIds(r)).toEqual([founder.member, a.member, b.member].sort())
    expect(contested(r, inv).map(([j]) => j).sort()).toEqual([jc.id, jm.id].sort())
    expect(inviteView(r, inv).used).toBe(2)
  })
})
