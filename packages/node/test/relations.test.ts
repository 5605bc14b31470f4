/**
 * The node's relations (REL-*, LETTER-* in docs/PROTOCOL.md §20): a letter
 * exported once a recognition passed, verified by a node with no identity,
 * imported once into the community it recognizes; what the node refuses
 * before signing (a letter for another community, a tampered letter, a body
 * added by a role below `bodies`, a statement of an unknown or removed
 * body); and the BRIDGE-8 `relations` part those ops name.
 */
import { describe, expect, it } from 'vitest'
import { generateKeyPairSync, sign as nodeSign } from 'node:crypto'
import { statementMessage, toHex, type CommunityId, type OpId } from '@polity/protocol'
import type { PolityEvent } from '@polity/api'
import { changesOf } from '../src/changes'
import { InvalidFileError, InvalidInputError, PolityNode, RefusedError } from '../src/index'
import { carry, freshNode, holdLink, withIdentity } from './helpers'

const quick = { decisions: { resolution: { quorum: [1, 2] as [number, number], threshold: [1, 2] as [number, number], period: 0 } } }

/** An outside body: an ed25519 key pair from node:crypto, and a statement file it signs. */
function outsideBody(): { key: string; file: (to: string, action: string, date: string, text: string) => Uint8Array } {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519')
  const key = toHex(new Uint8Array(publicKey.export({ format: 'der', type: 'spki' }).subarray(12)))
  return {
    key,
    file: (to, action, date, text) => {
      const signature = Buffer.from(nodeSign(null, statementMessage({ to, action, date, text }), privateKey)).toString('base64')
      return new TextEncoder().encode(JSON.stringify({ format: 'polity-statement', v: 1, body: key, to, action, date, text, signature }))
    },
  }
}

/** A community of two (founder, member); the recognition of `other` passed, and the member built on the close (LETTER-5). */
async function recognized(other: CommunityId): Promise<{ founder: PolityNode; member: PolityNode; community: CommunityId; proposal: OpId }> {
  const founder = (await withIdentity('rel-a1')).node
  const member = (await withIdentity('rel-a2')).node
  const community = await founder.createCommunity({ name: 'Lighthouse Keepers', purpose: '', charter: 'A secret charter line.', founderName: 'Ada Founder', rules: quick })
  await holdLink(founder, member, community, 'Bo Member')
  await carry(founder, member, community)
  await carry(member, founder, community)
  const proposal = await founder.createProposal({
    community, title: 'Recognize the harbour (a sealed title)', text: 'Sealed text.', deadlineInHours: 0,
    action: { type: 'recognize', community: other, name: 'Harbour Commons', statement: 'We recognize Harbour Commons.' }, method: { type: 'yesno', quorum: [1, 2], threshold: [1, 2] },
  })
  await carry(founder, member, community)
  await member.vote({ community, proposal, ballot: { type: 'yesno', choice: 'yes' } })
  await founder.vote({ community, proposal, ballot: { type: 'yesno', choice: 'yes' } })
  await carry(member, founder, community)
  await founder.closeProposal({ community, proposal })
  await carry(founder, member, community)
  await member.setProfile({ community, name: 'Bo Member' })
  await carry(member, founder, community)
  return { founder, member, community, proposal }
}

describe('PolityNode: relations and letters of recognition', () => {
  it('LETTER-6, REL-5, BRIDGE-8: a letter exported, verified with no identity, imported once; refused for another community, tampered, or before it passed; the import names the relations part', async () => {
    const b = (await withIdentity('rel-b')).node
    const B = await b.createCommunity({ name: 'Harbour Commons', purpose: '', charter: '', founderName: 'Cy', rules: quick })
    const C = await b.createCommunity({ name: 'Third Place', purpose: '', charter: '', founderName: 'Cy', rules: quick })
    const a = await recognized(B)
    const letter = await a.member.exportLetter({ community: a.community, proposal: a.proposal })
    // LETTER-6: an open proposal has no letter; a proposal that is not a recognition has none either.
    const open = await a.founder.createProposal({ community: a.community, title: 'Later', text: '', deadlineInHours: 1, action: { type: 'recognize', community: C, name: 'Third', statement: 'x' }, method: { type: 'yesno', quorum: [1, 2], threshold: [1, 2] } })
    await expect(a.founder.exportLetter({ community: a.community, proposal: open })).rejects.toThrow(/LETTER-6/)
    await expect(a.founder.exportLetter({ community: a.community, proposal: 'ab'.repeat(32) as OpId })).rejects.toThrow(InvalidInputError)

    const empty = (await freshNode('rel-noid')).node
    expect((await empty.identityStatus()).state).toBe('none')
    const report = await empty.verifyLetter({ bytes: letter })
    expect(report).toMatchObject({ ok: true, from: a.community, to: B, action: 'recognize', name: 'Harbour Commons', fromName: 'Lighthouse Keepers', selfVouched: false })
    expect(report.tally).toEqual({ eligible: 2, yes: 2, no: 0, abstain: 0 })
    expect(report.eligible).toHaveLength(2)

    // A tampered letter (one byte changed in the middle) does not verify and is not recorded.
    const tampered = letter.slice()
    tampered[Math.floor(tampered.length / 2)]! ^= 0x01
    expect((await empty.verifyLetter({ bytes: tampered })).ok).toBe(false)
    const size = b.replicaOf(B).size
    await expect(b.importLetter({ community: B, bytes: tampered })).rejects.toThrow(InvalidFileError)
    // REL-5: a letter for another community is refused by C, and by A itself.
    await expect(b.importLetter({ community: C, bytes: letter })).rejects.toThrow(/REL-5: the letter recognizes another community/)
    await expect(a.founder.importLetter({ community: a.community, bytes: letter })).rejects.toThrow(/REL-5/)
    expect(b.replicaOf(B).size).toBe(size)

    // BRIDGE-8: the import names only the relations part.
    const events: PolityEvent[] = []
    const un = b.subscribe((e) => events.push(e))
    await b.importLetter({ community: B, bytes: letter })
    un()
    expect(events.filter((e) => e.type === 'community')).toEqual([{ type: 'community', community: B, ops: b.replicaOf(B).size, parts: ['relations'], proposals: [] }])
    const after = b.replicaOf(B).size
    expect(after).toBe(size + 1)
    // Importing the same file twice records it once.
    expect((await b.importLetter({ community: B, bytes: letter })).ok).toBe(true)
    expect(b.replicaOf(B).size).toBe(after)
    const view = await b.relationsView({ community: B })
    expect(view.communities).toHaveLength(1)
    expect(view.communities[0]).toMatchObject({ community: a.community, name: 'Lighthouse Keepers', theyRecognize: true, weRecognize: false, treaty: false })
    expect(view.communities[0]!.theirs!.letter).toBe(report.sha256)
    await Promise.all([a.founder, a.member, b, empty].map((n) => n.close()))
  }, 60_000)

  it('REL-6, REL-7, REL-8, REL-9: a member below `bodies` may not add a body; a statement of an unknown body is refused; a steward adds, records, removes (not twice) and adds again', async () => {
    const founder = (await withIdentity('rel-s1')).node
    const member = (await withIdentity('rel-s2')).node
    const community = await founder.createCommunity({ name: 'Harbour Commons', purpose: '', charter: '', founderName: 'Cy', rules: quick })
    await holdLink(founder, member, community, 'Dee')
    await carry(founder, member, community)
    await carry(member, founder, community)
    const body = outsideBody()
    const date = '2026-12-01'
    const text = 'The City of Tallinn recognizes this community.'
    const statement = body.file(community, 'recognize', date, text)
    await expect(member.addOutsideBody({ community, body: body.key, label: 'City of Tallinn', source: 'read aloud' })).rejects.toThrow(/REL-6/)
    await expect(member.addOutsideBody({ community, body: body.key, label: 'City of Tallinn', source: 'read aloud' })).rejects.toThrow(RefusedError)
    await expect(founder.addOutsideBody({ community, body: 'zz', label: 'x', source: '' })).rejects.toThrow(InvalidInputError)
    // REL-7: a statement of a body this community has not added.
    const unknown = await founder.verifyStatement({ bytes: statement, community })
    expect(unknown.ok).toBe(false)
    expect(unknown.problems.join(' ')).toMatch(/REL-7/)
    await expect(founder.importStatement({ community, bytes: statement })).rejects.toThrow(/REL-7/)
    await expect(founder.removeOutsideBody({ community, body: body.key })).rejects.toThrow(/REL-9: this community has not added that body/)

    await founder.addOutsideBody({ community, body: body.key, label: 'City of Tallinn', source: 'read aloud' })
    await carry(founder, member, community)
    // A tampered statement and one addressed elsewhere are refused.
    const tampered = new TextEncoder().encode(new TextDecoder().decode(statement).replace('recognizes', 'annexes'))
    await expect(member.importStatement({ community, bytes: tampered })).rejects.toThrow(/REL-8/)
    expect((await member.verifyStatement({ bytes: body.file('ab'.repeat(32), 'recognize', date, text), community })).ok).toBe(false)
    expect((await member.importStatement({ community, bytes: statement })).ok).toBe(true)
    const size = member.replicaOf(community).size
    await member.importStatement({ community, bytes: statement })
    expect(member.replicaOf(community).size).toBe(size)
    await carry(member, founder, community)
    let view = await founder.relationsView({ community })
    expect(view.canAddBody).toBe(true)
    expect((await member.relationsView({ community })).canAddBody).toBe(false)
    expect(view.bodies[0]).toMatchObject({ body: body.key, label: 'City of Tallinn', removed: false, recognizes: true })

    // REL-9: a member below the role may not remove it; the steward may, once.
    await expect(member.removeOutsideBody({ community, body: body.key })).rejects.toThrow(/REL-9/)
    const events: PolityEvent[] = []
    const un = founder.subscribe((e) => events.push(e))
    await founder.removeOutsideBody({ community, body: body.key })
    un()
    expect(events.filter((e) => e.type === 'community').map((e) => (e as { parts: readonly string[] }).parts)).toEqual([['relations']])
    await expect(founder.removeOutsideBody({ community, body: body.key })).rejects.toThrow(/REL-9: that body is already removed/)
    view = await founder.relationsView({ community })
    expect(view.bodies[0]).toMatchObject({ label: 'City of Tallinn', removed: true, recognizes: false })
    expect(view.bodies[0]!.statements).toHaveLength(1)
    const later = body.file(community, 'recognize', '2026-12-05', 'Again.')
    expect((await founder.verifyStatement({ bytes: later, community })).problems.join(' ')).toMatch(/REL-9/)
    await expect(founder.importStatement({ community, bytes: later })).rejects.toThrow(/REL-9/)
    await founder.addOutsideBody({ community, body: body.key, label: 'City of Tallinn', source: 'read aloud again' })
    expect((await founder.relationsView({ community })).bodies[0]).toMatchObject({ removed: false, recognizes: true, source: 'read aloud again' })
    await Promise.all([founder, member].map((n) => n.close()))
  }, 60_000)

  it('BRIDGE-8: relation ops name the relations part only; a close names it too (it may decide a recognition)', () => {
    const op = (kind: string) => ({ kind, id: 'ab'.repeat(32), body: { proposal: new Uint8Array(32) } }) as never
    for (const k of ['relation.letter', 'relation.body', 'relation.statement']) expect(changesOf([op(k)]).parts).toEqual(['relations'])
    expect(changesOf([op('proposal.close')]).parts).toContain('relations')
    expect(changesOf([op('vote.cast')]).parts).not.toContain('relations')
  })
})
