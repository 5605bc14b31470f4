/**
 * NET-2: six nodes where each only knows one neighbour's address (a chain of
 * invites) find each other through the DHT rendezvous derived from the
 * community secret, and converge.
 */
import { afterAll, describe, expect, it } from 'vitest'
import type { PolityNode } from '@polity/node'
import { LOOPBACK, netNode, stateOf, within } from './helpers'

const nodes: PolityNode[] = []
afterAll(async () => {
  for (const n of nodes) await n.close().catch(() => undefined)
})

describe('discovery (NET-2)', () => {
  it('NET-2: six nodes in a chain discover each other through the DHT rendezvous and converge', async () => {
    const quiet = { ...LOOPBACK, syncIntervalMs: 2000 }
    const first = (await netNode('dht0', { network: quiet })).node
    nodes.push(first)
    const community = await first.createCommunity({ name: 'Chain', purpose: '', charter: '', rules: { invite: 'member' } })
    for (let i = 1; i < 6; i++) {
      const prev = nodes[i - 1] as PolityNode
      const n = (await netNode(`dht${i}`, { network: quiet })).node
      // The invite carries only the previous node's addresses.
      expect((await n.acceptInvite({ link: (await prev.createInvite({ community })).link, name: `N${i}` })).status).toBe('joined')
      nodes.push(n)
    }
    const peerIds = nodes.map((n) => n.networkAddresses()[0]!.split('/p2p/')[1]!)
    const took = await within(60_000, async () => {
      await Promise.all(nodes.map((n) => n.discover(community)))
      return nodes.every((n, i) => {
        const connected = new Set(n.connectedPeers())
        return peerIds.every((p, j) => j === i || connected.has(p))
      })
    }, 'every node connected to the five others')
    console.log(`NET-2: all six connected through the DHT in ${took} ms`)
    await nodes[5]!.setProfile({ community, name: 'the last one' })
    await within(30_000, async () => {
      await Promise.all(nodes.map((n) => n.syncNow()))
      const s = await Promise.all(nodes.map((n) => stateOf(n, community)))
      return new Set(s).size === 1
    }, 'six identical states')
  }, 120_000)
})
