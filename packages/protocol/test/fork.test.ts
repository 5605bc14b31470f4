/** Forks: a new community that keeps a verifiable lineage to its parent (FORK-*). */
import { describe, expect, it } from 'vitest'
import { sha256 } from '@noble/hashes/sha2.js'
import { DEFAULT_RULES, verifyForkLineage, type AnyOp } from '../src/index'
import { fromHex, utf8 } from '../src/encoding/bytes'
import { Actor, close, community, propose, syncAll, vote } from './harness'

function forkGenesis(by: Actor, parent: Actor, opts: { version?: number; charter?: string; heads?: string[]; members?: Uint8Array[] } = {}): AnyOp {
  const s = parent.replica.state()
  const version = opts.version ?? s.charter.versions.length - 1
  const text = s.charter.versions[version]!.text
  const charter = opts.charter ?? text
  const forker = new Actor(`${by.label}-fork`, undefined, by.identity)
  const op = forker.act('genesis', {
    name: 'The Fork', purpose: 'Split', charter, rules: DEFAULT_RULES, founder: by.identity.publicKey, cert: forker.cert(),
    parent: {
      community: fromHex(s.community),
      heads: (opts.heads ?? s.heads).map((h) => fromHex(h)),
      version,
      charterHash: sha256(utf8.encode(charter)),
      members: opts.members ?? s.members.map((m) => fromHex(m.id)).sort((a, b) => (Buffer.compare(Buffer.from(a), Buffer.from(b)))),
    },
  })
  return op
}

function ratified(): { founder: Actor; members: Actor[]; all: Actor[] } {
  const c = community(3)
  const p = propose(c.founder, { type: 'amend', charter: '# Charter v1\n\nFork-friendly.\n', base: 0 })
  syncAll(c.all)
  for (const a of c.all) vote(a, p, { type: 'yesno', choice: 'yes' })
  syncAll(c.all)
  close(c.founder, p)
  syncAll(c.all)
  return c
}

describe('forks', () => {
  it('FORK-2/3/4: lineage verifies from the ops alone: parent, ratified version and charter hash', () => {
    const { members, founder } = ratified()
    const g = forkGenesis(members[2]!, founder)
    const proof = verifyForkLineage(g, founder.replica.ops())
    expect(proof.problems).toEqual([])
    expect(proof.ok).toBe(true)
    expect(proof.version).toBe(1)
    expect(proof.parent).toBe(founder.community)
    expect(proof.parentName).toBe('Test Community')
  })

  it('ROSTER-15: members of the parent join the fork by signing a fork.join; others cannot', () => {
    const { members, founder } = ratified()
    const g = forkGenesis(members[2]!, founder)
    const forkFounder = new Actor('fork-founder-view')
    forkFounder.replica.receive(g)
    const joiner = new Actor('joiner', undefined, members[0]!.identity)
    joiner.replica.receive(g)
    joiner.act('fork.join', { member: members[0]!.identity.publicKey, cert: joiner.cert() })
    const s = joiner.replica.state()
    expect(s.members.map((m) => m.id)).toEqual([members[2]!.member, members[0]!.member])
    expect(s.parent?.community).toBe(founder.community)
    const outsider = new Actor('outsider')
    outsider.replica.receive(g)
    expect(() => outsider.act('fork.join', { member: outsider.identity.publicKey, cert: outsider.cert() })).toThrow(/ROSTER-15/)
  })

  it('ADV-forged-lineage-charter (FORK-1/3): a fork citing a charter text that was never ratified is caught', () => {
    const { members, founder } = ratified()
    // The genesis hashes its own (forged) text, so it passes FORK-1 locally, but lineage shows the lie.
    const g = forkGenesis(members[2]!, founder, { charter: '# A charter nobody ratified\n' })
    const proof = verifyForkLineage(g, founder.replica.ops())
    expect(proof.ok).toBe(false)
    expect(proof.problems.join()).toMatch(/FORK-3/)
  })

  it('ADV-forged-lineage-heads (FORK-2): a fork citing heads the parent never had is caught', () => {
    const { members, founder } = ratified()
    const g = forkGenesis(members[2]!, founder, { heads: ['ab'.repeat(32)] })
    const proof = verifyForkLineage(g, founder.replica.ops())
    expect(proof.ok).toBe(false)
    expect(proof.problems.join()).toMatch(/FORK-2/)
  })

  it('ADV-forged-lineage-members (FORK-4): a fork that lists outsiders as parent members is caught', () => {
    const { members, founder } = ratified()
    const outsider = new Actor('outsider')
    const list = [...founder.replica.state().members.map((m) => fromHex(m.id)), outsider.identity.publicKey]
    const g = forkGenesis(members[2]!, founder, { members: list })
    const proof = verifyForkLineage(g, founder.replica.ops())
    expect(proof.ok).toBe(false)
    expect(proof.problems.join()).toMatch(/FORK-4/)
  })

  it('FORK-1: a fork genesis whose charter does not hash to its cited hash is rejected outright', () => {
    const { members, founder } = ratified()
    const s = founder.replica.state()
    const forker = new Actor('f2', undefined, members[1]!.identity)
    expect(() => forker.act('genesis', {
      name: 'Bad', purpose: '', charter: 'text A', rules: DEFAULT_RULES, founder: members[1]!.identity.publicKey, cert: forker.cert(),
      parent: { community: fromHex(s.community), heads: s.heads.map((h) => fromHex(h)), version: 1, charterHash: sha256(utf8.encode('text B')), members: [members[1]!.identity.publicKey] },
    })).toThrow(/FORK-1/)
  })
})
