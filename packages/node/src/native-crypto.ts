/**
 * The protocol's crypto suite on node:crypto (OpenSSL): native ed25519
 * verification and SHA-256. It runs the protocol's shared prechecks
 * (SIG-2..4) first, so it accepts exactly what the pure verifier accepts
 * (SIG-5, tested in test/native-crypto.test.ts).
 */
import * as nodeCrypto from 'node:crypto'
import { createHash, createPrivateKey, createPublicKey, diffieHellman, sign, verify, type KeyObject } from 'node:crypto'
import { hasStrictSignatureEncoding, isAcceptableKeyForVerifier, signedBytesOf, type CryptoSuite, type VerifyItem } from '@polity/protocol'
import { POOL_MIN_BATCH, VerifyPool } from './verify-pool'

const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex')
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex')
const SPKI_X25519_PREFIX = Buffer.from('302a300506032b656e032100', 'hex')
const PKCS8_X25519_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex')

/**
 * SEAL-6: X25519 on OpenSSL, several times the pure function's speed: a
 * re-key of 10,000 members makes 10,000 agreements (`pnpm bench` compares).
 * OpenSSL clamps the scalar as RFC 7748 says (the same result as the pure
 * function, tested) and refuses a small-order point by throwing.
 */
export function nativeAgree(secretKey: Uint8Array, publicKey: Uint8Array): Uint8Array {
  const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_X25519_PREFIX, secretKey]), format: 'der', type: 'pkcs8' })
  const pub = createPublicKey({ key: Buffer.concat([SPKI_X25519_PREFIX, publicKey]), format: 'der', type: 'spki' })
  const out = diffieHellman({ privateKey, publicKey: pub })
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength)
}

const oneShot = (nodeCrypto as { hash?: (alg: string, data: Uint8Array, enc: 'buffer') => Buffer }).hash
const oneShotSha256 = oneShot ? (b: Uint8Array): Uint8Array => { const d = oneShot('sha256', b, 'buffer'); return new Uint8Array(d.buffer, d.byteOffset, d.byteLength) } : undefined

/** One pool per process: every node in it shares the cores (workers start on first use and never hold the process open). */
let pool: VerifyPool | undefined

/**
 * `maxCachedKeys` bounds this thread's key objects (~1.6 KB of native memory
 * each), least recently used first out. Bulk verification runs on the pool,
 * whose workers keep their own; what is verified here is mostly one-shot (join
 * proofs, device certificates) or a few live authors, and a miss costs only
 * building the key object (~20 µs), so a small cache is enough.
 */
export function createNativeCrypto(maxCachedKeys = 1024): CryptoSuite {
  const keys = new Map<string, KeyObject>()
  const signers = new Map<string, KeyObject>()
  /** Keys that passed SIG-4's precheck here (the pool's workers hold their own KeyObjects). */
  const accepted = new Set<string>()
  const suite: CryptoSuite = {
    agree: nativeAgree,
    sign(msg, secretKey) {
      const id = Buffer.from(secretKey.buffer, secretKey.byteOffset, secretKey.byteLength).toString('latin1')
      let key = signers.get(id)
      if (!key) {
        key = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, secretKey]), format: 'der', type: 'pkcs8' })
        if (signers.size >= 64) signers.clear()
        signers.set(id, key)
      }
      return new Uint8Array(sign(null, msg, key))
    },
    verify(sig, msg, pub) {
      // The same prechecks as the pure verifier (SIG-2..4); the key's are paid once, when it is cached.
      if (!hasStrictSignatureEncoding(sig) || pub.length !== 32) return false
      const id = Buffer.from(pub.buffer, pub.byteOffset, pub.byteLength).toString('latin1')
      let key = keys.get(id)
      if (key) {
        keys.delete(id)
        keys.set(id, key)
      }
      if (!key) {
        if (!isAcceptableKeyForVerifier(pub)) return false
        try {
          key = createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, pub]), format: 'der', type: 'spki' })
        } catch {
          return false
        }
        if (keys.size >= maxCachedKeys) keys.delete(keys.keys().next().value as string)
        keys.set(id, key)
      }
      try {
        return verify(null, msg, key, sig)
      } catch {
        return false
      }
    },
    // crypto.hash (Node 21.7+) is one call instead of three objects per hash.
    hash: oneShotSha256 ?? ((b) => new Uint8Array(createHash('sha256').update(b).digest())),
    async verifyMany(items: readonly VerifyItem[], signal?: AbortSignal): Promise<boolean[]> {
      if (items.length < POOL_MIN_BATCH) return items.map((it) => suite.verify(it.signature, signedBytesOf(it), it.key))
      // SIG-2..4 here, exactly as in verify above; only what passes goes to the workers.
      const out: boolean[] = new Array<boolean>(items.length).fill(false)
      const sent: number[] = []
      for (let i = 0; i < items.length; i++) {
        const it = items[i] as VerifyItem
        if (!hasStrictSignatureEncoding(it.signature) || it.key.length !== 32) continue
        const id = Buffer.from(it.key.buffer, it.key.byteOffset, it.key.byteLength).toString('latin1')
        if (!accepted.has(id)) {
          if (!isAcceptableKeyForVerifier(it.key)) continue
          if (accepted.size >= 50_000) accepted.clear()
          accepted.add(id)
        }
        sent.push(i)
      }
      pool ??= new VerifyPool()
      const batch = sent.map((i) => items[i] as VerifyItem)
      let answers: boolean[]
      try {
        answers = await pool.verify(batch, signal)
      } catch (e) {
        if (signal?.aborted) throw e
        // A worker that died (or could not start) must not fail the ingest: verify here instead, slower.
        answers = batch.map((it) => suite.verify(it.signature, signedBytesOf(it), it.key))
      }
      for (let j = 0; j < sent.length; j++) out[sent[j] as number] = answers[j] as boolean
      return out
    },
  }
  return suite
}
