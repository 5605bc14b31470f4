/**
 * The CLI's parsers look up what the user typed in Maps (BRIDGE-5 for the
 * terminal): every name on Object.prototype, `__proto__`, `prototype` and
 * seeded random strings as a rule key or a role is a UsageError naming it.
 */
import { describe, expect, it } from 'vitest'
import { DEFAULT_RULES } from '@polity/protocol'
import { parseFraction as uiFraction } from '@polity/api'
import { applyRules, parseFraction, parseOptionNumbers, parseWhole, UsageError } from '../src/parse'
import { seeded } from '../../../packages/protocol/test/seeds'

const parseRules = (pairs: string[]) => applyRules(DEFAULT_RULES, pairs)

function seededNames(seed: number, n: number): string[] {
  let s = seed
  const next = (): number => ((s = (s * 48271) % 2147483647) / 2147483647)
  const alphabet = 'abcdefghijklmnopqrstuvwxyz_$ABC0123456789-.é漢'
  return Array.from({ length: n }, () => Array.from({ length: 1 + Math.floor(next() * 12) }, () => alphabet[Math.floor(next() * alphabet.length)]).join(''))
}
const namesFor = (seed: number): string[] => [...new Set([...Object.getOwnPropertyNames(Object.prototype), '__proto__', 'prototype', ...seededNames(seed, 16)])]

describe('CLI parsers (BRIDGE-5)', () => {
  it('BRIDGE-5: well-formed rules parse (the control)', () => {
    const r = parseRules(['invite=member', 'roster.quorum=1/3', 'rules.threshold=60%', 'all.days=2', 'entrenchedThreshold=3/4'])
    expect(r).toMatchObject({ invite: 'member', entrenchedThreshold: [3, 4] })
    expect(r.decisions.roster.quorum).toEqual([1, 3])
    expect(r.decisions.rules.threshold).toEqual([3, 5])
    for (const c of ['resolution', 'roster', 'rules', 'charter'] as const) expect(r.decisions[c].period).toBe(2 * 86_400_000)
    expect(r.decisions.charter.quorum).toEqual(DEFAULT_RULES.decisions.charter.quorum)
    expect(parseOptionNumbers('0, 2,3', '--rank')).toEqual([0, 2, 3])
    expect(parseWhole('12', '--version')).toBe(12)
  })

  seeded('BRIDGE-5: every built-in or random name as a rule key or a role is a named usage error', { fixed: [7031], regressions: [{ seed: 519_708_932, name: 'BRIDGE-5 (regression, test generator): a random name of digits alone is a number the option parsers take' }] }, (run) => run.each(({ seed: SEED }) => {
    const NAMES = namesFor(SEED)
    let cases = 0
    for (const name of NAMES) {
      expect(() => parseRules([`${name}=1`]), name).toThrow(UsageError)
      expect(() => parseRules([`${name}=1`]), name).toThrow(/Unknown rule/)
      expect(() => parseRules([`roster.${name}=1`]), name).toThrow(/Unknown rule/)
      expect(() => parseRules([`${name}.quorum=1/2`]), name).toThrow(/Unknown rule/)
      expect(() => parseRules([`invite=${name}`]), name).toThrow(/must be founder, steward or member/)
      // A random name made of digits alone is a number, which these two rightly take (found by a fresh seed).
      if (!/^\d+$/.test(name)) {
        expect(() => parseOptionNumbers(name, '--approve'), name).toThrow(UsageError)
        expect(() => parseWhole(name, '--version'), name).toThrow(UsageError)
      }
      cases += 4
    }
    console.log(`BRIDGE-5 CLI: seed ${SEED}, ${NAMES.length} names, ${cases} inputs refused`)
    // Nothing leaked onto the prototype of plain objects along the way.
    expect(({} as Record<string, unknown>)['invite']).toBeUndefined()
  }))

  it('REL-2, REL-6, PLACE-1, FUND-1: --rule treaties=entrenched, bodies, places and treasurer set their fields; a bad value is a named usage error', () => {
    const r = parseRules(['treaties=entrenched', 'bodies=founder', 'places=member', 'treasurer=founder'])
    expect(r).toMatchObject({ treaties: 'entrenched', bodies: 'founder', places: 'member', treasurer: 'founder' })
    expect(parseRules(['treaties=resolution']).treaties).toBe('resolution')
    expect(() => parseRules(['treaties=steward'])).toThrow(/--rule treaties must be resolution or entrenched, not "steward"/)
    expect(() => parseRules(['bodies=anyone'])).toThrow(/--rule bodies must be founder, steward or member/)
    expect(() => parseRules(['places=x'])).toThrow(/--rule places must be/)
    expect(() => parseRules(['treasurer=x'])).toThrow(/--rule treasurer must be/)
  })

  it('BRIDGE-5: regressions: --rule constructor=1, a value with "=" in it, a repeated rule, a fraction over the protocol bound', () => {
    expect(() => parseRules(['constructor=1'])).toThrow(/^Unknown rule "constructor"\. Rules: /)
    expect(() => parseRules(['roster.quorum=1/2=3'])).toThrow(/more than one "="/)
    expect(() => parseRules(['roster.quorum=1/2', 'roster.quorum=2/3'])).toThrow(/given twice/)
    expect(() => parseFraction('1/2000000', 'x')).toThrow(/at most 1,000,000/)
    expect(() => parseRules(['charter.days=abc'])).toThrow(/charter\.days must be 0 to 366 days/)
    expect(() => parseRules(['rules.threshold=1/1'])).toThrow(/below 100%/)
    expect(() => parseOptionNumbers('1,64', '--rank')).toThrow(/"64"/)
  })

  it('FRAC-1: the CLI reads every fraction exactly as @polity/api\'s parser (the UI\'s): "50%" is 1/2 in both; what one refuses the other refuses', () => {
    const inputs = ['50%', '1/2', '2/4', '66.5%', '66,5%', '0%', '100%', '3/1000000', '50', '1/0', '3/2', '101%', '1/2000000', '50.123%', 'half', '']
    for (const x of inputs) {
      const ui = uiFraction(x)
      if (ui === null) expect(() => parseFraction(x, '--quorum'), x).toThrow(/must be a fraction between 0 and 1, written like 1\/2 or 50%/)
      else expect(parseFraction(x, '--quorum'), x).toEqual(ui)
    }
    expect(parseFraction('50%', '--quorum')).toEqual([1, 2])
  })
})
