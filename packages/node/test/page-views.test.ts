/**
 * The views screens fetch (VIEW-1..4): pages computed from the fold, with
 * what the local member may do answered by the rule the node applies — VOTE-2
 * by the proposal's causal past, not by who joined earlier in time.
 */
import { describe, expect, it } from 'vitest'
import type { CommunityId, MemberId } from '@polity/api'
import { InvalidInputError, type PolityNode } from '../src/index'
import { carry, withIdentity } from './helpers'
import { homeFrom, proposalsFrom, rosterFrom, votesFrom } from '../src/snapshot-views'

const METHOD = { type: 'yesno' as const, quorum: [1, 2] as [number, number], threshold: [1, 2] as [number, number] }

async function join(a: PolityNode, n: PolityNode, community: CommunityId, name: string): Promise<MemberId> {
  await n.acceptInvite({ link: (await a.createInvite({ community })).link, name })
  await carry(a, n, community)
  return (await n.identityStatus()).member as MemberId
}

describe('page views (VIEW-1..6)', () => {
  it('VIEW-1, VOTE-2: canVote follows the proposal\'s causal past — a member who joined earlier in time but not in its past may not vote; the node refuses the same', async () => {
    const { node: a } = await withIdentity('view-a')
    const { node: b } = await withIdentity('view-b')
    const { node: c } = await withIdentity('view-c')
    const community = await a.createCommunity({ name: 'Views', purpose: 'p', charter: '# C\n', founderName: 'Ana' })
    const bId = await join(a, b, community, 'Bea')
    const cId = await join(a, c, community, 'Cy')
    // A learns C's join, not B's; B joined first in time.
    await carry(c, a, community)
    const p = await a.createProposal({ community, title: 'After both joins in time', text: '', action: { type: 'resolution' }, method: METHOD })
    await carry(b, a, community)
    await carry(a, b, community)
    await carry(a, c, community)
    const me = (await a.identityStatus()).member as MemberId
    const rowOf = async (n: PolityNode) => (await n.proposalsView({ community })).rows.find((r) => r.id === p)!
    const [ra, rb, rc] = [await rowOf(a), await rowOf(b), await rowOf(c)]
    const bSince = (await b.rosterView({ community, query: 'Bea' })).rows[0]!.since
    expect(bSince).toBeLessThanOrEqual(ra.created)
    // The default 7-day period: closing waits for the deadline while the outcome can change (CLOSE-7).
    expect(ra).toMatchObject({ status: 'open', eligible: 2, canVote: true, canClose: false, closeBlocked: 'deadline', canWithdraw: true, author: me, authorName: 'Ana' })
    expect(rb).toMatchObject({ eligible: 2, canVote: false, canClose: false, closeBlocked: 'deadline', canWithdraw: false })
    expect(rc).toMatchObject({ canVote: true, canWithdraw: false })
    // The node's own rule agrees: B's vote is refused (VOTE-2) and nothing is stored.
    const before = (await b.getCommunity({ community })).opCount
    await expect(b.vote({ community, proposal: p, ballot: { type: 'yesno', choice: 'yes' } })).rejects.toThrow(/VOTE-2/)
    expect((await b.getCommunity({ community })).opCount).toBe(before)
    expect((await b.homeView({ community })).members).toBe(3)
    // The control: C's vote counts in the live tally, with what passing needs (TALLY-Q, TALLY-YN).
    await c.vote({ community, proposal: p, ballot: { type: 'yesno', choice: 'yes' } })
    await carry(c, a, community)
    const live = await rowOf(a)
    expect(live).toMatchObject({ votes: 1, cast: 1, counted: false, tally: { type: 'yesno', yes: 1, no: 0, abstain: 0 }, quorumNeeded: 1, yesNeeded: 2, myBallot: null })
    expect((await rowOf(c)).myBallot).toEqual({ type: 'yesno', choice: 'yes' })
    const votes = await a.votesView({ community, proposal: p })
    expect(votes).toMatchObject({ total: 1, offset: 0, rows: [{ member: cId, name: 'Cy', ballot: { type: 'yesno', choice: 'yes' } }] })
    const detail = await a.proposalView({ community, proposal: p })
    expect(detail.row).toEqual(live)
    expect(detail.proposal).toMatchObject({ id: p, title: 'After both joins in time', eligible: 2 })
    expect('votes' in detail.proposal).toBe(false)
    // Withdrawn: nobody may vote, close or withdraw any more.
    await a.withdrawProposal({ community, proposal: p })
    expect(await rowOf(a)).toMatchObject({ status: 'withdrawn', canVote: false, canClose: false, canWithdraw: false })
    expect(bId).not.toBe(cId)
    for (const n of [a, b, c]) await n.close()
  })

  it('VIEW-1: open proposals first, then decided, newest first; 50 to a page', async () => {
    const { node: a } = await withIdentity('view-page')
    const community = await a.createCommunity({ name: 'Pages', purpose: '', charter: '' })
    const ids = []
    for (let i = 0; i < 53; i++) ids.push(await a.createProposal({ community, title: `P${i}`, text: '', action: { type: 'resolution' }, method: METHOD }))
    for (const i of [0, 10, 20]) await a.withdrawProposal({ community, proposal: ids[i]! })
    const first = await a.proposalsView({ community })
    expect(first).toMatchObject({ total: 53, open: 50, decided: 3, offset: 0 })
    expect(first.rows).toHaveLength(50)
    expect(first.rows.every((r) => r.status === 'open')).toBe(true)
    const second = await a.proposalsView({ community, offset: 50 })
    expect(second.rows.map((r) => r.status)).toEqual(['withdrawn', 'withdrawn', 'withdrawn'])
    const created = first.rows.map((r) => r.created)
    expect(created).toEqual([...created].sort((x, y) => y - x))
    expect((await a.proposalsView({ community, filter: 'decided' })).rows.map((r) => r.title).sort()).toEqual(['P0', 'P10', 'P20'])
    expect((await a.proposalsView({ community, filter: 'open', limit: 5 })).rows).toHaveLength(5)
    await a.close()
  })

  it('VIEW-2, VIEW-4: the roster pages and searches by name or did; home counts and recent activity; bad paging is refused naming the field', async () => {
    const { node: a } = await withIdentity('view-roster-a')
    const { node: b } = await withIdentity('view-roster-b')
    const community = await a.createCommunity({ name: 'Roster', purpose: 'why', charter: '', founderName: 'Ana' })
    const bId = await join(a, b, community, 'Bea Example')
    await carry(b, a, community)
    const all = await a.rosterView({ community })
    expect(all.total).toBe(2)
    expect(all.me).toMatchObject({ role: 'founder', canInvite: true, canPropose: true })
    expect(all.rows.map((r) => r.name)).toEqual(['Ana', 'Bea Example'])
    // ROSTER-8/9 for the founder on B's row; nobody acts on their own row.
    expect(all.rows[1]).toMatchObject({ id: bId, canRemove: true, roles: ['steward', 'founder'] })
    expect(all.rows[0]).toMatchObject({ canRemove: false, roles: [] })
    expect((await a.rosterView({ community, query: 'bea ex' })).rows.map((r) => r.id)).toEqual([bId])
    const did = all.rows[1]!.did
    expect((await a.rosterView({ community, query: did.slice(-12).toUpperCase() })).rows.map((r) => r.id)).toEqual([bId])
    expect((await a.rosterView({ community, query: bId.slice(0, 10) })).rows.map((r) => r.id)).toEqual([bId])
    expect((await a.rosterView({ community, offset: 1, limit: 1 })).rows.map((r) => r.id)).toEqual([bId])
    // B, a plain member, may neither remove nor change roles.
    expect((await b.rosterView({ community })).rows[0]).toMatchObject({ canRemove: false, roles: [] })
    await a.createProposal({ community, title: 'Hello', text: '', action: { type: 'resolution' }, method: METHOD })
    const home = await a.homeView({ community })
    expect(home).toMatchObject({ name: 'Roster', purpose: 'why', members: 2, open: 1, decided: 0, charterVersion: 0, role: 'founder' })
    expect(home.activity[0]).toMatchObject({ kind: 'proposed', name: 'Ana', title: 'Hello' })
    expect(home.activity.map((x) => x.kind)).toEqual(expect.arrayContaining(['founded', 'joined']))
    for (const bad of [{ limit: 0 }, { limit: 201 }, { offset: -1 }, { offset: 1.5 }, { limit: '5' }]) {
      await expect(a.proposalsView({ community, ...(bad as object) })).rejects.toThrow(InvalidInputError)
    }
    await expect(a.proposalsView({ community, filter: 'nope' as never })).rejects.toThrow(/filter must be all, open or decided/)
    await expect(a.votesView({ community, proposal: 'zz' as never })).rejects.toThrow(/64 hex digits/)
    await expect(a.proposalView({ community, proposal: 'ab'.repeat(32) as never })).rejects.toThrow(/holds no proposal/)
    await expect(a.rosterView({ community, query: 'x'.repeat(201) })).rejects.toThrow(/at most 200/)
    for (const n of [a, b]) await n.close()
  })

  it('VIEW-5: the charter view holds the draft, each ratified version with its proposal\'s title, the rules and no lineage for a community that is not a fork', async () => {
    const { node: a } = await withIdentity('view-charter')
    const community = await a.createCommunity({ name: 'Charter', purpose: 'p', charter: '# One\n' })
    await a.setDraftText({ community, text: '# Two\n' })
    const v = await a.charterView({ community })
    expect(v).toMatchObject({ community, name: 'Charter', purpose: 'p', parent: null, lineage: null, charter: { draft: '# Two\n' } })
    expect(v.charter.versions).toMatchObject([{ version: 0, text: '# One\n', proposal: null, title: null }])
    expect(v.rules).toEqual((await a.getCommunity({ community })).rules)
    await a.close()
  })

  it('VIEW-6: pages read from a checkpointed state equal the replica\'s, but say loading and allow nothing', async () => {
    const { node: a } = await withIdentity('view-snap-a')
    const { node: b } = await withIdentity('view-snap-b')
    const community = await a.createCommunity({ name: 'Snap', purpose: 'p', charter: '', founderName: 'Ana' })
    await join(a, b, community, 'Bea')
    await carry(b, a, community)
    const yn = await a.createProposal({ community, title: 'Yes/no', text: '', action: { type: 'resolution' }, method: METHOD })
    await a.vote({ community, proposal: yn, ballot: { type: 'yesno', choice: 'no' } })
    const ap = await a.createProposal({ community, title: 'Pick', text: '', action: { type: 'resolution' }, method: { type: 'approval', options: ['x', 'y', 'z'], quorum: [1, 2] } })
    await a.vote({ community, proposal: ap, ballot: { type: 'approval', approve: [0, 2] } })
    const gone = await a.createProposal({ community, title: 'Gone', text: '', action: { type: 'resolution' }, method: METHOD })
    await a.withdrawProposal({ community, proposal: gone })
    const state = await a.getCommunity({ community })
    const me = (await a.identityStatus()).member as MemberId
    const none = { canVote: false, canClose: false, closeBlocked: null, canWithdraw: false, settled: null }
    const live = await a.proposalsView({ community })
    const snap = proposalsFrom(state, { offset: 0, limit: 50, filter: 'all', me })
    expect(snap).toEqual({ ...live, rows: live.rows.map((r) => ({ ...r, ...none })), loading: true })
    expect(live.rows.some((r) => r.canVote)).toBe(true)
    expect(votesFrom(state, ap, 0, 50)).toEqual(await a.votesView({ community, proposal: ap }))
    const roster = await a.rosterView({ community })
    expect(rosterFrom(state, { offset: 0, limit: 50, query: 'bea', me })).toMatchObject({
      total: 1, loading: true, rows: [{ ...roster.rows[1], canRemove: false, roles: [] }], me: { role: 'founder', canInvite: false, canPropose: false },
    })
    const home = await a.homeView({ community })
    expect(homeFrom(state, me, null)).toMatchObject({ members: home.members, open: home.open, decided: home.decided, role: home.role, loading: true })
    for (const n of [a, b]) await n.close()
  })
})
