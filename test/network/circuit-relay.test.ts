/**
 * NET-5: members who cannot dial each other meet through a circuit relay v2.
 *
 * Topology (all on 127.0.0.1): R runs `polity serve`'s network configuration
 * (relay server on, TCP and WebSockets listen addresses). A and C listen on
 * `/p2p-circuit` ONLY — the relay entry of the default listen list, without
 * the direct ones — so neither has an address anyone can dial: like two
 * members behind NATs that accept no inbound connection. They know R's
 * address as a bootstrap peer (config.json / --bootstrap); the relay
 * reservation is made by the circuit transport because of the
 * `/p2p-circuit` listen address, not by the test. So every connection
 * between A and C is relayed, i.e. limited.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { randomBytes } from 'node:crypto'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CIRCUIT_LISTEN, DEFAULT_LISTEN, dialProtocol } from '@polity/net'
import { SYNC_PROTOCOL } from '@polity/sync'
import { PolityNode, type NetworkOptions } from '@polity/node'
import { generateCommunity, sizesFor } from '../bench/generate'
import { PASS, stateOf, within } from './helpers'
import { NetworkSet, ReplicaHost, TestHost, directAddress } from './network-helpers'

const open: PolityNode[] = []
const nets = new NetworkSet()
afterAll(async () => {
  for (const n of open) await n.close().catch(() => undefined)
  await nets.stopAll()
})

/** `polity serve`'s startNetwork call, with loopback ports instead of 0.0.0.0:4001/4002. */
const SERVE: NetworkOptions = { listen: ['/ip4/127.0.0.1/tcp/0', '/ip4/127.0.0.1/tcp/0/ws'], relayServer: true, mdns: false }

async function member(label: string, relay: string): Promise<PolityNode> {
  const dataDir = join(mkdtempSync(join(tmpdir(), `polity-relay-${label}-`)), 'data')
  const node = await PolityNode.open({ dataDir, kdfLogN: 10, network: { listen: [CIRCUIT_LISTEN], bootstrap: [relay], mdns: false, syncIntervalMs: 1000 } })
  open.push(node)
  await node.createIdentity({ passphrase: PASS })
  return node
}

const relayed = (addrs: readonly string[]): boolean => addrs.length > 0 && addrs.every((a) => a.includes('/p2p-circuit'))

describe('circuit relay v2 (NET-5)', () => {
  it('NET-5: two PolityNodes that reach each other only through a third node acting as a circuit relay (polity serve defaults) converge; sync runs over the limited connection', async () => {
    expect(DEFAULT_LISTEN).toContain(CIRCUIT_LISTEN)
    const dataDir = join(mkdtempSync(join(tmpdir(), 'polity-relay-r-')), 'data')
    const r = await PolityNode.open({ dataDir, kdfLogN: 10 })
    open.push(r)
    await r.createIdentity({ passphrase: PASS })
    await r.startNetwork(SERVE)
    const relayAddress = r.networkAddresses().find((a) => !a.includes('/ws'))!
    const a = await member('a', relayAddress)
    const c = await member('c', relayAddress)
    // The reservations: each member's only addresses are through R.
    await within(20_000, () => relayed(a.networkAddresses()) && relayed(c.networkAddresses()), 'A and C hold relay reservations on R')
    for (const n of [a, c]) expect(n.networkAddresses().every((x) => x.includes(`/p2p/${relayAddress.split('/p2p/')[1]}/p2p-circuit/`))).toBe(true)

    const community = await a.createCommunity({ name: 'Behind NATs', purpose: '', charter: '# Behind NATs\n', founderName: 'A' })
    const { link } = await a.createInvite({ community })
    // The invite carries A's relayed addresses (A has no other).
    expect(decodeURIComponent(link)).toContain('/p2p-circuit/')
    const joined = Date.now()
    expect((await c.acceptInvite({ link, name: 'C' })).status).toBe('joined')
    console.log(`NET-5: joined over the relay in ${Date.now() - joined} ms`)
    // Both sides edit; everything flows through R.
    const proposal = await a.createProposal({ community, title: 'Meet through the relay', text: '', action: { type: 'resolution' }, method: { type: 'yesno', quorum: [1, 2], threshold: [1, 2] } })
    await within(20_000, () => c.replicaOf(community).has(proposal), 'C receives A\'s proposal')
    await c.vote({ community, proposal, ballot: { type: 'yesno', choice: 'yes' } })
    await c.setProfile({ community, name: 'C, relayed' })
    const took = await within(20_000, async () => (await stateOf(a, community)) === (await stateOf(c, community)), 'identical states')
    const s = await a.getCommunity({ community })
    expect(s.members.map((m) => m.name).sort()).toEqual(['A', 'C, relayed'])
    expect(s.proposals[0]!.votes).toHaveLength(1)
    // The sessions that carried it ran over the relayed (limited) connection, on both sides.
    const [sa, sc] = [await a.syncStatus({ community }), await c.syncStatus({ community })]
    const aId = a.networkAddresses()[0]!.split('/p2p/').at(-1)!
    const cId = c.networkAddresses()[0]!.split('/p2p/').at(-1)!
    expect(sc.peers.find((p) => p.peer === aId)?.transport).toBe('relay')
    expect(sa.peers.find((p) => p.peer === cId)?.transport).toBe('relay')
    // R relayed it and holds none of it (it is not a member).
    expect(await r.listCommunities()).toEqual([])
    console.log(`NET-5: converged ${took} ms after C's vote; ${s.opCount} ops; status ${JSON.stringify(sc.peers.map((p) => p.transport))}`)
  })

  it('NET-5: a relay that cuts each relayed connection after 1 MiB: sync resumes over new relayed connections until both hold every op; a cut is not a breach (no one is banned)', async () => {
    // Each relayed connection must carry one whole ops batch (≤ 512 envelopes, ≤ 1 MiB; ~190 KiB here) plus the
    // session's opening and the probe gap it re-sends, or the session makes no progress (see PROTOCOL.md NET-5).
    const LIMIT = 1024n * 1024n
    const g = generateCommunity({ seed: 5, ...sizesFor(4_000) })
    const bytes = g.ops.reduce((n, o) => n + o.bytes.length, 0)
    const secret = new Uint8Array(randomBytes(32))
    const relay = await nets.add(new TestHost(), {
      listen: ['/ip4/127.0.0.1/tcp/0'],
      relayServer: true,
      relayLimits: { dataBytes: LIMIT },
    })
    const boot = { listen: [CIRCUIT_LISTEN], bootstrap: [directAddress(relay)] }
    // A gets the ops only after the regression check below, so no session moves them before it.
    const full = new ReplicaHost(g.community, secret, g.founder)
    const empty = new ReplicaHost(g.community, secret, g.memberKeys[0]!, [], g.agreeKeys.slice(0, 1))
    const a = await nets.add(full, boot)
    const c = await nets.add(empty, boot)
    await within(20_000, () => relayed(a.addresses()) && relayed(c.addresses()), 'reservations')
    const [peerA] = await c.connect(a.addresses())
    expect(peerA?.toString()).toBe(a.peerId)
    const conn = c.libp2p.getConnections(peerA!)[0]!
    // The connection is limited, with the relay's bounds.
    expect(conn.limits?.bytes).toBeLessThanOrEqual(LIMIT)
    // (A duration limit is there too; js-libp2p's relay writes it in ms into the spec's seconds field, so its figure
    // reads 1000× too long on this side; the relay itself enforces the ms value.)
    expect(conn.limits?.seconds).toBeDefined()
    // The regression: a stream opened without runOnLimitedConnection (as the node's old network.ts opened it) is
    // refused on this connection; net's dialProtocol, which SyncService uses, opens one.
    await expect(conn.newStream(SYNC_PROTOCOL, { signal: AbortSignal.timeout(5_000) })).rejects.toMatchObject({ name: 'LimitedConnectionError' })
    const probe = await dialProtocol(c.libp2p, peerA!, SYNC_PROTOCOL, AbortSignal.timeout(5_000))
    expect(probe.stream.status).toBe('open')
    await probe.close()
    full.load(g.ops)
    let connections = 1
    c.libp2p.addEventListener('connection:open', (e) => {
      if (e.detail.remotePeer.equals(peerA!)) connections++
    })
    let sessions = 0
    const took = await within(120_000, async () => {
      sessions++
      await c.syncPeer(g.community, peerA!)
      return empty.replica.size === g.ops.length
    }, 'C holds every op')
    expect(empty.replica.heads()).toEqual(full.replica.heads())
    expect(a.isBanned(c.peerId)).toBe(false)
    expect(c.isBanned(a.peerId)).toBe(false)
    // More bytes than one relayed connection may carry: the relay cut it, and new relayed connections carried the rest.
    expect(bytes).toBeGreaterThan(Number(LIMIT))
    expect(connections).toBeGreaterThan(1)
    expect(c.libp2p.getConnections(peerA!).every((x) => x.remoteAddr.toString().includes('/p2p-circuit'))).toBe(true)
    console.log(`NET-5: ${g.ops.length} ops (${(bytes / 1024).toFixed(0)} KiB of envelopes) over a 1 MiB-per-connection relay: ${connections} relayed connections, ${sessions} sync calls, ${took} ms`)
  })
})
