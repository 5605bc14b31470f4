/**
 * The shared draft: edits under bound client ids, checked before they reach
 * the Y.Doc (CHARTER-*), and one adversary test per attack.
 */
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import { Actor, community, syncAll } from './harness'

function draftOf(a: Actor): Y.Doc {
  const doc = new Y.Doc()
  Y.applyUpdate(doc, Y.encodeStateAsUpdate(a.replica.contentFold().draft), 'remote')
  return doc
}

/** An edit as a client would make it: our bound client id, on top of the current draft. */
function edit(a: Actor, client: number, change: (t: Y.Text) => void): Uint8Array {
  const doc = draftOf(a)
  doc.clientID = client
  const before = Y.encodeStateVector(doc)
  change(doc.getText('draft'))
  return Y.encodeStateAsUpdate(doc, before)
}

function setup(): { founder: Actor; m: Actor; all: Actor[] } {
  const c = community(1)
  c.founder.act('charter.bind', { client: 1001 })
  c.members[0]!.act('charter.bind', { client: 2002 })
  syncAll(c.all)
  return { founder: c.founder, m: c.members[0]!, all: c.all }
}

const rejects = (a: Actor, update: Uint8Array, rule: RegExp): void => {
  const before = a.replica.state()
  const op = a.make('charter.edit', { update })
  const r = a.replica.receive(op)
  expect(r.status).toBe('rejected')
  expect(r.status === 'rejected' && r.error.message).toMatch(rule)
  expect(a.replica.state()).toEqual(before)
  a.seq -= 1
  a.last = undefined
}

describe('the charter draft', () => {
  it('CHARTER-D0/E3: the draft starts as the founding charter; concurrent edits by two members merge everywhere', () => {
    const { founder, m, all } = setup()
    expect(founder.replica.state().charter.draft).toBe('# Charter\n\nWe govern together.\n')
    founder.act('charter.edit', { update: edit(founder, 1001, (t) => t.insert(t.length, 'Art. 1. Speech.\n')) })
    m.act('charter.edit', { update: edit(m, 2002, (t) => t.insert(0, '<!-- v1 -->\n')) })
    syncAll(all)
    const a = founder.replica.state().charter.draft
    expect(a).toBe(m.replica.state().charter.draft)
    expect(a).toContain('Art. 1. Speech.')
    expect(a.startsWith('<!-- v1 -->')).toBe(true)
  })

  it('ADV-foreign-client (CHARTER-Y1): structs under another member\'s client id change nothing', () => {
    const { m } = setup()
    rejects(m, edit(m, 1001, (t) => t.insert(0, 'forged')), /CHARTER-Y1/)
  })

  it('ADV-clock-overlap (CHARTER-Y2): an overlapping (or gapped) clock range changes nothing', () => {
    const { m } = setup()
    const first = edit(m, 2002, (t) => t.insert(0, 'abc'))
    m.act('charter.edit', { update: first })
    rejects(m, first, /CHARTER-Y2/) // the same range again
    // A gap: structs starting at clock 7 when the author's previous range ended at 3.
    const gap = new Y.Doc()
    gap.clientID = 2002
    gap.getText('draft').insert(0, 'xxxxxxxxxxxxx')
    const sv = encoding.createEncoder()
    encoding.writeVarUint(sv, 1)
    encoding.writeVarUint(sv, 2002)
    encoding.writeVarUint(sv, 7)
    rejects(m, Y.encodeStateAsUpdate(gap, encoding.toUint8Array(sv)), /CHARTER-Y2/)
  })

  it('ADV-delete-future-text (CHARTER-Y3): deleting text that does not exist at the causal past changes nothing', () => {
    const { founder, m } = setup()
    // Build a delete set naming the founder's items 0..99 which the founder has not written yet.
    const e = encoding.createEncoder()
    encoding.writeVarUint(e, 0) // no structs
    encoding.writeVarUint(e, 1) // one client in the delete set
    encoding.writeVarUint(e, 1001)
    encoding.writeVarUint(e, 1)
    encoding.writeVarUint(e, 0)
    encoding.writeVarUint(e, 100)
    rejects(m, encoding.toUint8Array(e), /CHARTER-Y3/)
    void founder
  })

  it('ADV-yjs-garbage (CHARTER-Y4): empty, garbage and run-length-bomb updates are refused at once', () => {
    const { m } = setup()
    rejects(m, new Uint8Array([0, 0]), /CHARTER-Y4/)
    let seed = 99
    for (let i = 0; i < 50; i++) {
      const bytes = Uint8Array.from({ length: 1 + (i % 40) }, () => (seed = (seed * 48271) % 2147483647) & 0xff)
      const op = m.make('charter.edit', { update: bytes })
      const r = m.replica.receive(op)
      expect(r.status).toBe('rejected')
      m.seq -= 1
      m.last = undefined
    }
    // A GC struct claiming 2^50 items, and a delete range of 2^40.
    const bomb = encoding.createEncoder()
    encoding.writeVarUint(bomb, 1)
    encoding.writeVarUint(bomb, 1)
    encoding.writeVarUint(bomb, 2002)
    encoding.writeVarUint(bomb, 0)
    encoding.writeUint8(bomb, 0) // GC
    encoding.writeVarUint(bomb, 2 ** 50)
    encoding.writeVarUint(bomb, 0)
    rejects(m, encoding.toUint8Array(bomb), /CHARTER-Y5/) // GC structs are not text (CHARTER-Y5)
    const ds = encoding.createEncoder()
    encoding.writeVarUint(ds, 0)
    encoding.writeVarUint(ds, 1)
    encoding.writeVarUint(ds, 0)
    encoding.writeVarUint(ds, 1)
    encoding.writeVarUint(ds, 0)
    encoding.writeVarUint(ds, 2 ** 40)
    rejects(m, encoding.toUint8Array(ds), /CHARTER-Y3/)
  })

  it('ADV-oversized-edit (ENV-5): an update over 64 KiB is refused at decode', () => {
    const { m } = setup()
    expect(() => m.make('charter.edit', { update: new Uint8Array(64 * 1024 + 1) })).toThrow(/at most 65536 bytes/)
  })

  it('CHARTER-B1: a client id bound by one device cannot be bound by another', () => {
    const { m } = setup()
    const other = new Actor('other', undefined, m.identity)
    other.pull(m)
    other.act('device.link', { member: m.identity.publicKey, cert: other.cert() })
    expect(() => other.act('charter.bind', { client: 1001 })).toThrow(/CHARTER-B1/)
  })
})
