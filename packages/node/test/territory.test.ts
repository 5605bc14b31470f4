/** The node's territory, crowdfunding and census (PLACE-*, FUND-*, CENSUS-*): commands, refusals before signing, views, exports. */
import { describe, expect, it } from 'vitest'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { verifyPublicCensus } from '@polity/protocol'
import { PolityNode, InvalidInputError, RefusedError } from '../src/index'
import { PASS, carry } from './helpers'

const HOUR = 3_600_000

async function clocked(label: string, now: () => number): Promise<PolityNode> {
  const node = await PolityNode.open({ dataDir: join(mkdtempSync(join(tmpdir(), `polity-${label}-`)), 'data'), kdfLogN: 10, now })
  await node.createIdentity({ passphrase: PASS })
  return node
}

describe('PolityNode: territory, crowdfunding and census', () => {
  it('PLACE-1..3, FUND-1..11, CENSUS-1..5 (node): places rounded to their precision, an all-or-nothing campaign pledged, withdrawn, re-pledged, closed, met, with receipts; every peer shows the same numbers', async () => {
    let now = Date.UTC(2030, 0, 15, 12)
    const clock = (): number => now
    const [a, b, c] = await Promise.all(['terr-a', 'terr-b', 'terr-c'].map((l) => clocked(l, clock))) as [PolityNode, PolityNode, PolityNode]
    const community = await a.createCommunity({ name: 'Network', purpose: '', charter: '', founderName: 'Ada' })
    for (const n of [b, c]) {
      await n.acceptInvite({ link: (await a.createInvite({ community })).link, name: n === b ? 'Bo' : 'Cy' })
      await carry(n, a, community)
      await carry(a, n, community)
    }
    await carry(a, b, community)
    // PLACE-3: the node rounds to the precision before signing.
    const hub = await a.addPlace({ community, name: 'Lisbon hub', kind: 'hub', precision: 'city', geometry: { type: 'Point', coordinates: [-9.139_37, 38.722_25] }, areaM2: 250, country: 'pt' })
    await a.addPlace({ community, name: 'Safe house', kind: 'building', precision: 'hidden', geometry: { type: 'Point', coordinates: [1, 2] }, areaM2: 90, country: 'DE' })
    const places = await a.placesView({ community })
    const lisbon = places.places.find((p) => p.id === hub)!
    expect(lisbon.geometry).toEqual({ type: 'Point', coordinates: [-9.1, 38.7] })
    expect(lisbon.country).toBe('PT')
    const hidden = places.places.find((p) => p.precision === 'hidden')!
    expect(hidden.geometry).toBeNull()
    expect(hidden.country).toBeNull()
    expect(places.footprint).toMatchObject({ places: 2, areaM2: 340, countries: ['PT'] })
    expect(places.canAdd).toBe(true)
    expect(lisbon.canMoveTo).toEqual(['funding', 'acquired', 'lost'])
    await a.movePlace({ community, place: hub, status: 'funding' })
    await expect(a.movePlace({ community, place: hub, status: 'sold' })).rejects.toThrow(/cannot become sold.*\(rule PLACE-5\)/)
    // PLACE-2: a 10 MB outline is refused at once, with a sentence.
    const huge = Array.from({ length: 400_000 }, (_, i) => [i / 1e5, 0] as [number, number])
    await expect(a.addPlace({ community, name: 'Huge', kind: 'land', precision: 'exact', geometry: { type: 'Polygon', coordinates: [huge] } })).rejects.toThrow(/at most 1000 vertices.*\(rule PLACE-2\)/)
    // PLACE-1: a member without the role is told to ask or propose.
    await carry(a, b, community)
    await expect(b.addPlace({ community, name: 'Mine', kind: 'hub', precision: 'exact' })).rejects.toThrow(RefusedError)

    const deadline = now + 48 * HOUR
    await expect(b.openCampaign({ community, title: 'Roof', goal: { kind: 'amount', amount: '1000000', currency: 'EUR' }, model: 'all-or-nothing', deadline })).rejects.toThrow(/rule FUND-1/)
    const campaign = await a.openCampaign({ community, title: 'Buy the hub', text: 'Deposit', goal: { kind: 'amount', amount: '1000000', currency: 'eur' }, model: 'all-or-nothing', deadline, place: hub })
    for (const n of [b, c]) await carry(a, n, community)
    await expect(b.pledge({ community, campaign, amount: '12.50' })).rejects.toThrow(InvalidInputError)
    await expect(b.pledge({ community, campaign, amount: '-5' })).rejects.toThrow(/rule FUND-2/)
    await expect(b.pledge({ community, campaign, amount: '9007199254740992' })).rejects.toThrow(/rule FUND-2/)
    await a.pledge({ community, campaign, amount: '500000' })
    await b.pledge({ community, campaign, amount: '300000' })
    await b.pledge({ community, campaign, amount: '0' })
    await b.pledge({ community, campaign, amount: '350000' })
    await c.pledge({ community, campaign, amount: '150000' })
    for (const n of [b, c]) await carry(n, a, community)
    const open = await a.campaignView({ community, campaign })
    expect(open).toMatchObject({ status: 'open', pledged: '1000000', pledgers: 3, met: null, canPledge: true, canClose: false, canRecord: true })
    await expect(a.closeCampaign({ community, campaign })).rejects.toThrow(/after its deadline.*\(rule FUND-7\)/)
    now = deadline + HOUR
    await expect(c.pledge({ community, campaign, amount: '1' })).rejects.toThrow(/rule FUND-4/)
    await a.closeCampaign({ community, campaign })
    await a.recordReceipt({ community, campaign, member: open.ledger.find((r) => r.name === 'Bo')!.member, status: 'fulfilled', amount: '350000' })
    for (const n of [b, c]) await carry(a, n, community)
    const views = await Promise.all([a, b, c].map((n) => n.campaignView({ community, campaign })))
    for (const v of views) expect({ ...v, mine: null, canRecord: false, canClose: false }).toEqual({ ...views[0]!, mine: null, canRecord: false, canClose: false })
    expect(views[0]).toMatchObject({ status: 'closed', met: true, pledged: '1000000' })
    expect(views[0]!.ledger.find((r) => r.name === 'Bo')).toMatchObject({ amount: '350000', received: '350000' })
    expect(views[1]!.mine).toBe('350000')

    const csv = await b.exportLedger({ community, campaign, format: 'csv' })
    expect(csv.split('\n')[0]).toBe('member,name,currency,pledged,received,receipts')
    expect(csv).toContain(',Bo,EUR,350000,350000,fulfilled:350000')
    const json = JSON.parse(await b.exportLedger({ community, campaign, format: 'json' })) as { ledger: unknown[]; goal: unknown }
    expect(json.ledger).toHaveLength(3)
    expect(json.goal).toEqual({ kind: 'amount', amount: '1000000', currency: 'EUR' })

    const census = await Promise.all([a, b, c].map((n) => n.censusView({ community })))
    for (const x of census) expect(x).toEqual(census[0])
    expect(census[0]!.members).toBe(3)
    expect(census[0]!.byMonth).toEqual([{ period: '2030-01', members: 3, joins: 3, leaves: 0, removals: 0 }])
    expect(census[0]!.money).toEqual([{ currency: 'EUR', pledged: '1000000', received: '350000' }])
    expect(census[0]!.footprint.byStatus.funding).toEqual({ places: 1, areaM2: 250 })
    // CENSUS-5: the public census verifies with nothing but the file, shows the same numbers, and holds no names or titles.
    // DOSSIER-R2: the file counts ops another member built on; b and c acknowledge the close and the receipt.
    await b.setProfile({ community, name: 'Bo' })
    await carry(b, c, community)
    await c.setProfile({ community, name: 'Cy' })
    await carry(c, b, community)
    const file = await b.exportPublicCensus({ community })
    const v = verifyPublicCensus(file)
    expect(v.problems).toEqual([])
    expect(v.ok).toBe(true)
    expect(v.census!.roster).toHaveLength(3)
    expect(v.census!.money).toEqual(census[0]!.money)
    expect(v.census!.footprint).toEqual(census[0]!.footprint)
    const raw = Buffer.from(file).toString('latin1')
    for (const secret of ['Lisbon hub', 'Safe house', 'Buy the hub', 'Deposit', 'Ada', 'Network']) expect(raw).not.toContain(secret)
    await Promise.all([a, b, c].map((n) => n.close()))
  }, 60_000)
})
