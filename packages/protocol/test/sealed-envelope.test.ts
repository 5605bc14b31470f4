/**
 * ENV2-*: the v2 envelope — round trips of every clear field, refusals of
 * non-canonical, oversized, misshapen and forged envelopes, boxes that do not
 * open or hold the wrong thing, and what a relay with no key can check.
 */
import { describe, expect, it } from 'vitest'
import {
  KeyRing, createOp, createRekey, createSealedOp, decodeSealedOp, encodeCanonical, epochCommitment, inviteKeysFromSecret, openOp, recipientTag, sign,
  memberAgreeKeyPair, concatBytes, toHex, DecodeError, SignatureError, Replica, DEFAULT_RULES, type CborValue, type OpId, type CommunityId,
} from '../src/index'
import { sealBox } from '../src/crypto/seal'
import { Dag } from '../src/replica/dag'
import { Actor, TestKeys, sealedCommunity } from './harness'
import { nodeCrypto } from './node-crypto'

const keys = new TestKeys(7007)
const device = keys.next()
const identity = keys.next()
const agree = memberAgreeKeyPair(identity.secretKey)
const epochKey = keys.bytes(32)
const community = toHex(keys.bytes(32)) as CommunityId
const dep = toHex(keys.bytes(32)) as OpId
const E = toHex(keys.bytes(32)) as OpId

/** Sign a hand-made payload map as a v2 envelope. */
function signed(payload: Record<string, CborValue>): Uint8Array {
  const bytes = encodeCanonical(payload as CborValue)
  const sig = sign(concatBytes(new TextEncoder().encode('polity/op/v2\0'), bytes), device.secretKey)
  return encodeCanonical([bytes, sig])
}

function basePayload(): Record<string, CborValue> {
  const op = createSealedOp({ community, seq: 2, deps: [dep], time: 5, kind: 'profile.set', body: { name: 'Ana' }, epoch: { id: E, key: epochKey } }, device, nodeCrypto)
  return { v: 2, community: hex(community), author: device.publicKey, seq: 2, deps: [hex(dep)], kind: 'profile.set', epoch: hex(E), clear: null, box: op.box }
}
const hex = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h, 'hex'))

describe('the v2 envelope (ENV2-*)', () => {
  it('ENV2-1..5: a sealed op round-trips; every clear field reads back; the box opens to {time, body} with the epoch key and with nothing else', () => {
    const ring = new KeyRing()
    const plain = createSealedOp({ community, seq: 2, deps: [dep], time: 1234, kind: 'profile.set', body: { name: 'Ana' }, epoch: { id: E, key: epochKey } }, device, nodeCrypto)
    const back = decodeSealedOp(plain.bytes, nodeCrypto)
    expect(back).toEqual(plain)
    expect(back).toMatchObject({ v: 2, community, author: toHex(device.publicKey), seq: 2, deps: [dep], kind: 'profile.set', epoch: E, clear: null })
    // Without the key: which epoch is missing; with it: the body and the time.
    expect(openOp(back, ring)).toEqual({ ok: false, missing: E })
    const opened = openOp(back, { key: (e) => (e === E ? epochKey : undefined) })
    expect(opened.ok && opened.op).toMatchObject({ kind: 'profile.set', body: { name: 'Ana' }, time: 1234, epoch: E, createsEpoch: false })
    // The time and the body are not in the clear.
    expect(Buffer.from(plain.bytes).includes(Buffer.from('Ana'))).toBe(false)
    // A key-carrying kind: eph, commit, wraps sorted by tag, part and parts.
    const invite = inviteKeysFromSecret(keys.bytes(32))
    const inv = createSealedOp({
      community, seq: 3, deps: [dep], time: 1, kind: 'invite.create', body: { key: invite.sign.publicKey, uses: 1, expires: 9, member: undefined, agree: invite.agree.publicKey },
      epoch: { id: E, key: epochKey }, wrapTo: [invite.agree.publicKey],
    }, device, nodeCrypto)
    const c = decodeSealedOp(inv.bytes, nodeCrypto).clear!
    expect(c.commit).toEqual(epochCommitment(epochKey))
    expect(c.eph.length).toBe(32)
    expect(c.wraps).toHaveLength(1)
    expect(c.wraps[0]!.to).toEqual(recipientTag(c.commit, invite.agree.publicKey))
    const ir = new KeyRing([invite.agree])
    ir.noteCommit(E, epochCommitment(epochKey))
    expect(ir.learn(decodeSealedOp(inv.bytes, nodeCrypto))).toEqual([E])
    expect(ir.key(E)).toEqual(epochKey)
    const { ops } = createRekey({ community, seq: 4, deps: [dep], time: 1, supersedes: [{ id: E, key: epochKey }], recipients: [agree.publicKey, invite.agree.publicKey] }, device, nodeCrypto)
    const rk = decodeSealedOp(ops[0]!.bytes, nodeCrypto)
    expect(rk).toMatchObject({ kind: 'epoch.rekey', epoch: null, clear: { part: 1, parts: 1 } })
    expect(rk.clear!.wraps.map((w) => toHex(w.to))).toEqual(rk.clear!.wraps.map((w) => toHex(w.to)).sort())
  })

  it('ENV2-2/ENV2-3/ENV2-4/ENV2-5: missing, extra or mistyped fields, unknown kinds, clear fields where none belong, unsorted wraps, a wrong epoch and a short box are refused', () => {
    const good = basePayload()
    expect(() => decodeSealedOp(signed(good), nodeCrypto)).not.toThrow()
    const cases: [string, Record<string, CborValue>, RegExp][] = [
      ['extra field', { ...good, time: 1 }, /ENV2-2/],
      ['missing field', (({ clear: _c, ...r }) => r)(good), /ENV2-2/],
      ['version 1', { ...good, v: 1 }, /ENV2-2/],
      ['unknown kind', { ...good, kind: 'epoch.steal' }, /ENV2-3/],
      ['a v1-only name', { ...good, kind: 'constructor' }, /ENV2-3/],
      ['clear on a plain kind', { ...good, clear: { eph: new Uint8Array(32), commit: new Uint8Array(32), wraps: [] } }, /ENV2-3/],
      ['no clear on an invite', { ...good, kind: 'invite.create' }, /ENV2-3/],
      ['unsorted wraps', { ...good, kind: 'epoch.grant', clear: { eph: new Uint8Array(32), commit: new Uint8Array(32), wraps: [{ to: new Uint8Array(8).fill(2), wrap: new Uint8Array(48) }, { to: new Uint8Array(8).fill(1), wrap: new Uint8Array(48) }] } }, /ENV2-3/],
      ['a wrap of the wrong size', { ...good, kind: 'epoch.grant', clear: { eph: new Uint8Array(32), commit: new Uint8Array(32), wraps: [{ to: new Uint8Array(8), wrap: new Uint8Array(47) }] } }, /wrap/],
      ['part above parts', { ...good, kind: 'epoch.rekey', clear: { eph: new Uint8Array(32), commit: new Uint8Array(32), wraps: [{ to: new Uint8Array(8), wrap: new Uint8Array(48) }], part: 3, parts: 2 } }, /ENV2-3/],
      ['null epoch on a plain op', { ...good, epoch: null }, /ENV2-4/],
      ['an epoch on a re-key\'s first part', { ...good, kind: 'epoch.rekey', clear: { eph: new Uint8Array(32), commit: new Uint8Array(32), wraps: [{ to: new Uint8Array(8), wrap: new Uint8Array(48) }], part: 1, parts: 1 } }, /ENV2-4/],
      ['a short epoch', { ...good, epoch: new Uint8Array(31) }, /ENV2-4/],
      ['a box shorter than nonce and tag', { ...good, box: new Uint8Array(39) }, /ENV2-5/],
      ['a genesis with deps', { ...good, kind: 'genesis', community: null, epoch: null, clear: { eph: new Uint8Array(32), commit: new Uint8Array(32), wraps: [{ to: new Uint8Array(8), wrap: new Uint8Array(48) }] } }, /ENV-7/],
    ]
    for (const [what, payload, rule] of cases) {
      expect(() => decodeSealedOp(signed(payload), nodeCrypto), what).toThrow(DecodeError)
      expect(() => decodeSealedOp(signed(payload), nodeCrypto), what).toThrow(rule)
    }
  })

  it('ENV2-1 (ENC-3, ENV-2): a second byte form, an oversized envelope and a forged signature are refused', () => {
    const op = createSealedOp({ community, seq: 2, deps: [dep], time: 1, kind: 'profile.set', body: { name: 'A' }, epoch: { id: E, key: epochKey } }, device, nodeCrypto)
    // Non-shortest length of the payload byte string.
    const b = op.bytes
    const longer = concatBytes(new Uint8Array([b[0]!, 0x59, 0x00]), b.subarray(2))
    expect(() => decodeSealedOp(longer, nodeCrypto)).toThrow(DecodeError)
    expect(() => decodeSealedOp(new Uint8Array(256 * 1024 + 1), nodeCrypto)).toThrow(DecodeError)
    const forged = Uint8Array.from(op.bytes)
    forged[forged.length - 1]! ^= 1
    expect(() => decodeSealedOp(forged, nodeCrypto)).toThrow(SignatureError)
    // The signature covers the clear fields and the box: another box is another payload.
    const p = basePayload()
    const otherBox = sealBox(epochKey, encodeCanonical({ time: 1, body: { name: 'B' } }), new Uint8Array(0))
    expect(() => decodeSealedOp(signed({ ...p, box: otherBox }), nodeCrypto)).not.toThrow()
  })

  it('ENV2-6/ENV2-7: garbage ciphertext, a box sealed with another key or bound to other clear fields, and a body that fails its schema are refused with the rule', () => {
    const { founder } = sealedCommunity(1, {}, new TestKeys(7008))
    const r = founder.replica
    const epoch = r.sealedView()!.epochFor(r.heads())!
    const key = r.keyRing.key(epoch)!
    const last = founder.last!
    const payload = (box: Uint8Array, seq: number): Uint8Array => {
      const m: Record<string, CborValue> = { v: 2, community: hex(founder.community), author: founder.device.publicKey, seq, deps: [hex(last)].concat(r.heads().filter((h) => h !== last).map(hex)).sort(Buffer.compare), kind: 'profile.set', epoch: hex(epoch), clear: null }
      const bytes = encodeCanonical({ ...m, box } as CborValue)
      return encodeCanonical([bytes, sign(concatBytes(new TextEncoder().encode('polity/op/v2\0'), bytes), founder.device.secretKey)])
    }
    const seq = founder.seq + 1
    const before = r.size
    const garbage = payload(concatBytes(keys.bytes(24), keys.bytes(32)), seq)
    const g = r.receive(garbage)
    expect(g.status === 'rejected' && g.error.message).toMatch(/^ENV2-6/)
    const other = payload(sealBox(keys.bytes(32), encodeCanonical({ time: 1, body: { name: 'x' } }), new Uint8Array(0)), seq)
    const o = r.receive(other)
    expect(o.status === 'rejected' && o.error.message).toMatch(/^ENV2-6/)
    // Sealed with the right key but bound to nothing (aad is not this op's clear fields).
    const unbound = payload(sealBox(key, encodeCanonical({ time: 1, body: { name: 'x' } }), new Uint8Array(0)), seq)
    const u = r.receive(unbound)
    expect(u.status === 'rejected' && u.error.message).toMatch(/^ENV2-6/)
    // The right key and binding, but a body that is not profile.set's.
    const bad = createSealedOp({ community: founder.community, seq, deps: r.heads(), time: 1, kind: 'profile.set', body: { name: '' } as never, epoch: { id: epoch, key } }, founder.device, nodeCrypto)
    const br = r.receive(bad)
    expect(br.status === 'rejected' && br.error.message).toMatch(/^ENV2-7/)
    expect(r.size).toBe(before)
  })

  it('ENV2-8: an unsealed (v1) op is refused in a sealed community, a sealed one in an unsealed community', () => {
    const { founder } = sealedCommunity(0, {}, new TestKeys(7009))
    const v1 = createOp({ community: founder.community, seq: founder.seq + 1, deps: founder.replica.heads(), time: 1, kind: 'profile.set', body: { name: 'x' } }, founder.device, nodeCrypto)
    const r = founder.replica.receive(v1)
    expect(r.status === 'rejected' && r.error.message).toMatch(/^ENV2-8/)
    const r2 = founder.replica.receive(v1.bytes)
    expect(r2.status === 'rejected' && r2.error.message).toMatch(/^ENV2-8/)
    const plain = new Actor('plain', undefined, undefined, new TestKeys(7010))
    plain.found()
    const sealedInV1 = createSealedOp({ community: plain.community, seq: 2, deps: plain.replica.heads(), time: 1, kind: 'profile.set', body: { name: 'x' }, epoch: { id: plain.community as unknown as OpId, key: epochKey } }, plain.device, nodeCrypto)
    const r3 = plain.replica.receive(sealedInV1.bytes)
    expect(r3.status === 'rejected' && r3.error.message).toMatch(/^ENV2-8/)
    expect(plain.replica.size).toBe(1)
    expect(DEFAULT_RULES.remove).toBe('steward')
  })

  it('ENV2-1, KEY-5 (relay): a holder of no key checks every signature and the DAG of a sealed history, and learns nothing of its content', () => {
    const { founder, members } = sealedCommunity(2, {}, new TestKeys(7011))
    members[0]!.act('profile.set', { name: 'secret name' })
    founder.pull(members[0]!)
    founder.act('member.remove', { member: members[1]!.identity.publicKey, reason: 'x' })
    founder.rekey()
    const dag = new Dag()
    for (const op of founder.replica.ops()) {
      const s = decodeSealedOp(op.bytes, nodeCrypto)
      expect(s.deps.every((d) => dag.has(d))).toBe(true)
      dag.insert({ ...s, time: 0, body: {} } as never)
      expect(Buffer.from(op.bytes).includes(Buffer.from('secret name'))).toBe(false)
      expect(openOp(s, new KeyRing())).toEqual({ ok: false, missing: s.epoch ?? s.id })
    }
    expect(dag.size).toBe(founder.replica.size)
    // A replica with no key holds every op back, waiting for keys (KEY-5), and says which.
    const relay = new Replica({ crypto: nodeCrypto })
    for (const op of founder.replica.ops()) relay.receive(op.bytes)
    expect(relay.size).toBe(0)
    expect(relay.sealedView()!.missingKeys().length).toBeGreaterThan(0)
  })
})
