/**
 * NET-ID-1: a device keeps its libp2p PeerId and its ports across lock/unlock
 * and across restarts, so an invite link made before still reaches it.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { PolityNode } from '@polity/node'
import { LOOPBACK, netNode, PASS, within } from './helpers'

const open: PolityNode[] = []
afterAll(async () => {
  for (const n of open) await n.close().catch(() => undefined)
})

const idOf = (addrs: readonly string[]): string | undefined => /\/p2p\/([^/]+)$/.exec(addrs[0] ?? '')?.[1]
const portsOf = (addrs: readonly string[]): string[] => addrs.map((a) => /\/tcp\/(\d+)(\/ws)?/.exec(a)?.slice(1).join('') ?? '').sort()

describe('NET-ID-1: a stable network identity', () => {
  it('NET-ID-1: the PeerId and ports stay the same across lock/unlock and a restart; a link made before still joins', async () => {
    const { node: a, dataDir } = await netNode('stable-a')
    open.push(a)
    const first = a.networkAddresses()
    const id = idOf(first)
    expect(id).toMatch(/^12D3KooW/)
    const community = await a.createCommunity({ name: 'Stable', purpose: '', charter: '# Stable\n', founderName: 'A' })
    const { link } = await a.createInvite({ community, expiresInHours: 168 })
    await a.lock()
    expect(a.networkAddresses()).toEqual([])
    await a.unlock({ passphrase: PASS })
    expect(idOf(a.networkAddresses())).toBe(id)
    expect(portsOf(a.networkAddresses())).toEqual(portsOf(first))
    await a.close()
    const again = await PolityNode.open({ dataDir, kdfLogN: 10, network: LOOPBACK })
    open.push(again)
    await again.unlock({ passphrase: PASS })
    expect(idOf(again.networkAddresses())).toBe(id)
    expect(portsOf(again.networkAddresses())).toEqual(portsOf(first))
    // The link made before the lock and the restart still joins.
    const { node: b } = await netNode('stable-b')
    open.push(b)
    expect((await b.acceptInvite({ link, name: 'B' })).status).toBe('joined')
    await within(20_000, async () => (await again.getCommunity({ community })).members.length === 2, 'the inviter sees the joiner')
  }, 120_000)

  it('NET-ID-1: two data directories get different PeerIds', async () => {
    const { node: a } = await netNode('distinct-a')
    const { node: b } = await netNode('distinct-b')
    open.push(a, b)
    expect(idOf(a.networkAddresses())).not.toBe(idOf(b.networkAddresses()))
  }, 60_000)
})
