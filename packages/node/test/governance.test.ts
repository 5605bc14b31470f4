/** The node and the rules' floor (GOV-1..4, VOTE-6): refused before signing, defaults from the rules, honest clocks. */
import { describe, expect, it } from 'vitest'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PolityNode, InvalidInputError } from '../src/index'
import { PASS, carry, withIdentity } from './helpers'

const DAY = 24 * 3_600_000

async function clocked(label: string, now: () => number): Promise<PolityNode> {
  const node = await PolityNode.open({ dataDir: join(mkdtempSync(join(tmpdir(), `polity-${label}-`)), 'data'), kdfLogN: 10, now })
  await node.createIdentity({ passphrase: PASS })
  return node
}

describe('PolityNode: governance floors (GOV-*)', () => {
  it('GOV-2/GOV-3 (node): a quorum, threshold or voting period below the rules is refused before signing, naming the rule; defaults are the floor', async () => {
    const { node: a } = await withIdentity('gov-a')
    const community = await a.createCommunity({ name: 'Floors', purpose: '', charter: '# C\n', rules: { decisions: { roster: { threshold: [3, 5] } } } })
    const before = await a.getCommunity({ community })
    expect(before.rules.decisions.roster).toEqual({ quorum: [1, 2], threshold: [3, 5], period: 7 * DAY })
    expect(before.rules.decisions.rules.threshold).toEqual([2, 3])
    const base = { community, title: 'Make me founder', text: '', action: { type: 'role' as const, member: before.members[0]!.id, role: 'founder' as const } }
    await expect(a.createProposal({ ...base, method: { type: 'yesno', quorum: [0, 1], threshold: [0, 1] }, deadlineInHours: 0 })).rejects.toThrow(InvalidInputError)
    await expect(a.createProposal({ ...base, method: { type: 'yesno', quorum: [0, 1], threshold: [3, 5] } })).rejects.toThrow(/quorum 0\/1 is below the 1\/2 .*\(rule GOV-2\)/)
    await expect(a.createProposal({ ...base, method: { type: 'yesno', quorum: [1, 2], threshold: [1, 2] } })).rejects.toThrow(/threshold 1\/2 is below the 3\/5 .*roster.*\(rule GOV-2\)/)
    await expect(a.createProposal({ ...base, method: { type: 'yesno', quorum: [1, 2], threshold: [3, 5] }, deadlineInHours: 24 })).rejects.toThrow(/at least 168 hours.*\(rule GOV-3\)/)
    expect((await a.getCommunity({ community })).opCount).toBe(before.opCount)
    // At the floor (or stricter) it is signed, and the deadline defaults to the class's period.
    const id = await a.createProposal({ ...base, method: { type: 'yesno', quorum: [2, 3], threshold: [3, 5] } })
    const p = (await a.getCommunity({ community })).proposals.find((x) => x.id === id)!
    expect(p.deadline - p.created).toBe(7 * DAY)
    expect(p.required).toEqual({ quorum: [2, 3], threshold: [3, 5], entrenched: false })
    // VOTE-6: a yes/no vote is only ever raised; the node will not sign a lower one (it could never count).
    await a.vote({ community, proposal: id, ballot: { type: 'yesno', choice: 'abstain' } })
    await a.vote({ community, proposal: id, ballot: { type: 'yesno', choice: 'yes' } })
    const voted = (await a.getCommunity({ community })).opCount
    await expect(a.vote({ community, proposal: id, ballot: { type: 'yesno', choice: 'no' } })).rejects.toThrow(/only be raised.*your yes stands \(rule VOTE-6\)/)
    expect((await a.getCommunity({ community })).opCount).toBe(voted)
    await a.close()
  })

  it('GOV-4 (node): a node whose clock is days behind claims the time floor of its past, so its own proposal is valid', async () => {
    const t0 = Date.now()
    const a = await clocked('gov-clock-a', () => Date.now())
    const c = await clocked('gov-clock-c', () => Date.now())
    const slow = await clocked('gov-clock-b', () => Date.now() - 10 * DAY)
    const community = await a.createCommunity({ name: 'Clocks', purpose: '', charter: '' })
    for (const n of [c, slow]) {
      await n.acceptInvite({ link: (await a.createInvite({ community })).link })
      await carry(a, n, community)
      await carry(n, a, community)
    }
    await carry(a, slow, community)
    const id = await slow.createProposal({ community, title: 'Late clock', text: '', action: { type: 'resolution' }, method: { type: 'yesno', quorum: [1, 2], threshold: [1, 2] } })
    const p = (await slow.getCommunity({ community })).proposals.find((x) => x.id === id)!
    expect(p.created).toBeGreaterThanOrEqual(t0)
    expect(p.deadline - p.created).toBe(7 * DAY)
    // Everyone else accepts it too.
    await carry(slow, a, community)
    expect((await a.getCommunity({ community })).proposals.map((x) => x.id)).toContain(id)
    for (const n of [a, c, slow]) await n.close()
  })
})
