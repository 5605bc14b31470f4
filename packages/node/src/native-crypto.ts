/**
 * The protocol's crypto suite on node:crypto (OpenSSL): native ed25519
 * verification and SHA-256. It runs the protocol's shared prechecks
 * (SIG-2..4) first, so it accepts exactly what the pure verifier accepts
 * (SIG-5, tested in test/native-crypto.test.ts).
 */
import { createHash, createPublicKey, verify, type KeyObject } from 'node:crypto'
import { passesStrictPrechecks, type CryptoSuite } from '@polity/protocol'

const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex')

export function createNativeCrypto(maxCachedKeys = 50_000): CryptoSuite {
  const keys = new Map<string, KeyObject>()
  return {
    verify(sig, msg, pub) {
      if (!passesStrictPrechecks(sig, pub)) return false
      const id = Buffer.from(pub.buffer, pub.byteOffset, pub.byteLength).toString('latin1')
      let key = keys.get(id)
      if (!key) {
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
