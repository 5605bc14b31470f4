/**
 * Fold rules with no test of their own before: ROSTER-14 (ops of someone
 * never admitted count for nothing), FOLD-2 (the roster at an op's causal
 * past, with passed proposals as roster changes), FOLD-3 (content merges
 * order-independently and is rebuilt when a removal arrives late),
 * CHARTER-V1 (ratified versions), CHARTER-E1/E2 (who may edit the draft) and
 * CHARTER-F1 (a counted edit applies as signed).
 */
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { Replica, type AnyOp } from '../src/index'
import { fromHex } from '../src/encoding/bytes'
import { Actor, close, community, flatRules, propose, refusal, syncAll, vote, yesno } from './harness'
import { nodeCrypto } from './node-crypto'

const rules = (extra = {}) => flatRules([1, 2], [1, 2], 0, extra)
const yes = { type: 'yesno', choice: 'yes' } as const

/** A fresh replica fed `ops` in that order. */
function replicaOf(ops: AnyOp[]): Replica {
  const r = new Replica({ crypto: nodeCrypto })
  for (const op of ops) r.receive(op)
  return r
}

/** A Yjs update as a client makes it: on top of the actor's draft, under `client`. */
function edit(a: Actor, client: number, change: (t: Y.Text) => void): Uint8Array {
  const doc = new Y.Doc()
  Y.applyUpdate(doc, Y.encodeStateAsUpdate(a.replica.contentFold().draft), 'remote')
  doc.clientID = client
  const before = Y.encodeStateVector(doc)
  change(doc.getText('draft'))
  return Y.encodeStateAsUpdate(doc, before)
}

describe('who counts (ROSTER-14)', () => {
  it('ROSTER-14: a member whose join a concurrent revocation voided (ROSTER-16) counts for nothing: profile, invites, comments', () => {
    const { founder } = community(0, rules({ invite: 'member' }))
    const p = propose(founder, { type: 'resolution' }, yesno)
    const inv = founder.invite(1)
    const a = new Actor('a')
    a.pull(founder)
    a.join(inv)
    // At its own causal past the join admitted a: these ops are valid there.
    a.act('profile.set', { name: 'Mallory' })
    a.invite(3)
    a.act('comment.add', { proposal: fromHex(p.id), text: 'hello', replyTo: undefined })
    const own = a.replica.state()
    expect(own.members.map((m) => m.name)).toContain('Mallory')
    expect(own.invites.filter((i) => i.creator === a.member)).toHaveLength(1)
    expect(own.proposals[0]!.comments).toHaveLength(1)
    // Concurrently the founder revokes the invite: the join admits no one, and everything a did counts for nothing.
    founder.act('invite.revoke', { invite: fromHex(inv.op.id) })
    for (const order of [[...founder.replica.ops(), ...a.replica.ops()], [...a.replica.ops(), ...founder.replica.ops()]]) {
      const r = replicaOf(order)
      const s = r.state()
      expect(r.size).toBe(new Set(order.map((o) => o.id)).size)
      expect(s.members.map((m) => m.id)).toEqual([founder.member])
      expect(s.members.map((m) => m.name)).not.toContain('Mallory')
      expect(s.invites.filter((i) => i.creator === a.member)).toEqual([])
      expect(s.proposals[0]!.comments).toEqual([])
      expect(r.refoldedState()).toEqual(s)
    }
  })
})

describe('the roster at the causal past (FOLD-2)', () => {
  it('FOLD-2: a passed role proposal is a roster change at its close: an op built after the close may use the role, one built before it may not, on every replica', () => {
    const { founder, members, all } = community(2, rules())
    const m0 = members[0]!
    const p = propose(founder, { type: 'role', member: m0.identity.publicKey, role: 'steward' }, yesno)
    syncAll(all)
    for (const a of all) vote(a, p, yes)
    syncAll(all)
    const beforeClose = founder.replica.heads()
    const closeOp = close(founder, p)
    m0.pull(founder)
    expect(m0.replica.state().members.find((m) => m.id === m0.member)?.role).toBe('steward')
    // An invite (steward and up, by the default rules) signed by m0 on the past before the close.
    const { seq, last, time } = m0
    const stale = m0.make('invite.create', { key: new Uint8Array(32).fill(3), uses: 1, expires: Number.MAX_SAFE_INTEGER, member: undefined }, { deps: beforeClose })
    m0.seq = seq
    m0.last = last
    m0.time = time
    expect(stale.deps).not.toContain(closeOp.id)
    // Refused by m0's own replica and by a fresh one that holds the close: validity is decided at the op's past.
    for (const r of [m0.replica, replicaOf([...founder.replica.ops()].reverse())]) {
      const verdict = r.receive(stale)
      expect(verdict.status).toBe('rejected')
      expect(verdict.status === 'rejected' && verdict.error.message).toMatch(/^ROSTER-3: /)
    }
    // The same invite after the close is applied (the control).
    expect(m0.invite(1).op.deps).toContain(closeOp.id)
  })
})

describe('content merges (FOLD-3)', () => {
  it('FOLD-3: profiles, comments and votes merge in any order, and a removal that arrives after what it cuts rebuilds them', () => {
    const { founder, members, all } = community(2)
    const [m0, m1] = members as [Actor, Actor]
    const p = propose(founder, { type: 'resolution' }, yesno)
    syncAll(all)
    const base = founder.replica.ops()
    const baseIds = new Set(base.map((o) => o.id))
    // Concurrently: m0 and m1 act on the proposal while the founder removes m1.
    m0.act('profile.set', { name: 'Zoe' })
    m0.act('comment.add', { proposal: fromHex(p.id), text: 'from m0', replyTo: undefined })
    vote(m0, p, yes)
    m1.act('profile.set', { name: 'Late' })
    m1.act('comment.add', { proposal: fromHex(p.id), text: 'from m1', replyTo: undefined })
    vote(m1, p, yes)
    const removal = founder.act('member.remove', { member: m1.identity.publicKey, reason: '' })
    const mine = (a: Actor): AnyOp[] => a.replica.ops().filter((o) => !baseIds.has(o.id))
    const [ops0, ops1] = [mine(m0), mine(m1)]
    const early = replicaOf([...base, removal, ...ops1, ...ops0])
    const late = replicaOf([...base, ...ops0, ...ops1])
    // Before the removal arrives, m1's content counts.
    const before = late.state().proposals[0]!
    expect(before.comments.map((c) => c.text).sort()).toEqual(['from m0', 'from m1'])
    expect(before.votes).toHaveLength(2)
    late.receive(removal)
    const s = late.state()
    expect(s).toEqual(early.state())
    expect(s).toEqual(late.refoldedState())
    expect(s.proposals[0]!.comments.map((c) => c.text)).toEqual(['from m0'])
    expect(s.proposals[0]!.votes.map((v) => v.member)).toEqual([m0.member])
    expect(s.members.map((m) => m.name)).toContain('Zoe')
    expect(s.members.map((m) => m.id)).not.toContain(m1.member)
  })
})

describe('the charter (CHARTER-V1, CHARTER-E1, CHARTER-E2, CHARTER-F1)', () => {
  it('CHARTER-V1: version 0 is the genesis charter; version n + 1 is the text of the passed amendment; a failed one adds none', () => {
    const { founder, all } = community(2, rules())
    const genesis = founder.replica.ops()[0]!
    expect(founder.replica.state().charter.versions).toEqual([{ version: 0, text: '# Charter\n\nWe govern together.\n', ratifiedBy: genesis.id, proposal: null, time: genesis.time }])
    const amend = (text: string, choice: 'yes' | 'no'): AnyOp => {
      const p = propose(founder, { type: 'amend', charter: text, base: founder.replica.state().charter.versions.length - 1 }, yesno)
      syncAll(all)
      for (const a of all) vote(a, p, { type: 'yesno', choice })
      syncAll(all)
      return p
    }
    const failed = amend('# Rejected\n', 'no')
    close(founder, failed)
    expect(founder.replica.state().charter.versions).toHaveLength(1)
    const passed = amend('# Charter v1\n', 'yes')
    const c = close(founder, passed)
    const versions = replicaOf([...founder.replica.ops()].reverse()).state().charter.versions
    expect(versions).toHaveLength(2)
    expect(versions[1]).toMatchObject({ version: 1, text: '# Charter v1\n', proposal: passed.id, ratifiedBy: c.id })
    expect(founder.replica.state().charter.versions).toEqual(versions)
  })

  it('CHARTER-E1: editing the draft needs role ≥ rules.editDraft', () => {
    const { founder, members, all } = community(1, rules({ editDraft: 'steward' }))
    const m = members[0]!
    founder.act('charter.bind', { client: 1001 })
    m.act('charter.bind', { client: 2002 })
    syncAll(all)
    expect(refusal(m, () => m.make('charter.edit', { update: edit(m, 2002, (t) => t.insert(0, 'mine ')) }))).toMatch(/^CHARTER-E1: editing the draft needs the steward role/)
    founder.act('charter.edit', { update: edit(founder, 1001, (t) => t.insert(0, 'ours ')) })
    expect(founder.replica.state().charter.draft.startsWith('ours ')).toBe(true)
  })

  it('CHARTER-E2: the device has a bound Yjs client id at the edit\'s causal past', () => {
    const { members } = community(1)
    const m = members[0]!
    expect(refusal(m, () => m.make('charter.edit', { update: edit(m, 2002, (t) => t.insert(0, 'x')) }))).toMatch(/^CHARTER-E2: the device has no Yjs client id bound/)
    m.act('charter.bind', { client: 2002 })
    m.act('charter.edit', { update: edit(m, 2002, (t) => t.insert(0, 'x')) })
    expect(m.replica.state().charter.draft.startsWith('x')).toBe(true)
  })

  it('CHARTER-F1: an edit that counts applies as signed, its structs and its deletions: the draft equals raw Yjs given the same updates', () => {
    const { founder, members, all } = community(1)
    const m = members[0]!
    founder.act('charter.bind', { client: 1001 })
    m.act('charter.bind', { client: 2002 })
    syncAll(all)
    const raw = new Y.Doc()
    Y.applyUpdate(raw, Y.encodeStateAsUpdate(founder.replica.contentFold().draft))
    const updates = [
      edit(founder, 1001, (t) => t.insert(0, 'Hello ')),
    ]
    founder.act('charter.edit', { update: updates[0]! })
    updates.push(edit(founder, 1001, (t) => t.delete(t.toString().indexOf('We '), 3)))
    founder.act('charter.edit', { update: updates[1]! })
    // m edits concurrently: its insert and deletion on the draft it has.
    updates.push(edit(m, 2002, (t) => {
      t.insert(t.length, 'Art. 2.\n')
      t.delete(0, 2)
    }))
    m.act('charter.edit', { update: updates[2]! })
    syncAll(all)
    for (const u of updates) Y.applyUpdate(raw, u)
    const draft = founder.replica.state().charter.draft
    expect(draft).toBe(raw.getText('draft').toString())
    expect(draft).toBe(m.replica.state().charter.draft)
    expect(draft).toContain('Hello ')
    expect(draft).toContain('Art. 2.')
    expect(draft).not.toContain('We govern')
    expect(draft).toBe('Hello Charter\n\ngovern together.\nArt. 2.\n')
  })
})
