/**
 * Relations (REL-1..8): recognize and withdraw by vote, letters recorded,
 * treaties, outside bodies and their signed statements — in the fold of
 * every member, and a statement file checked with nothing but the file.
 */
import { describe, expect, it } from 'vitest'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign as nodeSign } from 'node:crypto'
import { fromHex, relationsOf, statementMessage, toHex, verifyStatement, type CommunityId } from '../src/index'
import { Actor, TestKeys, close, flatRules, propose, refusal, sealedCommunity, syncAll, vote } from './harness'
import { B, recognizeAction } from './letter-helpers'

const rel = (a: Actor, kind: string, body: Record<string, unknown>) => a.act(kind as never, body as never)
/** The op only, for refusal(). */
const relOp = (a: Actor, kind: string, body: Record<string, unknown>) => a.make(kind as never, body as never)

/** An outside body: an ed25519 key pair from node:crypto (as any tool would make one). */
function outsideBody(): { publicKey: Uint8Array; signFor: (to: string, action: string, date: string, text: string) => Uint8Array; pem: string } {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519')
  const raw = new Uint8Array(publicKey.export({ format: 'der', type: 'spki' }).subarray(12))
  return {
    publicKey: raw,
    signFor: (to, action, date, text) => new Uint8Array(nodeSign(null, statementMessage({ to, action, date, text }), privateKey)),
    pem: privateKey.export({ format: 'pem', type: 'pkcs8' }) as string,
  }
}

function statementFile(body: Uint8Array, to: string, action: string, date: string, text: string, signature: Uint8Array | string): Uint8Array {
  const sig = typeof signature === 'string' ? signature : toHex(signature)
  return new TextEncoder().encode(JSON.stringify({ format: 'polity-statement', v: 1, body: toHex(body), to, action, date, text, signature: sig }))
}

function passed(a: Actor, all: Actor[], action: Parameters<typeof propose>[1]): void {
  const p = propose(a, action)
  syncAll(all)
  for (const x of all) vote(x, p, { type: 'yesno', choice: 'yes' })
  syncAll(all)
  close(a, p)
  syncAll(all)
}

const lax = { type: 'yesno' as const, quorum: [1, 2] as [number, number], threshold: [1, 2] as [number, number] }

describe('relations (REL-1..8)', () => {
  it('REL-1, REL-3: a passed recognize shows as "we recognize"; a later passed unrecognize withdraws it; a community cannot recognize itself', () => {
    const { founder, all } = sealedCommunity(2, flatRules([1, 2], [1, 2], 0), new TestKeys(8201))
    passed(founder, all, recognizeAction())
    let r = relationsOf(founder.replica).communities
    expect(r).toHaveLength(1)
    expect(r[0]).toMatchObject({ community: B, name: 'Harbour Commons', weRecognize: true, theyRecognize: false, treaty: false })
    expect(r[0]!.ours!.tally).toEqual({ eligible: 3, yes: 3, no: 0, abstain: 0 })
    passed(founder, all, { type: 'unrecognize', community: fromHex(B, 32) })
    r = relationsOf(founder.replica).communities
    expect(r[0]).toMatchObject({ weRecognize: false, name: 'Harbour Commons' })
    expect(r[0]!.ours!.action).toBe('unrecognize')
    expect(refusal(founder, () => founder.make('proposal.create', { title: 'P', text: '', action: recognizeAction(founder.community), method: lax, deadline: founder.time + 2000 }))).toMatch(/REL-1/)
  })

  it('REL-2: with treaties entrenched, recognition needs the entrenched threshold; dropping that needs it too', () => {
    const { founder } = sealedCommunity(2, flatRules([1, 2], [1, 2], 0, { treaties: 'entrenched', entrenchedThreshold: [2, 3] }), new TestKeys(8202))
    expect(refusal(founder, () => founder.make('proposal.create', { title: 'P', text: '', action: recognizeAction(), method: lax, deadline: founder.time + 2000 }))).toMatch(/GOV-2: .*recognition under entrenched treaties \(REL-2\)/)
    expect(() => propose(founder, recognizeAction())).not.toThrow()
    const rules = { ...founder.replica.roster().rules!, treaties: 'resolution' as const }
    expect(refusal(founder, () => founder.make('proposal.create', { title: 'P', text: '', action: { type: 'rules', rules }, method: lax, deadline: founder.time + 2000 }))).toMatch(/GOV-2/)
    // Rules without the field decode with the default (resolution).
    const plain = sealedCommunity(0, flatRules([1, 2], [1, 2], 0), new TestKeys(8203)).founder
    expect(plain.replica.roster().rules!.treaties).toBeUndefined()
    expect(() => propose(plain, recognizeAction(), lax)).not.toThrow()
  })

  it('REL-4, REL-5: a recorded letter shows "recognized by"; with our own recognition it is a treaty; a letter from ourselves is refused', () => {
    const { founder, members, all } = sealedCommunity(2, flatRules([1, 2], [1, 2], 0), new TestKeys(8204))
    const m0 = members[0] as Actor
    const letter = { letter: new Uint8Array(32).fill(1), from: fromHex(B, 32), name: 'Harbour Commons', action: 'recognize', decision: new Uint8Array(32).fill(2), close: new Uint8Array(32).fill(3), date: 1_700_000_000_000, tally: { eligible: 5, yes: 4, no: 1, abstain: 0 } }
    rel(m0, 'relation.letter', letter)
    syncAll(all)
    for (const a of all) expect(relationsOf(a.replica).communities[0]).toMatchObject({ community: B, theyRecognize: true, weRecognize: false, treaty: false, name: 'Harbour Commons' })
    passed(founder, all, recognizeAction())
    for (const a of all) expect(relationsOf(a.replica).communities[0]!.treaty).toBe(true)
    expect(refusal(m0, () => relOp(m0, 'relation.letter', { ...letter, from: fromHex(m0.community, 32) }))).toMatch(/REL-5/)
    expect(refusal(m0, () => relOp(m0, 'relation.letter', { ...letter, tally: { eligible: 1, yes: 4, no: 0, abstain: 0 } }))).toMatch(/REL-5/)
    // A later letter withdrawing recognition ends the treaty.
    rel(m0, 'relation.letter', { ...letter, action: 'unrecognize', letter: new Uint8Array(32).fill(4), close: new Uint8Array(32).fill(5), date: letter.date + 1 })
    expect(relationsOf(m0.replica).communities[0]).toMatchObject({ theyRecognize: false, treaty: false })
  })

  it('REL-6, REL-7, REL-8: a steward adds a body; a member records its signed statement; every member re-verifies it; a plain member may not add a body', () => {
    const { founder, members, all } = sealedCommunity(2, flatRules([1, 2], [1, 2], 0), new TestKeys(8205))
    const m0 = members[0] as Actor
    const body = outsideBody()
    const to = founder.community
    expect(refusal(m0, () => relOp(m0, 'relation.body', { body: body.publicKey, label: 'City of Tallinn', source: 'read aloud by the mayor\'s office' }))).toMatch(/REL-6/)
    const text = 'The City of Tallinn recognizes this community.'
    const st = { statement: new Uint8Array(32).fill(9), body: body.publicKey, action: 'recognize', date: '2026-12-01', text, signature: body.signFor(to, 'recognize', '2026-12-01', text) }
    expect(refusal(m0, () => relOp(m0, 'relation.statement', st))).toMatch(/REL-7/)
    rel(founder, 'relation.body', { body: body.publicKey, label: 'City of Tallinn', source: 'fingerprint read aloud by the mayor\'s office' })
    syncAll(all)
    expect(refusal(m0, () => relOp(m0, 'relation.statement', { ...st, text: 'The City of Tallinn annexes this community.' }))).toMatch(/REL-8/)
    rel(m0, 'relation.statement', st)
    syncAll(all)
    for (const a of all) {
      const b = relationsOf(a.replica).bodies
      expect(b).toHaveLength(1)
      expect(b[0]).toMatchObject({ label: 'City of Tallinn', recognizes: true })
      expect(b[0]!.statements[0]!.text).toBe(text)
    }
  })

  it('REL-9: a body marked removed needs the bodies role and the body in its causal past; it stays listed, recognizes nobody, and adding it again restores it', () => {
    const { founder, members, all } = sealedCommunity(2, flatRules([1, 2], [1, 2], 0), new TestKeys(8207))
    const m0 = members[0] as Actor
    const body = outsideBody()
    const to = founder.community
    const shape = { body: body.publicKey, label: 'City of Tallinn', source: 'read aloud' }
    expect(refusal(founder, () => relOp(founder, 'relation.body', { ...shape, status: 'removed' }))).toMatch(/REL-9: only a body added/)
    rel(founder, 'relation.body', shape)
    syncAll(all)
    const text = 'The City of Tallinn recognizes this community.'
    rel(m0, 'relation.statement', { statement: new Uint8Array(32).fill(7), body: body.publicKey, action: 'recognize', date: '2026-12-01', text, signature: body.signFor(to, 'recognize', '2026-12-01', text) })
    syncAll(all)
    expect(relationsOf(founder.replica).bodies[0]).toMatchObject({ removed: false, recognizes: true })
    expect(refusal(m0, () => relOp(m0, 'relation.body', { ...shape, status: 'removed' }))).toMatch(/REL-9: removing an outside body needs the steward role/)
    rel(founder, 'relation.body', { ...shape, status: 'removed' })
    syncAll(all)
    for (const a of all) {
      const b = relationsOf(a.replica).bodies
      expect(b).toHaveLength(1)
      expect(b[0]).toMatchObject({ label: 'City of Tallinn', removed: true, recognizes: false })
      expect(b[0]!.statements).toHaveLength(1)
    }
    rel(founder, 'relation.body', { ...shape, status: 'active' })
    syncAll(all)
    expect(relationsOf(m0.replica).bodies[0]).toMatchObject({ removed: false, recognizes: true })
  })

  it('REL-8: a statement file: valid, tampered, wrong key, wrong community — and signed with a one-line openssl command', () => {
    const body = outsideBody()
    const to = 'a'.repeat(64) as CommunityId
    const text = 'We recognize this community.\nSigned, the Registry.'
    const sig = body.signFor(to, 'recognize', '2026-12-02', text)
    const good = verifyStatement(statementFile(body.publicKey, to, 'recognize', '2026-12-02', text, sig), { to })
    expect(good.problems).toEqual([])
    expect(good.ok).toBe(true)
    expect(good.statement!.text).toBe(text)
    const tampered = verifyStatement(statementFile(body.publicKey, to, 'recognize', '2026-12-02', text.replace('recognize', 'annex'), sig))
    expect(tampered.ok).toBe(false)
    expect(tampered.problems.join(' ')).toMatch(/REL-8: the signature does not verify/)
    const other = outsideBody()
    const wrongKey = verifyStatement(statementFile(other.publicKey, to, 'recognize', '2026-12-02', text, sig))
    expect(wrongKey.ok).toBe(false)
    expect(wrongKey.problems.join(' ')).toMatch(/REL-8: the signature does not verify/)
    expect(verifyStatement(statementFile(body.publicKey, to, 'recognize', '2026-12-02', text, sig), { body: toHex(other.publicKey) }).problems.join(' ')).toMatch(/REL-7/)
    expect(verifyStatement(statementFile(body.publicKey, to, 'recognize', '2026-12-02', text, sig), { to: 'b'.repeat(64) }).problems.join(' ')).toMatch(/addressed to another community/)
    expect(verifyStatement(statementFile(body.publicKey, to, 'recognize', '02/12/2026', text, sig)).problems.join(' ')).toMatch(/REL-8: "date"/)
    // The documented one-liner: openssl pkeyutl -sign -rawin, hex by xxd, base64 accepted too.
    const dir = mkdtempSync(join(tmpdir(), 'statement-'))
    writeFileSync(join(dir, 'body.pem'), body.pem)
    writeFileSync(join(dir, 'message.txt'), statementMessage({ to, action: 'recognize', date: '2026-12-02', text }))
    const out = execFileSync('openssl', ['pkeyutl', '-sign', '-inkey', join(dir, 'body.pem'), '-rawin', '-in', join(dir, 'message.txt')])
    const b64 = Buffer.from(out).toString('base64')
    expect(verifyStatement(statementFile(body.publicKey, to, 'recognize', '2026-12-02', text, b64)).ok).toBe(true)
    const pub = createPublicKey(createPrivateKey(readFileSync(join(dir, 'body.pem')))).export({ format: 'der', type: 'spki' }).subarray(12)
    expect(toHex(new Uint8Array(pub))).toBe(toHex(body.publicKey))
  })
})
