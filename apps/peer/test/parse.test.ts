/**
 * The CLI's parsers look up what the user typed in Maps (BRIDGE-5 for the
 * terminal): every name on Object.prototype, `__proto__`, `prototype` and
 * seeded random strings as a rule key or a role is a UsageError naming it.
 */
import { describe, expect, it } from 'vitest'
import { parseFraction, parseOptionNumbers, parseRules, parseWhole, UsageError } from '../src/parse'

const SEED = 7031
function seededNames(seed: number, n: number): string[] {
  let s = seed
  const next = (): number => ((s = (s * 48271) % 2147483647) / 2147483647)
  const alphabet = 'abcdefghijklmnopqrstuvwxyz_$ABC0123456789-.é漢'
  return Array.from({ length: n }, () => Array.from({ length: 1 + Math.floor(next() * 12) }, () => alphabet[Math.floor(next() * alphabet.length)]).join(''))
}
const NAMES = [...new Set([...Object.getOwnPropertyNames(Object.prototype), '__proto__', 'prototype', ...seededNames(SEED, 16)])]

describe('CLI parsers (BRIDGE-5)', () => {
  it('BRIDGE-5: well-formed rules parse (the control)', () => {
    expect(parseRules(['invite=member', 'quorum=1/3', 'threshold=60%', 'votingPeriodDays=2', 'entrenchedThreshold=3/4'])).toEqual({
      invite: 'member', quorum: [1, 3], threshold: [6000, 10_000], votingPeriod: 2 * 86_400_000, entrenchedThreshold: [3, 4],
    })
    expect(parseOptionNumbers('0, 2,3', '--rank')).toEqual([0, 2, 3])
    expect(parseWhole('12', '--version')).toBe(12)
  })

  it(`BRIDGE-5: every built-in or random name as a rule key or a role is a named usage error (seed ${SEED})`, () => {
    let cases = 0
    for (const name of NAMES) {
      expect(() => parseRules([`${name}=1`]), name).toThrow(UsageError)
      expect(() => parseRules([`${name}=1`]), name).toThrow(/Unknown rule/)
      expect(() => parseRules([`invite=${name}`]), name).toThrow(/must be founder, steward or member/)
      expect(() => parseOptionNumbers(name, '--approve'), name).toThrow(UsageError)
      expect(() => parseWhole(name, '--version'), name).toThrow(UsageError)
      cases += 4
    }
    console.log(`BRIDGE-5 CLI: seed ${SEED}, ${NAMES.length} names, ${cases} inputs refused`)
    // Nothing leaked onto the prototype of plain objects along the way.
    expect(({} as Record<string, unknown>)['invite']).toBeUndefined()
  })

  it('BRIDGE-5: regressions: --rule constructor=1, a value with "=" in it, a repeated rule, a fraction over the protocol bound', () => {
    expect(() => parseRules(['constructor=1'])).toThrow('Unknown rule "constructor" (known: invite, remove, roles, propose, editDraft, quorum, threshold, entrenchedThreshold, votingPeriodDays).')
    expect(() => parseRules(['quorum=1/2=3'])).toThrow(/must look like 1\/2/)
    expect(() => parseRules(['quorum=1/2', 'quorum=2/3'])).toThrow(/given twice/)
    expect(() => parseFraction('1/2000000', 'x')).toThrow(/at most 1,000,000/)
    expect(() => parseRules(['votingPeriodDays=abc'])).toThrow(/votingPeriodDays/)
    expect(() => parseOptionNumbers('1,64', '--rank')).toThrow(/"64"/)
  })
})
