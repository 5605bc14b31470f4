/** Tallies against hand-computed tables (TALLY-*), and order independence (seeded). */
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { tallyApproval, tallyIrv, tallyYesNo, touchesEntrenched, type Ballot } from '../src/index'
import { seeded } from './seeds'

const yn = (yes: number, no: number, abstain: number): Ballot[] => [
  ...Array<Ballot>(yes).fill({ type: 'yesno', choice: 'yes' }),
  ...Array<Ballot>(no).fill({ type: 'yesno', choice: 'no' }),
  ...Array<Ballot>(abstain).fill({ type: 'yesno', choice: 'abstain' }),
]
const irv = (...groups: [number, number[]][]): Ballot[] => groups.flatMap(([n, rank]) => Array<Ballot>(n).fill({ type: 'irv', rank }))
const half: [number, number] = [1, 2]

describe('yes/no/abstain (TALLY-YN, TALLY-Q)', () => {
  it('TALLY-Q: quorum exactly met passes the quorum; one ballot fewer misses it', () => {
    expect(tallyYesNo(yn(5, 0, 0), 10, half, half).detail.quorumMet).toBe(true)
    expect(tallyYesNo(yn(4, 0, 0), 10, half, half)).toMatchObject({ passed: false, detail: { quorumMet: false } })
  })
  it('TALLY-YN: abstentions count toward quorum and lower the bar; members who did not vote count as not in favour', () => {
    // 3 yes, 2 no, 5 abstain of 10: quorum met; 3 > 1/2 × (10 − 5).
    expect(tallyYesNo(yn(3, 2, 5), 10, half, half)).toMatchObject({ passed: true, detail: { yes: 3, no: 2, abstain: 5, quorumMet: true, quorum: half, threshold: half } })
    // 1 yes, 0 no, 4 abstain of 10: quorum met thanks to abstentions, but 1 is not > 1/2 × 6 (the five who did not vote are not in favour).
    expect(tallyYesNo(yn(1, 0, 4), 10, half, half).passed).toBe(false)
    // 4 yes, no other ballots, of 10 (quorum 2/5): the old "share of votes cast" rule passed this; 4 is not > 5.
    expect(tallyYesNo(yn(4, 0, 0), 10, [2, 5], half).passed).toBe(false)
    expect(tallyYesNo(yn(6, 0, 0), 10, [2, 5], half).passed).toBe(true)
  })
  it('TALLY-YN: a threshold exactly met does not pass (strictly more than); one more yes does', () => {
    expect(tallyYesNo(yn(5, 5, 0), 10, half, half).passed).toBe(false)
    expect(tallyYesNo(yn(6, 4, 0), 10, half, half).passed).toBe(true)
    expect(tallyYesNo(yn(2, 1, 0), 3, half, [2, 3]).passed).toBe(false)
    expect(tallyYesNo(yn(3, 1, 0), 4, half, [2, 3]).passed).toBe(true)
  })
  it('TALLY-YN: all abstain meets quorum but never passes', () => {
    expect(tallyYesNo(yn(0, 0, 7), 7, half, half)).toMatchObject({ passed: false, detail: { quorumMet: true } })
  })
  it('TALLY-Q: 0% turnout fails; with a zero quorum it still fails for lack of support; 100% turnout unanimous passes', () => {
    expect(tallyYesNo([], 5, half, half).passed).toBe(false)
    expect(tallyYesNo([], 5, [0, 1], half).passed).toBe(false)
    expect(tallyYesNo(yn(5, 0, 0), 5, [1, 1], [99, 100]).passed).toBe(true)
  })
  it('CHARTER-V3: an amendment that touches an entrenched clause is detected', () => {
    const base = 'Intro\n<!-- entrenched -->\nArt. 1. Speech is free.\n<!-- /entrenched -->\nArt. 2. Dues.\n'
    expect(touchesEntrenched(base, base.replace('Dues.', 'Dues are 5.'))).toBe(false)
    expect(touchesEntrenched(base, base.replace('Speech is free.', 'Speech is regulated.'))).toBe(true)
    expect(touchesEntrenched(base, 'Intro\nArt. 2. Dues.\n')).toBe(true)
  })
})

describe('approval (TALLY-AP)', () => {
  it('TALLY-AP: the option with the most approvals wins', () => {
    const ballots: Ballot[] = [{ type: 'approval', approve: [0, 1] }, { type: 'approval', approve: [1] }, { type: 'approval', approve: [1, 2] }, { type: 'approval', approve: [] }]
    expect(tallyApproval(ballots, 3, 4, half)).toEqual({ passed: true, detail: { eligible: 4, ballots: 4, quorumMet: true, quorum: half, approvals: [1, 3, 1], winners: [1] } })
  })
  it('TALLY-AP: a tie for first place names both and does not pass', () => {
    const r = tallyApproval([{ type: 'approval', approve: [0] }, { type: 'approval', approve: [2] }], 3, 2, half)
    expect(r).toMatchObject({ passed: false, detail: { winners: [0, 2] } })
  })
})

describe('ranked choice by instant runoff (TALLY-IRV)', () => {
  it('TALLY-IRV: transfers after elimination give a majority', () => {
    // A:4, B:3, C:2 → no majority of 9 → C out, its 2 go to B → B 5 of 9.
    const r = tallyIrv(irv([4, [0, 1]], [3, [1, 2]], [2, [2, 1]]), 3, 9, half)
    expect(r.detail.rounds.map((x) => [x.counts, x.exhausted, x.eliminated])).toEqual([[[4, 3, 2], 0, 2], [[4, 5, 0], 0, null]])
    expect(r).toMatchObject({ passed: true, detail: { winner: 1 } })
  })
  it('TALLY-IRV: exhausted ballots are counted per round and leave the majority of continuing ballots', () => {
    // A:4, B:3, C:2 (no further preferences) → C out, 2 exhausted → A 4 of 7 continuing.
    const r = tallyIrv(irv([4, [0]], [3, [1]], [2, [2]]), 3, 9, half)
    expect(r.detail.rounds.map((x) => [x.counts, x.exhausted])).toEqual([[[4, 3, 2], 0], [[4, 3, 0], 2]])
    expect(r.detail.winner).toBe(0)
  })
  it('TALLY-IRV: a three-way elimination tie falls to the higher option index, and a final two-way tie does not pass', () => {
    // Round 1: [4,2,2,3] — 1 and 2 tie for fewest with no earlier round → the higher index (2) goes.
    // Round 2: [4,4,0,3] → 3 goes; its ballots exhaust. Round 3: [4,4] of 8 → a tie.
    const r = tallyIrv(irv([4, [0]], [2, [1, 3]], [2, [2, 1]], [3, [3]]), 4, 11, half)
    expect(r.detail.rounds.map((x) => [x.counts, x.eliminated])).toEqual([[[4, 2, 2, 3], 2], [[4, 4, 0, 3], 3], [[4, 4, 0, 0], null]])
    expect(r).toMatchObject({ passed: false, detail: { winner: null, tie: [0, 1] } })
  })
  it('TALLY-IRV: an elimination tie in the first round falls to the higher index, and transfers carry on to a winner', () => {
    // Round 1 [6,3,2,2]: 2 and 3 tie for fewest with no earlier round → 3 out (higher index); its 2 ballots go to 1.
    // Round 2 [6,5,2,0] → 2 out; its 2 ballots go to 1. Round 3 [6,7]: 1 wins with 7 of 13.
    const r = tallyIrv(irv([6, [0]], [3, [1]], [2, [2, 1]], [2, [3, 1]]), 4, 13, half)
    expect(r.detail.rounds.map((x) => [x.counts, x.eliminated])).toEqual([[[6, 3, 2, 2], 3], [[6, 5, 2, 0], 2], [[6, 7, 0, 0], null]])
    expect(r.detail.winner).toBe(1)
  })
  it('TALLY-Q: quorum applies to ranked choice too', () => {
    expect(tallyIrv(irv([1, [0]]), 2, 10, half)).toMatchObject({ passed: false, detail: { quorumMet: false, winner: 0 } })
  })
})

describe('IRV earlier-round tie-break', () => {
  it('TALLY-IRV: a later elimination tie goes to the option that had fewer votes in the earliest differing round', () => {
    // 6×[A], 3×[B], 4×[C], 1×[D,B], 1×[D] (15 ballots).
    // Round 1 [6,3,4,2] → D out; its ballots go to B and to nobody → round 2 [6,4,4,0], 1 exhausted.
    // B and C tie at 4; in round 1 B had 3 < 4, so B goes (the index rule alone would have removed C).
    // Round 3 [6,0,4,0], 5 exhausted: A has 6 of 10 continuing ballots and wins.
    const r = tallyIrv(irv([6, [0]], [3, [1]], [4, [2]], [1, [3, 1]], [1, [3]]), 4, 15, half)
    expect(r.detail.rounds.map((x) => [x.counts, x.exhausted, x.eliminated])).toEqual([[[6, 3, 4, 2], 0, 3], [[6, 4, 4, 0], 1, 1], [[6, 0, 4, 0], 5, null]])
    expect(r).toMatchObject({ passed: true, detail: { winner: 0 } })
  })
})

describe('order independence (seeded)', () => {
  seeded('TALLY-YN, TALLY-AP, TALLY-IRV: the result does not depend on the order of ballots', { fixed: [20261124] }, (run) => run.each(({ seed }) => {
    const ballot = fc.oneof(
      fc.constantFrom<Ballot>({ type: 'yesno', choice: 'yes' }, { type: 'yesno', choice: 'no' }, { type: 'yesno', choice: 'abstain' }),
      fc.uniqueArray(fc.integer({ min: 0, max: 4 }), { maxLength: 5 }).map((approve): Ballot => ({ type: 'approval', approve })),
      fc.uniqueArray(fc.integer({ min: 0, max: 4 }), { maxLength: 5 }).map((rank): Ballot => ({ type: 'irv', rank })),
    )
    fc.assert(
      fc.property(fc.array(ballot, { maxLength: 40 }), fc.integer({ min: 0, max: 1e9 }), (ballots, salt) => {
        const shuffled = [...ballots].sort((a, b) => (JSON.stringify(a) + salt).localeCompare(JSON.stringify(b) + salt))
        const n = ballots.length + 3
        expect(tallyYesNo(shuffled, n, half, half)).toEqual(tallyYesNo(ballots, n, half, half))
        expect(tallyApproval(shuffled, 5, n, half)).toEqual(tallyApproval(ballots, 5, n, half))
        expect(tallyIrv(shuffled, 5, n, half)).toEqual(tallyIrv(ballots, 5, n, half))
      }),
      { seed, numRuns: 300 },
    )
  }))
})
