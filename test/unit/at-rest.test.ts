/**
 * At rest (issue 15; ENV2-1, ENV2-5, CHECKPOINT-3, STORE-10): after a
 * scripted session, which files of the data directory, which LevelDB values
 * and which exported files hold a name, a title, a charter sentence or a
 * comment in the clear. The findings are printed. Since the node writes
 * sealed (v2) communities, none of the data directory, LevelDB or the bundle
 * holds any of them, nor does a redacted dossier (DOSSIER-R1); the full
 * dossier, a deliberate disclosure, does (DOSSIER-3).
 */
import { describe, expect, it } from 'vitest'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PolityNode } from '@polity/node'
import { grepAtRest, scriptedSession, SECRETS } from './at-rest'

describe('at rest (issue 15)', () => {
  it('ENV2-5, CHECKPOINT-3, KEYS-1, DOSSIER-3, DOSSIER-R1: after a scripted session no data-dir file, no LevelDB value, no bundle and no redacted dossier holds a name, title, charter sentence or comment; the full dossier does', async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'polity-at-rest-')), 'data')
    const node = await PolityNode.open({ dataDir, kdfLogN: 10 })
    await node.createIdentity({ passphrase: 'at rest passphrase' })
    const { bundle } = await scriptedSession(node)
    const community = (await node.listCommunities())[0]!.id
    const dossier = await node.exportDossier({ community })
    const redacted = await node.exportDossier({ community, redacted: true })
    const report = await node.verifyDossier({ bytes: redacted })
    expect(report.problems).toEqual([])
    expect(report.redacted && report.ok).toBe(true)
    await node.close() // writes the checkpoint
    const found = await grepAtRest(dataDir, { bundle, dossier, redacted })
    console.log(`at-rest grep (${Object.values(SECRETS).map((s) => JSON.stringify(s)).join(', ')}):\n${JSON.stringify(found, null, 2)}`)
    for (const places of Object.values(found)) {
      expect(places.filter((p) => p !== 'dossier')).toEqual([])
    }
    // The scripted strings were really written (the search can find them): the deliberate disclosure's census names them
    // in the clear (the rest of its content is in its ops, with the epoch keys beside them).
    expect(found.community).toEqual(['dossier'])
    expect(found.title).toEqual(['dossier'])
  }, 60_000)
})
