/**
 * Territory and crowdfunding rules (PLACE-*, FUND-*): each rule with a case
 * the replica refuses or folds, and its control.
 */
import { describe, expect, it } from 'vitest'
import { DecodeError, MAX_AMOUNT, checkSealedBody, type Replica } from '../src/index'
import { TestKeys, refusal, sealedCommunity, syncAll, type Actor } from './harness'
import { act, campaign, make, place, ref } from './territory-helpers'

const stateOf = (r: Replica) => r.state().territory

describe('places (PLACE-*)', () => {
  it('PLACE-1: adding a place or changing its status needs role ≥ rules.places (default steward); a rules value of member lets members', () => {
    const { founder, members } = sealedCommunity(2, {}, new TestKeys(1701))
    const m0 = members[0] as Actor
    expect(refusal(m0, () => make(m0, 'place.add', place()))).toMatch(/^PLACE-1/)
    const p = act(founder, 'place.add', place())
    m0.pull(founder)
    expect(refusal(m0, () => make(m0, 'place.status', { place: ref(p), status: 'funding' }))).toMatch(/^PLACE-1/)
    const open = sealedCommunity(1, { places: 'member' }, new TestKeys(1702))
    act(open.members[0] as Actor, 'place.add', place())
    expect(stateOf((open.members[0] as Actor).replica).places).toHaveLength(1)
  })

  it('PLACE-2: geometry is integer microdegrees in range, closed rings, at most 1,000 vertices — a 10 MB polygon is refused with a clear error', () => {
    const ring = (n: number): [number, number][] => [...Array.from({ length: n - 1 }, (_, i) => [i, i] as [number, number]), [0, 0]]
    const body = (g: unknown): unknown => ({ ...place(), geometry: g })
    expect(() => checkSealedBody('place.add', body({ type: 'polygon', rings: [ring(1000)] }) as never)).not.toThrow()
    expect(() => checkSealedBody('place.add', body({ type: 'polygon', rings: [ring(1001)] }) as never)).toThrow(/PLACE-2: a place's geometry may have at most 1000 vertices/)
    // ~10 MB of coordinates: refused by counting, before any vertex is checked.
    const huge = ring(700_000)
    const t = performance.now()
    expect(() => checkSealedBody('place.add', body({ type: 'polygon', rings: [huge] }) as never)).toThrow(DecodeError)
    expect(performance.now() - t).toBeLessThan(200)
    expect(() => checkSealedBody('place.add', body({ type: 'point', at: [181_000_000, 0] }) as never)).toThrow(/PLACE-2/)
    expect(() => checkSealedBody('place.add', body({ type: 'point', at: [1.5, 0] }) as never)).toThrow(/PLACE-2/)
    expect(() => checkSealedBody('place.add', body({ type: 'polygon', rings: [[[0, 0], [1, 0], [1, 1], [0, 1]]] }) as never)).toThrow(/PLACE-2: each ring/)
    expect(() => checkSealedBody('place.add', { ...place(), country: 'fr' } as never)).toThrow(/PLACE-2/)
  })

  it('PLACE-3: coordinates on the precision grid (city 0.1°, country 1°); a hidden place stores no geometry and no country', () => {
    const { founder } = sealedCommunity(0, {}, new TestKeys(1703))
    expect(refusal(founder, () => make(founder, 'place.add', place({ precision: 'city' })))).toMatch(/^PLACE-3/)
    act(founder, 'place.add', place({ precision: 'city', geometry: { type: 'point', at: [2_300_000, 48_900_000] } }))
    expect(refusal(founder, () => make(founder, 'place.add', place({ precision: 'country', geometry: { type: 'point', at: [2_300_000, 48_000_000] } })))).toMatch(/^PLACE-3/)
    act(founder, 'place.add', place({ precision: 'country', geometry: { type: 'point', at: [2_000_000, -48_000_000] } }))
    expect(refusal(founder, () => make(founder, 'place.add', place({ precision: 'hidden' })))).toMatch(/^PLACE-3: a hidden place/)
    act(founder, 'place.add', place({ precision: 'hidden', geometry: undefined, country: undefined }))
    const hidden = stateOf(founder.replica).places.find((p) => p.precision === 'hidden')!
    expect(hidden.geometry).toBeNull()
    expect(hidden.country).toBeNull()
  })

  it('PLACE-4: a status change lists its place among its deps, and names a place', () => {
    const { founder } = sealedCommunity(0, {}, new TestKeys(1704))
    const p = act(founder, 'place.add', place())
    const c = act(founder, 'campaign.open', campaign(founder))
    expect(refusal(founder, () => make(founder, 'place.status', { place: ref(c), status: 'funding' }))).toMatch(/^PLACE-4/)
    act(founder, 'place.status', { place: ref(p), status: 'funding' })
  })

  it('PLACE-5: the lifecycle proposed → funding → acquired → leased/sold/lost is checked at the causal past; sold and lost are final', () => {
    const { founder } = sealedCommunity(0, {}, new TestKeys(1705))
    const p = act(founder, 'place.add', place())
    expect(refusal(founder, () => make(founder, 'place.status', { place: ref(p), status: 'leased' }))).toMatch(/^PLACE-5: a place cannot move from proposed to leased/)
    for (const s of ['funding', 'acquired', 'leased', 'sold'] as const) act(founder, 'place.status', { place: ref(p), status: s })
    expect(refusal(founder, () => make(founder, 'place.status', { place: ref(p), status: 'acquired' }))).toMatch(/^PLACE-5: a place cannot move from sold/)
    expect(stateOf(founder.replica).places[0]!.status).toBe('sold')
  })

  it('PLACE-6: concurrent status changes — the latest counted in canonical order is the status, on every replica', () => {
    const { founder, members } = sealedCommunity(1, { places: 'member' }, new TestKeys(1706))
    const m0 = members[0] as Actor
    const p = act(founder, 'place.add', place({ status: 'acquired' }))
    m0.pull(founder)
    act(founder, 'place.status', { place: ref(p), status: 'leased' })
    act(m0, 'place.status', { place: ref(p), status: 'sold' })
    syncAll([founder, m0])
    const a = stateOf(founder.replica).places[0]!
    expect(a).toEqual(stateOf(m0.replica).places[0])
    expect(a.history).toHaveLength(2)
    expect(a.status).toBe(a.history[1]!.status)
  })
})

describe('campaigns and pledges (FUND-*)', () => {
  function setup(seed: number, rules = {}): { founder: Actor; members: Actor[]; c: ReturnType<typeof act> } {
    const { founder, members } = sealedCommunity(3, rules, new TestKeys(seed))
    const c = act(founder, 'campaign.open', campaign(founder))
    syncAll([founder, ...members])
    return { founder, members, c }
  }

  it('FUND-1: opening a campaign needs role ≥ rules.treasurer (default steward), a deadline after its time, and a place (if any) among its deps', () => {
    const { founder, members } = sealedCommunity(1, {}, new TestKeys(1711))
    const m0 = members[0] as Actor
    expect(refusal(m0, () => make(m0, 'campaign.open', campaign(m0)))).toMatch(/^FUND-1/)
    expect(refusal(founder, () => make(founder, 'campaign.open', campaign(founder, { deadline: 5 })))).toMatch(/^FUND-1: a campaign's deadline/)
    const other = act(founder, 'profile.set' as never, { name: 'x' } as never)
    expect(refusal(founder, () => make(founder, 'campaign.open', campaign(founder, { place: ref(other) })))).toMatch(/^FUND-1: the referenced op is not a place/)
    const p = act(founder, 'place.add', place())
    act(founder, 'campaign.open', campaign(founder, { place: ref(p) }))
  })

  it('FUND-2: amounts are whole minor units in 0..2^53−1 and currencies ISO 4217 codes — negative, float and overflowing amounts are refused', () => {
    const pledge = (amount: unknown): unknown => ({ campaign: new Uint8Array(32), amount })
    expect(() => checkSealedBody('pledge.set', pledge(-1) as never)).toThrow(/FUND-2/)
    expect(() => checkSealedBody('pledge.set', pledge(1.5) as never)).toThrow(/FUND-2/)
    expect(() => checkSealedBody('pledge.set', pledge(MAX_AMOUNT + 1) as never)).toThrow(/FUND-2/)
    expect(() => checkSealedBody('pledge.set', pledge(2n ** 64n) as never)).toThrow(/FUND-2/)
    expect(checkSealedBody('pledge.set', pledge(MAX_AMOUNT) as never).amount).toBe(MAX_AMOUNT)
    const goal = (currency: unknown): unknown => ({ title: 't', text: '', goal: { type: 'amount', amount: 1, currency }, deadline: 1, model: 'keep' })
    expect(() => checkSealedBody('campaign.open', goal('eur') as never)).toThrow(/FUND-2: field "body.goal.currency"/)
    expect(() => checkSealedBody('campaign.open', goal('EURO') as never)).toThrow(/FUND-2/)
    expect(checkSealedBody('campaign.open', goal('EUR') as never).goal).toEqual({ type: 'amount', amount: 1, currency: 'EUR' })
  })

  it('FUND-3: a pledge lists its campaign among its deps; AUTH-1, ROSTER-10: pledges by non-members and removed members are refused or not counted', () => {
    const { founder, members, c } = setup(1713)
    const [m0, m1] = members as [Actor, Actor]
    act(m0, 'pledge.set', { campaign: ref(c), amount: 100 })
    const notCampaign = m0.act('profile.set', { name: 'm0' })
    expect(refusal(m0, () => make(m0, 'pledge.set', { campaign: ref(notCampaign), amount: 1 }))).toMatch(/^FUND-3: the referenced op is not a campaign/)
    founder.act('member.remove', { member: m1.identity.publicKey, reason: '' })
    // Concurrent with the removal: valid, but cut (ROSTER-10), so never counted.
    const concurrent = act(m1, 'pledge.set', { campaign: ref(c), amount: 5000 })
    const epoch = m1.replica.sealedView()!.epochFor(m1.replica.heads())
    m1.pull(founder)
    expect(refusal(m1, () => make(m1, 'pledge.set', { campaign: ref(c), amount: 5 }, { epoch }))).toMatch(/^AUTH-1/)
    founder.pull(m0)
    expect(founder.replica.receive(concurrent).status).toBe('applied')
    expect(stateOf(founder.replica).campaigns[0]!.pledged).toBe('100')
    const outsider = sealedCommunity(0, {}, new TestKeys(1799)).founder
    expect(founder.replica.receive(outsider.replica.ops()[0]!).status).toBe('rejected')
  })

  it('FUND-4: a pledge claiming a time after the deadline is invalid', () => {
    const { members, c } = setup(1714)
    const m0 = members[0] as Actor
    const deadline = (c as unknown as { body: { deadline: number } }).body.deadline
    expect(refusal(m0, () => make(m0, 'pledge.set', { campaign: ref(c), amount: 5 }, { time: deadline + 1 }))).toMatch(/^FUND-4/)
    act(m0, 'pledge.set', { campaign: ref(c), amount: 5 }, { time: deadline })
  })

  it('FUND-5: a pledge with the campaign\'s close in its causal past is invalid', () => {
    const { founder, members, c } = setup(1715)
    const deadline = (c as unknown as { body: { deadline: number } }).body.deadline
    act(founder, 'campaign.close', { campaign: ref(c) }, { time: deadline })
    const m0 = members[0] as Actor
    m0.pull(founder)
    expect(refusal(m0, () => make(m0, 'pledge.set', { campaign: ref(c), amount: 5 }, { time: deadline }))).toMatch(/^FUND-5/)
  })

  it('FUND-6: a pledge to a campaign for participants is 0 or 1', () => {
    const { founder, members } = sealedCommunity(1, {}, new TestKeys(1716))
    const c = act(founder, 'campaign.open', campaign(founder, { goal: { type: 'participants', count: 2 } }))
    const m0 = members[0] as Actor
    m0.pull(founder)
    expect(refusal(m0, () => make(m0, 'pledge.set', { campaign: ref(c), amount: 2 }))).toMatch(/^FUND-6/)
    act(m0, 'pledge.set', { campaign: ref(c), amount: 1 })
    expect(stateOf(m0.replica).campaigns[0]!.pledgers).toBe(1)
  })

  it('FUND-7: a close lists its campaign, claims a time ≥ the deadline, needs role ≥ rules.propose, once', () => {
    const { founder, c } = setup(1717)
    const deadline = (c as unknown as { body: { deadline: number } }).body.deadline
    expect(refusal(founder, () => make(founder, 'campaign.close', { campaign: ref(c) }, { time: deadline - 1 }))).toMatch(/^FUND-7: a campaign may be closed only after/)
    act(founder, 'campaign.close', { campaign: ref(c) }, { time: deadline })
    expect(refusal(founder, () => make(founder, 'campaign.close', { campaign: ref(c) }, { time: deadline + 5 }))).toMatch(/^FUND-7: the campaign is already closed/)
  })

  it('FUND-8: the outcome counts each member\'s latest pledge in the close\'s causal past, summed exactly; all-or-nothing binds only when met', () => {
    const { founder, members, c } = setup(1718)
    const [m0, m1, m2] = members as [Actor, Actor, Actor]
    const deadline = (c as unknown as { body: { deadline: number } }).body.deadline
    act(m0, 'pledge.set', { campaign: ref(c), amount: 4000 })
    act(m0, 'pledge.set', { campaign: ref(c), amount: 6000 }) // raise
    act(m1, 'pledge.set', { campaign: ref(c), amount: 3000 })
    act(m1, 'pledge.set', { campaign: ref(c), amount: 0 }) // withdraw
    act(m1, 'pledge.set', { campaign: ref(c), amount: 2500 }) // pledge again
    act(m2, 'pledge.set', { campaign: ref(c), amount: 1500 })
    syncAll([founder, m0, m1, m2])
    act(founder, 'campaign.close', { campaign: ref(c) }, { time: deadline })
    const o = stateOf(founder.replica).campaigns[0]!.outcome!
    expect(o.total).toBe('10000')
    expect(o.pledgers).toBe(3)
    expect(o.met).toBe(true)
    expect(o.binding).toBe(true)
  })

  it('FUND-9, FUND-10: a pledge not in the close\'s causal past does not count; concurrent closes — the first in canonical order settles', () => {
    const { founder, members, c } = setup(1719)
    const [m0, m1] = members as [Actor, Actor]
    const deadline = (c as unknown as { body: { deadline: number } }).body.deadline
    act(m0, 'pledge.set', { campaign: ref(c), amount: 9000 })
    founder.pull(m0)
    m1.pull(founder)
    act(m1, 'pledge.set', { campaign: ref(c), amount: 5000 }, { time: deadline }) // concurrent with the close
    act(founder, 'campaign.close', { campaign: ref(c) }, { time: deadline })
    act(m0, 'campaign.close', { campaign: ref(c) }, { time: deadline + 1 }) // concurrent second close
    syncAll([founder, m0, m1])
    const s = stateOf(founder.replica).campaigns[0]!
    expect(s.pledged).toBe('14000') // the live ledger shows it
    expect(s.outcome!.total).toBe('9000') // the close did not see it
    expect(s.outcome!.met).toBe(false)
    expect(s.outcome!.binding).toBe(false) // all-or-nothing, not met
    expect(stateOf(m1.replica).campaigns[0]).toEqual(s)
  })

  it('FUND-11: receipts only by role ≥ rules.treasurer, for an amount campaign, naming a member', () => {
    const { founder, members, c } = setup(1720)
    const [m0] = members as [Actor]
    act(m0, 'pledge.set', { campaign: ref(c), amount: 100 })
    expect(refusal(m0, () => make(m0, 'receipt.record', { campaign: ref(c), member: m0.identity.publicKey, status: 'fulfilled', amount: 100 }))).toMatch(/^FUND-11/)
    founder.pull(m0)
    expect(refusal(founder, () => make(founder, 'receipt.record', { campaign: ref(c), member: new Uint8Array(32).fill(7), status: 'fulfilled', amount: 100 }))).toMatch(/^FUND-11: the receipt names someone/)
    act(founder, 'receipt.record', { campaign: ref(c), member: m0.identity.publicKey, status: 'partial', amount: 60 })
    expect(stateOf(founder.replica).campaigns[0]!.receipts).toHaveLength(1)
  })

  it('FUND-12: the ledger and a close count only members active at their point: a member who left no longer pledges', () => {
    const { founder, members, c } = setup(1721)
    const [m0, m1] = members as [Actor, Actor]
    const deadline = (c as unknown as { body: { deadline: number } }).body.deadline
    act(m0, 'pledge.set', { campaign: ref(c), amount: 7000 })
    act(m1, 'pledge.set', { campaign: ref(c), amount: 3000 })
    m1.pull(m0)
    m1.act('member.leave', {})
    syncAll([founder, m0, m1])
    founder.rekey()
    expect(stateOf(founder.replica).campaigns[0]!.pledged).toBe('7000')
    act(founder, 'campaign.close', { campaign: ref(c) }, { time: deadline })
    expect(stateOf(founder.replica).campaigns[0]!.outcome!.total).toBe('7000')
  })
})
