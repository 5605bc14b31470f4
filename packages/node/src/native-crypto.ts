/**
 * The protocol's crypto suite on node:crypto (OpenSSL): native ed25519
 * verification and SHA-256. It runs the protocol's shared prechecks
 * (SIG-2..4) first, so it accepts exactly what the pure verifier accepts
 * (SIG-5, tested in test/native-crypto.test.ts).
 */
import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto'
import { hasStrictSignatureEncoding, isAcceptableKeyForVerifier, type CryptoSuite } from '@polity/protocol'

const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex')
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex')

export function createNativeCrypto(maxCachedKeys = 50_000): CryptoSuite {
  const keys = new Map<string, KeyObject>()
  const signers = new Map<string, KeyObject>()
  return {
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
      if (!key) {
        if (!isAcceptableKeyForVerifier(pub)) return false
        try {
          key = createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, pub]), format: 'der', type: 'spki' })
        } catch {
          return false
        }
        if (keys.size >= maxCachedKeys) keys.clear()
        keys.set(id, key)
      }
      try {
        return verify(null, msg, key, sig)
      } catch {
        return false
      }
    },
    hash: (b) => new Uint8Array(createHash('sha256').update(b).digest()),
  }
}
