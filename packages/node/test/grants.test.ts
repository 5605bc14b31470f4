/**
 * The node grants keys (EPOCH-12): a member who joined by invite grants the
 * current key to its own agree key at once, so a restored device of theirs
 * reads the community before any re-key; an invite made concurrently with a
 * re-key is granted the new key by one member (the others, later in rank
 * order, find nothing lacking when their turn comes).
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { CommunityId } from '@polity/protocol'
import { PolityNode } from '../src/index'
import { decodeBundle } from '../src/bundle'
import { PASS, carry as carryAll } from './helpers'

const carry = async (from: PolityNode, to: PolityNode, c: CommunityId): Promise<void> => {
  await stored(from, c)
  await carryAll(from, to, c)
}

const open: PolityNode[] = []
afterEach(async () => {
  for (const n of open.splice(0)) await n.close().catch(() => undefined)
})

async function node(label: string, grantDelayMs = { first: 50, step: 4_000 }): Promise<PolityNode> {
  const dataDir = join(mkdtempSync(join(tmpdir(), `polity-${label}-`)), 'data')
  const n = await PolityNode.open({ dataDir, kdfLogN: 10, draftBatchMs: 20, grantDelayMs })
  open.push(n)
  return n
}

const kindsOf = (n: PolityNode, c: CommunityId): string[] => {
  const r = n.replicaOf(c)
  return r.idsFrom(0, r.size).map((id) => (r.entry(id)?.op as { kind: string }).kind)
}
const count = (n: PolityNode, c: CommunityId, kind: string): number => kindsOf(n, c).filter((k) => k === kind).length
const lacking = (n: PolityNode, c: CommunityId): number => {
  const r = n.replicaOf(c)
  const v = r.sealedView()!
  return v.lacking(v.epochFor(r.heads())!, r.heads(), Date.now()).length
}

/** Until the node's store holds every op its replica applied (a timer's grant is applied before it is stored). */
async function stored(n: PolityNode, c: CommunityId): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (decodeBundle(await n.exportBundle({ community: c })).length === n.replicaOf(c).size) return
    await new Promise((r) => setTimeout(r, 20))
  }
  throw new Error('not stored')
}

async function until(what: () => boolean, ms = 5_000): Promise<void> {
  const end = Date.now() + ms
  while (!what()) {
    if (Date.now() > end) throw new Error('timed out')
    await new Promise((r) => setTimeout(r, 20))
  }
}

describe('node: key grants (EPOCH-12)', () => {
  it('EPOCH-12: a joiner grants the key to its own agree key; its member\'s restored device reads everything before any re-key', async () => {
    const a = await node('grant-a')
    await a.createIdentity({ passphrase: PASS })
    const community = await a.createCommunity({ name: 'Orchard', purpose: 'Apples', charter: '# Orchard\n\nShare the harvest.\n', founderName: 'Ana' })
    const inv = await a.createInvite({ community })
    const b = await node('grant-b')
    const { recoveryPhrase: phrase } = await b.createIdentity({ passphrase: PASS })
    await carry(a, b, community)
    expect((await b.acceptInvite({ link: inv.link, name: 'Ben' })).status).toBe('joined')
    await until(() => count(b, community, 'epoch.grant') === 1)
    expect(lacking(b, community)).toBe(0)
    await carry(b, a, community)
    expect(lacking(a, community)).toBe(0)
    await a.setProfile({ community, name: 'Ana K' })
    // Ben's phrase, restored on another data directory: the member's agree key only (KEY-1).
    const b2 = await node('grant-b2')
    await b2.restoreIdentity({ phrase, passphrase: PASS })
    await carry(a, b2, community)
    expect(count(b2, community, 'epoch.rekey')).toBe(0)
    const ra = a.replicaOf(community)
    expect(ra.idsFrom(0, ra.size).every((id) => b2.replicaOf(community).has(id))).toBe(true)
    // …and, holding the key, links itself as Ben's device (ID-4).
    expect(count(b2, community, 'device.link')).toBe(1)
    expect((await b2.getCommunity({ community })).members.map((m) => m.name).sort()).toEqual(['Ana K', 'Ben'])
    // Nobody else granted: nothing was lacking when their turn came.
    await new Promise((r) => setTimeout(r, 200))
    expect(count(a, community, 'epoch.grant')).toBe(1)
  })

  it('EPOCH-12: an invite made concurrently with a re-key gets the new key from one member; its holder joins', async () => {
    const a = await node('grant-ca', { first: 50, step: 1_500 })
    await a.createIdentity({ passphrase: PASS })
    const community = await a.createCommunity({ name: 'Quay', purpose: '', charter: '', founderName: 'Ana' })
    const c = await node('grant-cc', { first: 50, step: 1_500 })
    const x = await node('grant-cx')
    for (const [n, name] of [[c, 'Cy'], [x, 'Xa']] as const) {
      await n.createIdentity({ passphrase: PASS })
      const inv = await a.createInvite({ community })
      await carry(a, n, community)
      expect((await n.acceptInvite({ link: inv.link, name })).status).toBe('joined')
      await until(() => count(n, community, 'epoch.grant') >= 1)
      await carry(n, a, community)
    }
    const cy = (await c.identityStatus()).member as string
    await a.changeRole({ community, member: cy, role: 'steward' })
    await carry(a, c, community)
    // Concurrently: Ana removes Xa (and re-keys at once); Cy, not knowing, makes an invite under the old epoch.
    const xa = (await x.identityStatus()).member as string
    await a.removeMember({ community, member: xa, reason: 'left town' })
    expect(count(a, community, 'epoch.rekey')).toBe(1)
    const inv = await c.createInvite({ community })
    const grantsBefore = count(a, community, 'epoch.grant')
    await carry(c, a, community)
    await carry(a, c, community)
    expect(lacking(a, community)).toBe(1)
    // One of the two grants first (rank 0 waits 50 ms, rank 1 waits 1.55 s); carried to the other before its turn.
    await until(() => count(a, community, 'epoch.grant') + count(c, community, 'epoch.grant') > 2 * grantsBefore)
    await carry(a, c, community)
    await carry(c, a, community)
    expect(lacking(a, community)).toBe(0)
    expect(lacking(c, community)).toBe(0)
    await new Promise((r) => setTimeout(r, 1_800))
    expect(count(a, community, 'epoch.grant')).toBe(grantsBefore + 1)
    expect(count(c, community, 'epoch.grant')).toBe(grantsBefore + 1)
    // The invite's holder opens the new epoch by the grant and joins.
    const d = await node('grant-cd')
    await d.createIdentity({ passphrase: PASS })
    await carry(a, d, community)
    expect((await d.acceptInvite({ link: inv.link, name: 'Di' })).status).toBe('joined')
  }, 20_000)
})
