/**
 * EPOCH-12 live on 127.0.0.1: Ben joins by invite (his node grants the
 * current key to his own agree key); his phrase restored on another data
 * directory fetches the community from Ana's node and reads every op —
 * names included — before anyone re-keys, then links itself as his device.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { CommunityId } from '@polity/protocol'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PolityNode } from '@polity/node'
import { LOOPBACK, PASS, netNode, within } from './helpers'

const open: PolityNode[] = []
afterEach(async () => {
  for (const n of open.splice(0)) await n.close().catch(() => undefined)
})

const kinds = (n: PolityNode, c: CommunityId): string[] => {
  const r = n.replicaOf(c)
  return r.idsFrom(0, r.size).map((id) => (r.entry(id)?.op as { kind: string }).kind)
}

describe('a member\'s restored device reads before any re-key (EPOCH-12)', () => {
  it('EPOCH-12: a second device of Ben, restored from his phrase on another data dir, fetches and reads the community\'s ops; no re-key was made', async () => {
    const a = await netNode('grant-live-a')
    open.push(a.node)
    const b = { node: await PolityNode.open({ dataDir: join(mkdtempSync(join(tmpdir(), 'polity-net-grant-live-b-')), 'data'), kdfLogN: 10, network: LOOPBACK }) }
    open.push(b.node)
    const { recoveryPhrase: phrase } = await b.node.createIdentity({ passphrase: PASS })
    const c = await a.node.createCommunity({ name: 'Tidewater', purpose: 'Boats', charter: '# Tidewater\n\nMend the nets.\n', founderName: 'Ana' })
    const { link } = await a.node.createInvite({ community: c })
    expect((await b.node.acceptInvite({ link, name: 'Ben' })).status).toBe('joined')
    // Ben's node grants to his own agree key at once; it reaches Ana by gossip or the next sync.
    await within(15_000, () => kinds(a.node, c).includes('epoch.grant'), 'Ben\'s grant reached Ana')
    await a.node.setProfile({ community: c, name: 'Ana of Tidewater' })
    const b2 = await netNode('grant-live-b2', { phrase })
    open.push(b2.node)
    await b2.node.fetchCommunity(c, [a.node.networkAddresses()[0] as string])
    await within(15_000, async () => (await b2.node.getCommunity({ community: c }).catch(() => undefined))?.members.length === 2, 'the restored device reads the roster')
    const view = await b2.node.getCommunity({ community: c })
    expect(view.members.map((m) => m.name).sort()).toEqual(['Ana of Tidewater', 'Ben'])
    expect(view.name).toBe('Tidewater')
    expect(kinds(a.node, c)).not.toContain('epoch.rekey')
    expect(kinds(b2.node, c)).not.toContain('epoch.rekey')
    // Holding the key, it linked itself as Ben's device (ID-4), and that reaches Ana.
    await within(15_000, () => kinds(a.node, c).includes('device.link'), 'the new device\'s link reached Ana')
  }, 60_000)
})
