/**
 * EPOCH-6/7 at scale: a re-key for 10,000 members splits into parts each
 * under the envelope limit, and every recipient finds its wrap. (~20 s of
 * pure-JS X25519 on one core: in the slow project.)
 */
import { describe, expect, it } from 'vitest'
import { x25519 } from '@noble/curves/ed25519.js'
import {
  KeyRing, MAX_ENVELOPE_BYTES, MAX_WRAPS, createRekey, decodeSealedOp, epochCommitment, openOp, recipientTag, toHex, agreeKeyPairFromSecret,
  type CommunityId, type OpId,
} from '../src/index'
import { TestKeys } from './harness'
import { nodeCrypto } from './node-crypto'

describe('a re-key for 10,000 members', () => {
  it('EPOCH-6, EPOCH-7: a re-key for 10,000 members is 4 parts of at most 2,500 wraps, each under 256 KiB; the tags cover every member once; each member opens its part', () => {
    const t = new TestKeys(9001)
    const members = Array.from({ length: 10_000 }, () => agreeKeyPairFromSecret(t.bytes(32)))
    const device = t.next()
    const community = toHex(t.bytes(32)) as CommunityId
    const old = toHex(t.bytes(32)) as OpId
    const { key, ops } = createRekey({
      community, seq: 7, deps: [toHex(t.bytes(32)) as OpId], time: 1, supersedes: [{ id: old, key: t.bytes(32) }], recipients: members.map((m) => m.publicKey), entropy: (n) => t.bytes(n),
    }, device, nodeCrypto)
    expect(ops).toHaveLength(4)
    const commit = epochCommitment(key)
    const tags = new Set<string>()
    ops.forEach((op, i) => {
      expect(op.bytes.length).toBeLessThan(MAX_ENVELOPE_BYTES)
      const back = decodeSealedOp(op.bytes, nodeCrypto)
      expect(back.clear).toMatchObject({ part: i + 1, parts: 4 })
      expect(back.clear!.wraps.length).toBeLessThanOrEqual(MAX_WRAPS)
      expect(back.epoch).toBe(i === 0 ? null : ops[0]!.id)
      if (i > 0) expect(back.deps).toEqual([ops[i - 1]!.id])
      expect(back.seq).toBe(7 + i)
      for (const w of back.clear!.wraps) tags.add(toHex(w.to))
    })
    console.log(`EPOCH-6: part sizes ${ops.map((o) => o.bytes.length).join(', ')} bytes`)
    expect(tags).toEqual(new Set(members.map((m) => toHex(recipientTag(commit, m.publicKey)))))
    // Members picked across the range each find their wrap in some part, and open the first part's body (the chain).
    for (const m of [members[0]!, members[4321]!, members[9999]!]) {
      const ring = new KeyRing([m])
      const learnt = ops.flatMap((op) => ring.learn(decodeSealedOp(op.bytes, nodeCrypto)))
      expect(learnt).toEqual([ops[0]!.id])
      const first = openOp(decodeSealedOp(ops[0]!.bytes, nodeCrypto), ring)
      expect(first.ok && first.op.kind === 'epoch.rekey' && first.op.body.supersedes.map(toHex)).toEqual([old])
    }
    expect(x25519.getPublicKey(members[0]!.secretKey)).toEqual(members[0]!.publicKey)
  })
})
