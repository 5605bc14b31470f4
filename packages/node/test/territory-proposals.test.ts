/**
 * Places by decision through the node (PLACE-7..10 in docs/PROTOCOL.md §19):
 * a member without the `places` role is told to propose (PLACE-1, PLACE-7),
 * proposes a place and status changes, members vote, a close settles them;
 * every node shows the same places, and a status change that passed too late
 * to count is listed as stale (PLACE-9).
 */
import { describe, expect, it } from 'vitest'
import type { CommunityId, OpId } from '@polity/api'
import { PolityNode, RefusedError } from '../src/index'
import { carry, holdLink, withIdentity } from './helpers'

const quick = { decisions: { resolution: { quorum: [1, 2] as [number, number], threshold: [1, 2] as [number, number], period: 0 } } }
const yesno = { type: 'yesno' as const, quorum: [1, 2] as [number, number], threshold: [1, 2] as [number, number] }

async function everyone(nodes: readonly PolityNode[], community: CommunityId): Promise<void> {
  for (const from of nodes) for (const to of nodes) if (from !== to) await carry(from, to, community)
}

async function decide(nodes: readonly PolityNode[], community: CommunityId, proposal: OpId, before?: () => Promise<void>): Promise<void> {
  await everyone(nodes, community)
  for (const n of nodes) await n.vote({ community, proposal, ballot: { type: 'yesno', choice: 'yes' } })
  await everyone(nodes, community)
  await before?.()
  await nodes[0]!.closeProposal({ community, proposal })
  await everyone(nodes, community)
}

describe('PolityNode: places and status changes by decision', () => {
  it('PLACE-1, PLACE-7, PLACE-9, PLACE-10 (node): a member without the role is told to propose, proposes a place and its status changes; after the votes and the close every node shows the place added by the proposer; a change that passed too late is stale', async () => {
    const [a, b, c] = (await Promise.all(['tp-a', 'tp-b', 'tp-c'].map((l) => withIdentity(l)))).map((x) => x.node) as [PolityNode, PolityNode, PolityNode]
    const community = await a.createCommunity({ name: 'Commons', purpose: '', charter: '', founderName: 'Ada', rules: quick })
    for (const n of [b, c]) {
      await holdLink(a, n, community, n === b ? 'Bo' : 'Cy')
      await carry(a, n, community)
      await carry(n, a, community)
    }
    const nodes = [a, b, c]
    await everyone(nodes, community)
    const bo = (await b.rosterView({ community })).me.member!

    // PLACE-1, PLACE-7: without the role, adding directly is refused with a pointer to proposing.
    await expect(b.addPlace({ community, name: 'Mine', kind: 'hub', precision: 'exact' })).rejects.toThrow(RefusedError)
    await expect(b.addPlace({ community, name: 'Mine', kind: 'hub', precision: 'exact' })).rejects.toThrow(/rule PLACE-1.*Propose this place instead.*rule PLACE-7/)
    const before = await b.placesView({ community })
    expect(before).toMatchObject({ canAdd: false, canPropose: true, places: [] })
    expect((await a.placesView({ community })).canPropose).toBe(false)

    // PLACE-3, PLACE-9: the proposal carries the fields of place.add, rounded to the precision; the place appears at the close.
    const proposal = await b.createProposal({
      community, title: 'Add the Lisbon hub', text: '', deadlineInHours: 0, method: yesno,
      action: { type: 'place', name: 'Lisbon hub', kind: 'hub', status: 'proposed', precision: 'city', geometry: { type: 'Point', coordinates: [-9.139_37, 38.722_25] }, areaM2: 250, country: 'pt' },
    })
    await everyone(nodes, community)
    for (const n of nodes) expect((await n.placesView({ community })).places).toEqual([])
    await decide(nodes, community, proposal)
    const views = await Promise.all(nodes.map((n) => n.placesView({ community })))
    for (const v of views) {
      expect(v.places).toHaveLength(1)
      expect(v.places[0]).toMatchObject({ id: proposal, name: 'Lisbon hub', status: 'proposed', addedBy: bo, geometry: { type: 'Point', coordinates: [-9.1, 38.7] }, country: 'PT', areaM2: 250, stale: [] })
    }
    const [hub] = views[1]!.places
    expect(hub!.canMoveTo).toEqual([])
    expect(hub!.canProposeTo).toEqual(['funding', 'acquired', 'lost'])
    expect(views[0]!.places[0]!.canMoveTo).toEqual(['funding', 'acquired', 'lost'])
    await expect(b.movePlace({ community, place: proposal, status: 'funding' })).rejects.toThrow(/rule PLACE-1.*Propose this status change instead.*rule PLACE-7/)

    // PLACE-10: the place added by decision may be named by a status proposal; it moves at the close.
    const funding = await b.createProposal({ community, title: 'Fund it', text: '', deadlineInHours: 0, method: yesno, action: { type: 'placeStatus', place: proposal, status: 'funding' } })
    await decide(nodes, community, funding)
    for (const n of nodes) expect((await n.placesView({ community })).places[0]).toMatchObject({ status: 'funding', stale: [] })

    // PLACE-9: a change that passes after a steward moved the place on has no effect and is listed as stale.
    const acquire = await c.createProposal({ community, title: 'Acquired', text: '', deadlineInHours: 0, method: yesno, action: { type: 'placeStatus', place: proposal, status: 'acquired' } })
    await decide(nodes, community, acquire, async () => {
      await a.movePlace({ community, place: proposal, status: 'lost' })
    })
    for (const n of nodes) {
      const [p] = (await n.placesView({ community })).places
      expect(p).toMatchObject({ status: 'lost', canProposeTo: [], canMoveTo: [] })
      expect(p!.stale).toEqual([expect.objectContaining({ proposal: acquire, status: 'acquired', from: 'lost' })])
    }
  })
})
