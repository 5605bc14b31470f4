/**
 * NET-2 / NET-3 / NET-5 on real libp2p nodes on 127.0.0.1:
 * DHT rendezvous in a chain of six, community gossip with a validator, and a
 * stream through a circuit-relay-v2 server between two nodes that cannot dial
 * each other.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { randomBytes } from 'node:crypto'
import {
  advertise,
  communityTopic,
  dialProtocol,
  findRendezvousPeers,
  handleProtocol,
  joinGossip,
  parseAddress,
  rendezvousKey,
  type PolityLibp2p,
} from '@polity/net'
import { NodeSet, tcpAddress, until } from './libp2p-helpers'

const set = new NodeSet()
afterAll(async () => {
  const t = Date.now()
  await set.stopAll()
  console.log(`stopped all nodes in ${Date.now() - t} ms`)
})

/** Connect a[i] to a[i+1] only: each node knows one neighbour's address. */
async function chain(nodes: PolityLibp2p[]): Promise<void> {
  for (let i = 0; i + 1 < nodes.length; i++) {
    await nodes[i]!.dial(parseAddress(tcpAddress(nodes[i + 1]!)), { signal: AbortSignal.timeout(10_000) })
  }
}

describe('DHT rendezvous (NET-2)', () => {
  it('NET-2: six nodes in a chain find each other under the rendezvous key and end up connected', async () => {
    const nodes = await Promise.all(Array.from({ length: 6 }, async () => set.add({ dhtMode: 'server' })))
    await chain(nodes)
    // Routing tables fill once identify has told each side the other speaks our DHT protocol.
    await until(10_000, () => nodes.every((n) => n.getPeers().length >= 1), 'chain connected')
    const key = rendezvousKey(randomBytes(32))
    const started = Date.now()
    await Promise.all(nodes.map(async (n) => advertise(n, key, AbortSignal.timeout(20_000))))
    const advertised = Date.now() - started
    const found = await Promise.all(nodes.map(async (n) => findRendezvousPeers(n, key, AbortSignal.timeout(20_000))))
    const ids = nodes.map((n) => n.peerId.toString())
    found.forEach((peers, i) => {
      const got = new Set(peers.map((p) => p.id.toString()))
      expect(got.size).toBe(5)
      for (const id of ids) if (id !== ids[i]) expect(got.has(id)).toBe(true)
      expect(peers.every((p) => p.connected)).toBe(true)
    })
    for (const n of nodes) for (const id of ids) if (id !== n.peerId.toString()) expect(n.getConnections().some((c) => c.remotePeer.toString() === id)).toBe(true)
    console.log(`rendezvous: advertise ${advertised} ms, find+dial ${Date.now() - started - advertised} ms`)
  })

  it('NET-2: a different secret gives a different key, and no one is found under it', async () => {
    const a = await set.add()
    const b = await set.add()
    await a.dial(parseAddress(tcpAddress(b)), { signal: AbortSignal.timeout(10_000) })
    const secret = randomBytes(32)
    expect(rendezvousKey(secret).equals(rendezvousKey(Buffer.from(secret)))).toBe(true)
    await advertise(a, rendezvousKey(secret), AbortSignal.timeout(10_000))
    const other = await findRendezvousPeers(b, rendezvousKey(randomBytes(32)), AbortSignal.timeout(3_000))
    expect(other).toEqual([])
    const same = await findRendezvousPeers(b, rendezvousKey(secret), AbortSignal.timeout(10_000))
    expect(same.map((p) => p.id.toString())).toEqual([a.peerId.toString()])
  })
})

describe('community gossip (NET-3)', () => {
  it('NET-3: a valid message reaches all four nodes; an invalid one stops at the first hop and costs the sender score', async () => {
    const nodes = await Promise.all(Array.from({ length: 4 }, async () => set.add()))
    await chain(nodes) // 0 - 1 - 2 - 3: node 0's only neighbour is node 1
    const topic = communityTopic(randomBytes(32))
    const received: Array<Uint8Array[]> = nodes.map(() => [])
    const validated: number[] = nodes.map(() => 0)
    const gossip = nodes.map((n, i) =>
      joinGossip(n, topic, {
        validate: (data) => {
          validated[i]!++
          return data[0] === 0xff ? 'reject' : 'accept'
        },
        onMessage: (data) => received[i]!.push(data),
      }),
    )
    // Wait for the subscriptions to reach each neighbour and for meshes to form (gossipsub heartbeat: 1 s).
    await until(10_000, () => nodes.every((n, i) => (i > 0 ? n.services.pubsub.getSubscribers(topic).length >= 1 : true)), 'subscriptions known')
    await until(10_000, () => nodes.slice(1, 3).every((n) => ((n.services.pubsub as unknown as { getMeshPeers(t: string): string[] }).getMeshPeers(topic) ?? []).length >= 2), 'meshes formed')

    expect(await gossip[0]!.publish(new Uint8Array([1, 2, 3]))).toBe(1)
    await until(10_000, () => received.slice(1).every((r) => r.length === 1), 'valid message everywhere')
    expect(received[0]).toEqual([])
    expect(received.slice(1).map((r) => [...r[0]!])).toEqual([[1, 2, 3], [1, 2, 3], [1, 2, 3]])

    const before = [...validated]
    await gossip[0]!.publish(new Uint8Array([0xff, 1]))
    await until(5_000, () => validated[1]! > before[1]!, 'first hop validated the invalid message')
    await new Promise((r) => setTimeout(r, 1500)) // time in which it would have been forwarded
    expect(validated[2]).toBe(before[2]) // never forwarded past node 1
    expect(validated[3]).toBe(before[3])
    expect(received.map((r) => r.length)).toEqual([0, 1, 1, 1])
    const score = (nodes[1]!.services.pubsub as unknown as { getScore(p: string): number }).getScore(nodes[0]!.peerId.toString())
    expect(score).toBeLessThan(0)
    for (const g of gossip) g.leave()
  })
})

describe('circuit relay v2 (NET-5)', () => {
  it('NET-5: two nodes that only know a relay open a stream to each other through it', async () => {
    const relay = await set.add({ relayServer: true })
    const relayAddr = tcpAddress(relay)
    // No direct listen addresses: these two can only be reached through the relay.
    const a = await set.add({ listen: [`${relayAddr}/p2p-circuit`] })
    const b = await set.add({ listen: [`${relayAddr}/p2p-circuit`] })
    await until(15_000, () => [a, b].every((n) => n.getMultiaddrs().some((m) => m.toString().includes('/p2p-circuit'))), 'relay reservations')
    expect(b.getMultiaddrs().every((m) => m.toString().includes('/p2p-circuit'))).toBe(true)
    await handleProtocol(b, '/polity-test/relay-echo/1', async (s) => {
      for await (const f of s.frames) await s.send(f)
    })
    const bCircuit = `${relayAddr}/p2p-circuit/p2p/${b.peerId.toString()}`
    const s = await dialProtocol(a, parseAddress(bCircuit), '/polity-test/relay-echo/1', AbortSignal.timeout(15_000))
    await s.send(new TextEncoder().encode('through the relay'))
    const r = await s.frames[Symbol.asyncIterator]().next()
    expect(new TextDecoder().decode(r.value as Uint8Array)).toBe('through the relay')
    await s.close()
    const conns = a.getConnections(b.peerId)
    expect(conns.length).toBeGreaterThan(0)
    expect(conns.every((c) => c.remoteAddr.toString().includes('/p2p-circuit'))).toBe(true)
  })
})
