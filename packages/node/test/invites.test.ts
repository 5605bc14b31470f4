/**
 * NET-G5: listing and revoking invites through the API — uses left, expiry,
 * creator and state; ROSTER-4 checked before anything is signed; a revoked
 * link admits no one (ROSTER-5) and bad input changes nothing.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { PolityNode } from '../src/index'
import { InvalidInputError, RefusedError } from '../src/index'
import { carry, withIdentity } from './helpers'

const open: PolityNode[] = []
afterEach(async () => {
  for (const n of open.splice(0)) await n.close()
})

async function node(label: string): Promise<PolityNode> {
  const n = (await withIdentity(label)).node
  open.push(n)
  return n
}

describe('node: invites (NET-G5)', () => {
  it('NET-G5: listInvites shows uses left, expiry, creator and state; revokeInvite closes an invite, and its link then admits no one', async () => {
    const a = await node('inv-a')
    const community = await a.createCommunity({ name: 'Invites', purpose: '', charter: '', founderName: 'Ana' })
    const before = Date.now()
    const two = await a.createInvite({ community, uses: 2, expiresInHours: 24 })
    const one = await a.createInvite({ community })
    const list = await a.listInvites({ community })
    expect(list).toHaveLength(2)
    // Newest first.
    const [newest, oldest] = list
    expect(newest).toMatchObject({ uses: 1, used: 0, usesLeft: 1, state: 'open', revoked: false, contested: 0, creatorName: 'Ana', canRevoke: true, member: null })
    expect(oldest).toMatchObject({ uses: 2, usesLeft: 2, state: 'open', expires: two.expires })
    expect(oldest!.expires).toBeGreaterThan(before + 23 * 3600_000)
    expect(newest!.creator).toBe((await a.identityStatus()).member)

    // One use of the 2-use link.
    const b = await node('inv-b')
    await carry(a, b, community)
    expect((await b.acceptInvite({ link: two.link, name: 'Ben' })).status).toBe('joined')
    await carry(b, a, community)
    expect((await a.listInvites({ community })).find((i) => i.id === oldest!.id)).toMatchObject({ used: 1, usesLeft: 1, state: 'open' })

    await a.revokeInvite({ community, invite: newest!.id })
    expect((await a.listInvites({ community })).find((i) => i.id === newest!.id)).toMatchObject({ state: 'revoked', revoked: true, canRevoke: false })
    await expect(a.revokeInvite({ community, invite: newest!.id })).rejects.toThrow(InvalidInputError)

    // The revoked link admits no one.
    const c = await node('inv-c')
    await carry(a, c, community)
    // Sealed: after the revocation the community was re-keyed; the link's holder reads up to the revocation and can join no more.
    await expect(c.acceptInvite({ link: one.link, name: 'Cid' })).rejects.toThrow(/revoked \(rule ROSTER-5\)/)
    expect((await a.getCommunity({ community })).members.map((m) => m.name).sort()).toEqual(['Ana', 'Ben'])
  })

  it('NET-G5, ROSTER-4: only the creator, a steward or a founder may revoke; bad ids are refused and nothing is signed', async () => {
    const a = await node('inv4-a')
    const community = await a.createCommunity({ name: 'Four', purpose: '', charter: '', founderName: 'Ana' })
    const b = await node('inv4-b')
    const c = await node('inv4-c')
    for (const n of [b, c]) {
      const { link } = await a.createInvite({ community })
      await carry(a, n, community)
      expect((await n.acceptInvite({ link })).status).toBe('joined')
      await carry(n, a, community)
    }
    const benId = (await b.identityStatus()).member as string
    await a.changeRole({ community, member: benId, role: 'steward' }) // rules.invite: steward
    await carry(a, b, community)
    await carry(a, c, community)
    await b.createInvite({ community })
    await carry(b, c, community)
    await carry(b, a, community)
    const byBen = (await c.listInvites({ community })).find((i) => i.creator === benId)!
    expect(byBen.canRevoke).toBe(false)
    const ops = (await c.getCommunity({ community })).opCount
    await expect(c.revokeInvite({ community, invite: byBen.id })).rejects.toThrow(RefusedError)
    await expect(c.revokeInvite({ community, invite: 'nope' as never })).rejects.toThrow(InvalidInputError)
    await expect(c.revokeInvite({ community, invite: '00'.repeat(32) as never })).rejects.toThrow(/no such invite/)
    expect((await c.getCommunity({ community })).opCount).toBe(ops)
    // The founder may revoke a member's invite.
    expect((await a.listInvites({ community })).find((i) => i.id === byBen.id)!.canRevoke).toBe(true)
    await a.revokeInvite({ community, invite: byBen.id })
    expect((await a.listInvites({ community })).find((i) => i.id === byBen.id)!.state).toBe('revoked')
  })
})
