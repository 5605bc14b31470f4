/**
 * NET-2 / NET-3 through PolityNetwork, the code PolityNode runs on the
 * network (real libp2p nodes on 127.0.0.1): DHT rendezvous with the provider
 * cap, and community gossip with the validator, its timeout and the topic
 * score. The hosts stand in for the node's side of NetworkHost only; the
 * gossiping ones are members of a real community (gossip flows only between
 * peers that passed SYNC-3, NET-G1).
 */
import { afterAll, describe, expect, it } from 'vitest'
import { randomBytes } from 'node:crypto'
import { communityTopic, NetworkStartError, PolityNetwork } from '@polity/net'
import { generateCommunity, sizesFor } from '../bench/generate'
import { directAddress, NetworkSet, QUIET, ReplicaHost, TestHost } from './network-helpers'
import { until } from './libp2p-helpers'

const set = new NetworkSet()
afterAll(async () => {
  const t = Date.now()
  await set.stopAll()
  console.log(`stopped all networks in ${Date.now() - t} ms`)
})

/** Connect n[i] to n[i+1] only: each network knows one neighbour's address. */
async function chain(nets: PolityNetwork[]): Promise<void> {
  for (let i = 0; i + 1 < nets.length; i++) expect(await nets[i]!.connect([directAddress(nets[i + 1]!)])).toHaveLength(1)
}

const sameCommunity = (n: number): TestHost[] => {
  const first = new TestHost()
  return [first, ...Array.from({ length: n - 1 }, () => new TestHost({ community: first.community, secret: first.secretBytes }))]
}

/** n members' hosts of one real community (all proving with the founder's key), each with its own gossip ingest. */
const members = (n: number, ingest: (i: number) => ((envs: Uint8Array[]) => Promise<{ applied: number; rejected: number }>) | undefined): ReplicaHost[] => {
  const g = generateCommunity({ seed: 31, ...sizesFor(10) })
  const secret = new Uint8Array(randomBytes(32))
  return Array.from({ length: n }, (_, i) => {
    const h = new ReplicaHost(g.community, secret, g.founder, g.ops)
    h.gossipIngest = async (envs) => {
      h.ingested.push(...envs)
      const f = ingest(i)
      return f ? f(envs) : { applied: envs.length, rejected: 0 }
    }
    return h
  })
}

/** Every neighbour pair proven to each other (their sessions ran when the connections opened). */
async function proven(nets: PolityNetwork[], community: string): Promise<void> {
  await until(10_000, () => nets.every((n, i) => [nets[i - 1], nets[i + 1]].every((m) => !m || n.provenPeers(community as never).includes(m.peerId))), 'neighbours proven (SYNC-3)')
}

describe('DHT rendezvous (NET-2)', () => {
  it('NET-2: six networks in a chain find each other under the community rendezvous key and end up connected', async () => {
    const hosts = sameCommunity(6)
    const nets = await Promise.all(hosts.map(async (h) => set.add(h)))
    await chain(nets)
    await until(10_000, () => nets.every((n) => n.connectedPeers().length >= 1), 'chain connected')
    const started = Date.now()
    const ids = nets.map((n) => n.peerId)
    const allConnected = (): boolean => nets.every((n) => {
      const connected = new Set(n.connectedPeers())
      return ids.every((id) => id === n.peerId || connected.has(id))
    })
    // Every network looks at once, as members do; a lookup that ran before the others advertised finds them next round.
    const rounds: number[][] = []
    while (!allConnected() && rounds.length < 3) rounds.push(await Promise.all(nets.map(async (n, i) => n.discover(hosts[i]!.community))))
    expect(allConnected()).toBe(true)
    expect(rounds.flat().every((f) => f <= 5)).toBe(true)
    console.log(`NET-2: all six connected through the rendezvous in ${Date.now() - started} ms; providers found per network, by round: ${rounds.map((r) => r.join(',')).join(' | ')}`)
  })

  it('NET-2: a network with another secret finds no one; the same secret finds the advertiser', async () => {
    const [ha, hb] = sameCommunity(2)
    const a = await set.add(ha!)
    const stranger = new TestHost({ community: ha!.community })
    const b = await set.add(stranger)
    await b.connect([directAddress(a)])
    await a.discover(ha!.community, AbortSignal.timeout(10_000))
    expect(await b.discover(stranger.community, AbortSignal.timeout(3_000))).toBe(0)
    const c = await set.add(hb!)
    await c.connect([directAddress(b)])
    expect(await c.discover(hb!.community, AbortSignal.timeout(10_000))).toBe(1)
    expect(c.connectedPeers()).toContain(a.peerId)
  })

  it('NET-2: one lookup takes at most maxRendezvousPeers providers (a hostile DHT peer could list thousands)', async () => {
    const hosts = sameCommunity(7)
    // A hub that never advertises, four providers around it, and two lookers that know only the hub: one capped at 2.
    const hub = await set.add(hosts[0]!)
    const providers = await Promise.all(hosts.slice(1, 5).map(async (h) => set.add(h)))
    for (const p of providers) await p.connect([directAddress(hub)])
    await Promise.all(providers.map(async (p, i) => p.discover(hosts[i + 1]!.community)))
    const capped = await set.add(hosts[5]!, { maxRendezvousPeers: 2 })
    const uncapped = await set.add(hosts[6]!)
    await capped.connect([directAddress(hub)])
    await uncapped.connect([directAddress(hub)])
    expect(await capped.discover(hosts[5]!.community)).toBe(2)
    // The same lookup without the cap takes more (up to the four and the capped looker, which advertised too).
    expect(await uncapped.discover(hosts[6]!.community)).toBeGreaterThan(2)
  })
})

describe('community gossip (NET-3)', () => {
  it('NET-3: a valid message reaches all four networks; an invalid one stops at the first hop and costs the sender score', async () => {
    const hosts = members(4, (i) => (i === 0 ? undefined : async (envs) => ({ applied: 0, rejected: envs.filter((e) => e[0] === 0xff).length })))
    const nets = await Promise.all(hosts.map(async (h) => set.add(h)))
    await chain(nets) // 0 - 1 - 2 - 3: network 0's only neighbour is network 1
    await proven(nets, hosts[0]!.community)
    const topic = communityTopic(hosts[0]!.secretBytes)
    const pubsub = (n: PolityNetwork): { getSubscribers(t: string): unknown[]; getMeshPeers(t: string): string[]; getScore(p: string): number } => n.libp2p.services.pubsub as never
    // The topic was joined at start (every community the host has ready) and through joinGossip: its score weights are set.
    await until(10_000, () => nets.every((n, i) => (i > 0 ? pubsub(n).getSubscribers(topic).length >= 1 : true)), 'subscriptions known')
    await until(10_000, () => nets.slice(1, 3).every((n) => (pubsub(n).getMeshPeers(topic) ?? []).length >= 2), 'meshes formed')

    nets[0]!.publish(hosts[0]!.community, new Uint8Array([1, 2, 3]))
    await until(10_000, () => hosts.slice(1).every((h) => h.ingested.length === 1), 'valid message everywhere')
    expect(hosts[0]!.ingested).toEqual([])
    expect(hosts.slice(1).map((h) => [...h.ingested[0]!])).toEqual([[1, 2, 3], [1, 2, 3], [1, 2, 3]])

    nets[0]!.publish(hosts[0]!.community, new Uint8Array([0xff, 1]))
    await until(5_000, () => hosts[1]!.ingested.length === 2, 'first hop checked the invalid message')
    await new Promise((r) => setTimeout(r, 1500)) // time in which it would have been forwarded
    expect(hosts.map((h) => h.ingested.length)).toEqual([0, 2, 1, 1]) // never past network 1
    expect(pubsub(nets[1]!).getScore(nets[0]!.peerId)).toBeLessThan(0)
  })

  it('NET-3: a check slower than the validator timeout drops the message quietly (not forwarded, no penalty); an over-cap message is never sent', async () => {
    // The node's ingest never answers for 0xee (as a hung check would).
    const [h0, stuck, h2] = members(3, (i) => (i === 1 ? async (envs) => (envs[0]![0] === 0xee ? new Promise(() => undefined) : { applied: envs.length, rejected: 0 }) : undefined))
    const nets = [await set.add(h0!), await set.add(stuck!, { gossipValidateTimeoutMs: 300 }), await set.add(h2!)]
    await chain(nets)
    await proven(nets, h0!.community)
    const topic = communityTopic(h0!.secretBytes)
    const ps = (n: PolityNetwork): { getMeshPeers(t: string): string[]; getScore(p: string): number } => n.libp2p.services.pubsub as never
    await until(10_000, () => (ps(nets[1]!).getMeshPeers(topic) ?? []).length >= 2, 'mesh formed')
    nets[0]!.publish(h0!.community, new Uint8Array([0xee]))
    await until(5_000, () => stuck!.ingested.length === 1, 'the slow check started')
    nets[0]!.publish(h0!.community, new Uint8Array(256 * 1024 + 1)) // over GOSSIP_MAX_MESSAGE_BYTES: refused at publish
    await new Promise((r) => setTimeout(r, 1500))
    expect(h2!.ingested).toEqual([])
    expect(stuck!.ingested).toHaveLength(1)
    expect(ps(nets[1]!).getScore(nets[0]!.peerId)).toBeGreaterThanOrEqual(0)
    nets[0]!.publish(h0!.community, new Uint8Array([7]))
    await until(5_000, () => h2!.ingested.length === 1, 'a later message still flows')
    expect([...h2!.ingested[0]!]).toEqual([7])
  })
})

describe('starting (NET-1)', () => {
  it('NET-1: a listen address already in use fails with NetworkStartError; the network already on it is untouched', async () => {
    const first = await set.add(new TestHost())
    const taken = directAddress(first).split('/p2p/')[0]!
    const err = await PolityNetwork.start(new TestHost(), { ...QUIET, listen: [taken] }).then(
      async (n) => {
        await n.stop()
        return undefined
      },
      (e: unknown) => e,
    )
    expect(err).toBeInstanceOf(NetworkStartError)
    expect((err as NetworkStartError).code).toBe('ERR_NETWORK_START')
    // The first network is untouched and still reachable.
    const probe = await set.add(new TestHost())
    expect(await probe.connect([directAddress(first)])).toHaveLength(1)
  })
})
