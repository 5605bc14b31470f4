/**
 * Closing early and staleness in the views (CLOSE-7, VIEW-1): `canClose` is
 * true before the deadline only when the outcome can no longer change, with
 * `closeBlocked: 'deadline'` otherwise; the node signs exactly such closes.
 * An amendment overtaken by a ratified one says it is stale (CHARTER-V2).
 */
import { describe, expect, it } from 'vitest'
import type { CommunityId, MemberId } from '@polity/api'
import type { PolityNode } from '../src/index'
import { carry, withIdentity } from './helpers'

const METHOD = { type: 'yesno' as const, quorum: [1, 2] as [number, number], threshold: [1, 2] as [number, number] }

async function join(a: PolityNode, n: PolityNode, community: CommunityId, name: string): Promise<MemberId> {
  await n.acceptInvite({ link: (await a.createInvite({ community })).link, name })
  await carry(a, n, community)
  return (await n.identityStatus()).member as MemberId
}

describe('early close in the node (CLOSE-7)', () => {
  it('CLOSE-7, VIEW-1: with a 7-day period, canClose is false with closeBlocked "deadline" until the outcome is settled; then the node closes early and the proposal passes', async () => {
    const { node: a } = await withIdentity('early-a')
    const { node: b } = await withIdentity('early-b')
    const community = await a.createCommunity({ name: 'Early', purpose: '', charter: '# C\n', founderName: 'Ana' })
    await join(a, b, community, 'Bea')
    await carry(b, a, community)
    const p = await a.createProposal({ community, title: 'Paint the hall', text: '', action: { type: 'resolution' }, method: METHOD })
    const row = async (n: PolityNode) => (await n.proposalView({ community, proposal: p })).row
    const r0 = await row(a)
    expect(r0.deadline - r0.created).toBeGreaterThanOrEqual(7 * 86_400_000)
    expect(r0).toMatchObject({ eligible: 2, status: 'open', canClose: false, closeBlocked: 'deadline', settled: false, stale: false })
    await expect(a.closeProposal({ community, proposal: p })).rejects.toThrow(/CLOSE-7/)
    // One yes of two: not more than half; the outcome can still change.
    await a.vote({ community, proposal: p, ballot: { type: 'yesno', choice: 'yes' } })
    expect(await row(a)).toMatchObject({ canClose: false, closeBlocked: 'deadline', settled: false })
    await carry(a, b, community)
    await b.vote({ community, proposal: p, ballot: { type: 'yesno', choice: 'yes' } })
    await carry(b, a, community)
    // Two yes of two: a yes is final (VOTE-6), nothing left can change it.
    expect(await row(a)).toMatchObject({ canClose: true, closeBlocked: null, settled: true })
    const list = (await a.proposalsView({ community })).rows.find((x) => x.id === p)!
    expect(list).toMatchObject({ canClose: true, settled: true })
    await a.closeProposal({ community, proposal: p })
    expect(await row(a)).toMatchObject({ status: 'closed', passed: true, canClose: false, closeBlocked: null, settled: null })
    await a.close()
    await b.close()
  })

  it('CHARTER-V2, VIEW-1: an open amendment whose base was overtaken by a ratified amendment is stale', async () => {
    const { node: a } = await withIdentity('stale-a')
    const community = await a.createCommunity({ name: 'Stale', purpose: '', charter: '# C\n', founderName: 'Ana' })
    const first = await a.createProposal({ community, title: 'v1', text: '', action: { type: 'amend', charter: '# C1\n'}, method: METHOD })
    const second = await a.createProposal({ community, title: 'v1 too', text: '', action: { type: 'amend', charter: '# C2\n'}, method: METHOD })
    const row = async (p: string) => (await a.proposalView({ community, proposal: p as never })).row
    expect(await row(second)).toMatchObject({ stale: false })
    await a.vote({ community, proposal: first, ballot: { type: 'yesno', choice: 'yes' } })
    await a.closeProposal({ community, proposal: first })
    expect(await row(first)).toMatchObject({ status: 'closed', passed: true, stale: false })
    expect(await row(second)).toMatchObject({ status: 'open', stale: true })
    await a.close()
  })
})
