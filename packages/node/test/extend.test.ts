/**
 * Extending a deadline from the node (EXTEND-1..3, CLOSE-8): the author moves
 * an open proposal's deadline later; others, closed proposals and bad hours
 * are refused before anything is signed; the view and the event show it.
 */
import { describe, expect, it } from 'vitest'
import type { CommunityId, MemberId, PolityEvent } from '@polity/api'
import type { PolityNode } from '../src/index'
import { carry, withIdentity } from './helpers'

const METHOD = { type: 'yesno' as const, quorum: [1, 2] as [number, number], threshold: [1, 2] as [number, number] }

async function join(a: PolityNode, n: PolityNode, community: CommunityId, name: string): Promise<MemberId> {
  await n.acceptInvite({ link: (await a.createInvite({ community })).link, name })
  await carry(a, n, community)
  return (await n.identityStatus()).member as MemberId
}

describe('extending a deadline in the node (EXTEND-1..3, CLOSE-8)', () => {
  it('EXTEND-1, EXTEND-2, EXTEND-3, CLOSE-8: the author extends by hours; the row, a peer and the event show the later deadline; others, bad hours and closed proposals are refused', async () => {
    const { node: a } = await withIdentity('extend-a')
    const { node: b } = await withIdentity('extend-b')
    const community = await a.createCommunity({ name: 'Extend', purpose: '', charter: '# C\n', founderName: 'Ana' })
    await join(a, b, community, 'Bea')
    await carry(b, a, community)
    const p = await a.createProposal({ community, title: 'Paint the hall', text: '', action: { type: 'resolution' }, method: METHOD })
    const before = (await a.proposalView({ community, proposal: p })).row.deadline
    const events: PolityEvent[] = []
    const off = a.subscribe((e) => events.push(e))
    const deadline = await a.extendProposal({ community, proposal: p, hours: 48 })
    off()
    expect(deadline).toBe(before + 48 * 3_600_000)
    expect((await a.proposalView({ community, proposal: p })).row.deadline).toBe(deadline)
    expect(events.some((e) => e.type === 'community' && e.parts.includes('proposals') && e.proposals?.includes(p))).toBe(true)
    await carry(a, b, community)
    expect((await b.proposalView({ community, proposal: p })).row.deadline).toBe(deadline)
    await expect(b.extendProposal({ community, proposal: p, hours: 1 })).rejects.toThrow(/EXTEND-1/)
    await expect(a.extendProposal({ community, proposal: p, hours: 0 })).rejects.toThrow(/EXTEND-2/)
    await expect(a.extendProposal({ community, proposal: p, hours: 366 * 24 + 1 })).rejects.toThrow(/EXTEND-2/)
    await a.withdrawProposal({ community, proposal: p })
    await expect(a.extendProposal({ community, proposal: p, hours: 1 })).rejects.toThrow(/EXTEND-3/)
    await a.close()
    await b.close()
  })
})
