/**
 * BRIDGE-7: the API's `sync` event. Two real nodes on 127.0.0.1: every sync
 * session that completes (SYNC-7) reaches each node's subscribers as
 * `{type: 'sync', community, status}`, the status naming the peer it was
 * with — so a UI learns of sync progress without polling.
 */
import { afterAll, describe, expect, it } from 'vitest'
import type { PolityEvent } from '@polity/api'
import type { PolityNode } from '@polity/node'
import { netNode, within } from './helpers'

const open: PolityNode[] = []
afterAll(async () => {
  for (const n of open) await n.close().catch(() => undefined)
})

type SyncEvent = Extract<PolityEvent, { type: 'sync' }>
const peerIdOf = (n: PolityNode): string => n.networkAddresses()[0]!.split('/p2p/').at(-1)!

describe('the sync event (BRIDGE-7)', () => {
  it('BRIDGE-7: each completed session reaches both nodes as a sync event naming the peer, with the status syncStatus reports', async () => {
    const a = (await netNode('sync-event-a')).node
    open.push(a)
    const community = await a.createCommunity({ name: 'Events', purpose: '', charter: '# Events\n', founderName: 'A' })
    const b = (await netNode('sync-event-b')).node
    open.push(b)
    const seenA: SyncEvent[] = []
    const seenB: SyncEvent[] = []
    a.subscribe((e) => e.type === 'sync' && seenA.push(e))
    b.subscribe((e) => e.type === 'sync' && seenB.push(e))
    expect((await b.acceptInvite({ link: (await a.createInvite({ community })).link, name: 'B' })).status).toBe('joined')
    await within(30_000, () => seenB.some((e) => e.community === community && e.status.peers.some((p) => p.peer === peerIdOf(a))), 'b hears of a session with a')
    await within(30_000, () => seenA.some((e) => e.community === community && e.status.peers.some((p) => p.peer === peerIdOf(b))), 'a hears of a session with b')
    const last = seenB.filter((e) => e.community === community).at(-1)!
    expect(last.status.online).toBe(true)
    const now = await b.syncStatus({ community })
    expect(last.status.received).toBeLessThanOrEqual(now.received)
    expect(now.peers.map((p) => p.peer)).toContain(peerIdOf(a))
    // b lacked a's ops when it joined: some session said so (SYNC-7).
    expect(seenB.some((e) => e.status.peers.some((p) => p.peer === peerIdOf(a) && p.weLack > 0))).toBe(true)
    console.log(`BRIDGE-7: a saw ${seenA.length} sync events, b ${seenB.length}`)
  }, 120_000)
})
