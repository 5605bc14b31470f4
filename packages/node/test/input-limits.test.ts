/**
 * INPUT-1: the node checks a command's input against the protocol's own
 * schema bounds (read from `bodyShapes`, never restated) before anything is
 * signed: at the bound it is accepted, one past it refused with
 * InvalidInputError naming the bound, and a refused command changes nothing.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { actionShapes, bodyShapes, type Bounded, type CommunityId, type Method } from '@polity/protocol'
import { InvalidInputError, type PolityNode } from '../src/index'
import { withIdentity } from './helpers'

const open: PolityNode[] = []
afterEach(async () => {
  for (const n of open.splice(0)) await n.close()
})

async function founder(label: string): Promise<{ a: PolityNode; c: CommunityId }> {
  const a = (await withIdentity(label)).node
  open.push(a)
  return { a, c: await a.createCommunity({ name: 'Limits', purpose: '', charter: '', rules: { decisions: { charter: { period: 0 } } } }) }
}

const yesno: Method = { type: 'yesno', quorum: [1, 2], threshold: [1, 2] }

describe('PolityNode: input bounds come from the protocol schema (INPUT-1)', () => {
  it('INPUT-1: every text a command signs is accepted at the schema\'s bound and refused one past it, changing nothing', async () => {
    const { a, c } = await founder('bounds')
    const proposal = await a.createProposal({ community: c, title: 'P', text: '', action: { type: 'resolution' }, method: yesno })
    const cases: [string, Bounded<string>, (s: string) => Promise<unknown>][] = [
      ['community name', bodyShapes.genesis.name, (s) => a.createCommunity({ name: s, purpose: '', charter: '' })],
      ['purpose', bodyShapes.genesis.purpose, (s) => a.createCommunity({ name: 'N', purpose: s, charter: '' })],
      ['charter', bodyShapes.genesis.charter, (s) => a.createCommunity({ name: 'N', purpose: '', charter: s })],
      ['founder name', bodyShapes['profile.set'].name, (s) => a.createCommunity({ name: 'N', purpose: '', charter: '', founderName: s })],
      ['fork name', bodyShapes.genesis.name, (s) => a.forkCommunity({ community: c, name: s, version: 0 })],
      ['fork purpose', bodyShapes.genesis.purpose, (s) => a.forkCommunity({ community: c, name: 'F', purpose: s, version: 0 })],
      ['profile name', bodyShapes['profile.set'].name, (s) => a.setProfile({ community: c, name: s })],
      ['proposal title', bodyShapes['proposal.create'].title, (s) => a.createProposal({ community: c, title: s, text: '', action: { type: 'resolution' }, method: yesno })],
      ['proposal text', bodyShapes['proposal.create'].text, (s) => a.createProposal({ community: c, title: 'T', text: s, action: { type: 'resolution' }, method: yesno })],
      ['amended charter', actionShapes.amend.charter, (s) => a.createProposal({ community: c, title: 'T', text: '', action: { type: 'amend', charter: s }, method: yesno })],
      ['comment', bodyShapes['comment.add'].text, (s) => a.comment({ community: c, proposal, text: s })],
    ]
    for (const [what, bound, run] of cases) {
      const communities = (await a.listCommunities()).length
      const ops = a.replicaOf(c).size
      const refused = await run('x'.repeat(bound.max + 1)).then(() => undefined, (e: unknown) => e)
      expect(refused, what).toBeInstanceOf(InvalidInputError)
      expect((refused as Error).message, what).toContain(`at most ${bound.max} characters`)
      expect((await a.listCommunities()).length, `${what}: a refused command created a community`).toBe(communities)
      expect(a.replicaOf(c).size, `${what}: a refused command signed an op`).toBe(ops)
      await run('x'.repeat(bound.max))
    }
  })

  it('INPUT-1: invite uses and draft update sizes are bounded by the schema too', async () => {
    const { a, c } = await founder('counts')
    const uses = bodyShapes['invite.create'].uses.max
    await expect(a.createInvite({ community: c, uses: uses + 1 })).rejects.toThrow(InvalidInputError)
    expect((await a.createInvite({ community: c, uses })).uses).toBe(uses)
    const bytes = bodyShapes['charter.edit'].update.max
    await expect(a.editDraft({ community: c, update: new Uint8Array(bytes + 1) })).rejects.toThrow(`1 byte to ${bytes / 1024} KiB`)
  })

  it('INPUT-1 regression: a founder name past its bound used to be refused only after the community was founded; now nothing is', async () => {
    const a = (await withIdentity('founder-name')).node
    open.push(a)
    await expect(a.createCommunity({ name: 'Half made', purpose: '', charter: '', founderName: 'x'.repeat(81) })).rejects.toThrow(InvalidInputError)
    expect(await a.listCommunities()).toEqual([])
  })
})
