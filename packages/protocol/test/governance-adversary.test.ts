/**
 * The community's rules bind every proposal (issue 13 §1): one regression per
 * reported attack (ADV-…), and the rules that close the class (GOV-1..6,
 * TALLY-YN, VOTE-6 in docs/PROTOCOL.md).
 */
import { describe, expect, it } from 'vitest'
import { checkBody, DEFAULT_RULES, type AnyOp, type Ballot, type Method, type ProposalAction } from '../src/index'
import { fromHex } from '../src/encoding/bytes'
import { Actor, close, community, flatRules, proposalTime, propose, refusal, syncAll, testKeyPair, vote } from './harness'

const yes: Ballot = { type: 'yesno', choice: 'yes' }
const no: Ballot = { type: 'yesno', choice: 'no' }
const zero: Method = { type: 'yesno', quorum: [0, 1], threshold: [0, 1] }
const CHARTER = '# Commons\n\n<!-- entrenched -->\nArt. 1. Speech is free.\n<!-- /entrenched -->\nArt. 2. Dues are voluntary.\n'

/** What the reported attacker did: ask for quorum 0, threshold 0, deadline 0. Returns the refusal. */
function zeroProposal(a: Actor, action: ProposalAction, method: Method = zero, deadline = 0): string {
  const time = proposalTime(a)
  return refusal(a, () => a.make('proposal.create', { title: 'Mine', text: '', action, method, deadline }, { time }))
}

/** The attacker at the floor: proposes, votes yes alone, closes. The outcome. */
function alone(a: Actor, action: ProposalAction, method?: Method): { passed: boolean; p: AnyOp } {
  const p = propose(a, action, method)
  vote(a, p, yes)
  close(a, p)
  return { passed: a.replica.state().proposals.find((x) => x.id === p.id)!.outcome!.passed, p }
}

describe('governance adversary (issue 13 §1)', () => {
  it('ADV-make-me-founder (GOV-2, GOV-3): quorum 0, threshold 0, deadline 0 is rejected; at the floor a lone yes of 4 does not pass', () => {
    const { members } = community(3)
    const m = members[0]!
    const action: ProposalAction = { type: 'role', member: m.identity.publicKey, role: 'founder' }
    expect(zeroProposal(m, action)).toMatch(/^GOV-2: the quorum 0\/1 is below the 1\/2 the rules require for roster decisions/)
    expect(zeroProposal(m, action, { type: 'yesno', quorum: [1, 2], threshold: [0, 1] })).toMatch(/^GOV-2: the threshold 0\/1 is below the 1\/2/)
    expect(zeroProposal(m, action, { type: 'yesno', quorum: [1, 2], threshold: [1, 2] })).toMatch(/^GOV-3: the deadline must be at least 168 hours/)
    expect(alone(m, action).passed).toBe(false)
    expect(m.replica.state().members.find((x) => x.id === m.member)?.role).toBe('member')
  })

  it('ADV-remove-founders (GOV-2): removing another founder on one\'s own terms is rejected; at the floor a lone yes fails', () => {
    const { founder, members, all } = community(3)
    founder.act('member.role', { member: members[1]!.identity.publicKey, role: 'founder' })
    syncAll(all)
    const m = members[0]!
    for (const target of [founder, members[1]!]) {
      const action: ProposalAction = { type: 'remove', member: target.identity.publicKey }
      expect(zeroProposal(m, action)).toMatch(/^GOV-2/)
      expect(alone(m, action).passed).toBe(false)
    }
    expect(m.replica.state().members.filter((x) => x.role === 'founder').map((x) => x.id).sort()).toEqual([founder.member, members[1]!.member].sort())
  })

  it('ADV-admit-sybils (GOV-2): admitting one\'s own keys with quorum 0 is rejected; at the floor a lone yes fails', () => {
    const { members } = community(3)
    const m = members[0]!
    const sybil = testKeyPair().publicKey
    expect(zeroProposal(m, { type: 'admit', member: sybil })).toMatch(/^GOV-2/)
    expect(alone(m, { type: 'admit', member: sybil }).passed).toBe(false)
    expect(m.replica.state().members).toHaveLength(4)
  })

  it('ADV-rules-change (GOV-2): a rules change needs the rules class (2/3 by default), not the resolution 1/2 or zero', () => {
    const { members } = community(3)
    const m = members[0]!
    const action: ProposalAction = { type: 'rules', rules: { ...DEFAULT_RULES, ...flatRules([0, 1], [0, 1], 0) } as typeof DEFAULT_RULES }
    expect(zeroProposal(m, action)).toMatch(/^GOV-2/)
    expect(zeroProposal(m, action, { type: 'yesno', quorum: [1, 2], threshold: [1, 2] })).toMatch(/^GOV-2: the threshold 1\/2 is below the 2\/3 the rules require for rules decisions/)
    expect(alone(m, action).passed).toBe(false)
    expect(m.replica.state().rules).toEqual(DEFAULT_RULES)
  })

  it('ADV-entrenched-1-of-4 (GOV-1, GOV-2, TALLY-YN): an entrenched clause needs the entrenched threshold of the eligible, not 1 yes of 4', () => {
    const { founder, members, all } = community(3, {}, CHARTER)
    const m = members[0]!
    const action: ProposalAction = { type: 'amend', base: 0, charter: CHARTER.replace('Speech is free.', 'Speech is licensed.') }
    expect(zeroProposal(m, action, { type: 'yesno', quorum: [0, 1], threshold: [2, 3] })).toMatch(/^GOV-2: the quorum/)
    expect(zeroProposal(m, action, { type: 'yesno', quorum: [1, 2], threshold: [1, 2] })).toMatch(/^GOV-2: the threshold 1\/2 is below the 2\/3 the rules require for amendments touching entrenched clauses/)
    expect(alone(m, action).passed).toBe(false)
    expect(m.replica.state().charter.versions).toHaveLength(1)
    // Two of four in favour do not pass (2 is not > 2/3 × 4); three do (3 > 8/3).
    const p = propose(m, action)
    syncAll(all)
    vote(m, p, yes)
    vote(founder, p, yes)
    const early = members[2]!
    early.pull(m)
    early.pull(founder)
    close(early, p)
    expect(early.replica.state().proposals.find((x) => x.id === p.id)!.outcome).toMatchObject({ passed: false, detail: { yes: 2, eligible: 4, threshold: [2, 3], entrenched: true } })
    vote(members[1]!, p, yes)
    m.pull(members[1]!)
    m.pull(founder)
    close(m, p)
    expect(m.replica.state().charter.versions).toHaveLength(2)
  })

  it('ADV-omit-no-votes (TALLY-YN): a closer who leaves the no votes out of its past gains nothing — non-voters count as not in favour', () => {
    const { founder, members, all } = community(3)
    const p = propose(founder, { type: 'resolution' })
    syncAll(all)
    const yeses = [vote(founder, p, yes), vote(members[0]!, p, yes)]
    vote(members[1]!, p, no)
    vote(members[2]!, p, no)
    // The closer names only the proposal and the two yes votes: under "share of votes cast" that was 2 of 2.
    const closer = members[0]!
    for (const a of all) closer.pull(a)
    const omitting = closer.make('proposal.close', { proposal: fromHex(p.id) }, { deps: [p.id, ...yeses.map((v) => v.id)], time: (p as AnyOp & { body: { deadline: number } }).body.deadline })
    expect(closer.replica.receive(omitting).status).toBe('applied')
    const o = closer.replica.outcomeOf(omitting.id)!
    expect(o).toMatchObject({ passed: false, detail: { yes: 2, no: 0, eligible: 4 } })
  })

  it('ADV-backdated-proposal (GOV-4): a proposal may not claim a time before what two members have claimed in its past', () => {
    const { founder, members, all } = community(2)
    syncAll(all)
    const m = members[0]!
    const floor = m.replica.timeFloor(m.replica.heads())
    expect(floor).toBeGreaterThan(0)
    const action: ProposalAction = { type: 'resolution' }
    const message = refusal(m, () => m.make('proposal.create', { title: 'Old', text: '', action, method: { type: 'yesno', quorum: [1, 2], threshold: [1, 2] }, deadline: floor + 7 * 24 * 3_600_000 }, { time: floor - 1 }))
    expect(message).toMatch(/^GOV-4/)
    void founder
  })

  it('GOV-4: one member claiming a far-future time does not move the floor (nobody is locked out); two members do', () => {
    const { founder, members, all } = community(3)
    const liar = members[0]!
    liar.act('profile.set', { name: 'Time traveller' }, { time: Number.MAX_SAFE_INTEGER })
    syncAll(all)
    const honest = members[1]!
    expect(honest.replica.timeFloor(honest.replica.heads())).toBeLessThan(2e12)
    const p = propose(honest, { type: 'resolution' })
    expect(p.time).toBeLessThan(2e12)
    members[2]!.act('profile.set', { name: 'Second' }, { time: 8e15 })
    syncAll(all)
    expect(founder.replica.timeFloor(founder.replica.heads())).toBe(8e15)
  })

  it('ADV-lower-entrenched-by-rules (GOV-1): a rules change that lowers the entrenched threshold needs that threshold itself', () => {
    const { members } = community(3, flatRules([1, 2], [1, 2], 0, { entrenchedThreshold: [3, 4] }))
    const m = members[0]!
    const lower: ProposalAction = { type: 'rules', rules: { ...DEFAULT_RULES, ...flatRules([1, 2], [1, 2], 0), entrenchedThreshold: [1, 2] } as typeof DEFAULT_RULES }
    expect(zeroProposal(m, lower, { type: 'yesno', quorum: [1, 2], threshold: [1, 2] })).toMatch(/^GOV-2: the threshold 1\/2 is below the 3\/4 the rules require for rules changes lowering the entrenched threshold/)
    const raise: ProposalAction = { type: 'rules', rules: { ...DEFAULT_RULES, ...flatRules([1, 2], [1, 2], 0), entrenchedThreshold: [4, 5] } as typeof DEFAULT_RULES }
    expect(() => propose(m, raise, { type: 'yesno', quorum: [1, 2], threshold: [1, 2] })).not.toThrow()
  })

  it('GOV-5: rules with a threshold of 1 or more, or a voting period over 366 days, are refused at decode (genesis and rules proposals)', () => {
    const base = { name: 'X', purpose: '', charter: '', founder: new Uint8Array(32), cert: new Uint8Array(64), parent: undefined }
    const rules = (patch: object): object => ({ ...DEFAULT_RULES, ...patch })
    expect(() => checkBody('genesis', { ...base, rules: rules({ entrenchedThreshold: [1, 1] }) })).toThrow(/GOV-5/)
    expect(() => checkBody('genesis', { ...base, rules: rules(flatRules([1, 2], [2, 2])) })).toThrow(/GOV-5/)
    expect(() => checkBody('genesis', { ...base, rules: rules(flatRules([1, 2], [1, 2], 367 * 24 * 3_600_000)) })).toThrow(/period/)
    expect(() => checkBody('proposal.create', { title: 'T', text: '', deadline: 0, method: { type: 'yesno', quorum: [1, 2], threshold: [1, 2] }, action: { type: 'rules', rules: rules({ entrenchedThreshold: [5, 5] }) } })).toThrow(/GOV-5/)
    expect(checkBody('genesis', { ...base, rules: DEFAULT_RULES }).rules).toEqual(DEFAULT_RULES)
  })

  it('GOV-6: rules raised between a proposal and its close apply at the close (the stricter of the two)', () => {
    const { founder, members, all } = community(4, flatRules([1, 2], [1, 2], 0))
    const p = propose(members[0]!, { type: 'resolution' })
    const raise = propose(founder, { type: 'rules', rules: { ...DEFAULT_RULES, ...flatRules([1, 2], [3, 4], 0) } as typeof DEFAULT_RULES })
    syncAll(all)
    for (const a of all) vote(a, raise, yes)
    for (const a of all.slice(0, 3)) vote(a, p, yes)
    syncAll(all)
    close(founder, raise)
    // 3 of 5: passes under 1/2 (3 > 2.5), not under 3/4 (3 is not > 3.75).
    close(founder, p)
    const o = founder.replica.state().proposals.find((x) => x.id === p.id)!.outcome!
    expect(o).toMatchObject({ passed: false, detail: { yes: 3, threshold: [3, 4] } })
  })

  it('GOV-2: approval and ranked-choice quorums are bounded by the resolution class', () => {
    const { members } = community(2)
    const m = members[0]!
    for (const type of ['approval', 'irv'] as const) {
      expect(zeroProposal(m, { type: 'resolution' }, { type, options: ['a', 'b'], quorum: [1, 3] }, Number.MAX_SAFE_INTEGER)).toMatch(/^GOV-2: the quorum 1\/3 is below the 1\/2/)
    }
  })
})

describe('proposal view (VOTE-2 stale electorate, uncounted votes, GOV-6 requirement)', () => {
  it('VOTE-2, CLOSE-5: a proposal opened on an old view of the roster names the members who could not vote; a close names the votes it did not count', () => {
    const { founder, members, all } = community(2)
    // The founder admits someone the proposer has not seen yet.
    const inv = founder.invite()
    const late = new Actor('late')
    late.pull(founder)
    late.join(inv)
    founder.pull(late)
    const proposer = members[0]!
    const p = propose(proposer, { type: 'resolution' })
    syncAll([...all, late])
    const view = founder.replica.state().proposals.find((x) => x.id === p.id)!
    expect(view.staleMembers).toEqual([late.member])
    expect(view.eligible).toBe(3)
    expect(view.required).toEqual({ quorum: [1, 2], threshold: [1, 2], entrenched: false })
    expect(() => vote(late, p, yes)).toThrow(/VOTE-2/)
    // A vote concurrent with the close is live but uncounted.
    vote(founder, p, yes)
    proposer.pull(founder)
    const c = close(proposer, p)
    const v = vote(members[1]!, p, yes)
    founder.pull(proposer)
    founder.replica.receive(v)
    const after = founder.replica.state().proposals.find((x) => x.id === p.id)!
    expect(after.uncounted).toEqual([v.id])
    expect(after.staleMembers).toEqual([])
    void c
  })
})
