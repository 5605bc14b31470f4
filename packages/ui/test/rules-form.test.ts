/**
 * The rules form carries every rule the protocol knows: a draft made from
 * rules gives the same rules back, the optional fields of issues 17 and 18
 * (places, treasurer: PLACE-1, FUND-1; treaties, bodies: REL-2, REL-6)
 * included, and rules that lack them read as their defaults.
 */
import { describe, expect, it } from 'vitest'
import { DEFAULT_RULES, RELATIONS_DEFAULTS, TERRITORY_DEFAULTS, type Rules } from '@polity/api'
import { floorOf, rulesDraftOf, rulesOf } from '../src/screens/rules-form'

describe('rules form', () => {
  it('REL-2, REL-6: treaties and bodies (and places, treasurer) round-trip through the form; absent ones read as the defaults', () => {
    const full: Rules = { ...DEFAULT_RULES, places: 'member', treasurer: 'founder', treaties: 'entrenched', bodies: 'member' }
    expect(rulesOf(rulesDraftOf(full))).toEqual(full)
    const { places: _p, treasurer: _t, treaties: _r, bodies: _b, ...old } = full
    const draft = rulesDraftOf(old as Rules)
    expect(draft).toMatchObject({ ...TERRITORY_DEFAULTS, ...RELATIONS_DEFAULTS })
    expect(rulesOf({ ...draft, treaties: 'entrenched' })?.treaties).toBe('entrenched')
    // REL-2: under entrenched treaties a recognition's floor is the entrenched threshold.
    const rules = rulesOf({ ...draft, treaties: 'entrenched' }) as Rules
    expect(floorOf(rules, 'recognize').entrenched).toBe(true)
    expect(floorOf({ ...rules, treaties: 'resolution' }, 'recognize').entrenched).toBe(false)
  })
})
