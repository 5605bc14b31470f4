/**
 * Real libp2p nodes on 127.0.0.1 (no mocked libp2p): cold sync, late joiner
 * with only an invite link, partitions, removed members, non-members,
 * honest status.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { recoveryPhraseOf, type CommunityId } from '@polity/protocol'
import { encodeBundle, PolityNode, type NetworkOptions } from '@polity/node'
import { generateCommunity, sizesFor } from '../bench/generate'
import { LOOPBACK, netNode, PASS, stateOf, within } from './helpers'

const open: PolityNode[] = []
afterAll(async () => {
  for (const n of open) await n.close().catch(() => undefined)
})
async function node(label: string, phrase?: string, network?: NetworkOptions): Promise<PolityNode> {
  const n = (await netNode(label, { ...(phrase ? { phrase } : {}), ...(network ? { network } : {}) })).node
  open.push(n)
  return n
}

describe('network: real libp2p nodes on 127.0.0.1', () => {
  it('SYNC-4 (libp2p): two nodes cold-sync a 10,000-op community; states identical', async () => {
    // Sealed (v2): epoch 0 is wrapped to the founder's agree key, so b is the founder's second device (restored
    // from the founder's phrase); a device of another member would need a grant or a re-key first (EPOCH-9).
    const g = generateCommunity({ seed: 11, ...sizesFor(10_000) })
    const a = await node('a', recoveryPhraseOf(g.founder.secretKey))
    const imported = await a.importBundle({ bytes: encodeBundle(g.ops.map((o) => o.bytes)) })
    expect(imported.applied).toBe(g.ops.length)
    const b = await node('b', recoveryPhraseOf(g.founder.secretKey))
    // b knows nothing but the community id and a's address (as from an invite link).
    const start = Date.now()
    await b.fetchCommunity(g.community, [a.networkAddresses()[0]!])
    await within(60_000, () => b.replicaOf(g.community).size >= g.ops.length, 'b holds every op')
    const seconds = (Date.now() - start) / 1000
    // The restored device then links itself (one new op), which flows back to a.
    await within(20_000, async () => (await stateOf(b, g.community)) === (await stateOf(a, g.community)), 'identical states')
    expect(b.replicaOf(g.community).size).toBe(g.ops.length + 2) // both restored devices linked themselves
    const st = await b.syncStatus({ community: g.community })
    const bytes = g.ops.reduce((n, o) => n + o.bytes.length, 0)
    console.log(`SYNC-4: cold sync of ${g.ops.length} ops in ${seconds.toFixed(2)} s (${Math.round(g.ops.length / seconds)} ops/s); envelopes ${(bytes / 1e6).toFixed(2)} MB; status ${JSON.stringify(st.peers.map((p) => ({ transport: p.transport, weLack: p.weLack })))}`)
  }, 180_000)

  it('SYNC-3 (libp2p): a late joiner with nothing but an invite link catches up; a non-member gets nothing', async () => {
    const a = await node('founder')
    const community = await a.createCommunity({ name: 'Net Town', purpose: 'p2p', charter: '# Net Town\n', founderName: 'A' })
    for (let i = 0; i < 20; i++) await a.setProfile({ community, name: `A${i}` })
    const { link } = await a.createInvite({ community })
    expect(link).toContain('%2Fip4%2F127.0.0.1')
    const c = await node('late')
    const r = await c.acceptInvite({ link, name: 'Cee' })
    expect(r.status).toBe('joined')
    await within(20_000, async () => (await a.getCommunity({ community })).members.length === 2, 'a sees the new member')
    expect(await stateOf(c, community)).toBe(await stateOf(a, community))
    // A stranger with a made-up invite for the same community gets no ops and no heads.
    const x = await node('stranger')
    const fake = `polity://join?c=${community}&i=${'11'.repeat(32)}&k=${Buffer.alloc(32, 7).toString('base64url')}&s=${Buffer.alloc(32, 9).toString('base64url')}&n=&a=${encodeURIComponent(a.networkAddresses()[0]!)}`
    expect((await x.acceptInvite({ link: fake })).status).toBe('waiting')
    await x.syncNow()
    expect(x.replicaOf(community as CommunityId).size).toBe(0)
    expect(x.replicaOf(community as CommunityId).heads()).toEqual([])
  }, 120_000)

  it('NET-P1: a member who went offline and restarts on a new port finds the members it synced with again, with no address given', async () => {
    const a = await node('remember-a')
    const community = await a.createCommunity({ name: 'Return', purpose: '', charter: '# Return\n', founderName: 'A' })
    const { node: c, dataDir } = await netNode('remember-c')
    expect((await c.acceptInvite({ link: (await a.createInvite({ community })).link, name: 'C' })).status).toBe('joined')
    await within(20_000, async () => (await a.getCommunity({ community })).members.length === 2, 'a sees c')
    // C syncs with A at least once (so it remembers A), then goes offline: the process ends.
    await within(20_000, async () => (await c.syncStatus({ community })).peers.length > 0, 'c has a session with a')
    await c.close()
    const proposal = await a.createProposal({ community, title: 'While C was away', text: '', action: { type: 'resolution' }, method: { type: 'yesno', quorum: [1, 2], threshold: [1, 2] } })
    // C comes back: same data directory, a new port, no invite, no address, no bootstrap peer.
    const back = await PolityNode.open({ dataDir, kdfLogN: 10, network: LOOPBACK })
    open.push(back)
    await back.unlock({ passphrase: PASS })
    const took = await within(30_000, () => back.replicaOf(community as CommunityId).has(proposal), 'c fetches what it missed from a remembered peer')
    expect(await stateOf(back, community)).toBe(await stateOf(a, community))
    console.log(`NET-P1: back in sync ${took} ms after unlocking`)
  }, 120_000)

  it('SYNC-4, SYNC-3, SYNC-7 (libp2p): partition — two of five stop; both sides edit (incl. a removal and votes); restart; converge; the removed member fetches nothing new; status counts are exact', async () => {
    // No periodic sessions and no re-dialing of remembered peers here: every reconciliation is explicit, so the healing session's figures are exact.
    const quiet: NetworkOptions = { ...LOOPBACK, syncIntervalMs: 3_600_000, redialKnownPeers: false }
    const nodes: PolityNode[] = []
    const founder = await node('p0', undefined, quiet)
    nodes.push(founder)
    const community = await founder.createCommunity({ name: 'Split', purpose: '', charter: '# Split\n', founderName: 'F' })
    for (let i = 1; i < 5; i++) {
      const n = await node(`p${i}`, undefined, quiet)
      const { link } = await founder.createInvite({ community })
      expect((await n.acceptInvite({ link, name: `M${i}` })).status).toBe('joined')
      nodes.push(n)
    }
    await within(30_000, async () => {
      await founder.syncNow()
      const sizes = nodes.map((n) => n.replicaOf(community).size)
      return sizes.every((s) => s === sizes[0])
    }, 'all five converge before the split')
    const proposal = await founder.createProposal({ community, title: 'Fund the well', text: '', action: { type: 'resolution' }, method: { type: 'yesno', quorum: [1, 2], threshold: [1, 2] } })
    await within(30_000, async () => {
      await founder.syncNow()
      return nodes.every((n) => n.replicaOf(community).has(proposal))
    }, 'proposal everywhere')
    // Partition: nodes 3 and 4 go offline.
    const [n3, n4] = [nodes[3]!, nodes[4]!]
    await n3.stopNetwork()
    await n4.stopNetwork()
    const m4 = (await n4.getCommunity({ community })).members.find((m) => m.name === 'M4')!.id
    await founder.removeMember({ community, member: m4, reason: 'left town' })
    await founder.vote({ community, proposal, ballot: { type: 'yesno', choice: 'yes' } })
    await nodes[1]!.vote({ community, proposal, ballot: { type: 'yesno', choice: 'yes' } })
    await n3.vote({ community, proposal, ballot: { type: 'yesno', choice: 'no' } })
    await n3.setProfile({ community, name: 'M3 offline' })
    await n4.setProfile({ community, name: 'M4 offline' })
    const before3 = n3.replicaOf(community).size
    // Restart and reconnect.
    const restarted = Date.now()
    await n3.startNetwork({ ...quiet, listen: ['/ip4/127.0.0.1/tcp/0'] })
    const healing = await n3.connectPeers([founder.networkAddresses()[0]!])
    // SYNC-7: n3 lacked the founder's removal and two votes (3 ops); the founder lacked n3's vote and profile (2 ops).
    expect(healing.map((s) => [s.weLacked, s.theyLacked])).toEqual([[3, 2]])
    expect(n3.replicaOf(community).size - before3).toBe(3)
    const took = await within(30_000, async () => {
      await founder.syncNow()
      const s = await Promise.all([founder, nodes[1]!, nodes[2]!, n3].map((n) => stateOf(n, community)))
      return new Set(s).size === 1
    }, 'the healed four converge')
    console.log(`SYNC-4: converged ${Date.now() - restarted} ms after restart (${took} ms after the healing session)`)
    const st = await n3.syncStatus({ community })
    expect(st.online).toBe(true)
    expect(st.peers.length).toBeGreaterThan(0)
    expect(st.received).toBe(n3.replicaOf(community).size)
    expect(st.known).toBe(st.received)
    const s = await founder.getCommunity({ community })
    expect(s.members.map((m) => m.name)).not.toContain('M4')
    expect(s.proposals[0]!.votes).toHaveLength(3)
    // The removed member comes back online: refused, it fetches nothing new.
    const before4 = n4.replicaOf(community).size
    await n4.startNetwork({ listen: ['/ip4/127.0.0.1/tcp/0'], syncIntervalMs: 1000, redialKnownPeers: false })
    await n4.connectPeers(founder.networkAddresses())
    await n4.syncNow()
    await new Promise((r) => setTimeout(r, 1500))
    expect(n4.replicaOf(community).size).toBe(before4)
    expect(n4.replicaOf(community).has(s.former[0]!.by)).toBe(false)
  }, 180_000)
})
