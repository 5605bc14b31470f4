/**
 * The proposal, vote, close, withdrawal and comment rules checked at an op's
 * causal past (PROP-1, 2, 4, 5; VOTE-1, 3; CLOSE-1, 2, 4; WITHDRAW-2;
 * COMMENT-1, 2): for each, an op that keeps the rule is applied and one that
 * breaks it is refused naming the rule, and changes nothing.
 */
import { describe, expect, it } from 'vitest'
import { decodeOp, encodeCanonical, sign, type AnyOp, type Ballot, type CborValue, type Method, type OpId, type ProposalAction } from '../src/index'
import { concatBytes, fromHex, utf8 } from '../src/encoding/bytes'
import { nodeCrypto } from './node-crypto'
import { Actor, close, community, flatRules, proposalTime, propose, refusal, testKeyPair, vote, yesno } from './harness'

/** Every decision class at quorum 1/2, threshold 1/2 and no voting period, plus `extra`. */
const rules = (extra = {}) => flatRules([1, 2], [1, 2], 0, extra)
const approval = (options: string[]): Method => ({ type: 'approval', options, quorum: [1, 2] })
const irv = (options: string[]): Method => ({ type: 'irv', options, quorum: [1, 2] })

/** A proposal.create as an honest node would time it, with any action and method. */
function proposal(a: Actor, action: ProposalAction, method: Method): AnyOp {
  const time = proposalTime(a)
  return a.make('proposal.create', { title: 'T', text: '', action, method, deadline: time }, { time })
}

/**
 * An op signed by `a` with exactly `deps` — createOp always adds the ops a
 * body refers to, so an op that leaves them out has to be signed by hand.
 */
function signedWithDeps(a: Actor, kind: 'vote.cast' | 'proposal.close' | 'comment.add', body: Record<string, CborValue>, deps: OpId[], time = a.time + 1000): AnyOp {
  const payload = encodeCanonical({
    v: 1, community: fromHex(a.community), author: a.device.publicKey, seq: a.seq + 1,
    deps: [...new Set([...deps, a.last as OpId])].sort().map((d) => fromHex(d)), time, kind, body,
  })
  const signature = sign(concatBytes(utf8.encode('polity/op/v1\0'), payload), a.device.secretKey)
  return decodeOp(encodeCanonical([payload, signature]), nodeCrypto)
}

/** The refusal of an op the actor's replica must refuse; fails the test if it is applied. */
const refused = (a: Actor, build: () => AnyOp): string => {
  const before = a.replica.state()
  const message = refusal(a, build)
  expect(a.replica.state()).toEqual(before)
  return message
}

describe('proposals (PROP-1, PROP-2, PROP-4, PROP-5)', () => {
  it('PROP-1: opening a proposal needs role ≥ rules.propose', () => {
    const { founder, members } = community(1, rules({ propose: 'steward' }))
    const m = members[0]!
    expect(refused(m, () => proposal(m, { type: 'resolution' }, yesno))).toMatch(/^PROP-1: opening proposals needs the steward role/)
    expect(founder.replica.receive(proposal(founder, { type: 'resolution' }, yesno)).status).toBe('applied')
  })

  it('PROP-2: an admit names someone not active; remove and role actions name an active member', () => {
    const { founder, members } = community(1, rules())
    const m = members[0]!
    const stranger = testKeyPair().publicKey
    expect(refused(founder, () => proposal(founder, { type: 'admit', member: m.identity.publicKey }, yesno))).toMatch(/^PROP-2: already a member/)
    expect(refused(founder, () => proposal(founder, { type: 'remove', member: stranger }, yesno))).toMatch(/^PROP-2: the member named is not an active member/)
    expect(refused(founder, () => proposal(founder, { type: 'role', member: stranger, role: 'steward' }, yesno))).toMatch(/^PROP-2: /)
    for (const action of [{ type: 'admit', member: stranger }, { type: 'remove', member: m.identity.publicKey }, { type: 'role', member: m.identity.publicKey, role: 'steward' }] as ProposalAction[]) {
      expect(founder.replica.receive(proposal(founder, action, yesno)).status, action.type).toBe('applied')
    }
  })

  it('PROP-4: only resolutions may use approval or ranked choice; roster, rules and charter changes use yes/no', () => {
    const { founder, members } = community(1, rules())
    const m = members[0]!
    const actions: ProposalAction[] = [
      { type: 'remove', member: m.identity.publicKey },
      { type: 'amend', charter: '# New\n', base: 0 },
      { type: 'rules', rules: founder.replica.state().rules },
    ]
    for (const action of actions) {
      for (const method of [approval(['a', 'b']), irv(['a', 'b'])]) {
        expect(refused(founder, () => proposal(founder, action, method)), `${action.type} ${method.type}`).toMatch(/^PROP-4: only resolutions/)
      }
    }
    for (const method of [approval(['a', 'b']), irv(['a', 'b'])]) expect(founder.replica.receive(proposal(founder, { type: 'resolution' }, method)).status).toBe('applied')
  })

  it('PROP-5: the options of an approval or ranked-choice proposal are distinct', () => {
    const { founder } = community(1, rules())
    for (const method of [approval(['a', 'b', 'a']), irv(['x', 'x'])]) {
      expect(refused(founder, () => proposal(founder, { type: 'resolution' }, method))).toMatch(/^PROP-5: options must be distinct/)
    }
    expect(founder.replica.receive(proposal(founder, { type: 'resolution' }, approval(['a', 'A']))).status).toBe('applied')
  })
})

describe('votes (VOTE-1, VOTE-3)', () => {
  it('VOTE-1: a vote lists its proposal among its deps, and what it names is a proposal', () => {
    const { founder, members } = community(2, rules())
    const [m0, m1] = members as [Actor, Actor]
    const p = propose(founder, { type: 'resolution' }, yesno)
    const other = founder.act('profile.set', { name: 'F' })
    m0.pull(founder)
    m1.pull(founder)
    const ballot: Ballot = { type: 'yesno', choice: 'yes' }
    // The vote's deps leave the proposal out, though it is in the causal past.
    expect(refused(m0, () => signedWithDeps(m0, 'vote.cast', { proposal: fromHex(p.id), ballot }, [other.id]))).toMatch(/^VOTE-1: the proposal must be one of the op's deps/)
    expect(refused(m0, () => m0.make('vote.cast', { proposal: fromHex(other.id), ballot }))).toMatch(/^VOTE-1: the referenced op is not a proposal/)
    vote(m1, p, ballot) // the control: applied (act throws otherwise)
    expect(m1.replica.state().proposals[0]!.votes.map((v) => v.member)).toEqual([m1.member])
  })

  it('VOTE-3: a ballot fits the method: its type, options that exist, no repeats', () => {
    const { founder } = community(1, rules())
    const yn = propose(founder, { type: 'resolution' }, yesno)
    const ap = propose(founder, { type: 'resolution' }, approval(['a', 'b', 'c']))
    const rc = propose(founder, { type: 'resolution' }, irv(['a', 'b', 'c']))
    const bad: [AnyOp, Ballot, RegExp][] = [
      [yn, { type: 'approval', approve: [0] }, /^VOTE-3: a yesno proposal needs a yesno ballot/],
      [ap, { type: 'yesno', choice: 'yes' }, /^VOTE-3: a approval proposal needs a approval ballot/],
      [ap, { type: 'irv', rank: [0] }, /^VOTE-3: /],
      [ap, { type: 'approval', approve: [0, 0] }, /^VOTE-3: an option may appear only once/],
      [ap, { type: 'approval', approve: [3] }, /^VOTE-3: the ballot names an option the proposal does not have/],
      [rc, { type: 'irv', rank: [1, 2, 1] }, /^VOTE-3: an option may appear only once/],
      [rc, { type: 'irv', rank: [0, 7] }, /^VOTE-3: the ballot names an option/],
    ]
    for (const [p, ballot, message] of bad) expect(refused(founder, () => founder.make('vote.cast', { proposal: fromHex(p.id), ballot })), JSON.stringify(ballot)).toMatch(message)
    for (const [p, ballot] of [[yn, { type: 'yesno', choice: 'abstain' }], [ap, { type: 'approval', approve: [] }], [ap, { type: 'approval', approve: [2, 0] }], [rc, { type: 'irv', rank: [2, 0, 1] }]] as [AnyOp, Ballot][]) {
      expect(founder.replica.receive(founder.make('vote.cast', { proposal: fromHex(p.id), ballot })).status).toBe('applied')
    }
  })
})

describe('closes, withdrawals and comments (CLOSE-1, CLOSE-2, CLOSE-4, WITHDRAW-2, COMMENT-1, COMMENT-2)', () => {
  it('CLOSE-1: a close lists its proposal among its deps', () => {
    const { founder, members } = community(1, rules())
    const m = members[0]!
    const p = propose(founder, { type: 'resolution' }, yesno)
    const other = founder.act('profile.set', { name: 'F' })
    m.pull(founder)
    const time = p.kind === 'proposal.create' ? p.body.deadline + 1 : 0
    expect(refused(m, () => signedWithDeps(m, 'proposal.close', { proposal: fromHex(p.id) }, [other.id], time))).toMatch(/^CLOSE-1: the proposal must be one of the op's deps/)
    expect(refused(m, () => m.make('proposal.close', { proposal: fromHex(other.id) }, { time }))).toMatch(/^CLOSE-1: the referenced op is not a proposal/)
    close(m, p) // the control: applied (act throws otherwise)
    expect(m.replica.state().proposals[0]!.status).not.toBe('open')
  })

  it('CLOSE-2: closing needs role ≥ rules.propose', () => {
    const { founder, members } = community(1, rules({ propose: 'steward' }))
    const m = members[0]!
    const p = propose(founder, { type: 'resolution' }, yesno)
    m.pull(founder)
    const time = p.kind === 'proposal.create' ? p.body.deadline + 1 : 0
    expect(refused(m, () => m.make('proposal.close', { proposal: fromHex(p.id) }, { time }))).toMatch(/^CLOSE-2: closing proposals needs the steward role/)
    close(founder, p) // the control: a founder may close
    expect(founder.replica.state().proposals[0]!.status).not.toBe('open')
  })

  it('CLOSE-4 and WITHDRAW-2: no close or withdrawal once one is in the causal past', () => {
    const { founder } = community(1, rules())
    const closed = propose(founder, { type: 'resolution' }, yesno)
    close(founder, closed)
    const withdrawn = propose(founder, { type: 'resolution' }, yesno)
    founder.act('proposal.withdraw', { proposal: fromHex(withdrawn.id) })
    for (const p of [closed, withdrawn]) {
      const deadline = p.kind === 'proposal.create' ? p.body.deadline + 1_000_000 : 0
      expect(refused(founder, () => founder.make('proposal.close', { proposal: fromHex(p.id) }, { time: deadline }))).toMatch(/^CLOSE-4: the proposal is already closed or withdrawn/)
      expect(refused(founder, () => founder.make('proposal.withdraw', { proposal: fromHex(p.id) }))).toMatch(/^WITHDRAW-2: the proposal is already closed or withdrawn/)
    }
    const open = propose(founder, { type: 'resolution' }, yesno)
    expect(founder.replica.receive(founder.make('proposal.withdraw', { proposal: fromHex(open.id) })).status).toBe('applied')
  })

  it('COMMENT-1 and COMMENT-2: a comment lists its proposal among its deps, a reply the comment it answers', () => {
    const { founder, members } = community(1, rules())
    const m = members[0]!
    const p = propose(founder, { type: 'resolution' }, yesno)
    const other = founder.act('profile.set', { name: 'F' })
    const first = founder.act('comment.add', { proposal: fromHex(p.id), text: 'first', replyTo: undefined })
    m.pull(founder)
    expect(refused(m, () => signedWithDeps(m, 'comment.add', { proposal: fromHex(p.id), text: 'x' }, [other.id]))).toMatch(/^COMMENT-1: the proposal must be one of the op's deps/)
    expect(refused(m, () => m.make('comment.add', { proposal: fromHex(other.id), text: 'x', replyTo: undefined }))).toMatch(/^COMMENT-1: the referenced op is not a proposal/)
    // A reply whose deps leave out the comment it answers, though it is in the causal past (other came before it).
    const late = founder.act('profile.set', { name: 'G' })
    m.pull(founder)
    expect(refused(m, () => signedWithDeps(m, 'comment.add', { proposal: fromHex(p.id), text: 'x', replyTo: fromHex(first.id) }, [p.id, late.id]))).toMatch(/^COMMENT-2: a reply must list the comment it answers among its deps/)
    const reply = m.make('comment.add', { proposal: fromHex(p.id), text: 'reply', replyTo: fromHex(first.id) })
    expect(reply.deps).toContain(first.id)
    expect(m.replica.receive(reply).status).toBe('applied')
    expect(m.replica.state().proposals[0]!.comments.map((c) => [c.text, c.replyTo])).toEqual([['first', null], ['reply', first.id]])
  })
})
