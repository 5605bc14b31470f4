/**
 * NET-G1..G5 live on 127.0.0.1: only proven current members get a
 * community's ops, on every path. Four real PolityNodes (A founds; B, C and
 * X join by invite links; everyone is connected to everyone), then A removes
 * X and A, B, C keep working. The assertions read the bytes that arrive: X's
 * node's gossipsub RPCs (before any filter of its own) and its replica (what
 * sync or gossip brought), and a raw gossipsub client (plain libp2p with
 * gossipsub, no Polity code) that holds only the used invite link's data,
 * subscribes to the topic it names, dials every member and GRAFTs.
 * Separately, a holder of a revoked link gets nothing; and X restarting
 * (remembered peers, NET-P1) reconnects to nothing that feeds it.
 * Sealed communities (SEAL-5, EPOCH-3): A re-keys with the removal, so the
 * names move and, on the bytes, no v2 envelope X or the raw client received
 * — nor any op made after the removal — opens with the keys they hold.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { createPolityLibp2p, networkNames, parseAddress, type PolityLibp2p } from '@polity/net'
import { decodeInviteLink, PolityNode } from '@polity/node'
import { KeyRing, decodeSealedOp, inviteKeysFromSecret, isSealedEnvelope, openOp, type CommunityId, type OpId } from '@polity/protocol'
import { LOOPBACK, netNode, PASS, within } from './helpers'

const open: PolityNode[] = []
const raws: PolityLibp2p[] = []
afterAll(async () => {
  for (const n of open) await n.close().catch(() => undefined)
  for (const r of raws) await Promise.resolve(r.stop()).catch(() => undefined)
})

async function node(label: string): Promise<{ node: PolityNode; dataDir: string }> {
  const n = await netNode(label)
  open.push(n.node)
  return n
}

const peerOf = (n: PolityNode): string => (n.networkAddresses()[0] as string).split('/p2p/').at(-1) as string
const tcpOf = (n: PolityNode): string => n.networkAddresses().find((a) => a.startsWith('/ip4/127.0.0.1/tcp/') && !a.includes('/ws')) as string

/** The node's libp2p (test access to a private field: the bytes its gossipsub receives are read there). */
const libp2pOf = (n: PolityNode): PolityLibp2p =>
  (n as unknown as { ctx: { network: { current?: { libp2p: PolityLibp2p } } } }).ctx.network.current?.libp2p as PolityLibp2p

interface Capture {
  /** Every gossip message's data that arrived, whatever happened to it next. */
  readonly messages: Array<{ topic: string; data: Uint8Array }>
  /** Every subscription announcement that arrived: who told us they are on which topic. */
  readonly subscriptions: Array<{ from: string; topic: string }>
}

/** Record every RPC gossipsub receives, before anything (Polity's gate included) filters it. */
function capture(l: PolityLibp2p): Capture {
  const ps = l.services.pubsub as unknown as { handleReceivedRpc(from: { toString(): string }, rpc: RawRpc): Promise<void> }
  const prev = ps.handleReceivedRpc.bind(ps)
  const c: Capture = { messages: [], subscriptions: [] }
  ps.handleReceivedRpc = async (from, rpc) => {
    for (const m of rpc.messages ?? []) c.messages.push({ topic: m.topic, data: m.data ?? new Uint8Array() })
    for (const s of rpc.subscriptions ?? []) if (s.subscribe && s.topic) c.subscriptions.push({ from: from.toString(), topic: s.topic })
    return prev(from, rpc)
  }
  return c
}
interface RawRpc { messages?: Array<{ topic: string; data?: Uint8Array }>; subscriptions?: Array<{ topic?: string; subscribe?: boolean }> }

/** Whether any received message carries any of the envelopes (as a byte run anywhere in it). */
function carries(c: Capture, envelopes: readonly Uint8Array[]): number {
  let n = 0
  for (const m of c.messages) for (const e of envelopes) if (Buffer.from(m.data).indexOf(Buffer.from(e)) >= 0) n++
  return n
}

/** A raw gossipsub client: plain libp2p + gossipsub (no PolityNetwork), subscribed to the topic the link names, dialing `targets`, grafting each. */
async function rawClient(link: string, targets: readonly string[]): Promise<{ raw: PolityLibp2p; seen: Capture; topic: string }> {
  const d = decodeInviteLink(link)
  // SEAL-5: the link names the epoch it was made in.
  const topic = networkNames(d.epochSecret ? { communitySecret: d.communitySecret, epochSecret: d.epochSecret } : { communitySecret: d.communitySecret }).topic
  const raw = await createPolityLibp2p({ listen: ['/ip4/127.0.0.1/tcp/0'], mdns: false, maxInboundConnectionsPerSecondPerHost: 100 })
  raws.push(raw)
  const seen = capture(raw)
  raw.services.pubsub.subscribe(topic)
  for (const t of targets) await raw.dial(parseAddress(t)).catch(() => undefined)
  const graft = raw.services.pubsub as unknown as { sendGraft(id: string, topics: string[]): void }
  for (const t of targets) graft.sendGraft(t.split('/p2p/').at(-1) as string, [topic])
  return { raw, seen, topic }
}

/** Envelopes A stored after position `after`, with their ids. */
async function storedAfter(a: PolityNode, community: CommunityId, after: number): Promise<{ ids: OpId[]; envelopes: Uint8Array[] }> {
  const ids: OpId[] = []
  const envelopes: Uint8Array[] = []
  for (let pos = after; ;) {
    const b = await a.envelopesSince({ community, after: pos })
    ids.push(...b.ids)
    envelopes.push(...b.envelopes)
    pos = b.next
    if (b.done) return { ids, envelopes }
  }
}

/**
 * EPOCH-3, SEAL-1: how many of `envelopes` open with `ring` after it learnt
 * every key the captured bytes could teach it (a wrap to a key it holds, a
 * re-key's chain). Anything not a v2 envelope is skipped.
 */
function opened(ring: KeyRing, seen: readonly Capture[], envelopes: readonly Uint8Array[]): number {
  const decode = (b: Uint8Array): ReturnType<typeof decodeSealedOp> | undefined => {
    try {
      return isSealedEnvelope(b) ? decodeSealedOp(b) : undefined
    } catch {
      return undefined
    }
  }
  for (let round = 0; round < 3; round++) {
    for (const c of seen) for (const m of c.messages) {
      const op = decode(m.data)
      if (!op) continue
      ring.learn(op)
      const o = openOp(op, ring)
      if (o.ok) ring.learnOpened(o.op)
    }
  }
  return envelopes.filter((e) => {
    const op = decode(e)
    return op !== undefined && openOp(op, ring).ok
  }).length
}

/** The keys a node's replica holds for a community, in a ring of their own (learning from bytes must not touch the node). */
function ringOf(n: PolityNode, community: CommunityId, more: KeyRing = new KeyRing()): KeyRing {
  const r = n.replicaOf(community).keyRing
  for (const e of r.epochs()) {
    const commit = n.replicaOf(community).sealedView()?.commitOf(e)
    if (commit) more.noteCommit(e, commit)
    more.offer(e, r.key(e) as Uint8Array)
  }
  return more
}

const settle = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

describe('the member gate: only proven current members get ops (live, 127.0.0.1)', () => {
  it('NET-G1, NET-G2, NET-G3, EPOCH-3, SEAL-5: after A removes X, X gets none of A/B/C\'s new ops (not by gossip, not by sync), a raw gossipsub client with the used link gets no message bytes and no subscriber list, and X restarting gets nothing either', async () => {
    const { node: a } = await node('gate-a')
    const community = await a.createCommunity({ name: 'Gate', purpose: 'members only', charter: '# Gate\n', founderName: 'A' })
    const { node: b } = await node('gate-b')
    const { node: c } = await node('gate-c')
    const { node: x, dataDir: xDir } = await node('gate-x')
    let xLink = ''
    for (const [n, name] of [[b, 'B'], [c, 'C'], [x, 'X']] as const) {
      const { link } = await a.createInvite({ community })
      if (name === 'X') xLink = link
      expect((await n.acceptInvite({ link, name })).status).toBe('joined')
    }
    const all = [a, b, c, x]
    // Everyone connected to everyone: X has a direct path to every member, so each one must cut it off.
    for (const n of all) await n.connectPeers(all.filter((m) => m !== n).map(tcpOf))
    await within(30_000, async () => (await Promise.all(all.map(async (n) => (await n.getCommunity({ community })).members.length))).every((k) => k === 4), 'all four see four members')
    await within(30_000, () => all.every((n) => all.filter((m) => m !== n).every((m) => n.provenPeers(community).includes(peerOf(m)))), 'every pair proven (SYNC-3)')

    const xSeen = capture(libp2pOf(x))
    // The capture works and gossip reaches X while it is a member (so the silence below means something).
    const before = a.replicaOf(community).size
    await b.setProfile({ community, name: 'B before' })
    await within(20_000, () => x.replicaOf(community).size > before, 'X gets B\'s op while a member')
    const early = await storedAfter(b, community, b.replicaOf(community).size - 1)
    await within(10_000, () => carries(xSeen, early.envelopes) > 0, 'X received B\'s op as gossip bytes')

    // The raw client: only the used link's data (topic from its secret, A's address), plus B's and C's addresses (as the DHT would give).
    const { raw, seen: rawSeen, topic } = await rawClient(xLink, [tcpOf(a), tcpOf(b), tcpOf(c)])
    expect(raw.getPeers().length).toBe(3)

    // A removes X; wait until A, B and C have applied it.
    const xMember = (await x.identityStatus()).member as string
    await a.removeMember({ community, member: xMember, reason: 'gate test' })
    await within(20_000, async () => (await Promise.all([a, b, c].map(async (n) => (await n.getCommunity({ community })).members.length))).every((k) => k === 3), 'A, B and C applied the removal')
    // NET-G2: none of them holds X as proven any more.
    await within(10_000, () => [a, b, c].every((n) => !n.provenPeers(community).includes(peerOf(x))), 'X is no longer proven anywhere')
    // EPOCH-3: A re-keyed with the removal; B and C take the new epoch before they write (else they would re-key too).
    const epoch = await a.epochInfo({ community })
    await within(20_000, async () => (await Promise.all([b, c].map((n) => n.epochInfo({ community })))).every((e) => e.id === epoch.id), 'B and C are on A\'s new epoch')
    const xHeld = x.replicaOf(community).size

    // After the removal A, B, C make ops: a profile, a proposal, a vote, a comment, another profile.
    const pos = a.replicaOf(community).size
    await b.setProfile({ community, name: 'B after' })
    const proposal = await c.createProposal({ community, title: 'After X', text: 'secret plans', action: { type: 'resolution' }, method: { type: 'yesno', quorum: [1, 2], threshold: [1, 2] } })
    await within(20_000, () => a.replicaOf(community).has(proposal) && b.replicaOf(community).has(proposal), 'the proposal reached A and B')
    await a.vote({ community, proposal, ballot: { type: 'yesno', choice: 'yes' } })
    await b.comment({ community, proposal, text: 'X must not read this' })
    await c.setProfile({ community, name: 'C after' })
    await within(20_000, () => [a, b, c].every((n) => n.replicaOf(community).size === pos + 5), 'A, B and C hold all five new ops')
    const fresh = await storedAfter(a, community, pos)
    expect(fresh.ids).toHaveLength(5)
    await settle(4_000) // four sync intervals and any gossip round

    // X: none of the new ops in its replica (sync or gossip would have put them there), none in the bytes its gossipsub received.
    for (const id of fresh.ids) expect(x.replicaOf(community).has(id)).toBe(false)
    expect(x.replicaOf(community).size).toBe(xHeld)
    expect(carries(xSeen, fresh.envelopes)).toBe(0)
    // The raw client: no message on the topic at all, no envelope bytes, and no one told it they are subscribed.
    expect(rawSeen.messages.filter((m) => m.topic === topic)).toEqual([])
    expect(carries(rawSeen, fresh.envelopes)).toBe(0)
    expect(rawSeen.subscriptions.filter((s) => s.topic === topic)).toEqual([])
    expect(raw.services.pubsub.getSubscribers(topic)).toEqual([])
    for (const n of [a, b, c]) expect(n.provenPeers(community)).not.toContain(raw.peerId.toString())
    // On the bytes: whatever X and the raw client received, and every op made after the removal, opens with none of their keys.
    const xRing = ringOf(x, community)
    expect(xRing.has(epoch.id)).toBe(false)
    expect(opened(xRing, [xSeen], fresh.envelopes)).toBe(0)
    const rawRing = new KeyRing([inviteKeysFromSecret(decodeInviteLink(xLink).inviteSecret).agree])
    expect(opened(rawRing, [rawSeen], fresh.envelopes)).toBe(0)
    console.log(`NET-G: X held ${xHeld} ops and got 0 of ${fresh.ids.length} new (0 open with its keys); raw client got ${rawSeen.messages.length} messages, ${rawSeen.subscriptions.length} subscriptions`)

    // X restarts: same data directory, remembered peers (NET-P1); A and C make more ops meanwhile and after.
    await x.close()
    await a.setProfile({ community, name: 'A while X was away' })
    const back = await PolityNode.open({ dataDir: xDir, kdfLogN: 10, network: LOOPBACK })
    open.push(back)
    await back.unlock({ passphrase: PASS })
    const backSeen = capture(libp2pOf(back))
    await settle(3_000)
    await c.setProfile({ community, name: 'C while X is back' })
    await within(20_000, () => [a, b, c].every((n) => n.replicaOf(community).size === pos + 7), 'A, B and C hold the two later ops')
    await settle(6_000) // X re-dials its remembered peers at start and after 5 s
    const later = await storedAfter(a, community, pos)
    for (const id of later.ids) expect(back.replicaOf(community).has(id)).toBe(false)
    expect(back.replicaOf(community).size).toBe(xHeld)
    expect(carries(backSeen, later.envelopes)).toBe(0)
    expect(opened(ringOf(back, community), [xSeen, backSeen], later.envelopes)).toBe(0)
    for (const n of [a, b, c]) {
      expect(n.provenPeers(community)).not.toContain(peerOf(back))
      // NET-G3: X is blocked from the community on every member's node (its attempts keep failing SYNC-3).
      expect(n.isBlocked(community, peerOf(back))).toBe(true)
    }
  }, 180_000)

  it('NET-G3, NET-G5, EPOCH-3: a holder of a revoked invite link gets nothing — its node is refused and cut off, and a raw gossipsub client with the link gets no message bytes', async () => {
    const { node: a } = await node('rev-a')
    const community = await a.createCommunity({ name: 'Revoked', purpose: '', charter: '# Revoked\n', founderName: 'A' })
    const { node: b } = await node('rev-b')
    expect((await b.acceptInvite({ link: (await a.createInvite({ community })).link, name: 'B' })).status).toBe('joined')
    await within(20_000, () => a.provenPeers(community).includes(peerOf(b)) && b.provenPeers(community).includes(peerOf(a)), 'A and B proven to each other')

    const { link } = await a.createInvite({ community })
    const invite = (await a.listInvites({ community })).find((i) => i.state === 'open')?.id as OpId
    await a.revokeInvite({ community, invite })
    expect((await a.listInvites({ community })).find((i) => i.id === invite)?.state).toBe('revoked')
    await within(20_000, async () => (await b.listInvites({ community })).find((i) => i.id === invite)?.state === 'revoked', 'B has the revocation')

    const { node: y } = await node('rev-y')
    const ySeen = capture(libp2pOf(y))
    const { raw, seen: rawSeen, topic } = await rawClient(link, [tcpOf(a), tcpOf(b)])
    expect((await y.acceptInvite({ link, name: 'Y' })).status).toBe('waiting')
    await y.connectPeers([tcpOf(b)])
    const pos = a.replicaOf(community).size
    await a.setProfile({ community, name: 'A after the revocation' })
    await b.setProfile({ community, name: 'B after the revocation' })
    await within(20_000, () => a.replicaOf(community).size === pos + 2 && b.replicaOf(community).size === pos + 2, 'A and B hold both new ops')
    await y.syncNow()
    await settle(3_000)
    const all = await storedAfter(a, community, 0)

    expect(y.replicaOf(community).size).toBe(0)
    expect(carries(ySeen, all.envelopes)).toBe(0)
    expect(ySeen.messages.filter((m) => m.topic === topic)).toEqual([])
    expect(rawSeen.messages.filter((m) => m.topic === topic)).toEqual([])
    expect(carries(rawSeen, all.envelopes)).toBe(0)
    expect(raw.services.pubsub.getSubscribers(topic)).toEqual([])
    // On the bytes: with the revoked link's keys, nothing made after the revocation (A re-keyed with it) opens.
    const revokedAt = (await a.epochInfo({ community })).id
    const afterRevocation = (await storedAfter(a, community, 0)).envelopes.filter((e) => {
      const op = decodeSealedOp(e)
      return op.id === revokedAt || op.epoch === revokedAt
    })
    expect(afterRevocation.length).toBeGreaterThan(2)
    const linkRing = new KeyRing([inviteKeysFromSecret(decodeInviteLink(link).inviteSecret).agree])
    expect(opened(linkRing, [rawSeen, ySeen], afterRevocation)).toBe(0)
    for (const n of [a, b]) {
      expect(n.provenPeers(community)).not.toContain(peerOf(y))
      expect(n.isBlocked(community, peerOf(y))).toBe(true)
    }
  }, 120_000)
})
