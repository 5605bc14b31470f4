/**
 * Governance in the fold: proposals, eligibility, votes and their changes,
 * closes and what passed outcomes change (PROP-*, VOTE-*, CLOSE-*, CHARTER-V*).
 */
import { describe, expect, it } from 'vitest'
import { Replica, type AnyOp, type Ballot, type Method, type ProposalAction } from '../src/index'
import { fromHex } from '../src/encoding/bytes'
import { Actor, close, community, flatRules, propose, syncAll, vote, yesno } from './harness'
import { nodeCrypto } from './node-crypto'

const yes: Ballot = { type: 'yesno', choice: 'yes' }
const no: Ballot = { type: 'yesno', choice: 'no' }
const abstain: Ballot = { type: 'yesno', choice: 'abstain' }

function everyOrder(ops: AnyOp[], base: Replica): Replica[] {
  const orders = [ops, [...ops].reverse(), [...ops.slice(1), ops[0]!]]
  return orders.map((order) => {
    const r = new Replica({ crypto: nodeCrypto })
    for (const op of base.ops()) r.receive(op)
    for (const op of order) r.receive(op)
    return r
  })
}

describe('governance fold', () => {
  it('CLOSE-5: an amendment passes with a majority and ratifies a new charter version everywhere', () => {
    const { founder, members, all } = community(4)
    const p = propose(founder, { type: 'amend', charter: '# Charter v1\n', base: 0 })
    syncAll(all)
    for (const m of [founder, members[0]!, members[1]!]) vote(m, p, yes)
    vote(members[2]!, p, no)
    syncAll(all)
    close(members[3]!, p)
    syncAll(all)
    for (const a of all) {
      const s = a.replica.state()
      expect(s.charter.versions.map((v) => v.text)).toEqual(['# Charter\n\nWe govern together.\n', '# Charter v1\n'])
      expect(s.proposals[0]?.status).toBe('closed')
      expect(s.proposals[0]?.outcome?.passed).toBe(true)
    }
    expect(new Set(all.map((a) => JSON.stringify(a.replica.state()))).size).toBe(1)
  })

  it('VOTE-6: on a yes/no proposal a member\'s strongest vote counts (yes > abstain > no); a later, lower vote does not undo a yes', () => {
    const { founder, members, all } = community(2)
    const p = propose(founder, { type: 'resolution' })
    syncAll(all)
    vote(members[0]!, p, no)
    vote(members[0]!, p, abstain)
    vote(members[0]!, p, yes)
    vote(members[0]!, p, no) // valid, but a closer that omitted it would count the yes: so it never counts over the yes
    vote(members[1]!, p, abstain)
    vote(members[1]!, p, no)
    vote(founder, p, yes)
    syncAll(all)
    close(founder, p)
    const s = founder.replica.state()
    expect(s.proposals[0]?.votes.find((v) => v.member === members[0]!.member)?.ballot).toEqual(yes)
    expect(s.proposals[0]?.votes.find((v) => v.member === members[1]!.member)?.ballot).toEqual(abstain)
    // 2 yes of 3 eligible, 1 abstaining: 2 > 1/2 × 2.
    expect(s.proposals[0]?.outcome).toMatchObject({ passed: true, detail: { yes: 2, no: 0, abstain: 1 } })
  })

  it('VOTE-5: approval and ranked-choice votes can be changed freely; the latest in causal order counts', () => {
    const { founder, members, all } = community(2, flatRules([0, 1], [1, 2]))
    const p = propose(founder, { type: 'resolution' }, { type: 'approval', options: ['a', 'b'], quorum: [0, 1] })
    syncAll(all)
    vote(members[0]!, p, { type: 'approval', approve: [0] })
    vote(members[0]!, p, { type: 'approval', approve: [1] })
    syncAll(all)
    close(founder, p)
    expect(founder.replica.state().proposals[0]?.outcome?.detail).toMatchObject({ approvals: [0, 1], winners: [1] })
  })

  it('VOTE-5/VOTE-6: concurrent yes/no votes by two devices of one member: the stronger counts, in every order', () => {
    const { founder, members, all } = community(2)
    const p = propose(founder, { type: 'resolution' })
    syncAll(all)
    const second = new Actor('m0-laptop', undefined, members[0]!.identity)
    second.pull(founder)
    second.act('device.link', { member: members[0]!.identity.publicKey, cert: second.cert() })
    founder.pull(second)
    members[0]!.pull(second)
    const v1 = vote(members[0]!, p, yes)
    const v2 = vote(second, p, no)
    const states = everyOrder([v1, v2], founder.replica).map((r) => r.state())
    for (const s of states) expect(s).toEqual(states[0])
    expect(states[0]?.proposals[0]?.votes.find((v) => v.member === members[0]!.member)?.ballot).toEqual(yes)
    void all
  })

  it('ADV-late-member (VOTE-2): a member admitted after the proposal may not vote on it', () => {
    const { founder } = community(1)
    const p = propose(founder, { type: 'resolution' })
    const inv = founder.invite()
    const late = new Actor('late')
    late.pull(founder)
    late.join(inv)
    expect(() => vote(late, p, yes)).toThrow(/VOTE-2/)
  })

  it('ADV-double-vote (VOTE-5): many votes by one member count once', () => {
    const { founder, members, all } = community(3)
    const p = propose(founder, { type: 'resolution' }, { type: 'yesno', quorum: [1, 1], threshold: [1, 2] })
    syncAll(all)
    for (let i = 0; i < 5; i++) vote(members[0]!, p, yes)
    syncAll(all)
    close(founder, p)
    const s = founder.replica.state()
    expect(s.proposals[0]?.votes).toHaveLength(1)
    expect(s.proposals[0]?.outcome?.passed).toBe(false) // quorum 100% of 4 not met by one ballot
  })

  it('ADV-close-before-deadline (CLOSE-3): a close before the deadline changes nothing', () => {
    const { founder } = community(1)
    const p = propose(founder, { type: 'resolution' }, yesno, Number.MAX_SAFE_INTEGER)
    const before = founder.replica.state()
    const op = founder.make('proposal.close', { proposal: fromHex(p.id) })
    const r = founder.replica.receive(op)
    expect(r.status).toBe('rejected')
    expect(founder.replica.state()).toEqual(before)
  })

  it('ADV-vote-after-close (VOTE-4): a vote with the close in its past changes nothing', () => {
    const { founder, members, all } = community(1)
    const p = propose(founder, { type: 'resolution' })
    syncAll(all)
    close(founder, p)
    syncAll(all)
    expect(() => vote(members[0]!, p, yes)).toThrow(/VOTE-4/)
  })

  it('ADV-vote-vs-close: a vote concurrent with the close is not in its tally, on every replica', () => {
    // Threshold 1/4 of 3: one yes would pass if it were counted.
    const { founder, members, all } = community(2, flatRules([0, 1], [1, 4]))
    const p = propose(founder, { type: 'resolution' })
    syncAll(all)
    const v = vote(members[0]!, p, yes)
    const c = close(founder, p)
    const replicas = everyOrder([v, c], founder.replica)
    const states = replicas.map((r) => r.state())
    for (const s of states) expect(s).toEqual(states[0])
    expect(states[0]?.proposals[0]?.outcome?.passed).toBe(false)
  })

  it('ADV-vote-vs-removal (ROSTER-10): a vote concurrent with the voter\'s removal does not count once the close sees both', () => {
    const { founder, members, all } = community(2, flatRules([0, 1], [1, 4]))
    const x = members[0]!
    const p = propose(founder, { type: 'resolution' })
    syncAll(all)
    const v = vote(x, p, yes)
    const r = founder.act('member.remove', { member: x.identity.publicKey, reason: '' })
    founder.replica.receive(v)
    const c = close(founder, p)
    const states = everyOrder([v, r, c], new Replica()).map((rep) => {
      for (const op of founder.replica.ops()) rep.receive(op)
      return rep.state()
    })
    for (const s of states) expect(s).toEqual(states[0])
    expect(states[0]?.proposals[0]?.outcome?.passed).toBe(false)
    void all
  })

  it('CLOSE-6: concurrent closes resolve to the first in canonical order, identically everywhere', () => {
    const { founder, members, all } = community(2)
    const p = propose(founder, { type: 'resolution' })
    syncAll(all)
    vote(members[0]!, p, yes)
    vote(founder, p, yes)
    syncAll(all)
    const c1 = close(founder, p)
    const c2 = close(members[1]!, p)
    const states = everyOrder([c1, c2], new Replica()).map((rep) => {
      for (const op of founder.replica.ops()) rep.receive(op)
      return rep.state()
    })
    for (const s of states) expect(s).toEqual(states[0])
    const r = new Replica({ crypto: nodeCrypto })
    for (const op of founder.replica.ops()) r.receive(op)
    r.receive(c2)
    const [e1, e2] = [r.entry(c1.id)!, r.entry(c2.id)!]
    const first = e1.height < e2.height || (e1.height === e2.height && c1.id < c2.id) ? c1.id : c2.id
    expect(states[0]?.proposals[0]?.settledBy).toBe(first)
    expect(states[0]?.proposals[0]?.status).toBe('closed')
  })

  it('WITHDRAW-1: a withdrawn proposal never passes', () => {
    const { founder, members, all } = community(2)
    const p = propose(founder, { type: 'remove', member: members[0]!.identity.publicKey })
    syncAll(all)
    for (const a of all) vote(a, p, yes)
    syncAll(all)
    founder.act('proposal.withdraw', { proposal: fromHex(p.id) })
    syncAll(all)
    expect(() => close(members[1]!, p)).toThrow(/CLOSE-4/)
    const s = members[1]!.replica.state()
    expect(s.proposals[0]?.status).toBe('withdrawn')
    expect(s.members.map((m) => m.id)).toContain(members[0]!.member)
  })

  it('PROP-6: passed admit, remove and role proposals take effect in the fold', () => {
    const { founder, members, all } = community(2)
    const newcomer = new Actor('newcomer')
    const admit = propose(founder, { type: 'admit', member: newcomer.identity.publicKey })
    const role = propose(founder, { type: 'role', member: members[0]!.identity.publicKey, role: 'steward' })
    const remove = propose(founder, { type: 'remove', member: members[1]!.identity.publicKey })
    syncAll(all)
    for (const a of all) for (const p of [admit, role, remove]) vote(a, p, yes)
    syncAll(all)
    for (const p of [admit, role, remove]) close(founder, p)
    const s = founder.replica.state()
    expect(s.members.map((m) => [m.id, m.role])).toEqual([
      [founder.member, 'founder'], [members[0]!.member, 'steward'], [newcomer.member, 'member'],
    ])
    // The admitted member links a device and acts.
    newcomer.pull(founder)
    newcomer.act('device.link', { member: newcomer.identity.publicKey, cert: newcomer.cert() })
    newcomer.act('profile.set', { name: 'New' })
    founder.pull(newcomer)
    expect(founder.replica.state().members.find((m) => m.id === newcomer.member)?.name).toBe('New')
  })

  it('PROP-3/CHARTER-V2: a stale amendment (based on an old version) does not ratify', () => {
    const { founder, members, all } = community(2)
    const a1 = propose(founder, { type: 'amend', charter: 'A\n', base: 0 })
    const a2 = propose(members[0]!, { type: 'amend', charter: 'B\n', base: 0 })
    syncAll(all)
    for (const a of all) {
      vote(a, a1, yes)
      vote(a, a2, yes)
    }
    syncAll(all)
    close(founder, a1)
    close(founder, a2)
    const s = founder.replica.state()
    expect(s.charter.versions.map((v) => v.text).slice(1)).toEqual(['A\n'])
    expect(() => propose(founder, { type: 'amend', charter: 'C\n', base: 0 })).toThrow(/PROP-3/)
  })
})
