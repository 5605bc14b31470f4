/**
 * JOIN-1..2 and SYNC-10..11 on 127.0.0.1: a join says what it is stuck on
 * and can be cancelled; the sync status counts against the peer's total,
 * names the member a peer proved to be, and keeps one online state.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { PolityNode } from '@polity/node'
import type { CommunityId } from '@polity/protocol'
import { LOOPBACK, netNode, PASS, within } from './helpers'

const open: PolityNode[] = []
afterAll(async () => {
  for (const n of open) await n.close().catch(() => undefined)
})
async function node(label: string): Promise<{ node: PolityNode; dataDir: string }> {
  const n = await netNode(label)
  open.push(n.node)
  return n
}
const joinOf = async (n: PolityNode, c: string): Promise<unknown> => (await n.listCommunities()).find((x) => x.id === c)?.join

describe('joining that never fails silently (JOIN) and sync status (SYNC-10, SYNC-11)', () => {
  it('JOIN-1, JOIN-2: an unreachable inviter is named; a revoked invite is "refused"; a cancelled join is gone, also after a restart', async () => {
    const { node: a } = await node('join-a')
    const community = await a.createCommunity({ name: 'Stuck Town', purpose: '', charter: '# Stuck\n', founderName: 'A' })
    const { link } = await a.createInvite({ community })
    const second = await a.createInvite({ community })
    const list = await a.listInvites({ community })
    await a.revokeInvite({ community, invite: list.find((i) => second.link.includes(i.id))!.id })
    // Refused: the members' device is reached but the (revoked) invite opens nothing.
    const { node: b, dataDir } = await node('join-b')
    expect((await b.acceptInvite({ link: second.link, name: 'B' })).status).toBe('waiting')
    const summary = (await b.listCommunities()).find((c) => c.id === community)
    expect(summary?.name).toBe('Stuck Town')
    expect(summary?.join).toMatchObject({ state: 'waiting', reason: 'refused' })
    // Unreachable: the inviter is offline.
    await a.stopNetwork()
    const { node: c } = await node('join-c')
    expect((await c.acceptInvite({ link, name: 'C' })).status).toBe('waiting')
    expect(await joinOf(c, community)).toMatchObject({ state: 'waiting', reason: 'unreachable' })
    await c.stopNetwork()
    expect(await joinOf(c, community)).toMatchObject({ reason: 'offline' })
    // JOIN-2: cancel; it stays cancelled after a restart.
    await b.cancelJoin({ community: community as CommunityId })
    expect((await b.listCommunities()).some((x) => x.id === community)).toBe(false)
    await expect(b.cancelJoin({ community: community as CommunityId })).rejects.toThrow(/no such community/)
    await b.close()
    const back = await PolityNode.open({ dataDir, kdfLogN: 10, network: LOOPBACK })
    open.push(back)
    await back.unlock({ passphrase: PASS })
    expect((await back.listCommunities()).some((x) => x.id === community)).toBe(false)
    // A member cannot "cancel" their membership.
    await expect(a.cancelJoin({ community: community as CommunityId })).rejects.toThrow(/no join to cancel.*JOIN-2/)
  }, 120_000)

  it('JOIN-1: background retries update the reason after a restart (not "connecting" forever), each change told (a communities event); the join completes when the inviter is back', async () => {
    const { node: a } = await node('bg-a')
    const community = await a.createCommunity({ name: 'Retried', purpose: '', charter: '# Retried\n', founderName: 'A' })
    const { link } = await a.createInvite({ community })
    await a.stopNetwork()
    const { node: b, dataDir } = await node('bg-b')
    expect((await b.acceptInvite({ link, name: 'B' })).status).toBe('waiting')
    await b.close()
    // After a restart no attempt of acceptInvite's own is remembered: only the background redial can say why.
    const back = await PolityNode.open({ dataDir, kdfLogN: 10, network: LOOPBACK })
    open.push(back)
    const told: number[] = []
    back.subscribe((e) => {
      if (e.type === 'communities') told.push(Date.now())
    })
    await back.unlock({ passphrase: PASS })
    await within(30_000, async () => ((await joinOf(back, community)) as { reason?: string } | undefined)?.reason === 'unreachable', 'a background round finds the inviter unreachable')
    const first = (await joinOf(back, community)) as { lastTry: number }
    expect(first.lastTry).toBeGreaterThan(0)
    expect(told.length).toBeGreaterThan(0)
    // The inviter comes back on its remembered ports (NET-ID-1): the background redial reaches it and the join goes through.
    await a.startNetwork({ ...LOOPBACK })
    await within(60_000, async () => ((await joinOf(back, community)) as { state?: string } | undefined)?.state !== 'waiting', 'the join is no longer waiting')
    expect((await back.listCommunities()).find((c) => c.id === community)?.memberCount).toBe(2)
  }, 150_000)

  it('JOIN-1, SYNC-10, SYNC-11: joined only once a member holds the join; the status names the member and counts against its total', async () => {
    const { node: a } = await node('sync-a')
    const community = await a.createCommunity({ name: 'Counted', purpose: '', charter: '# Counted\n', founderName: 'Ada' })
    // Before anyone is connected: online, searching (not "offline", not "online — 0 peers").
    const alone = await a.syncStatus({ community })
    expect(alone).toMatchObject({ online: true, state: 'searching', connected: 0 })
    for (let i = 0; i < 10; i++) await a.setProfile({ community, name: `Ada ${i}` })
    await a.setProfile({ community, name: 'Ada' })
    const { link } = await a.createInvite({ community })
    const { node: b } = await node('sync-b')
    expect((await b.acceptInvite({ link, name: 'Bo' })).status).toBe('joined')
    // The join reached a member's device in a completed session: no join progress left.
    await within(20_000, async () => (await joinOf(b, community)) === undefined, 'b\'s join is confirmed by a member')
    await within(20_000, async () => (await b.syncStatus({ community })).peers.some((p) => p.memberName === 'Ada'), 'b names the peer Ada')
    const st = await b.syncStatus({ community })
    expect(st.state).toBe('connected')
    expect(st.connected).toBeGreaterThanOrEqual(1)
    const peer = st.peers.find((p) => p.memberName === 'Ada')!
    expect(peer.member).toBe((await a.identityStatus() as { member: string }).member)
    expect(peer.total).toBeGreaterThanOrEqual(a.replicaOf(community).size - 3)
    expect(st.known).toBeGreaterThanOrEqual(st.received)
    await b.stopNetwork()
    expect(await b.syncStatus({ community })).toMatchObject({ online: false, state: 'offline', connected: 0 })
  }, 120_000)
})
