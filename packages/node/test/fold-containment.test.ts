/**
 * CHARTER-F5 at the node: a data directory with two communities, one of
 * which holds an edit whose folding throws. The test seam is a module mock of
 * Yjs: applying an update that carries the marker throws the error from the
 * reported bug, and reading a draft that took such an update throws too (as
 * every later command did). The other community, the node's own commands
 * and a restart must keep working; the broken community is listed with the
 * reason.
 */
import { describe, expect, it, vi } from 'vitest'
import * as Y from 'yjs'
import { PolityNode } from '../src/index'
import { PASS, withIdentity } from './helpers'

const MARK = new TextEncoder().encode('POISON')
const poisoned = new WeakSet<object>()

function marked(bytes: Uint8Array): boolean {
  outer: for (let i = 0; i + MARK.length <= bytes.length; i++) {
    for (let j = 0; j < MARK.length; j++) if (bytes[i + j] !== MARK[j]) continue outer
    return true
  }
  return false
}

vi.mock('yjs', async (importOriginal) => {
  const real = await importOriginal<typeof import('yjs')>()
  const toString = real.Text.prototype.toString
  real.Text.prototype.toString = function (this: Y.Text): string {
    if (this.doc && poisoned.has(this.doc)) throw new TypeError('Cannot read properties of undefined (reading \'length\')')
    return toString.call(this)
  }
  return {
    ...real,
    applyUpdate: (doc: Y.Doc, update: Uint8Array, origin?: unknown) => {
      if (marked(update)) {
        poisoned.add(doc)
        throw new TypeError('Cannot read properties of undefined (reading \'length\')')
      }
      real.applyUpdate(doc, update, origin)
    },
  }
})

async function typeInto(node: PolityNode, community: string, text: string): Promise<void> {
  const draft = await node.getDraft({ community: community as never })
  const doc = new Y.Doc()
  Y.applyUpdate(doc, draft.update, 'remote')
  doc.clientID = draft.clientId
  const before = Y.encodeStateVector(doc)
  doc.getText('draft').insert(0, text)
  await node.editDraft({ community: community as never, update: Y.encodeStateAsUpdate(doc, before) })
  await node.flushDraft({ community: community as never })
}

describe('PolityNode: a community whose fold fails (CHARTER-F5)', () => {
  it('CHARTER-F5: the other community and the node keep working, the broken one is listed with the reason, and a restart still opens', async () => {
    const a = await withIdentity('contain')
    const good = await a.node.createCommunity({ name: 'Good', purpose: '', charter: '# Good\n' })
    const bad = await a.node.createCommunity({ name: 'Bad', purpose: '', charter: '# Bad\n' })
    await typeInto(a.node, good, 'Hello ')
    await typeInto(a.node, bad, 'POISON ')

    const check = async (node: PolityNode): Promise<void> => {
      const list = await node.listCommunities()
      expect(list.map((c) => c.name)).toEqual(expect.arrayContaining(['Bad', 'Good']))
      expect(list.find((c) => c.id === bad)?.error).toMatch(/Cannot read properties of undefined/)
      expect(list.find((c) => c.id === good)?.error).toBeUndefined()
      expect((await node.getCommunity({ community: good as never })).charter.draft).toContain('# Good')
      await node.createProposal({ community: good as never, title: 'Still here', text: '', action: { type: 'resolution' }, method: { type: 'yesno', quorum: [1, 2], threshold: [1, 2] } })
      await typeInto(node, good, 'more ')
      expect((await node.getDraft({ community: good as never })).text).toMatch(/^(more )+Hello /)
      const third = await node.createCommunity({ name: `Third ${list.length}`, purpose: '', charter: '' })
      expect((await node.getCommunity({ community: third })).name).toBe(`Third ${list.length}`)
    }
    await check(a.node)
    await a.node.close()
    const reopened = await PolityNode.open({ dataDir: a.dataDir, kdfLogN: 10 })
    await reopened.unlock({ passphrase: PASS })
    await check(reopened)
    expect((await reopened.getCommunity({ community: good as never })).proposals.map((p) => p.title)).toEqual(['Still here', 'Still here'])
    await reopened.close()
  })
})
