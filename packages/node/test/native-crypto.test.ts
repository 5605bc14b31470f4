import { describe, expect, it } from 'vitest'
import { generateKeyPair, sign, verifyStrict, passesStrictPrechecks } from '@polity/protocol'
import { createNativeCrypto } from '../src/native-crypto'

describe('native crypto (SIG-5)', () => {
  const native = createNativeCrypto()
  it('SIG-5: signs byte-identically to the pure signer (RFC 8032 signatures are deterministic)', () => {
    for (let i = 0; i < 50; i++) {
      const k = generateKeyPair()
      const msg = new Uint8Array([i, 1, 2, 3])
      expect(Buffer.from(native.sign!(msg, k.secretKey)).toString('hex')).toBe(Buffer.from(sign(msg, k.secretKey)).toString('hex'))
    }
  })
  it('SIG-5: verifies exactly what the pure verifier verifies, over valid, tampered and random inputs', () => {
    let agree = 0
    for (let i = 0; i < 300; i++) {
      const k = generateKeyPair()
      const msg = new Uint8Array([i & 0xff, i >> 8])
      const sig = sign(msg, k.secretKey)
      const variants: [Uint8Array, Uint8Array, Uint8Array][] = [[sig, msg, k.publicKey]]
      const t = new Uint8Array(sig)
      t[i % 64] = (t[i % 64] as number) ^ (1 << (i % 8))
      variants.push([t, msg, k.publicKey])
      const pk = new Uint8Array(k.publicKey)
      pk[i % 32] = (pk[i % 32] as number) ^ 0x40
      variants.push([sig, msg, pk])
      variants.push([crypto.getRandomValues(new Uint8Array(64)), msg, k.publicKey])
      for (const [s, m, p] of variants) {
        expect(native.verify(s, m, p)).toBe(verifyStrict(s, m, p))
        agree++
      }
    }
    expect(agree).toBe(1200)
    expect(passesStrictPrechecks(new Uint8Array(64), new Uint8Array(32))).toBe(false)
  })
  it('SIG-5: verifyMany on the worker pool answers exactly what verify answers, item by item', async () => {
    const items: { signature: Uint8Array; prefix: Uint8Array; message: Uint8Array; key: Uint8Array }[] = []
    const prefix = new Uint8Array([0x70, 0])
    const small = new Uint8Array(32)
    small[0] = 1 // the identity point: small order, refused by SIG-4 before any worker sees it
    for (let i = 0; i < 200; i++) {
      const k = generateKeyPair()
      const message = new Uint8Array([i & 0xff, i >> 8, 7])
      const signature = sign(new Uint8Array([...prefix, ...message]), k.secretKey)
      const tampered = new Uint8Array(signature)
      tampered[i % 64] = (tampered[i % 64] as number) ^ 1
      const wrongKey = new Uint8Array(k.publicKey)
      wrongKey[i % 32] = (wrongKey[i % 32] as number) ^ 0x40
      items.push({ signature, prefix, message, key: k.publicKey }, { signature: tampered, prefix, message, key: k.publicKey }, { signature, prefix, message, key: wrongKey })
      items.push({ signature, prefix, message: new Uint8Array([...message, 0]), key: k.publicKey }, { signature, prefix, message, key: small })
      items.push({ signature, prefix: new Uint8Array(0), message: new Uint8Array([...prefix, ...message]), key: k.publicKey })
    }
    const answers = await native.verifyMany!(items)
    expect(answers).toEqual(items.map((it) => verifyStrict(it.signature, new Uint8Array([...it.prefix, ...it.message]), it.key)))
    expect(answers.filter(Boolean).length).toBe(400)
    // Below the pool's batch size the same answers come from this thread.
    expect(await native.verifyMany!(items.slice(0, 10))).toEqual(answers.slice(0, 10))
  })
})
