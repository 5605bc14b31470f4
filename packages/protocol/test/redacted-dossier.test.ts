/**
 * The texts layer (SEAL-7) and redacted dossiers (DOSSIER-R1..R3): a sealed
 * community's roster and decisions proved to an outsider from op keys alone,
 * with no name, title, reason or text in the file, and not forgeable by one
 * member who leaves ops out, adds ops the community rejected or changes a key.
 */
import { describe, expect, it } from 'vitest'
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js'
import {
  boxNonce, decodeCanonical, decodeSealedOp, encodeCanonical, encodeRedactedDossier, encodeSealedOp, foldRedacted, fromHex, opKeyOf, openStructure, openWithKey, ownEpoch,
  verifyRedactedDossier, type CborValue, type CommunityId, type SealedOp,
} from '../src/index'
import { Actor, TestKeys, close, flatRules, propose, proposalTime, sealedCommunity, syncAll, vote } from './harness'
import { nodeCrypto } from './node-crypto'

const SECRETS = ['Ardita Kelmendi', 'Buy the old lighthouse', 'Meet at the harbour wall at dawn', 'suspected informant', 'Lighthouse Keepers']

function story(seed: number): { founder: Actor; members: Actor[]; all: Actor[]; removed: Actor } {
  const { founder, members, all } = sealedCommunity(4, flatRules([1, 2], [1, 2], 0), new TestKeys(seed))
  const [m0, m1, m2, m3] = members as [Actor, Actor, Actor, Actor]
  m0.act('profile.set', { name: 'Ardita Kelmendi' })
  syncAll(all)
  const p = propose(m1, { type: 'resolution' })
  // The harness titles proposals 'P'; this one carries a real title and text.
  const t = proposalTime(m1)
  const titled = m1.act('proposal.create', { title: 'Buy the old lighthouse', text: 'Meet at the harbour wall at dawn', action: { type: 'resolution' }, method: (p as { body: { method: never } }).body.method, deadline: t }, { time: t })
  syncAll(all)
  for (const a of [founder, m0, m1, m2]) vote(a, titled, { type: 'yesno', choice: 'yes' })
  vote(m3, p, { type: 'yesno', choice: 'no' })
  syncAll(all)
  m2.act('comment.add', { proposal: fromHex(titled.id), text: 'Meet at the harbour wall at dawn' })
  close(founder, titled)
  syncAll(all)
  founder.act('member.remove', { member: m3.identity.publicKey, reason: 'suspected informant' })
  founder.rekey()
  syncAll([founder, m0, m1, m2])
  // Another member's op acknowledges everything so far (DOSSIER-R2).
  m0.act('profile.set', { name: 'Ardita K.' })
  syncAll([founder, m0, m1, m2])
  return { founder, members, all, removed: m3 }
}

function sealedOpsOf(a: Actor): SealedOp[] {
  return a.replica.ops().map((o) => decodeSealedOp(o.bytes, nodeCrypto))
}

function exportRedacted(a: Actor, ops = sealedOpsOf(a), keyOf?: (op: SealedOp) => Uint8Array): Uint8Array {
  const ring = a.replica.keyRing
  return encodeRedactedDossier(a.community, ops, keyOf ?? ((op) => opKeyOf(ring.key(ownEpoch(op)) as Uint8Array, boxNonce(op.box))), nodeCrypto)
}

const contains = (hay: Uint8Array, needle: string): boolean => Buffer.from(hay).includes(Buffer.from(needle, 'utf8'))

describe('the texts layer (SEAL-7)', () => {
  it('SEAL-7: an op key opens the structure with placeholders; the epoch key opens the texts too', () => {
    const { founder } = sealedCommunity(1, {}, new TestKeys(7101))
    const op = founder.act('profile.set', { name: 'Ardita Kelmendi' })
    const s = decodeSealedOp(op.bytes, nodeCrypto)
    const epochKey = founder.replica.keyRing.key(ownEpoch(s)) as Uint8Array
    expect(openWithKey(s, epochKey).body).toEqual({ name: 'Ardita Kelmendi' })
    const redacted = openStructure(s, opKeyOf(epochKey, boxNonce(s.box)))
    expect(redacted.body).toEqual({ name: '·' })
    expect(redacted.redacted).toBe(true)
    expect(contains(op.bytes, 'Ardita')).toBe(false)
  })

  it('SEAL-7: a structure that carries a real text where its placeholder belongs is refused by every replica', () => {
    const { founder, members } = sealedCommunity(1, {}, new TestKeys(7102))
    const m = members[0] as Actor
    const epoch = ownEpoch(decodeSealedOp(founder.replica.ops().at(-1)!.bytes, nodeCrypto))
    const key = founder.replica.keyRing.key(epoch) as Uint8Array
    // Build by hand: the box holds {time, body: {name: 'Ardita'}, texts} — the text outside its layer.
    const honest = encodeSealedOp({ community: founder.community, seq: founder.seq + 1, deps: founder.replica.heads(), kind: 'profile.set', epoch, clear: null, content: { time: founder.time + 1000, body: { name: 'Ardita' } }, sealWith: key }, founder.device, nodeCrypto)
    const inner = decodeCanonical(openStructureRaw(honest, key), 1 << 20, 'x') as Record<string, CborValue>
    const forged = rebox(honest, key, { ...inner, body: { name: 'Ardita' } }, founder)
    const r = m.replica.receive(forged.bytes)
    expect(r.status).toBe('rejected')
    expect(r.status === 'rejected' && r.error.message).toMatch(/SEAL-7/)
  })
})

describe('redacted dossiers (DOSSIER-R1..R3)', () => {
  it('DOSSIER-R1, DOSSIER-R3: verifies offline and names nobody: roster, roles and decisions match the members\' fold; no name, title, reason or text in the file', () => {
    const { founder } = story(7201)
    const file = exportRedacted(founder)
    const v = verifyRedactedDossier(file, nodeCrypto)
    expect(v.problems).toEqual([])
    expect(v.ok).toBe(true)
    const s = founder.replica.state()
    expect(v.census!.members.map((m) => m.id).sort()).toEqual(s.members.map((m) => m.id).sort())
    const decided = v.census!.decisions.filter((d) => d.status === 'closed')
    expect(decided).toHaveLength(1)
    expect(decided[0]!.passed).toBe(true)
    for (const secret of [...SECRETS, 'Ardita K.', 'Sealed Community']) expect(contains(file, secret), secret).toBe(false)
  })

  it('DOSSIER-R3: leaving out a vote, a removal or the close is caught (heads or decisions or roster no longer match)', () => {
    const { founder } = story(7202)
    const ops = sealedOpsOf(founder)
    const ring = founder.replica.keyRing
    const keyOf = (op: SealedOp): Uint8Array => opKeyOf(ring.key(ownEpoch(op)) as Uint8Array, boxNonce(op.box))
    const good = decodeCanonical(exportRedacted(founder), 1 << 28, 'd') as Record<string, CborValue>
    for (const kind of ['vote.cast', 'member.remove', 'proposal.close'] as const) {
      const victim = ops.find((o) => o.kind === kind)!
      const i = (good['ops'] as Uint8Array[]).findIndex((b) => decodeSealedOp(b, nodeCrypto).id === victim.id)
      const cut = { ...good, ops: (good['ops'] as CborValue[]).filter((_, j) => j !== i), keys: (good['keys'] as CborValue[]).filter((_, j) => j !== i) }
      const v = verifyRedactedDossier(encodeCanonical(cut), nodeCrypto)
      expect(v.ok, kind).toBe(false)
      expect(v.problems.join(' '), kind).toMatch(/missing from the file|DOSSIER-R3/)
    }
    expect(keyOf(ops[0]!)).toHaveLength(32)
  })

  it('DOSSIER-R1: a wrong key for one op is caught, naming the op', () => {
    const { founder } = story(7203)
    const good = decodeCanonical(exportRedacted(founder), 1 << 28, 'd') as Record<string, CborValue>
    const keys = [...(good['keys'] as Uint8Array[])]
    keys[3] = new Uint8Array(32).fill(7)
    const v = verifyRedactedDossier(encodeCanonical({ ...good, keys }), nodeCrypto)
    expect(v.ok).toBe(false)
    expect(v.problems.join(' ')).toMatch(/ENV2-6|breaks a rule/)
  })

  it('DOSSIER-R2: an op the community rejected (sealed under a key its epoch does not derive) and built on only by its author does not count', () => {
    const { founder, members } = story(7204)
    const liar = members[1] as Actor
    liar.pull(founder)
    const ops = sealedOpsOf(liar)
    const epoch = ownEpoch(ops.at(-1)!)
    const bogusKey = new Uint8Array(32).fill(9)
    // A close sealed under a key that is not its epoch's: every member rejects it; the liar discloses that key.
    const p = ops.find((o) => o.kind === 'proposal.create')!
    const fake = encodeSealedOp({ community: liar.community, seq: liar.seq + 1, deps: [...liar.replica.heads(), liar.last!, p.id], kind: 'proposal.close', epoch, clear: null, content: { time: liar.time + 1000, body: { proposal: fromHex(p.id) } }, sealWith: bogusKey }, liar.device, nodeCrypto)
    expect(founder.replica.receive(fake.bytes).status).toBe('rejected')
    const ring = liar.replica.keyRing
    const honest = verifyRedactedDossier(exportRedacted(liar, ops), nodeCrypto)
    const file = exportRedacted(liar, [...ops, fake], (op) => (op.id === fake.id ? opKeyOf(bogusKey, boxNonce(op.box)) : opKeyOf(ring.key(ownEpoch(op)) as Uint8Array, boxNonce(op.box))))
    const v = verifyRedactedDossier(file, nodeCrypto)
    // The fake vote is in the file and opens with the disclosed key, but nobody else built on it: it is not counted.
    expect(v.ok).toBe(true)
    const statusOf = (c: typeof v.census): string | undefined => c!.decisions.find((d) => d.proposal === p.id)?.status
    expect(statusOf(honest.census)).toBe('open')
    expect(statusOf(v.census)).toBe('open')
    expect(v.census!.members).toEqual(honest.census!.members)
    // Without DOSSIER-R2 it would count: folded from every op in the file, the proposal is closed.
    const d = decodeCanonical(file, 1 << 28, 'd') as Record<string, CborValue>
    const keys = new Map((d['ops'] as Uint8Array[]).map((b, i) => [decodeSealedOp(b, nodeCrypto).id, (d['keys'] as Uint8Array[])[i]!] as const))
    const all = foldRedacted(liar.community, (d['ops'] as Uint8Array[]).map((b) => decodeSealedOp(b, nodeCrypto)), keys, nodeCrypto).all
    expect(all.state().proposals.find((x) => x.id === p.id)?.status).toBe('closed')
    // Built on by its author alone, it stays uncounted.
    const more = encodeSealedOp({ community: liar.community, seq: liar.seq + 2, deps: [fake.id], kind: 'profile.set', epoch, clear: null, content: { time: liar.time + 2000, body: { name: 'x' } }, sealWith: bogusKey }, liar.device, nodeCrypto)
    const v2 = verifyRedactedDossier(exportRedacted(liar, [...ops, fake, more], (op) => (op.id === fake.id || op.id === more.id ? opKeyOf(bogusKey, boxNonce(op.box)) : opKeyOf(ring.key(ownEpoch(op)) as Uint8Array, boxNonce(op.box)))), nodeCrypto)
    expect(statusOf(v2.census)).toBe('open')
    expect(v2.ok).toBe(true)
  })
})

/** The plaintext of a box under its epoch key (test helper). */
function openStructureRaw(s: SealedOp, epochKey: Uint8Array): Uint8Array {
  const nonce = boxNonce(s.box)
  return xchacha20poly1305(opKeyOf(epochKey, nonce), nonce, s.aad).decrypt(s.box.subarray(24))
}

/** Re-seal a box with other content and re-sign it as `a` (the content is whatever the test says). */
function rebox(s: SealedOp, epochKey: Uint8Array, content: Record<string, CborValue>, a: Actor): SealedOp {
  const nonce = boxNonce(s.box)
  const ct = xchacha20poly1305(opKeyOf(epochKey, nonce), nonce, s.aad).encrypt(encodeCanonical(content))
  const box = new Uint8Array(24 + ct.length)
  box.set(nonce)
  box.set(ct, 24)
  return encodeSealedOp({ community: s.community as CommunityId, seq: s.seq, deps: s.deps, kind: s.kind, epoch: s.epoch, clear: s.clear, box }, a.device, nodeCrypto)
}
