/**
 * Structural validity of draft edits (CHARTER-Y1..Y8): one adversary test per
 * shape of hostile Yjs update, each checking that the op is refused with its
 * rule, that nothing changed, and that the replica keeps working afterwards.
 */
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { Replica } from '../src/index'
import { Actor, community, syncAll } from './harness'
import { nodeCrypto } from './node-crypto'
import { craftUpdate, subdocContent, type CraftStruct } from './yjs-craft'
import { MAX_CLIENT_CLOCK, MAX_CLIENT_PARTS, MAX_PARTS_PER_EDIT } from '../src/replica/draft'

const GENESIS_LEN = '# Charter\n\nWe govern together.\n'.length

function setup(): { founder: Actor; m: Actor; all: Actor[] } {
  const c = community(1)
  c.founder.act('charter.bind', { client: 1001 })
  c.members[0]!.act('charter.bind', { client: 2002 })
  syncAll(c.all)
  return { founder: c.founder, m: c.members[0]!, all: c.all }
}

/** An edit as a client makes it: our bound client id, on top of the actor's draft. */
function edit(a: Actor, client: number, change: (t: Y.Text) => void, gc = true): Uint8Array {
  const doc = new Y.Doc({ gc })
  Y.applyUpdate(doc, Y.encodeStateAsUpdate(a.replica.contentFold().draft))
  doc.clientID = client
  const before = Y.encodeStateVector(doc)
  change(doc.getText('draft'))
  return Y.encodeStateAsUpdate(doc, before)
}

/** Sign and offer an update; expect a refusal citing `rule` and an unchanged state; undo the actor's seq. */
function refused(a: Actor, update: Uint8Array, rule: RegExp): void {
  const before = a.replica.state()
  const last = a.last
  const op = a.make('charter.edit', { update })
  const r = a.replica.receive(op)
  a.seq -= 1
  a.last = last
  expect(r.status).toBe('rejected')
  expect(r.status === 'rejected' && r.error.message).toMatch(rule)
  expect(a.replica.state()).toEqual(before)
}

/** After an attack the replica still folds, and an honest edit still applies and shows. */
function stillWorks(a: Actor, client: number): void {
  a.act('charter.edit', { update: edit(a, client, (t) => t.insert(0, 'ok ')) })
  expect(a.replica.state().charter.draft.startsWith('ok ')).toBe(true)
  expect(a.replica.foldErrors()).toEqual([])
  expect(a.replica.refoldedState()).toEqual(a.replica.state())
}

/** Would raw Yjs choke on it? (documents why the check exists) */
function yjsThrows(a: Actor, update: Uint8Array): boolean {
  const doc = new Y.Doc({ gc: false })
  Y.applyUpdate(doc, Y.encodeStateAsUpdate(a.replica.contentFold().draft))
  try {
    Y.applyUpdate(doc, update)
    Y.applyUpdate(doc, edit(a, 77, (t) => t.insert(0, 'z')))
    return false
  } catch {
    return true
  }
}

describe('structure of draft edits', () => {
  it('ADV-yjs-self-origin (CHARTER-Y6): an item that names itself as its origin is refused; raw Yjs would throw on it', () => {
    const { m } = setup()
    const poison = craftUpdate(2002, 0, [{ origin: { client: 2002, clock: 0 }, text: 'x' }])
    expect(poison.length).toBeLessThanOrEqual(17)
    expect(yjsThrows(m, poison)).toBe(true)
    refused(m, poison, /CHARTER-Y6: a struct names itself or a later struct as its origin/)
    // A later struct naming a later one, and a run naming its own middle.
    refused(m, craftUpdate(2002, 0, [{ origin: { client: 0, clock: 1 }, text: 'ab' }, { origin: { client: 2002, clock: 5 }, text: 'c' }]), /CHARTER-Y6/)
    refused(m, craftUpdate(2002, 0, [{ origin: { client: 2002, clock: 1 }, text: 'abc' }]), /CHARTER-Y6/)
    stillWorks(m, 2002)
  })

  it('ADV-yjs-self-right-origin (CHARTER-Y6): an item whose right origin is itself or a later id of its client is refused', () => {
    const { m } = setup()
    const poison = craftUpdate(2002, 0, [{ rightOrigin: { client: 2002, clock: 0 }, text: 'x' }])
    refused(m, poison, /CHARTER-Y6: a struct names itself or a later struct as its right origin/)
    refused(m, craftUpdate(2002, 0, [{ origin: { client: 0, clock: 2 }, rightOrigin: { client: 2002, clock: 3 }, text: 'xy' }]), /CHARTER-Y6/)
    stillWorks(m, 2002)
  })

  it('ADV-yjs-self-parent (CHARTER-Y5): a struct whose parent is an item (itself or any) or another root is refused', () => {
    const { m } = setup()
    const self = craftUpdate(2002, 0, [{ parent: { id: { client: 2002, clock: 0 } }, text: 'x' }])
    expect(yjsThrows(m, self)).toBe(true)
    refused(m, self, /CHARTER-Y5: the draft holds text only: a struct names an item as its parent/)
    refused(m, craftUpdate(2002, 0, [{ parent: { id: { client: 0, clock: 3 } }, text: 'x' }]), /CHARTER-Y5/)
    refused(m, craftUpdate(2002, 0, [{ parent: { key: 'other' }, text: 'x' }]), /CHARTER-Y5: the draft holds one root text named "draft"/)
    refused(m, craftUpdate(2002, 0, [{ parent: { key: 'draft' }, parentSub: 'k', text: 'x' }]), /CHARTER-Y5: .*parentSub/)
    stillWorks(m, 2002)
  })

  it('ADV-yjs-subdoc-flood (CHARTER-Y5): subdocuments, embeds, formats, nested types and any non-text content are refused', () => {
    const { m } = setup()
    // The reported flood: thousands of subdocuments in one ≤ 64 KiB edit, invisible in the text.
    const flood: CraftStruct[] = []
    for (let i = 0; i < 4700; i++) flood.push({ ref: 9, origin: { client: 0, clock: 1 }, raw: subdocContent(`d${i}`) })
    const bytes = craftUpdate(2002, 0, flood)
    expect(bytes.length).toBeLessThanOrEqual(64 * 1024)
    refused(m, bytes, /CHARTER-Y[57]/)
    refused(m, craftUpdate(2002, 0, [{ ref: 9, origin: { client: 0, clock: 1 }, raw: subdocContent('one') }]), /CHARTER-Y5: .*subdocument content/)
    const cases: [number, RegExp][] = [
      [0, /GC structs/], [10, /skip structs/], [2, /JSON content/], [3, /binary content/], [5, /embed content/],
      [6, /format content/], [7, /type content/], [8, /any content/], [11, /unknown \(11\) content/], [31, /unknown \(31\) content/],
    ]
    for (const [ref, msg] of cases) refused(m, craftUpdate(2002, 0, [{ ref, origin: { client: 0, clock: 1 }, raw: Uint8Array.of(1, 1, 1), len: 3 }]), msg)
    // What a real Y.Doc makes for formatting and embeds is refused too.
    refused(m, edit(m, 2002, (t) => t.insert(0, 'bold', { bold: true })), /CHARTER-Y5: .*format content/)
    refused(m, edit(m, 2002, (t) => t.insertEmbed(0, { image: 'x' })), /CHARTER-Y5: .*embed content/)
    refused(m, edit(m, 2002, (t) => t.doc!.getMap('other').set('k', 1)), /CHARTER-Y5/)
    stillWorks(m, 2002)
  })

  it('ADV-yjs-missing-origin (CHARTER-Y6): origins, right origins and parents must exist at the causal past; 300 such edits change nothing and leave nothing pending', () => {
    const { founder, m } = setup()
    refused(m, craftUpdate(2002, 0, [{ origin: { client: 0, clock: GENESIS_LEN }, text: 'x' }]), /CHARTER-Y6: a struct's origin does not exist/)
    refused(m, craftUpdate(2002, 0, [{ rightOrigin: { client: 4242, clock: 0 }, text: 'x' }]), /CHARTER-Y6: a struct's right origin does not exist/)
    // Text the founder wrote that m has not received: not in m's causal past.
    founder.act('charter.edit', { update: edit(founder, 1001, (t) => t.insert(0, 'unseen ')) })
    refused(m, craftUpdate(2002, 0, [{ origin: { client: 1001, clock: 2 }, text: 'x' }]), /CHARTER-Y6/)
    const big = 'y'.repeat(60_000)
    for (let i = 0; i < 300; i++) refused(m, craftUpdate(2002, 0, [{ origin: { client: 9, clock: i }, text: big }]), /CHARTER-Y6/)
    expect(m.replica.contentFold().draft.store.pendingStructs).toBeNull()
    stillWorks(m, 2002)
  })

  it('CHARTER-Y2: the range starts where the client\'s range ends at the causal past: no overlap, no gap', () => {
    const { m } = setup()
    m.act('charter.edit', { update: edit(m, 2002, (t) => t.insert(0, 'abc')) })
    refused(m, craftUpdate(2002, 0, [{ origin: { client: 0, clock: 1 }, text: 'again' }]), /CHARTER-Y2: the clock range must start at 3/)
    refused(m, craftUpdate(2002, 7, [{ origin: { client: 0, clock: 1 }, text: 'gap' }]), /CHARTER-Y2/)
    stillWorks(m, 2002)
  })

  it('CHARTER-Y2 (DAG-4): after an equivocation, an edit built on one branch gets the same verdict whether or not the other branch arrived first', () => {
    const { founder, m } = setup()
    const base = m.replica.ops()
    const a = m.make('charter.edit', { update: edit(m, 2002, (t) => t.insert(0, 'abc')) })
    const b = m.make('profile.set', { name: 'other branch' }, { seq: a.seq, deps: [...a.deps] })
    const c = m.make('charter.edit', { update: craftUpdate(2002, 0, [{ origin: { client: 0, clock: 1 }, text: 'xy' }]) }, { seq: a.seq + 1, deps: [b.id] })
    const late = new Replica({ crypto: nodeCrypto })
    for (const op of base) late.receive(op)
    for (const [r, order] of [[founder.replica, [a, b, c]], [late, [b, c, a]]] as const) {
      for (const op of order) expect(r.receive(op).status).toBe('applied')
    }
    expect(late.state()).toEqual(founder.replica.state())
    // Both edits claim (2002, 0…): a clash, folded as tombstones (CHARTER-F3).
    expect(founder.replica.state().charter.draft).toBe('# Charter\n\nWe govern together.\n')
  })

  it('CHARTER-Y4/Y1/Y3: malformed updates are refused by the paired decoder', () => {
    const { m } = setup()
    const ok = craftUpdate(2002, 0, [{ origin: { client: 0, clock: 1 }, text: 'x' }])
    refused(m, Uint8Array.of(...ok, 0), /CHARTER-Y4: the update has trailing bytes/)
    refused(m, ok.subarray(0, ok.length - 2), /CHARTER-Y4/)
    refused(m, Uint8Array.of(0, 0), /CHARTER-Y4: the update changes nothing/)
    refused(m, Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff), /CHARTER-Y4: .*out of range/)
    refused(m, craftUpdate(2002, 0, [{ origin: { client: 0, clock: 1 }, text: '' }]), /CHARTER-Y4: a struct has no length/)
    const badUtf8 = craftUpdate(2002, 0, [{ origin: { client: 0, clock: 1 }, text: 'é' }])
    badUtf8[badUtf8.length - 2] = 0xff
    refused(m, badUtf8, /CHARTER-Y4: .*not UTF-8/)
    // Two client groups (Yjs would silently keep only the second).
    refused(m, Uint8Array.of(2, ...ok.subarray(1, ok.length - 1), ...ok.subarray(1)), /CHARTER-Y1/)
    refused(m, craftUpdate(2002, 0, [], [{ client: 0, ranges: [[0, 1]] }, { client: 0, ranges: [[2, 1]] }]), /CHARTER-Y3: a client appears twice/)
    refused(m, craftUpdate(2002, 0, [], [{ client: 0, ranges: [[5, 1], [2, 1]] }]), /CHARTER-Y3: delete ranges must be/)
    refused(m, craftUpdate(2002, 0, [], [{ client: 0, ranges: [[5, 0]] }]), /CHARTER-Y3/)
    refused(m, craftUpdate(2002, 0, [], [{ client: 0, ranges: [[0, GENESIS_LEN + 1]] }]), /CHARTER-Y3: the update deletes text that does not exist/)
    // A claimed struct count far beyond the bytes is refused before any loop.
    refused(m, Uint8Array.of(1, 0xff, 0xff, 0xff, 0x0f, 0xd2, 0x0f, 0), /CHARTER-Y4: the update claims more structs/)
    stillWorks(m, 2002)
  })

  it('CHARTER-Y7: one edit holds at most 512 structs and delete ranges and adds at most 65,536 characters (a deleted-run bomb included)', () => {
    const { m } = setup()
    const many: CraftStruct[] = []
    for (let i = 0; i <= MAX_PARTS_PER_EDIT; i++) many.push({ origin: { client: 0, clock: i % GENESIS_LEN }, text: 'a' })
    refused(m, craftUpdate(2002, 0, many), /CHARTER-Y7: an edit may hold at most 512/)
    const ranges = (n: number): [number, number][] => Array.from({ length: n }, (_, i): [number, number] => [2 * i, 1])
    refused(m, craftUpdate(2002, 0, many.slice(0, 300), [{ client: 0, ranges: ranges(15) }, { client: 2002, ranges: ranges(250) }]), /CHARTER-Y7/)
    refused(m, craftUpdate(2002, 0, [{ origin: { client: 0, clock: 1 }, len: 2 ** 50 }]), /CHARTER-Y7: an edit may add at most 65536 characters/)
    // At the bound it applies: a chain of one-character structs, each after the one before.
    const chain = Array.from({ length: MAX_PARTS_PER_EDIT }, (_, i): CraftStruct => ({
      origin: i === 0 ? { client: 0, clock: 1 } : { client: 2002, clock: i - 1 }, rightOrigin: { client: 0, clock: 2 }, text: 'a',
    }))
    m.act('charter.edit', { update: craftUpdate(2002, 0, chain) })
    expect(m.replica.state().charter.draft.length).toBe(GENESIS_LEN + MAX_PARTS_PER_EDIT)
    stillWorks(m, 2002)
  })

  it('CHARTER-Y8: a device adds at most 2^20 characters and writes at most 2^15 structs and delete ranges over its lifetime', () => {
    const { m } = setup()
    let clock = 0
    for (; clock + 65_536 <= MAX_CLIENT_CLOCK; clock += 65_536) {
      m.act('charter.edit', { update: craftUpdate(2002, clock, [{ origin: { client: 0, clock: 1 }, len: 65_536 }]) })
    }
    refused(m, craftUpdate(2002, clock, [{ origin: { client: 0, clock: 1 }, len: 1 }]), /CHARTER-Y8: a device may add at most 1048576 characters/)
    const { m: n } = setup()
    // A chain of one-character structs between (0, 1) and (0, 2): each names the one before it.
    const chain = (from: number, n: number): CraftStruct[] => Array.from({ length: n }, (_, i) => ({
      origin: from + i === 0 ? { client: 0, clock: 1 } : { client: 2002, clock: from + i - 1 }, rightOrigin: { client: 0, clock: 2 }, text: 'p',
    }))
    let c = 0
    for (let k = 0; k < MAX_CLIENT_PARTS / MAX_PARTS_PER_EDIT; k++) {
      n.act('charter.edit', { update: craftUpdate(2002, c, chain(c, MAX_PARTS_PER_EDIT)) })
      c += MAX_PARTS_PER_EDIT
    }
    refused(n, craftUpdate(2002, c, chain(c, 1)), /CHARTER-Y8: a device may write at most 32768/)
    expect(n.replica.foldErrors()).toEqual([])
  })

  it('CHARTER-Y5: what honest clients make is accepted: inserts, deletions, several places at once, runs deleted before sending, merged batches', () => {
    const { founder, m, all } = setup()
    m.act('charter.edit', { update: edit(m, 2002, (t) => t.insert(t.length, 'Art. 1.\n')) })
    m.act('charter.edit', { update: edit(m, 2002, (t) => { t.delete(0, 2); t.insert(3, 'X'); t.insert(t.length, 'end') }) })
    // Inserted and deleted in one transaction of a gc-enabled doc: Yjs writes a ContentDeleted struct.
    const gone = edit(m, 2002, (t) => t.doc!.transact(() => { t.insert(0, 'temp'); t.delete(0, 4) }))
    expect(Y.decodeUpdate(gone).structs.some((s) => s instanceof Y.Item && s.content instanceof Y.ContentDeleted)).toBe(true)
    m.act('charter.edit', { update: gone })
    // The node batches keystrokes with Y.mergeUpdates.
    const doc = new Y.Doc()
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(m.replica.contentFold().draft))
    doc.clientID = 2002
    const parts: Uint8Array[] = []
    doc.on('update', (u: Uint8Array) => parts.push(u))
    for (const ch of 'typing') doc.getText('draft').insert(doc.getText('draft').length, ch)
    doc.getText('draft').insert(5, '!')
    m.act('charter.edit', { update: Y.mergeUpdates(parts) })
    syncAll(all)
    expect(founder.replica.state().charter.draft).toBe(doc.getText('draft').toString())
    expect(founder.replica.foldErrors()).toEqual([])
  })
})
