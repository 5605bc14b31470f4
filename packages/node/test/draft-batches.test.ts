/**
 * CHARTER-E3 with CHARTER-Y7: the node signs one edit per pause in typing,
 * or as few as fit the per-edit bound when a pause gathers more than 512
 * structs (an undo of a scattered deletion, a very fast typist).
 */
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import type { CommunityId } from '@polity/protocol'
import { withIdentity } from './helpers'

describe('PolityNode: draft batches', () => {
  it('CHARTER-E3/Y7: 1,100 scattered keystrokes in one pause become three edits, all applied, the text intact', async () => {
    const a = await withIdentity('batches')
    const community = await a.node.createCommunity({ name: 'Batches', purpose: '', charter: '' })
    const draft = await a.node.getDraft({ community })
    const doc = new Y.Doc()
    Y.applyUpdate(doc, draft.update, 'remote')
    doc.clientID = draft.clientId
    const updates: Uint8Array[] = []
    doc.on('update', (u: Uint8Array, origin: unknown) => {
      if (origin !== 'remote') updates.push(u)
    })
    // Alternately at the start and the end: no two keystrokes merge into one struct.
    const t = doc.getText('draft')
    for (let i = 0; i < 1100; i++) t.insert(i % 2 ? t.length : 0, String.fromCharCode(97 + (i % 26)))
    const before = a.node.replicaOf(community as CommunityId).size
    for (const u of updates) await a.node.editDraft({ community, update: u })
    await a.node.flushDraft({ community })
    expect(a.node.replicaOf(community as CommunityId).size).toBe(before + 3)
    expect((await a.node.getDraft({ community })).text).toBe(t.toString())
    await a.node.close()
  })
})
