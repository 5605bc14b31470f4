/**
 * At rest (issue 15; CHECKPOINT-3, STORE-10): after a scripted session, which
 * files of the data directory, which LevelDB values and which exported files
 * hold a name, a title, a charter sentence or a comment in the clear. The
 * findings are printed (the closing note's before/after table); what is
 * already sealed is asserted.
 */
import { describe, expect, it } from 'vitest'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PolityNode } from '@polity/node'
import { grepAtRest, scriptedSession, SECRETS } from './at-rest'

describe('at rest (issue 15)', () => {
  it('CHECKPOINT-3, KEYS-1: after a scripted session no checkpoint, keystore or sealed meta holds a name, title, charter sentence or comment', async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'polity-at-rest-')), 'data')
    const node = await PolityNode.open({ dataDir, kdfLogN: 10 })
    await node.createIdentity({ passphrase: 'at rest passphrase' })
    const { bundle } = await scriptedSession(node)
    const dossier = await node.exportDossier({ community: (await node.listCommunities())[0]!.id })
    await node.close() // writes the checkpoint
    const found = await grepAtRest(dataDir, { bundle, dossier })
    console.log(`at-rest grep (${Object.values(SECRETS).map((s) => JSON.stringify(s)).join(', ')}):\n${JSON.stringify(found, null, 2)}`)
    for (const places of Object.values(found)) {
      expect(places.filter((p) => p.startsWith('checkpoints/') || p.startsWith('keystore') || p.includes('key prefix 9)') || p.includes('key prefix 8)'))).toEqual([])
    }
    // The scripted strings were really written (the search can find them): the deliberate disclosure has them.
    expect(found.title).toContain('dossier')
  }, 60_000)
})
