/**
 * CHECKPOINT-1: reopening a data directory serves the checkpointed state at
 * once (no replay before the state is ready) and it equals a full refold; a
 * damaged or stale checkpoint is ignored and the fold is replayed.
 */
import { describe, expect, it } from 'vitest'
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { recoveryPhraseOf, fromHex } from '@polity/protocol'
import { PolityNode, encodeBundle } from '@polity/node'
import { LevelStore } from '@polity/store'
import { generateCommunity, sizesFor } from '../bench/generate'

const PASS = 'checkpoint passphrase'
// Sealed (§18): the node holds v2 communities only; the founder's restored identity opens the genesis's wrap.
const g = generateCommunity({ seed: 31, ...sizesFor(6000), sealed: true })

async function prepared(): Promise<string> {
  const dataDir = join(mkdtempSync(join(tmpdir(), 'polity-cp-')), 'data')
  const node = await PolityNode.open({ dataDir, kdfLogN: 10 })
  await node.restoreIdentity({ phrase: recoveryPhraseOf(g.founder.secretKey), passphrase: PASS })
  await node.importBundle({ bytes: encodeBundle(g.ops.map((o) => o.bytes)) })
  await node.close() // writes the checkpoint
  return dataDir
}

describe('checkpoints (CHECKPOINT-1)', () => {
  it('CHECKPOINT-1, CHECKPOINT-3: after reopening, the state is ready before the replay ends, and equals a full refold', async () => {
    const dataDir = await prepared()
    // CHECKPOINT-3: the file on disk names nobody and holds none of the state in the clear.
    const [file] = readdirSync(join(dataDir, 'checkpoints')).filter((f) => f.endsWith('.checkpoint'))
    const onDisk = readFileSync(join(dataDir, 'checkpoints', file as string)).toString('latin1')
    for (const s of [`Bench 31`, 'We decide together', '"members"', '"proposals"', '"voters"']) expect(onDisk).not.toContain(s)
    const node = await PolityNode.open({ dataDir, kdfLogN: 10 })
    await node.unlock({ passphrase: PASS })
    expect(node.isLoading(g.community)).toBe(true)
    const early = await node.getCommunity({ community: g.community })
    expect((await node.listCommunities())[0]?.memberCount).toBe(early.members.length)
    // Once the replay ends, the live state equals the checkpoint and a full refold.
    while (node.isLoading(g.community)) await new Promise((r) => setTimeout(r, 20))
    expect(await node.getCommunity({ community: g.community })).toEqual(early)
    expect(node.replicaOf(g.community).refoldedState()).toEqual(early)
    // Acting works (it would have waited for the replica).
    await node.setProfile({ community: g.community, name: 'after reopening' })
    expect((await node.getCommunity({ community: g.community })).members[0]?.name).toBe('after reopening')
    await node.close()
  }, 120_000)

  it('CHECKPOINT-2: a damaged or stale checkpoint is ignored and the fold is replayed', async () => {
    const dataDir = await prepared()
    const opened = () => LevelStore.open(join(dataDir, 'ops'), { checkpointDir: join(dataDir, 'checkpoints') })
    const store = await opened()
    const cp = await store.getCheckpoint(fromHex(g.community, 32))
    expect(cp).toBeDefined()
    await store.putCheckpoint(fromHex(g.community, 32), { ...cp!, state: new TextEncoder().encode('{damaged') })
    await store.close()
    const node = await PolityNode.open({ dataDir, kdfLogN: 10 })
    await node.unlock({ passphrase: PASS })
    expect(node.isLoading(g.community)).toBe(false)
    const s = await node.getCommunity({ community: g.community })
    expect(s).toEqual(node.replicaOf(g.community).refoldedState())
    await node.close()
    // Stale: the store holds an op count the checkpoint was not made at (ops stored after it was written).
    const store2 = await opened()
    const cp2 = await store2.getCheckpoint(fromHex(g.community, 32))
    await store2.putCheckpoint(fromHex(g.community, 32), { ...cp2!, opCount: cp2!.opCount - 1 })
    await store2.close()
    const again = await PolityNode.open({ dataDir, kdfLogN: 10 })
    await again.unlock({ passphrase: PASS })
    expect(again.isLoading(g.community)).toBe(false)
    await again.close()
    // Cut short on disk (a crash in the middle of the write is prevented by write-and-rename; a bad disk is not).
    const [file] = readdirSync(join(dataDir, 'checkpoints')).filter((f) => f.endsWith('.checkpoint'))
    writeFileSync(join(dataDir, 'checkpoints', file as string), new Uint8Array([0, 0, 0]))
    const third = await PolityNode.open({ dataDir, kdfLogN: 10 })
    await third.unlock({ passphrase: PASS })
    expect(third.isLoading(g.community)).toBe(false)
    expect(await third.getCommunity({ community: g.community })).toEqual(third.replicaOf(g.community).refoldedState())
    await third.close()
  }, 120_000)
})
