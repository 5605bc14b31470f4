/** FRAC-1: fractions as people write them; TALLY-Q and TALLY-YN's "needed" counts agree with the tally. */
import { describe, expect, it } from 'vitest'
import { formatFraction, parseFraction, percentOf, quorumMet, quorumNeeded, yesNeeded } from '../src/index'
import { seeded } from './seeds'

describe('fractions (FRAC-1)', () => {
  it('FRAC-1: n/d and p% read as reduced fractions; everything else is refused', () => {
    expect(parseFraction('50%')).toEqual([1, 2])
    expect(parseFraction('2/4')).toEqual([1, 2])
    expect(parseFraction(' 66.5 %')).toEqual([133, 200])
    expect(parseFraction('66,67%')).toEqual([6667, 10_000])
    expect(parseFraction('0%')).toEqual([0, 1])
    expect(parseFraction('100%')).toEqual([1, 1])
    expect(parseFraction('3 / 1000000')).toEqual([3, 1_000_000])
    for (const bad of ['50', '', '%', '1/0', '3/2', '101%', '-1/2', '1/2000000', '50.123%', '1e2%', 'half', '½', '1/2/3', '0x10/20']) {
      expect(parseFraction(bad), bad).toBeNull()
    }
    expect(formatFraction([1, 2])).toBe('1/2')
    expect(percentOf([2, 3])).toBe(66.7)
  })

  seeded('FRAC-1, TALLY-Q, TALLY-YN: the quorum and yes counts shown as needed are the least that meet the tally\'s own tests', { fixed: [1403] }, (run) => run.each((rng) => {
    for (let i = 0; i < 200; i++) {
      const den = 1 + rng.int(1000)
      const q: [number, number] = [rng.int(den + 1), den]
      const th: [number, number] = [rng.int(den), den]
      const eligible = rng.int(20_000)
      const abstain = rng.int(eligible + 1)
      const nq = quorumNeeded(eligible, q)
      expect(quorumMet(nq, eligible, q)).toBe(true)
      if (nq > 0) expect(quorumMet(nq - 1, eligible, q)).toBe(false)
      const ny = yesNeeded(eligible, abstain, th)
      const passes = (yes: number): boolean => BigInt(yes) * BigInt(th[1]) > BigInt(eligible - abstain) * BigInt(th[0])
      expect(passes(ny)).toBe(true)
      if (ny > 0) expect(passes(ny - 1)).toBe(false)
    }
  }))
})
