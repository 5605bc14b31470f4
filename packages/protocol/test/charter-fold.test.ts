/**
 * Folding checked edits into the draft (CHARTER-F1..F4): edits that do not
 * count, client-id clashes and far-apart placements fold the same way on
 * every replica in any delivery order, never throw, and leave nothing
 * pending in Yjs.
 */
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { Replica, type AnyOp, type OpId } from '../src/index'
import { Actor, community, syncAll } from './harness'
import { nodeCrypto } from './node-crypto'
import { range, Rng } from './random'
import { seeded } from './seeds'
import { craftUpdate } from './yjs-craft'

function bound(n: number): { founder: Actor; members: Actor[]; all: Actor[] } {
  const c = community(n)
  c.founder.act('charter.bind', { client: 1001 })
  c.members.forEach((m, i) => m.act('charter.bind', { client: 2002 + i * 1000 }))
  syncAll(c.all)
  return c
}

function edit(a: Actor, client: number, change: (t: Y.Text) => void): Uint8Array {
  const doc = new Y.Doc()
  Y.applyUpdate(doc, Y.encodeStateAsUpdate(a.replica.contentFold().draft))
  doc.clientID = client
  const before = Y.encodeStateVector(doc)
  change(doc.getText('draft'))
  return Y.encodeStateAsUpdate(doc, before)
}

/** Every op the actors hold, delivered to `n` fresh replicas in seeded random orders: all equal, and equal to a refold. */
function convergeEverywhere(actors: Actor[], seed: number, n = 6): Replica {
  const ops = new Map<OpId, AnyOp>()
  for (const a of actors) for (const op of a.replica.ops()) ops.set(op.id, op)
  const rng = new Rng(seed)
  let first: Replica | undefined
  for (let i = 0; i < n; i++) {
    const r = new Replica({ crypto: nodeCrypto })
    const order = rng.shuffle([...ops.values()])
    // The genesis first (a replica learns its community from it); the rest in any order, buffered until deps arrive.
    order.sort((x, y) => Number(y.kind === 'genesis') - Number(x.kind === 'genesis'))
    for (const op of order) r.receive(op)
    expect(r.size).toBe(ops.size)
    expect(r.foldErrors()).toEqual([])
    expect(r.contentFold().draft.store.pendingStructs).toBeNull()
    expect(r.contentFold().draft.store.pendingDs).toBeNull()
    if (first) expect(r.state()).toEqual(first.state())
    else first = r
    expect(r.refoldedState()).toEqual(r.state())
  }
  return first as Replica
}

describe('folding the draft', () => {
  it('CHARTER-F2 (ROSTER-10): an edit cut by a concurrent removal keeps its place, hides its text; edits anchored to it stay; no order throws or leaves anything pending', () => {
    const { founder, members, all } = bound(2)
    const [m0, m1] = members as [Actor, Actor]
    // m1 writes " CUT" at the end; the founder, not having seen it, removes m1.
    m1.act('charter.edit', { update: edit(m1, 3002, (t) => t.insert(t.length, ' CUT')) })
    founder.act('member.remove', { member: m1.identity.publicKey, reason: '' })
    // m0 saw the edit but not the removal, and writes right after it; the founder does too, after both.
    m0.pull(m1)
    m0.act('charter.edit', { update: craftUpdate(2002, 0, [{ origin: { client: 3002, clock: 3 }, text: ' m0' }]) })
    founder.pull(m1)
    founder.pull(m0)
    founder.act('charter.edit', { update: craftUpdate(1001, 0, [{ origin: { client: 3002, clock: 3 }, rightOrigin: { client: 2002, clock: 0 }, text: ' f' }]) })
    syncAll(all)
    for (const a of all) {
      expect(a.replica.state().charter.draft).toBe('# Charter\n\nWe govern together.\n f m0')
      expect(a.replica.foldErrors()).toEqual([])
      expect(a.replica.contentFold().draft.store.pendingStructs).toBeNull()
    }
    convergeEverywhere(all, 11)
  })

  it('CHARTER-F3: a client id claimed twice (an equivocated edit) folds as tombstones everywhere, text anchored to it too; other text is untouched', () => {
    const { founder, members, all } = bound(2)
    const [m0, m1] = members as [Actor, Actor]
    const last = m0.last
    const a = m0.make('charter.edit', { update: edit(m0, 2002, (t) => t.insert(0, 'AAA ')) })
    const b = m0.make('charter.edit', { update: edit(m0, 2002, (t) => t.insert(0, 'BB ')) }, { deps: a.deps as OpId[], seq: a.seq })
    expect(a.seq).toBe(b.seq)
    void last
    // The founder sees only A and writes right after it; m1 writes elsewhere.
    expect(founder.replica.receive(a).status).toBe('applied')
    founder.act('charter.edit', { update: craftUpdate(1001, 0, [{ origin: { client: 2002, clock: 3 }, text: 'after-A ' }]) })
    m1.act('charter.edit', { update: edit(m1, 3002, (t) => t.insert(t.length, ' m1')) })
    expect(m1.replica.receive(b).status).toBe('applied')
    syncAll(all)
    for (const x of all) {
      expect(x.replica.state().charter.draft).toBe('# Charter\n\nWe govern together.\n m1')
      expect(x.replica.state().forkProofs.map((p) => p.seq)).toEqual([a.seq])
      expect(x.replica.foldErrors()).toEqual([])
    }
    convergeEverywhere(all, 12)
  })

  it('CHARTER-F3: two devices that bound the same client id concurrently: their overlapping edits fold as tombstones everywhere', () => {
    const c = community(2)
    const [m0, m1] = c.members as [Actor, Actor]
    m0.act('charter.bind', { client: 4242 })
    m1.act('charter.bind', { client: 4242 })
    m0.act('charter.edit', { update: edit(m0, 4242, (t) => t.insert(0, 'zero ')) })
    m1.act('charter.edit', { update: edit(m1, 4242, (t) => t.insert(0, 'one ')) })
    c.founder.act('charter.bind', { client: 1001 })
    c.founder.act('charter.edit', { update: edit(c.founder, 1001, (t) => t.insert(0, 'f ')) })
    syncAll(c.all)
    for (const x of c.all) expect(x.replica.state().charter.draft).toBe('f # Charter\n\nWe govern together.\n')
    convergeEverywhere(c.all, 13)
  })

  it('CHARTER-F4: a struct placed across more than 1,024 characters of its causal past folds as a tombstone; adjacent, lagging and concurrent placements show', () => {
    const { founder, members, all } = bound(2)
    const [m0, m1] = members as [Actor, Actor]
    // 2,000 characters in 200 separate items between the first two characters of the genesis text.
    for (let i = 0; i < 200; i++) founder.act('charter.edit', { update: edit(founder, 1001, (t) => t.insert(i % 2 ? 1 : t.length - 30, 'abcdefghij')) })
    syncAll(all)
    const text = founder.replica.state().charter.draft
    // Between (0, 0) and (0, 1), as if made before any of that text: Yjs would scan all 200 items.
    m0.act('charter.edit', { update: craftUpdate(2002, 0, [{ origin: { client: 0, clock: 0 }, rightOrigin: { client: 0, clock: 1 }, text: 'STALE' }]) })
    // Between two adjacent characters: shows.
    m0.act('charter.edit', { update: craftUpdate(2002, 5, [{ origin: { client: 0, clock: 5 }, rightOrigin: { client: 0, clock: 6 }, text: 'near' }]) })
    // Made on a view that lacked what arrived meanwhile (a UI a moment behind its node): shows.
    const lagging = edit(m1, 3002, (t) => t.insert(t.length, '<late>'))
    founder.act('charter.edit', { update: edit(founder, 1001, (t) => t.insert(t.length, '<first>')) })
    m1.pull(founder)
    m1.act('charter.edit', { update: lagging })
    // Two members typing at the same place concurrently: both show.
    m0.act('charter.edit', { update: edit(m0, 2002, (t) => t.insert(10, '<m0>')) })
    founder.act('charter.edit', { update: edit(founder, 1001, (t) => t.insert(10, '<f>')) })
    syncAll(all)
    const draft = founder.replica.state().charter.draft
    expect(draft).not.toContain('STALE')
    for (const s of ['near', '<late>', '<first>', '<m0>', '<f>']) expect(draft).toContain(s)
    expect(draft.length).toBe(text.length + 'near<late><first><m0><f>'.length)
    convergeEverywhere(all, 14, 4)
  })

  seeded('ADV-yjs-crossed-neighbours (CHARTER-F4, found by the fuzzer): a struct whose neighbours were never adjacent folds as a tombstone, so delivery order cannot move text', { fixed: range(20, 6) }, (run) => {
    const { founder, members, all } = bound(2)
    const [m0, m1] = members as [Actor, Actor]
    // Each passes CHARTER-Y*: the ids exist. W names the same character as both neighbours.
    const x = craftUpdate(2002, 0, [{ text: 'X' }])
    const z = craftUpdate(3002, 0, [{ text: 'Z' }])
    const w = craftUpdate(1001, 0, [{ origin: { client: 0, clock: 1 }, rightOrigin: { client: 0, clock: 1 }, text: '⟨W⟩' }])
    // Raw Yjs places them differently by delivery order.
    const texts = new Set<string>()
    for (const order of [[x, z, w], [z, x, w], [x, w, z], [w, z, x]]) {
      const d = new Y.Doc()
      Y.applyUpdate(d, Y.encodeStateAsUpdate(founder.replica.contentFold().draft))
      for (const u of order) Y.applyUpdate(d, u)
      texts.add(d.getText('draft').toString())
    }
    expect(texts.size).toBeGreaterThan(1)
    m0.act('charter.edit', { update: x })
    m1.act('charter.edit', { update: z })
    founder.act('charter.edit', { update: w })
    syncAll(all)
    const draft = founder.replica.state().charter.draft
    expect(draft).not.toContain('⟨W⟩')
    run.each(({ seed }) => expect(convergeEverywhere(all, seed, 3).state().charter.draft).toBe(draft))
  })

  seeded('ADV-yjs-fuzz-13062025-1 (CHARTER-F4): the fuzzer\'s case, cut down to seven edits, folds to one text in every order', { fixed: range(1, 8) }, (run) => {
    // Found with seed 13062025 (run 1) while CHARTER-F4 only bounded the span; minimised by dropping edits while the
    // replicas still disagreed. The last edit places " \n" between (0, 1) and (0, 15) across text its creation state holds.
    const hex = {
      f1: '0104e90700c400000001022361c4e9070100010220620401056472616674092d62c39f6120206162c400080009056120c3a96102e9070102020003030616051c03',
      e1: '0102d20f00010105647261667401c4001c001d1ef09f91a8e2808df09f91a961612061f09f91a8e2808df09f91a962c3a96102d20f010001000202081502',
      g1: '0101bb1700c4e90709e9070014200a2df09f91a8e2808df09f91a961610a20236103d20f0200010701e9070102020003020815061c03',
      f2: '0102e90710c1e90703000183a702c4e90709e9070a1962f09f98800a2df09f91a8e2808df09f91a92d610a0a61612000',
      f3: '0101e907a4a702040105647261667405200a62232304bb1701000ed20f0200010701e9070202021083a7020003020815061c03',
      f4: '010de907a9a702c4e90700e90701022d2dc1e90792a702000104c4e907aea702000103efbfbdc4e907afa70200010b0a232d0a626262f09f9880c4e907a1a702e907a2a7020df09f91a8e2808df09f91a90a23c4e9070ce9070d14c39f61f09f91a8e2808df09f91a962206162200a84d20f000920c3a9230a20efbfbd81e907d2a70201c4e907afa702e907b0a7020d6262230a620ac3a9f09f988062040105647261667404c39f6120c4e907e0a702e907a9a7020161c4e907e0a702e907e1a7020e612df09f91a8e2808df09f91a92d84000205f09f98806204bb1701000ed20f0200010701e9070602021083a7029fa70202a4a70205aba70204d3a702010003020815061c03',
      e2: '0102d20f12c4000f0010062020f09f9880c40001000f02200a04bb1701000ed20f020001060be9070202020b050003020c15061c03',
    }
    const u = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h, 'hex'))
    const c = community(2)
    const [m0, m1] = c.members as [Actor, Actor]
    c.all.forEach((a, i) => a.act('charter.bind', { client: [1001, 2002, 3003][i] as number }))
    syncAll(c.all)
    c.founder.act('charter.edit', { update: u(hex.f1) })
    m0.act('charter.edit', { update: u(hex.e1) })
    m1.pull(c.founder)
    m1.pull(m0)
    m1.act('charter.edit', { update: u(hex.g1) })
    c.founder.pull(m1)
    for (const h of [hex.f2, hex.f3, hex.f4]) c.founder.act('charter.edit', { update: u(h) })
    m0.pull(m1)
    m0.act('charter.edit', { update: u(hex.e2) })
    const texts = new Set<string>()
    run.each(({ seed }) => texts.add(convergeEverywhere(c.all, seed, 2).state().charter.draft))
    expect(texts.size).toBe(1)
  })
})
