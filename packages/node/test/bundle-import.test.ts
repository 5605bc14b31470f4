import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { decodeSealedOpUnverified } from '@polity/protocol'
import { PolityNode, decodeBundle, encodeBundle } from '../src/index'
import { PASS, holdLink, withIdentity } from './helpers'

async function nodeWithLimit(maxPendingOps: number): Promise<PolityNode> {
  const dataDir = join(mkdtempSync(join(tmpdir(), 'polity-bundle-')), 'data')
  const node = await PolityNode.open({ dataDir, kdfLogN: 10, replicaLimits: { maxPendingOps } })
  await node.createIdentity({ passphrase: PASS })
  return node
}

describe('bundle import reports what happened to every op (BUNDLE-1, DAG-5)', () => {
  it('BUNDLE-1: ops in reverse causal order all apply; none is reported as waiting', async () => {
    const a = await withIdentity('bundle-src')
    const community = await a.node.createCommunity({ name: 'Order', purpose: '', charter: '' })
    for (let i = 0; i < 30; i++) await a.node.setProfile({ community, name: `Name ${i}` })
    const b = await nodeWithLimit(20_000)
    await holdLink(a.node, b, community)
    const envelopes = decodeBundle(await a.node.exportBundle({ community }))
    const r = await b.importBundle({ bytes: encodeBundle([...envelopes].reverse()) })
    expect(r).toMatchObject({ applied: envelopes.length, pending: 0, dropped: 0, rejected: 0 })
    await a.node.close()
    await b.close()
  })

  it('DAG-5: ops dropped at the per-community buffer bound are reported as dropped, not as waiting', async () => {
    const a = await withIdentity('bundle-src2')
    const community = await a.node.createCommunity({ name: 'Bound', purpose: '', charter: '' })
    for (let i = 0; i < 30; i++) await a.node.setProfile({ community, name: `Name ${i}` })
    const b = await nodeWithLimit(10)
    await holdLink(a.node, b, community)
    const envelopes = decodeBundle(await a.node.exportBundle({ community }))
    const withoutGenesis = envelopes.filter((e) => decodeSealedOpUnverified(e).op.kind !== 'genesis')
    const r = await b.importBundle({ bytes: encodeBundle(withoutGenesis) })
    expect(r.applied).toBe(0)
    expect(r.pending).toBe(10)
    expect(r.dropped).toBe(withoutGenesis.length - 10)
    expect(r.errors.join('\n')).toMatch(/DAG-5: \d+ ops were not kept/)
    // Nothing was lost for good: the full bundle brings everything.
    const again = await b.importBundle({ bytes: encodeBundle(envelopes) })
    expect(again.pending).toBe(0)
    expect(again.dropped).toBe(0)
    expect((await b.getCommunity({ community })).members.map((m) => m.name)).toContain('Name 29')
    await a.node.close()
    await b.close()
  })
})
