/**
 * Letters of recognition (LETTER-1..8): one passed decision of a sealed
 * community proved offline from one file, with no identity, not forgeable
 * by the member who exports it, and naming nobody.
 */
import { describe, expect, it } from 'vitest'
import { decodeSealedOp, encodeLetter, fromHex, toHex, verifyLetter, type OpId } from '../src/index'
import { close, propose, syncAll, vote, type Actor } from './harness'
import { nodeCrypto } from './node-crypto'
import { B, SECRETS, STATEMENT, keyOf, letterOf, open, recognizeAction, seal, sealedOf, story, without, type LetterMap } from './letter-helpers'

const contains = (hay: Uint8Array, needle: string): boolean => Buffer.from(hay).includes(Buffer.from(needle, 'utf8'))
const problemsOf = (m: LetterMap): string => verifyLetter(seal(m), nodeCrypto).problems.join(' ')

describe('letters of recognition (LETTER-1..8)', () => {
  it('LETTER-1, LETTER-7: a letter verifies with nothing but the file: statement, tally, eligible member keys, acknowledged by another member', () => {
    const s = story(8101)
    const file = letterOf(s)
    const v = verifyLetter(file, nodeCrypto)
    expect(v.problems).toEqual([])
    expect(v.ok).toBe(true)
    const st = v.statement!
    expect(st.from).toBe(s.founder.community)
    expect(st.to).toBe(B)
    expect(st.action).toBe('recognize')
    expect(st.name).toBe('Harbour Commons')
    expect(st.statement).toBe(STATEMENT)
    expect(st.tally).toEqual({ eligible: 4, yes: 3, no: 1, abstain: 0 })
    expect(st.eligible).toEqual(s.live.map((a) => a.member).sort())
    expect(st.date).toBe(s.close.id === st.close ? (s.founder.replica.entry(s.close.id)!.op.time) : -1)
    expect(v.acknowledgedBy).toBe(s.members[0]!.member)
    expect(v.selfVouched).toBe(false)
    // The same tally the members' own fold shows.
    const p = s.founder.replica.state().proposals.find((x) => x.id === s.proposal.id)!
    expect(p.outcome!.passed).toBe(true)
    expect(v.sha256).toHaveLength(64)
  })

  it('LETTER-8 (disclosure): the letter holds no member name, no other proposal title or text, no charter text, no community name, not its own title', () => {
    const s = story(8102)
    const file = letterOf(s)
    for (const secret of SECRETS) expect(contains(file, secret), secret).toBe(false)
    // What it must disclose: the statement.
    expect(contains(file, STATEMENT)).toBe(true)
  })

  it('LETTER-2: a vote removed from the letter is caught (its id is in the close\'s past)', () => {
    const s = story(8103)
    const m = open(letterOf(s))
    const no = sealedOf(s.founder).find((o) => o.kind === 'vote.cast' && o.author === s.members[2]!.deviceKey && o.deps.includes(s.proposal.id))!
    const cut = without(m, no.id)
    const v = verifyLetter(seal({ ...cut, statement: { ...cut.statement, tally: { eligible: 4, yes: 3, no: 0, abstain: 0 } } }), nodeCrypto)
    expect(v.ok).toBe(false)
    expect(v.problems.join(' ')).toMatch(/LETTER-2: op .* missing from the letter/)
  })

  it('LETTER-2, LETTER-7: a vote added (one cast concurrently with the close, which the close did not count) is caught', () => {
    const s = story(8104)
    const [m0, m1, m2] = s.members as [Actor, Actor, Actor]
    const p = propose(m1, recognizeAction())
    syncAll(s.live)
    vote(s.founder, p, { type: 'yesno', choice: 'yes' })
    vote(m0, p, { type: 'yesno', choice: 'yes' })
    vote(m1, p, { type: 'yesno', choice: 'yes' })
    syncAll(s.live)
    // m2 votes "no" without having seen the close: a valid vote the close does not count.
    const c = close(s.founder, p)
    const late = vote(m2, p, { type: 'yesno', choice: 'no' })
    syncAll(s.live)
    m0.act('profile.set', { name: 'x' })
    syncAll(s.live)
    const m = open(letterOf(s, s.founder, c.id as OpId))
    expect(verifyLetter(seal(m), nodeCrypto).ok).toBe(true)
    const lateOp = decodeSealedOp(late.bytes, nodeCrypto)
    expect(lateOp.deps.every((d) => m.ops.some((b) => decodeSealedOp(b, nodeCrypto).id === d))).toBe(true)
    const added = { ...m, ops: [...m.ops, late.bytes], keys: [...m.keys, keyOf(s.founder)(lateOp)] }
    expect(problemsOf(added)).toMatch(/LETTER-2: the letter holds 1 op\(s\) outside the causal past of the close \(an op added\)/)
    const claimed = { ...added, statement: { ...added.statement, tally: { eligible: 4, yes: 3, no: 1, abstain: 0 } } }
    expect(problemsOf(claimed)).toMatch(/LETTER-7: the tally claimed/)
  })

  it('LETTER-5: an empty ack, an ack whose first op is by the closer, or an ack that does not link to the close is refused', () => {
    const s = story(8105)
    const good = open(letterOf(s))
    expect(problemsOf({ ...good, ack: [] })).toMatch(/LETTER-5: no op of another member acknowledges the close/)
    // The closer's own later op, linked down to the close through the honest ack: the first op of the path is what counts.
    const own = decodeSealedOp(s.founder.act('profile.set', { name: 'F' }).bytes, nodeCrypto)
    expect(own.deps).toContain(decodeSealedOp(good.ack[0]!, nodeCrypto).id)
    expect(problemsOf({ ...good, ack: [own.bytes, ...good.ack] })).toMatch(/LETTER-5: the close is acknowledged only by its own author/)
    // An ack that does not link down to the close.
    expect(problemsOf({ ...good, ack: [good.ops[0]!] })).toMatch(/LETTER-5: the ack ops do not link/)
  })

  it('LETTER-2: a hidden removal or a hidden join (which would change who was eligible) is caught', () => {
    const s = story(8106)
    const m = open(letterOf(s))
    const ops = sealedOf(s.founder)
    const removal = ops.find((o) => o.kind === 'member.remove')!
    const join = ops.find((o) => o.kind === 'member.join')!
    for (const victim of [removal, join]) {
      const cut = without(m, victim.id)
      const v = verifyLetter(seal(cut), nodeCrypto)
      expect(v.ok, victim.kind).toBe(false)
      expect(v.problems.join(' '), victim.kind).toMatch(/LETTER-2: op .* missing from the letter/)
    }
    // Claiming the removed member was eligible is caught too.
    const claim = { ...m, statement: { ...m.statement, eligible: [...(m.statement['eligible'] as string[]), s.removed.member].sort() } }
    expect(problemsOf(claim)).toMatch(/LETTER-7: the eligible members/)
  })

  it('LETTER-4: a changed statement (text, name, community or census) is caught', () => {
    const s = story(8107)
    const m = open(letterOf(s))
    expect(problemsOf({ ...m, statement: { ...m.statement, statement: 'We recognize Harbour Commons and pledge our navy.' } })).toMatch(/LETTER-4: .*a changed statement/)
    expect(problemsOf({ ...m, statement: { ...m.statement, name: 'Harbour Empire' } })).toMatch(/LETTER-4/)
    expect(problemsOf({ ...m, statement: { ...m.statement, to: 'c'.repeat(64) } })).toMatch(/LETTER-4: the statement names another community/)
    expect(problemsOf({ ...m, statement: { ...m.statement, census: 'd'.repeat(64) } })).toMatch(/LETTER-4/)
    expect(problemsOf({ ...m, statement: { ...m.statement, tally: { eligible: 4, yes: 4, no: 0, abstain: 0 } } })).toMatch(/LETTER-7: the tally claimed/)
  })

  it('LETTER-6: a letter for a proposal that failed, or was withdrawn, is refused', () => {
    const failed = story(8108, ['yes', 'no', 'no', 'no'])
    expect(() => letterOf(failed)).toThrow(/LETTER-6: the proposal did not pass/)
    // Built by hand, as a forger would: the verifier says the same.
    const good = open(letterOf(story(8101)))
    const f = failed.founder
    const past = sealedOf(f).filter((o) => o.id === failed.close.id || f.replica.entry(failed.close.id) !== undefined)
    const byHand = handLetter(failed, past.slice(0, past.findIndex((o) => o.id === failed.close.id) + 1), good.statement)
    expect(verifyLetter(byHand, nodeCrypto).problems.join(' ')).toMatch(/LETTER-6: the proposal did not pass/)
    // Withdrawn: the author withdraws; a letter naming the withdrawal as its close.
    const s = story(8109)
    const m1 = s.members[1]!
    const p = propose(m1, recognizeAction())
    const w = m1.act('proposal.withdraw', { proposal: fromHex(p.id) })
    const ops = sealedOf(m1)
    const upTo = ops.slice(0, ops.findIndex((o) => o.id === w.id) + 1)
    const withdrawn = handLetter({ ...s, founder: m1 }, upTo, { ...good.statement, close: w.id, proposal: p.id })
    expect(verifyLetter(withdrawn, nodeCrypto).problems.join(' ')).toMatch(/LETTER-6: .*withdraw/)
  })

  it('LETTER-3: a letter whose close is missing is refused', () => {
    const s = story(8110)
    const m = open(letterOf(s))
    const v = verifyLetter(seal(without(m, s.close.id)), nodeCrypto)
    expect(v.ok).toBe(false)
    expect(v.problems.join(' ')).toMatch(/LETTER-3: the close is missing/)
  })

  it('LETTER-1: a wrong key, a damaged file or another format is refused, naming the rule', () => {
    const s = story(8111)
    const m = open(letterOf(s))
    const keys = [...m.keys]
    keys[2] = new Uint8Array(32).fill(7)
    expect(problemsOf({ ...m, keys })).toMatch(/LETTER-1: op #3/)
    expect(verifyLetter(new Uint8Array([1, 2, 3]), nodeCrypto).problems[0]).toMatch(/LETTER-1/)
    expect(problemsOf({ ...m, format: 'polity-redacted-dossier' })).toMatch(/LETTER-1: the file is not a Polity letter/)
  })

  it('LETTER-5: a community whose one member wrote everything vouches for itself', async () => {
    const { sealedCommunity, TestKeys, flatRules } = await import('./harness')
    const { founder } = sealedCommunity(0, flatRules([1, 2], [1, 2], 0), new TestKeys(8112))
    const p = propose(founder, recognizeAction())
    vote(founder, p, { type: 'yesno', choice: 'yes' })
    const c = close(founder, p)
    const v = verifyLetter(encodeLetter({ community: founder.community, ops: sealedOf(founder), close: c.id, opKeyOf: keyOf(founder), fromName: 'One' }, nodeCrypto), nodeCrypto)
    expect(v.problems).toEqual([])
    expect(v.selfVouched).toBe(true)
    expect(v.statement!.tally.eligible).toBe(1)
  })
})

/** A letter assembled by hand from `ops` (the exporter's own choice), with a claimed statement. */
function handLetter(s: { founder: Actor }, ops: ReturnType<typeof sealedOf>, statement: LetterMap['statement']): Uint8Array {
  const last = ops.at(-1)!
  const claim = { ...statement, from: s.founder.community, close: last.id as OpId, proposal: statement['proposal'] ?? toHex(new Uint8Array(32)) }
  return seal({ format: 'polity-letter', v: 1, statement: claim, ops: ops.map((o) => o.bytes), keys: ops.map(keyOf(s.founder)), ack: [] } as unknown as LetterMap)
}
