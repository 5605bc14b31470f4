/**
 * A native (node:crypto) crypto suite for tests that create many ops. It runs
 * the protocol's shared prechecks first, so it accepts exactly what the pure
 * verifier accepts (shown by SIG-5 in ed25519.test.ts).
 */
import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto'
import { passesStrictPrechecks, type CryptoSuite } from '../src/index'

const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex')
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex')
const keys = new Map<string, KeyObject>()
const secrets = new Map<string, KeyObject>()

export const nodeCrypto: CryptoSuite = {
  verify(sig, msg, pub) {
    if (!passesStrictPrechecks(sig, pub)) return false
    const id = Buffer.from(pub).toString('hex')
    let key = keys.get(id)
    if (!key) {
      key = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, pub]), format: 'der', type: 'spki' })
      keys.set(id, key)
    }
    return verify(null, msg, key, sig)
  },
  hash: (b) => new Uint8Array(createHash('sha256').update(b).digest()),
  // RFC 8032 signatures are deterministic: the same bytes the pure signer makes, only faster.
  sign(msg, secretKey) {
    const id = Buffer.from(secretKey).toString('hex')
    let key = secrets.get(id)
    if (!key) {
      key = createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, secretKey]), format: 'der', type: 'pkcs8' })
      secrets.set(id, key)
    }
    return new Uint8Array(sign(null, msg, key))
  },
}
