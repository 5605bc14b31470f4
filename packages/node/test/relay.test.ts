/**
 * NET-RTC-4/5: the node's side of the browser WebRTC relay. Envelopes a UI
 * relays are validated exactly like ops from libp2p; bad ones are refused and
 * change nothing; only members (or invitees waiting to join) get a room.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { CommunityId } from '@polity/api'
import { NotAMemberError, type PolityNode } from '../src/index'
import { withIdentity } from './helpers'

const open: PolityNode[] = []
afterEach(async () => {
  for (const n of open.splice(0)) await n.close()
})

async function two(): Promise<{ a: PolityNode; b: PolityNode; id: CommunityId; link: string }> {
  const a = (await withIdentity('relay-a')).node
  const b = (await withIdentity('relay-b')).node
  open.push(a, b)
  const id = await a.createCommunity({ name: 'Relay', purpose: 'p', charter: 'c', founderName: 'Ana' })
  const { link } = await a.createInvite({ community: id })
  return { a, b, id, link }
}

/** What a UI does: page through one node's envelopes and hand them to the other. */
async function relay(from: PolityNode, to: PolityNode, id: CommunityId): Promise<number> {
  let after = 0
  let applied = 0
  for (;;) {
    const batch = await from.envelopesSince({ community: id, after })
    applied += (await to.importEnvelopes({ community: id, envelopes: batch.envelopes })).applied
    after = batch.next
    if (batch.done) return applied
  }
}

describe('node: WebRTC relay API (NET-RTC-4/5)', () => {
  it('NET-RTC-4: an invitee joins by envelopes alone, both ways; the two nodes hold the same state', async () => {
    const { a, b, id, link } = await two()
    expect((await b.acceptInvite({ link, name: 'Ben' })).status).toBe('waiting')
    expect((await b.webrtcRoom({ community: id })).room).toBe((await a.webrtcRoom({ community: id })).room)
    expect(await relay(a, b, id)).toBeGreaterThan(0)
    expect((await b.listCommunities())[0]?.pendingJoin).toBe(false)
    await relay(b, a, id)
    expect((await a.getCommunity({ community: id })).members.map((m) => m.name).sort()).toEqual(['Ana', 'Ben'])
    expect(await a.getCommunity({ community: id })).toEqual(await b.getCommunity({ community: id }))
    const first = await a.envelopesSince({ community: id, after: 0 })
    expect(first.done).toBe(true)
    expect((await a.envelopesSince({ community: id, after: first.next })).envelopes).toEqual([])
  })

  it('NET-RTC-5: garbage, forged and foreign envelopes are refused one by one and change nothing', async () => {
    const { a, b, id } = await two()
    const other = await b.createCommunity({ name: 'Other', purpose: 'p', charter: 'c' })
    const foreign = (await b.envelopesSince({ community: other, after: 0 })).envelopes
    const genuine = (await a.envelopesSince({ community: id, after: 0 })).envelopes
    const forged = genuine.map((e) => {
      const f = e.slice()
      f[f.length - 5] = (f[f.length - 5] as number) ^ 1
      return f
    })
    const before = await a.getCommunity({ community: id })
    const r = await a.importEnvelopes({ community: id, envelopes: [new Uint8Array([1, 2, 3]), ...foreign, ...forged] })
    expect(r.applied).toBe(0)
    expect(r.rejected).toBe(1 + foreign.length + forged.length)
    expect(r.errors.some((m) => /another community/.test(m))).toBe(true)
    expect(await a.getCommunity({ community: id })).toEqual(before)
    await expect(a.importEnvelopes({ community: id, envelopes: new Array<Uint8Array>(1001).fill(new Uint8Array(1)) })).rejects.toThrow(/0 to 1000 envelopes/)
    await expect(a.envelopesSince({ community: id, after: -1 })).rejects.toThrow(/whole number/)
  })

  it('NET-RTC-1: a node that is neither a member nor invited gets no room and no envelopes', async () => {
    const { a, b, id } = await two()
    await expect(b.webrtcRoom({ community: id })).rejects.toThrow()
    await expect(b.envelopesSince({ community: id, after: 0 })).rejects.toThrow()
    expect((await a.webrtcRoom({ community: id })).signaling).toEqual([])
  })

  it('NET-G4: a removed member still holds the secret but gets no room and no envelopes, and cannot relay; a waiting invitee whose invite was revoked neither', async () => {
    const { a, b, id, link } = await two()
    expect((await b.acceptInvite({ link, name: 'Ben' })).status).toBe('waiting')
    await relay(a, b, id)
    await relay(b, a, id)
    const ben = (await b.identityStatus()).member as string
    expect((await b.webrtcRoom({ community: id })).room).toBe((await a.webrtcRoom({ community: id })).room)
    await a.removeMember({ community: id, member: ben })
    await relay(a, b, id)
    expect((await b.getCommunity({ community: id })).members.map((m) => m.name)).toEqual(['Ana'])
    expect(b.communitySecret(id)).toBeInstanceOf(Uint8Array)
    await expect(b.webrtcRoom({ community: id })).rejects.toThrow(NotAMemberError)
    await expect(b.envelopesSince({ community: id, after: 0 })).rejects.toThrow(NotAMemberError)
    const fresh = (await a.envelopesSince({ community: id, after: 0 })).envelopes
    await expect(b.importEnvelopes({ community: id, envelopes: fresh })).rejects.toThrow(NotAMemberError)

    // An invitee who waits with a link that was then revoked: once the revocation is here, no relay either.
    const c = (await withIdentity('relay-c')).node
    open.push(c)
    const second = await a.createInvite({ community: id })
    expect((await c.acceptInvite({ link: second.link, name: 'Cid' })).status).toBe('waiting')
    expect((await c.webrtcRoom({ community: id })).room).toBe((await a.webrtcRoom({ community: id })).room)
    const invite = (await a.listInvites({ community: id })).find((i) => i.state === 'open')!.id
    await a.revokeInvite({ community: id, invite })
    // The ops reach c as a bundle (not the relay it may no longer use): the invite is revoked in its roster.
    await c.importBundle({ bytes: await a.exportBundle({ community: id }) })
    expect((await c.listCommunities())[0]?.pendingJoin).toBe(true)
    await expect(c.webrtcRoom({ community: id })).rejects.toThrow(NotAMemberError)
    await expect(c.envelopesSince({ community: id, after: 0 })).rejects.toThrow(NotAMemberError)
  })
})
