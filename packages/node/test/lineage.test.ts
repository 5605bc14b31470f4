/**
 * FORK-5 through the real PolityNode: a fork's lineage is checked wherever it
 * is received or shown, and listed as verified, unchecked (with the reason)
 * or false — a false one is never presented as a fork of its parent.
 */
import { describe, expect, it } from 'vitest'
import { sha256 } from '@noble/hashes/sha2.js'
import { randomBytes } from 'node:crypto'
import {
  DEFAULT_RULES, GENESIS_CERT_COMMUNITY, certifyAgreeKey, certifyDevice, createSealedOp, decodeCanonical, encodeCanonical, fromHex, generateKeyPair,
  inviteKeysFromSecret, memberAgreeKeyPair, randomEpochKey, toHex, type CborValue, type CommunityId, type OpId,
} from '@polity/protocol'
import type { CommunitySummary, PolityEvent } from '@polity/api'
import { PolityNode, encodeBundle, encodeInviteLink } from '../src/index'
import { openStore, pathsOf } from '../src/storage'
import { ForkLineages, decodeLineage, encodeLineage } from '../src/lineage'
import { PASS, carry, holdLink, withIdentity } from './helpers'

const summary = async (n: PolityNode, id: CommunityId): Promise<CommunitySummary> =>
  (await n.listCommunities()).find((c) => c.id === id) as CommunitySummary

/**
 * A sealed fork genesis by someone else, naming `parent` at its real heads
 * with the right charter hash, and the given members; with an invite whose
 * secret `link` carries (§18: only a key holder reads a sealed fork). The link
 * names an invite that never arrives, so a node holding it reads the fork
 * without joining it.
 */
function forgedFork(parent: { id: CommunityId; heads: OpId[]; charter: string }, members: Uint8Array[]): { community: CommunityId; envelopes: Uint8Array[]; link: string } {
  const identity = generateKeyPair()
  const device = generateKeyPair()
  const key = randomEpochKey()
  const agree = memberAgreeKeyPair(identity.secretKey).publicKey
  const genesis = createSealedOp({
    community: null, seq: 1, deps: [], time: Date.now(), kind: 'genesis', epoch: { id: null, key }, wrapTo: [agree],
    body: {
      name: 'Official Fork', purpose: '', charter: parent.charter, rules: DEFAULT_RULES,
      founder: identity.publicKey, cert: certifyDevice(identity, device.publicKey), agree, agreeCert: certifyAgreeKey(identity, GENESIS_CERT_COMMUNITY, agree),
      parent: {
        community: fromHex(parent.id, 32), heads: parent.heads.map((h) => fromHex(h, 32)), version: 0,
        charterHash: sha256(new TextEncoder().encode(parent.charter)), members,
      },
    },
  }, device)
  const secret = new Uint8Array(randomBytes(32))
  const ik = inviteKeysFromSecret(secret)
  const invite = createSealedOp({
    community: genesis.community, seq: 2, deps: [genesis.id], time: Date.now(), kind: 'invite.create', epoch: { id: genesis.id, key }, wrapTo: [ik.agree.publicKey],
    body: { key: ik.sign.publicKey, uses: 1, expires: Number.MAX_SAFE_INTEGER, member: undefined, agree: ik.agree.publicKey },
  }, device)
  const link = encodeInviteLink({ community: genesis.community, invite: toHex(randomBytes(32)) as OpId, inviteSecret: secret, communitySecret: new Uint8Array(32).fill(9), name: '', addresses: [] })
  return { community: genesis.community, envelopes: [genesis.bytes, invite.bytes], link }
}

const CHARTER = '# Harbor\n\nArticle 1. We decide together.\n'

describe('fork lineage in the node (FORK-5)', () => {
  it('FORK-5: a real fork is verified; the false fork (made-up members at real heads, right charter hash) is listed as false, never as a fork', async () => {
    const a = await withIdentity('lineage-a')
    const parent = await a.node.createCommunity({ name: 'Harbor', purpose: '', charter: CHARTER, founderName: 'Ana' })
    const real = await a.node.forkCommunity({ community: parent, name: 'Harbor North', version: 0 })
    const state = await a.node.getCommunity({ community: parent })
    const mallory = generateKeyPair()
    const forged = forgedFork({ id: parent, heads: state.heads, charter: CHARTER }, [fromHex(state.members[0]!.id, 32), mallory.publicKey])
    await a.node.acceptInvite({ link: forged.link })
    const imported = await a.node.importBundle({ bytes: encodeBundle(forged.envelopes) })
    expect(imported.applied).toBe(2)

    const r = await summary(a.node, real)
    expect(r.lineage).toMatchObject({ status: 'verified', parent, parentName: 'Harbor', version: 0, unchecked: null, problems: [] })
    expect(r.parent).toBe(parent)
    const f = await summary(a.node, forged.community)
    expect(f.lineage?.status).toBe('false')
    expect(f.lineage?.problems.map((p) => p.code)).toEqual(['members'])
    expect(f.lineage?.problems[0]?.message).toMatch(/FORK-4/)
    expect(f.parent).toBeNull()
    const view = await a.node.getCommunity({ community: forged.community })
    expect(view.parent).toBeNull()
    expect(view.lineage?.status).toBe('false')
    expect((await a.node.getCommunity({ community: real })).parent?.community).toBe(parent)
    // The parent's own view is unchanged: not a fork, so no lineage at all.
    expect((await a.node.getCommunity({ community: parent })).lineage).toBeUndefined()
    expect((await summary(a.node, parent)).lineage).toBeNull()

    // Final answers are kept (sealed, one per fork) and restored on unlock, before the replicas reload.
    await a.node.close()
    const store = await openStore(pathsOf(a.dataDir))
    expect((await store.listMeta('lineage/')).sort()).toEqual([`lineage/${forged.community}`, `lineage/${real}`].sort())
    await store.close()
    const again = await PolityNode.open({ dataDir: a.dataDir, kdfLogN: 10 })
    await again.unlock({ passphrase: PASS })
    expect((await summary(again, forged.community)).lineage?.status).toBe('false')
    expect((await summary(again, real)).lineage?.status).toBe('verified')
    await again.close()
  })

  it('FORK-5: a fork whose parent this node does not hold is unchecked (parent-not-held); it is verified once the parent arrives, and UIs are told', async () => {
    const a = await withIdentity('lineage-a2')
    const parent = await a.node.createCommunity({ name: 'Harbor', purpose: '', charter: CHARTER })
    const fork = await a.node.forkCommunity({ community: parent, name: 'Harbor North', version: 0 })
    const c = await withIdentity('lineage-c')
    // Sealed (§18): c reads what it holds a link for (it joins each as its ops arrive).
    await holdLink(a.node, c.node, fork)
    await holdLink(a.node, c.node, parent)
    await carry(a.node, c.node, fork)
    const first = await summary(c.node, fork)
    expect(first.lineage).toMatchObject({ status: 'unchecked', unchecked: 'parent-not-held', parent, parentName: null })
    expect(first.parent).toBeNull()
    expect((await c.node.getCommunity({ community: fork })).parent).toBeNull()
    const events: PolityEvent[] = []
    c.node.subscribe((e) => events.push(e))
    await carry(a.node, c.node, parent)
    expect((await summary(c.node, fork)).lineage?.status).toBe('verified')
    expect((await summary(c.node, fork)).parent).toBe(parent)
    expect(events.some((e) => e.type === 'communities')).toBe(true)
    await a.node.close()
    await c.node.close()
  })

  it('FORK-5: a fork citing parent ops this node lacks is unchecked (parent-ops-missing, counted) until they arrive', async () => {
    const a = await withIdentity('lineage-a3')
    const parent = await a.node.createCommunity({ name: 'Harbor', purpose: '', charter: CHARTER })
    const c = await withIdentity('lineage-c3')
    await holdLink(a.node, c.node, parent)
    await carry(a.node, c.node, parent)
    await a.node.setProfile({ community: parent, name: 'Ana, later' })
    const fork = await a.node.forkCommunity({ community: parent, name: 'Harbor North', version: 0 })
    await holdLink(a.node, c.node, fork)
    await carry(a.node, c.node, fork)
    expect((await summary(c.node, fork)).lineage).toMatchObject({ status: 'unchecked', unchecked: 'parent-ops-missing', missingHeads: 1, parentName: 'Harbor' })
    await carry(a.node, c.node, parent)
    expect((await summary(c.node, fork)).lineage?.status).toBe('verified')
    await a.node.close()
    await c.node.close()
  })

  it('FORK-5: the false fork is false on a node that receives it before the parent, and a damaged kept answer is asked again', async () => {
    const a = await withIdentity('lineage-a4')
    const parent = await a.node.createCommunity({ name: 'Harbor', purpose: '', charter: CHARTER })
    const state = await a.node.getCommunity({ community: parent })
    const forged = forgedFork({ id: parent, heads: state.heads, charter: CHARTER }, [generateKeyPair().publicKey])
    const c = await withIdentity('lineage-c4')
    await holdLink(a.node, c.node, parent)
    await c.node.acceptInvite({ link: forged.link })
    await c.node.importBundle({ bytes: encodeBundle(forged.envelopes) })
    expect((await summary(c.node, forged.community)).lineage?.status).toBe('unchecked')
    await carry(a.node, c.node, parent)
    expect((await summary(c.node, forged.community)).lineage?.status).toBe('false')
    await c.node.close()
    // Damage the kept answer: the node does not trust it, and asks again.
    const store = await openStore(pathsOf(c.dataDir))
    await store.putMeta(`lineage/${forged.community}`, new Uint8Array(64).fill(7))
    await store.close()
    const again = await PolityNode.open({ dataDir: c.dataDir, kdfLogN: 10 })
    await again.unlock({ passphrase: PASS })
    while (again.isLoading()) await new Promise((r) => setTimeout(r, 10))
    expect((await summary(again, forged.community)).lineage?.status).toBe('false')
    await again.close()
    await a.node.close()
  })

  it('FORK-5: a kept answer is read field by field as own keys; anything else is not trusted', () => {
    const value = { parent: 'ab'.repeat(32) as CommunityId, parentName: 'Harbor', version: 2, status: 'false' as const, unchecked: null, missingHeads: 0, problems: [{ rule: 'FORK-4' as const, code: 'members' as const, message: 'FORK-4: …' }] }
    const back = (v: unknown): unknown => decodeLineage(decodeCanonical(encodeCanonical(v as CborValue), 1 << 16))
    expect(back(encodeLineage(value))).toEqual(value)
    const base = encodeLineage(value) as Record<string, CborValue>
    for (const bad of [
      { ...base, status: 'constructor' }, { ...base, status: 'unchecked' }, { ...base, v: 2 }, { ...base, parent: 'x' },
      { ...base, problems: [] }, { ...base, problems: [{ rule: 'toString', code: 'members', message: '' }] },
      { ...base, problems: [{ rule: 'FORK-4', code: '__proto__', message: '' }] }, [base], 'x', null,
    ]) expect(back(bad), JSON.stringify(bad)).toBeUndefined()
    const { v: _v, ...noVersion } = base
    expect(back(noVersion)).toBeUndefined()
    // Restored answers are final; unchecked ones are never restored.
    const cache = new ForkLineages({
      runtimes: () => [], runtime: () => undefined, dataKey: () => undefined, changed: () => undefined,
      meta: { getMeta: async () => undefined, putMeta: async () => undefined, listMeta: async () => [] },
    })
    cache.restore(value.parent, { ...value, status: 'unchecked', problems: [] })
    expect(cache.final(value.parent)).toBeUndefined()
    cache.restore(value.parent, value)
    expect(cache.final(value.parent)).toEqual(value)
  })
})
