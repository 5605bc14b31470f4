/**
 * CHARTER-F5: whatever still throws while folding one edit is recorded and
 * the fold goes on. Validity leaves no known way to make Yjs throw, so the
 * test makes Yjs itself throw on one marked edit (a module mock, the test
 * seam): the replica must keep its state, fold later edits, refold and
 * converge, and say which op failed.
 */
import { describe, expect, it, vi } from 'vitest'
import * as Y from 'yjs'
import { Replica } from '../src/index'
import { community, syncAll } from './harness'
import { nodeCrypto } from './node-crypto'

const POISON = new TextEncoder().encode('POISON')

function hasPoison(bytes: Uint8Array): boolean {
  outer: for (let i = 0; i + POISON.length <= bytes.length; i++) {
    for (let j = 0; j < POISON.length; j++) if (bytes[i + j] !== POISON[j]) continue outer
    return true
  }
  return false
}

vi.mock('yjs', async (importOriginal) => {
  const real = await importOriginal<typeof import('yjs')>()
  return {
    ...real,
    applyUpdate: (doc: Y.Doc, update: Uint8Array, origin?: unknown) => {
      if (hasPoison(update)) throw new TypeError('Cannot read properties of undefined (reading \'length\')')
      real.applyUpdate(doc, update, origin)
    },
  }
})

function edit(doc: Y.Doc, client: number, change: (t: Y.Text) => void): Uint8Array {
  const d = new Y.Doc()
  Y.applyUpdate(d, Y.encodeStateAsUpdate(doc))
  d.clientID = client
  const before = Y.encodeStateVector(d)
  change(d.getText('draft'))
  return Y.encodeStateAsUpdate(d, before)
}

describe('containing fold failures', () => {
  it('CHARTER-F5: an edit whose folding throws is recorded with its op id; the replica keeps folding, refolds and converges', () => {
    const { founder, members, all } = community(1)
    const m = members[0]!
    founder.act('charter.bind', { client: 1001 })
    m.act('charter.bind', { client: 2002 })
    syncAll(all)
    const poison = m.act('charter.edit', { update: edit(m.replica.contentFold().draft, 2002, (t) => t.insert(0, 'POISON ')) })
    expect(m.replica.foldErrors()).toEqual([{ op: poison.id, error: 'Cannot read properties of undefined (reading \'length\')' }])
    // Later edits, votes and reads all still work, here and on replicas that receive it.
    founder.pull(m)
    founder.act('charter.edit', { update: edit(founder.replica.contentFold().draft, 1001, (t) => t.insert(t.length, 'after')) })
    founder.act('profile.set', { name: 'F' })
    syncAll(all)
    for (const a of all) {
      const s = a.replica.state()
      expect(s.charter.draft.endsWith('after')).toBe(true)
      expect(s.members.find((x) => x.id === founder.member)?.name).toBe('F')
      expect(a.replica.foldErrors().map((e) => e.op)).toEqual([poison.id])
      expect(a.replica.refoldedState()).toEqual(s)
    }
    const fresh = new Replica({ crypto: nodeCrypto })
    for (const op of founder.replica.ops()) fresh.receive(op)
    expect(fresh.state()).toEqual(founder.replica.state())
  })
})
