/**
 * At rest (issue 15; ENV2-1, ENV2-5, CHECKPOINT-3, STORE-10): after a
 * scripted session, which files of the data directory, which LevelDB values
 * and which exported files hold a name, a title, a charter sentence or a
 * comment in the clear. The findings are printed. Since the node writes
 * sealed (v2) communities, none of the data directory, LevelDB or the bundle
 * holds any of them, nor does a redacted dossier (DOSSIER-R1); the full
 * dossier, a deliberate disclosure, does (DOSSIER-3). Nor does a letter of
 * recognition (LETTER-8), which discloses the structure of every op up to its
 * decision — the scripted ones included — and none of their texts: only the
 * community's name, which the letter states on purpose (`fromName`).
 */
import { describe, expect, it } from 'vitest'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PolityNode } from '@polity/node'
import { grepAtRest, scriptedSession, SECRETS } from './at-rest'

describe('at rest (issue 15)', () => {
  it('ENV2-5, CHECKPOINT-3, KEYS-1, DOSSIER-3, DOSSIER-R1, LETTER-8: after a scripted session no data-dir file, no LevelDB value, no bundle, no redacted dossier and no letter of recognition holds a name, title, charter sentence or comment; the full dossier does', async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'polity-at-rest-')), 'data')
    const node = await PolityNode.open({ dataDir, kdfLogN: 10 })
    await node.createIdentity({ passphrase: 'at rest passphrase' })
    const { bundle } = await scriptedSession(node)
    const community = (await node.listCommunities())[0]!.id
    // LETTER-8: a passed recognition after the scripted session; its letter carries every op before it (a community of one vouches for itself).
    const recognize = await node.createProposal({
      community, title: 'Recognize the harbour', text: '', deadlineInHours: 0,
      action: { type: 'recognize', community: 'cd'.repeat(32) as never, name: 'Harbour Commons', statement: 'We recognize Harbour Commons.' }, method: { type: 'yesno', quorum: [1, 2], threshold: [1, 2] },
    })
    await node.vote({ community, proposal: recognize, ballot: { type: 'yesno', choice: 'yes' } })
    await node.closeProposal({ community, proposal: recognize })
    const letter = await node.exportLetter({ community, proposal: recognize })
    expect((await node.verifyLetter({ bytes: letter })).ok).toBe(true)
    const dossier = await node.exportDossier({ community })
    const redacted = await node.exportDossier({ community, redacted: true })
    const report = await node.verifyDossier({ bytes: redacted })
    expect(report.problems).toEqual([])
    expect(report.redacted && report.ok).toBe(true)
    await node.close() // writes the checkpoint
    const found = await grepAtRest(dataDir, { bundle, dossier, redacted, letter })
    console.log(`at-rest grep (${Object.values(SECRETS).map((s) => JSON.stringify(s)).join(', ')}):\n${JSON.stringify(found, null, 2)}`)
    for (const [secret, places] of Object.entries(found)) {
      // LETTER-8: the letter states the recognizing community's name (`fromName`, the exporter's word, shown as stated); nothing else.
      expect(places.filter((p) => p !== 'dossier' && !(p === 'letter' && secret === 'community')), secret).toEqual([])
    }
    expect(found.community).toContain('letter')
    // The scripted strings were really written (the search can find them): the deliberate disclosure's census names them
    // in the clear (the rest of its content is in its ops, with the epoch keys beside them).
    expect(found.community.filter((p) => p !== 'letter')).toEqual(['dossier'])
    expect(found.title).toEqual(['dossier'])
  }, 60_000)
})
