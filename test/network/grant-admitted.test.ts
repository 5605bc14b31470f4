/**
 * KEY-6, SYNC-9, EPOCH-12 live on 127.0.0.1: Xan is admitted by a passed
 * proposal, so no op carries his agree key (KEY-3) and nothing is wrapped to
 * him. His node fetches the community from Ana's, finds every op waiting for
 * a key, and asks for it in the next sync session with his certified agree
 * key (SYNC-9); Ana's node publishes the key in a grant and wraps the epoch
 * key to it (KEY-6, EPOCH-12). Xan then reads everything, and a later re-key
 * reaches him too (EPOCH-7).
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { CommunityId, MemberId } from '@polity/protocol'
import type { PolityNode } from '@polity/node'
import { netNode, within } from './helpers'

const open: PolityNode[] = []
afterEach(async () => {
  for (const n of open.splice(0)) await n.close().catch(() => undefined)
})

const opsOf = (n: PolityNode, c: CommunityId): { kind: string; body: Record<string, unknown> }[] => {
  const r = n.replicaOf(c)
  return r.idsFrom(0, r.size).map((id) => r.entry(id)?.op as unknown as { kind: string; body: Record<string, unknown> })
}

describe('a member admitted by proposal gets the key (KEY-6, SYNC-9)', () => {
  it('KEY-6, SYNC-9, EPOCH-12: Xan, admitted by proposal, asks in a sync session; Ana\'s node publishes his agree key in a grant; he reads everything and later re-keys reach him', async () => {
    const a = await netNode('admit-a')
    open.push(a.node)
    const x = await netNode('admit-x')
    open.push(x.node)
    const c = await a.node.createCommunity({ name: 'Granary', purpose: 'Grain', charter: '# Granary\n\nShare the grain.\n', founderName: 'Ana', rules: { decisions: { roster: { period: 0 } } } })
    const xan = (await x.node.identityStatus()).member as MemberId
    const p = await a.node.createProposal({ community: c, title: 'Admit Xan', text: '', action: { type: 'admit', member: xan }, method: { type: 'yesno', quorum: [1, 2], threshold: [3, 5] }, deadlineInHours: 0 })
    await a.node.vote({ community: c, proposal: p, ballot: { type: 'yesno', choice: 'yes' } })
    await a.node.closeProposal({ community: c, proposal: p })
    expect(a.node.replicaOf(c).roster().members.has(xan)).toBe(true)
    expect(a.node.replicaOf(c).sealedView()?.lacksAgreeKey(xan, a.node.replicaOf(c).heads())).toBe(true)

    await x.node.fetchCommunity(c, [a.node.networkAddresses()[0] as string])
    // The next sessions (every second here) carry Xan's request; Ana's node grants after its delay.
    await within(30_000, () => opsOf(a.node, c).some((o) => o.kind === 'epoch.grant' && Array.isArray(o.body['agrees'])), 'Ana published Xan\'s agree key in a grant')
    await within(30_000, async () => (await x.node.getCommunity({ community: c }).catch(() => undefined))?.name === 'Granary', 'Xan reads the community')
    expect(a.node.replicaOf(c).sealedView()?.lacksAgreeKey(xan, a.node.replicaOf(c).heads())).toBe(false)
    // Holding the key, Xan's device links itself and writes.
    await within(15_000, () => opsOf(x.node, c).some((o) => o.kind === 'device.link'), 'Xan\'s device linked')
    await x.node.setProfile({ community: c, name: 'Xan' })
    // A re-key now wraps to Xan's published key (EPOCH-7): he reads on.
    await a.node.rekey({ community: c })
    await a.node.setProfile({ community: c, name: 'Ana after the re-key' })
    await within(30_000, async () => (await x.node.getCommunity({ community: c })).members.some((m) => m.name === 'Ana after the re-key'), 'Xan reads after the re-key')
    // One grant published his key: his later requests (he asks in every session until it reaches him) were not granted again.
    expect(opsOf(a.node, c).filter((o) => o.kind === 'epoch.grant' && Array.isArray(o.body['agrees'])).length).toBe(1)
  }, 90_000)
})
