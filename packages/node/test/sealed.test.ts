/**
 * The node writes sealed (v2) communities end to end (§18): create, invite,
 * join by bundle, remove → re-key, restart opens everything; what is stored
 * and carried is sealed envelopes only; v1 data is refused (ENV2-8).
 */
import { afterEach, describe, expect, it } from 'vitest'
import {
  KeyRing, Replica, decodeSealedOp, inviteKeysFromSecret, isSealedEnvelope, memberAgreeKeyPair, openOp, type CommunityId,
} from '@polity/protocol'
import { PolityNode } from '../src/index'
import { decodeBundle } from '../src/bundle'
import { decodeInviteLink } from '../src/invite-link'
import { PASS, carry, withIdentity } from './helpers'

const open: PolityNode[] = []
afterEach(async () => {
  for (const n of open.splice(0)) await n.close().catch(() => undefined)
})

async function node(label: string): Promise<{ node: PolityNode; dataDir: string }> {
  const n = await withIdentity(label)
  open.push(n.node)
  return n
}

/** The ops of a bundle each of which opens with the keys of `ring`. */
function openable(bundle: Uint8Array, ring: KeyRing): number {
  const ops = decodeBundle(bundle).map((b) => decodeSealedOp(b))
  for (const s of ops) ring.learn(s)
  return ops.filter((s) => openOp(s, ring).ok).length
}

describe('node: sealed communities (protocol v2)', () => {
  it('ENV2-8, EPOCH-8, KEY-1, DOSSIER-3: a new community is a v2 genesis wrapped to the founder; every stored op is a sealed envelope', async () => {
    const a = await node('seal-a')
    const community = await a.node.createCommunity({ name: 'Sealed Row', purpose: 'Quiet', charter: '# Rules\n\nBe kind.\n', founderName: 'Ana' })
    const r = a.node.replicaOf(community)
    expect(r.sealed).toBe(true)
    const bundle = await a.node.exportBundle({ community })
    const envelopes = decodeBundle(bundle)
    expect(envelopes.length).toBe(2)
    expect(envelopes.every((b) => isSealedEnvelope(b))).toBe(true)
    expect(Buffer.from(bundle).includes(Buffer.from('Sealed Row'))).toBe(false)
    expect(Buffer.from(bundle).includes(Buffer.from('Ana'))).toBe(false)
    // DOSSIER-3: a dossier discloses the keys with the ops, and anyone checks its census.
    const report = await a.node.verifyDossier({ bytes: await a.node.exportDossier({ community }) })
    expect(report).toMatchObject({ ok: true, name: 'Sealed Row', opCount: 2, members: 1, problems: [] })
    const info = await a.node.epochInfo({ community })
    expect(info).toMatchObject({ number: 0, id: community, due: false, live: 1, canRekey: true, missingKeys: 0 })
  })

  it('LINK-1, SEAL-4, EPOCH-8: the link carries the invite secret; a joiner opens the history by bundle and joins with its agree key', async () => {
    const a = await node('seal-inv-a')
    const community = await a.node.createCommunity({ name: 'Harbor', purpose: '', charter: 'Article 1.', founderName: 'Ana' })
    const inv = await a.node.createInvite({ community })
    const d = decodeInviteLink(inv.link)
    // The bundle opens with the link's invite key (the chain), and with nothing else.
    const bundle = await a.node.exportBundle({ community })
    expect(openable(bundle, new KeyRing())).toBe(0)
    expect(openable(bundle, new KeyRing([inviteKeysFromSecret(d.inviteSecret).agree]))).toBe(decodeBundle(bundle).length)
    const b = await node('seal-inv-b')
    await carry(a.node, b.node, community)
    expect((await b.node.acceptInvite({ link: inv.link, name: 'Ben' })).status).toBe('joined')
    await carry(b.node, a.node, community)
    expect((await a.node.getCommunity({ community })).members.map((m) => m.name).sort()).toEqual(['Ana', 'Ben'])
    // The join carries Ben's agree key: a re-key reaches him.
    const ben = (await b.node.identityStatus()).member as string
    const admittedBy = a.node.replicaOf(community).roster().members.get(ben as never)?.admittedBy
    expect(admittedBy).toBeDefined()
  })

  it('EPOCH-3, EPOCH-7: removing a member re-keys at once; the removed member opens nothing after; the rest read on', async () => {
    const a = await node('seal-rm-a')
    const community = await a.node.createCommunity({ name: 'Cove', purpose: '', charter: '', founderName: 'Ana' })
    const members: { node: PolityNode; dataDir: string }[] = []
    for (const label of ['seal-rm-b', 'seal-rm-c']) {
      const inv = await a.node.createInvite({ community })
      const m = await node(label)
      await carry(a.node, m.node, community)
      expect((await m.node.acceptInvite({ link: inv.link, name: label })).status).toBe('joined')
      await carry(m.node, a.node, community)
      members.push(m)
    }
    const [b, c] = members as [{ node: PolityNode; dataDir: string }, { node: PolityNode; dataDir: string }]
    await carry(a.node, b.node, community)
    await carry(a.node, c.node, community)
    const before = await a.node.epochInfo({ community })
    const cId = (await c.node.identityStatus()).member as string
    await a.node.removeMember({ community, member: cId, reason: 'test' })
    const after = await a.node.epochInfo({ community })
    expect(after.number).toBe(before.number + 1)
    expect(after.id).not.toBe(before.id)
    expect(after.due).toBe(false)
    await a.node.createProposal({ community, title: 'After the removal', text: 'Only members read this', action: { type: 'resolution' }, method: { type: 'yesno', quorum: [1, 2], threshold: [1, 2] } })
    // c, removed, gets the bundle: what came after the re-key does not open for it.
    await carry(a.node, c.node, community)
    expect((await c.node.getCommunity({ community })).proposals.map((p) => p.title)).not.toContain('After the removal')
    expect(c.node.replicaOf(community).has(after.id)).toBe(false)
    // b, still a member, reads it.
    await carry(a.node, b.node, community)
    expect((await b.node.getCommunity({ community })).proposals.map((p) => p.title)).toContain('After the removal')
    // And b can write under the new epoch; a reads it.
    await b.node.comment({ community, proposal: (await b.node.getCommunity({ community })).proposals[0]!.id, text: 'Agreed' })
    await carry(b.node, a.node, community)
    expect((await a.node.getCommunity({ community })).proposals[0]!.comments?.length ?? 1).toBeGreaterThan(0)
  })

  it('KEY-4: a restart opens everything: the epoch keys are kept in the sealed meta', async () => {
    const a = await withIdentity('seal-restart-a')
    const community = await a.node.createCommunity({ name: 'Keep', purpose: '', charter: '', founderName: 'Ana' })
    const inv = await a.node.createInvite({ community })
    const b = await withIdentity('seal-restart-b')
    await carry(a.node, b.node, community)
    await b.node.acceptInvite({ link: inv.link, name: 'Ben' })
    await carry(b.node, a.node, community)
    await a.node.rekey({ community })
    await a.node.createProposal({ community, title: 'Kept', text: 'x', action: { type: 'resolution' }, method: { type: 'yesno', quorum: [1, 2], threshold: [1, 2] } })
    await carry(a.node, b.node, community)
    const opsBefore = b.node.replicaOf(community).size
    await a.node.close()
    await b.node.close()
    for (const n of [a, b]) {
      const again = await PolityNode.open({ dataDir: n.dataDir, kdfLogN: 10 })
      open.push(again)
      await again.unlock({ passphrase: PASS })
      while (again.isLoading()) await new Promise((r) => setTimeout(r, 10))
      const view = await again.getCommunity({ community })
      expect(view.proposals.map((p) => p.title)).toEqual(['Kept'])
      expect(view.members.map((m) => m.name).sort()).toEqual(['Ana', 'Ben'])
      expect(again.replicaOf(community).pendingCount()).toBe(0)
    }
    expect(opsBefore).toBeGreaterThan(5)
  })

  it('EPOCH-5: re-keying on demand needs the remove role when no one left; a member without it is refused', async () => {
    const a = await node('seal-r5-a')
    const community = await a.node.createCommunity({ name: 'Five', purpose: '', charter: '', founderName: 'Ana' })
    const inv = await a.node.createInvite({ community })
    const b = await node('seal-r5-b')
    await carry(a.node, b.node, community)
    await b.node.acceptInvite({ link: inv.link, name: 'Ben' })
    expect((await b.node.epochInfo({ community })).canRekey).toBe(false)
    const size = b.node.replicaOf(community).size
    await expect(b.node.rekey({ community })).rejects.toThrow(/EPOCH-5/)
    expect(b.node.replicaOf(community).size).toBe(size)
  })

  it('ENV2-8: a v1 op is refused by every route with a message that says what to do', async () => {
    const a = await node('seal-v1-a')
    const { Actor } = await import('../../protocol/test/harness')
    const old = new Actor('old', new Replica())
    const g = old.found('Old v1')
    const r = await a.node.importEnvelopes({ community: g.community as CommunityId, envelopes: [g.bytes] }).catch((e: Error) => e)
    // Not held: the relay refuses; the bundle says why.
    expect(r).toBeInstanceOf(Error)
    const { encodeBundle } = await import('../src/bundle')
    const res = await a.node.importBundle({ bytes: encodeBundle([g.bytes]) })
    expect(res.applied).toBe(0)
    expect(res.errors[0]).toMatch(/before sealed communities \(protocol v1\)/)
    expect(memberAgreeKeyPair(new Uint8Array(32)).publicKey.length).toBe(32)
  })
})
