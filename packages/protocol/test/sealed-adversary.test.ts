/**
 * ADV-sealed-*: what a member, a removed member or an outsider can try
 * against a sealed community's keys (EPOCH-*, KEY-*), each with its control.
 */
import { describe, expect, it } from 'vitest'
import {
  certifyAgreeKey, clearFor, createSealedOp, encodeSealedOp, epochCommitment, inviteKeysFromSecret, joinProofMessage, recipientTag, sign, toHex, fromHex,
  type AnyOp, type OpId, type OpenedOp, type Clear,
} from '../src/index'
import { Actor, TestKeys, refusal, sealedCommunity } from './harness'
import { nodeCrypto } from './node-crypto'

const epochOf = (a: Actor): OpId => a.replica.sealedView()!.epochFor(a.replica.heads())!
const applied = (a: Actor, op: AnyOp | { bytes: Uint8Array }): void => {
  const r = a.replica.receive('id' in op ? (op as AnyOp) : op.bytes)
  if (r.status !== 'applied') throw new Error(JSON.stringify(r, (_k, v) => (v instanceof Error ? v.message : v)))
}

describe('sealed communities against their own members (ADV-sealed-*)', () => {
  it('ADV-sealed-rekey-unauthorized (EPOCH-5): a member may not re-key on demand; a steward may; after a departure anyone may', () => {
    const { founder, members } = sealedCommunity(3, {}, new TestKeys(801))
    const [m0, m1] = members as [Actor, Actor]
    expect(refusal(m0, () => m0.makeRekey()[0]!)).toMatch(/^EPOCH-5/)
    founder.rekey()
    m1.pull(founder)
    m1.act('member.leave', {})
    m0.pull(founder)
    m0.pull(m1)
    expect(m0.replica.sealedView()!.anyoneMayRekey(m0.replica.heads())).toBe(true)
    m0.rekey()
    m0.act('profile.set', { name: 'after' })
  })

  it('ADV-sealed-rekey-recipients (EPOCH-7): a re-key that wraps the key to a non-member, or leaves a member out, is refused', () => {
    const { founder, members } = sealedCommunity(2, {}, new TestKeys(802))
    const outsider = new Actor('outsider', undefined, undefined, new TestKeys(802, 'out'))
    const heads = founder.replica.heads()
    const all = founder.replica.sealedView()!.recipients(heads, founder.time + 1000)
    expect(all).toHaveLength(3)
    expect(refusal(founder, () => founder.makeRekey({ recipients: [...all, outsider.agree.publicKey] })[0]!)).toMatch(/^EPOCH-7: a re-key wraps the key to someone/)
    const withoutM1 = all.filter((a) => toHex(a) !== toHex(members[1]!.agree.publicKey))
    expect(refusal(founder, () => founder.makeRekey({ recipients: withoutM1 })[0]!)).toMatch(/^EPOCH-7: a re-key must wrap the key to every member/)
    // A live invite is a recipient too (its link holder reads on); a revoked one is not.
    const inv = founder.invite()
    expect(founder.replica.sealedView()!.recipients(founder.replica.heads(), founder.time + 1000)).toHaveLength(4)
    founder.act('invite.revoke', { invite: fromHex(inv.op.id) })
    expect(founder.replica.sealedView()!.recipients(founder.replica.heads(), founder.time + 1000)).toHaveLength(3)
    founder.rekey()
  })

  it('ADV-sealed-stale-epoch (EPOCH-2, EPOCH-3): an op sealed under a superseded epoch, or under a due one, is refused; a concurrent one stands; departures may still be sealed under a due epoch', () => {
    const { founder, members } = sealedCommunity(3, {}, new TestKeys(803))
    const [m0, m1, m2] = members as [Actor, Actor, Actor]
    const e0 = epochOf(founder)
    founder.act('member.remove', { member: m2.identity.publicKey, reason: 'spam' })
    expect(founder.replica.sealedView()!.epochFor(founder.replica.heads())).toBeUndefined()
    expect(refusal(founder, () => founder.makeSealed('profile.set', { name: 'x' }, { epoch: e0 }))).toMatch(/^EPOCH-3/)
    // More departures are allowed under the due epoch (one re-key covers them all).
    const inv = m0.replica.roster().invites.keys().next().value as OpId
    founder.act('invite.revoke', { invite: fromHex(inv) })
    founder.rekey()
    expect(refusal(founder, () => founder.makeSealed('profile.set', { name: 'x' }, { epoch: e0 }))).toMatch(/^EPOCH-2: .*superseded/)
    // m1 has seen none of it: its op under e0 is valid at its past, and the founder accepts it.
    const concurrent = m1.act('profile.set', { name: 'concurrent' })
    applied(founder, concurrent)
    // The removed member writes on under e0, concurrently: stored, cut (ROSTER-10), and sealed under a key the others dropped.
    const cut = m2.act('profile.set', { name: 'cut' })
    applied(founder, cut)
    expect(founder.replica.state().members.find((m) => m.id === m2.member)).toBeUndefined()
    m0.pull(founder)
    expect(m0.replica.state()).toEqual(founder.replica.state())
  })

  it('ADV-sealed-bad-wrap (EPOCH-10, KEY-4): a wrap that does not open teaches its recipient nothing, the op stands for everyone, and a grant repairs it', () => {
    const { founder, members } = sealedCommunity(2, {}, new TestKeys(804))
    const [m0, m1] = members as [Actor, Actor]
    const key = new TestKeys(804, 'k').bytes(32)
    const part = founder.makeRekey({ key })[0] as unknown as OpenedOp
    const clear = part.clear as Clear
    const tag = toHex(recipientTag(clear.commit, m0.agree.publicKey))
    const broken: Clear = { ...clear, wraps: clear.wraps.map((w) => (toHex(w.to) === tag ? { to: w.to, wrap: new Uint8Array(48).fill(7) } : w)) }
    const forged = encodeSealedOp({ community: founder.community, seq: part.seq, deps: part.deps, kind: 'epoch.rekey', epoch: null, clear: broken, content: { time: part.time, body: part.body }, sealWith: key }, founder.device, nodeCrypto)
    founder.last = forged.id
    applied(founder, forged)
    m1.pull(founder)
    expect(m1.replica.has(forged.id)).toBe(true)
    m0.pull(founder)
    expect(m0.replica.has(forged.id)).toBe(false)
    expect(m0.replica.keyRing.key(forged.id)).toBeUndefined()
    expect(m0.replica.keyRing.failures()).toEqual([{ op: forged.id, epoch: forged.id }])
    expect(m0.replica.sealedView()!.missingKeys()).toEqual([forged.id])
    // A member who holds the key grants it (EPOCH-9); m0 opens everything.
    applied(founder, founder.makeSealed('epoch.grant', { agrees: undefined }, { wrapTo: [m0.agree.publicKey] }))
    m0.pull(founder)
    expect(m0.replica.size).toBe(founder.replica.size)
    expect(m0.replica.state()).toEqual(founder.replica.state())
  })

  it('ADV-sealed-forged-commit (SEAL-3, EPOCH-8, EPOCH-4): a commit that names another key gives no one a key; an invite or a re-key carrying a key that does not match its epoch\'s commitment is refused', () => {
    const { founder, members } = sealedCommunity(1, {}, new TestKeys(805))
    const m0 = members[0] as Actor
    const t = new TestKeys(805, 'f')
    // A re-key whose wraps carry K under the commitment of K′: recipients learn nothing, the op is held back, never opened with a false key.
    const K = t.bytes(32)
    const K2 = t.bytes(32)
    const saved = { seq: founder.seq, last: founder.last, time: founder.time }
    const rk = founder.makeRekey({ key: K })[0] as unknown as OpenedOp
    Object.assign(founder, saved)
    const lying: Clear = { ...clearFor(K, [founder.agree.publicKey, m0.agree.publicKey], t.bytes(32), { part: 1, parts: 1 }), commit: epochCommitment(K2) }
    const forged = encodeSealedOp({ community: founder.community, seq: rk.seq, deps: rk.deps, kind: 'epoch.rekey', epoch: null, clear: lying, content: { time: rk.time, body: rk.body }, sealWith: K }, founder.device, nodeCrypto)
    m0.replica.receive(forged.bytes)
    expect(m0.replica.keyRing.key(forged.id)).toBeUndefined()
    expect(m0.replica.has(forged.id)).toBe(false)
    expect(m0.replica.isPending(forged.id)).toBe(true)
    // An invite whose commit is not its epoch's.
    const e = epochOf(founder)
    const ik = inviteKeysFromSecret(t.bytes(32))
    const inviteClear = clearFor(K2, [ik.agree.publicKey], t.bytes(32))
    const badInvite = encodeSealedOp({
      community: founder.community, seq: founder.seq + 1, deps: [...new Set([...founder.replica.heads(), founder.last!])].sort(), kind: 'invite.create', epoch: e, clear: inviteClear,
      content: { time: 1, body: { key: ik.sign.publicKey, uses: 1, expires: 2 ** 40, agree: ik.agree.publicKey } }, sealWith: founder.replica.keyRing.key(e)!,
    }, founder.device, nodeCrypto)
    const r = founder.replica.receive(badInvite.bytes)
    expect(r.status === 'rejected' && r.error.message).toMatch(/^EPOCH-8/)
    // A re-key whose superseded key does not match that epoch's commitment (it would poison the chain).
    expect(refusal(founder, () => founder.makeRekey({ supersedes: [{ id: e, key: K2 }] })[0]!)).toMatch(/^EPOCH-4: a superseded key/)
    expect(refusal(founder, () => founder.makeRekey({ supersedes: [] })[0]!)).toMatch(/^EPOCH-4: a re-key supersedes exactly/)
  })

  it('ADV-sealed-agree-cert (KEY-1, KEY-2): a join whose agree key another identity certified, or that is of small order, is refused', () => {
    const { founder } = sealedCommunity(0, {}, new TestKeys(806))
    const j = new Actor('j', undefined, undefined, new TestKeys(806, 'j'))
    const other = new Actor('o', undefined, undefined, new TestKeys(806, 'o'))
    const inv = founder.invite()
    j.replica.addAgreeKey(inv.agree!)
    j.pull(founder)
    const body = (agree: Uint8Array, agreeCert: Uint8Array) => ({
      member: j.identity.publicKey, cert: j.cert(), invite: fromHex(inv.op.id), proof: sign(joinProofMessage(j.community, inv.op.id, j.member), inv.key.secretKey), agree, agreeCert,
    })
    const c = fromHex(j.community)
    expect(refusal(j, () => j.makeSealed('member.join', body(j.agree.publicKey, certifyAgreeKey(other.identity, c, j.agree.publicKey))))).toMatch(/^KEY-1/)
    const small = new Uint8Array(32)
    small[0] = 1
    expect(refusal(j, () => j.makeSealed('member.join', body(small, certifyAgreeKey(j.identity, c, small))))).toMatch(/^KEY-2/)
    j.join(inv)
  })

  it('ADV-sealed-parts (EPOCH-6, EPOCH-2): a part signed by another device is refused; until the last part is in its past nobody seals under the new epoch', () => {
    const { founder, members } = sealedCommunity(3, {}, new TestKeys(807))
    const m0 = members[0] as Actor
    const t = new TestKeys(807, 'p')
    const heads = founder.replica.heads()
    const deps = [...new Set([...heads, founder.last!])]
    const rec = founder.replica.sealedView()!.recipients(deps, founder.time + 1000)
    const key = t.bytes(32)
    const commit = epochCommitment(key)
    const sorted = [...rec].sort((a, b) => Buffer.compare(recipientTag(commit, a), recipientTag(commit, b)))
    const live = founder.replica.sealedView()!.live(deps)
    const body = { supersedes: live.map((e) => fromHex(e)), keys: live.map((e) => [fromHex(e), founder.replica.keyRing.key(e)!] as [Uint8Array, Uint8Array]) }
    const p1 = createSealedOp({ community: founder.community, seq: founder.seq + 1, deps, time: founder.time + 1000, kind: 'epoch.rekey', body, epoch: { id: null, key }, wrapTo: sorted.slice(0, 2), part: { part: 1, parts: 2 } }, founder.device, nodeCrypto)
    founder.replica.keyRing.offer(p1.id, key)
    applied(founder, p1)
    founder.seq++
    founder.last = p1.id
    m0.pull(founder)
    const part2 = (by: Actor, seq: number) => createSealedOp({ community: founder.community, seq, deps: [p1.id, ...(by.last ? [by.last] : [])], time: 1, kind: 'epoch.rekey', body: { supersedes: [], keys: [] }, epoch: { id: p1.id, key }, wrapTo: sorted.slice(2), part: { part: 2, parts: 2 } }, by.device, nodeCrypto)
    const r = founder.replica.receive(part2(m0, m0.seq + 1).bytes)
    expect(r.status === 'rejected' && r.error.message).toMatch(/^EPOCH-6: every part/)
    expect(refusal(founder, () => founder.makeSealed('profile.set', { name: 'early' }, { epoch: p1.id }))).toMatch(/^EPOCH-2: .*parts/)
    const p2 = part2(founder, founder.seq + 1)
    applied(founder, p2)
    founder.seq++
    founder.last = p2.id
    expect(epochOf(founder)).toBe(p1.id)
    founder.act('profile.set', { name: 'now' })
    m0.pull(founder)
    expect(m0.replica.state()).toEqual(founder.replica.state())
  })

  it('ADV-sealed-grant-outsider (EPOCH-9): a grant may reach members and live invites only', () => {
    const { founder } = sealedCommunity(1, {}, new TestKeys(808))
    const outsider = new Actor('outsider', undefined, undefined, new TestKeys(808, 'o'))
    expect(refusal(founder, () => founder.makeSealed('epoch.grant', { agrees: undefined }, { wrapTo: [outsider.agree.publicKey] }))).toMatch(/^EPOCH-9/)
  })
})
