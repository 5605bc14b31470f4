/**
 * A native (node:crypto) crypto suite for tests that create many ops. It runs
 * the protocol's shared prechecks first, so it accepts exactly what the pure
 * verifier accepts (shown by SIG-5 in ed25519.test.ts).
 */
import { createHash, createPublicKey, verify, type KeyObject } from 'node:crypto'
import { passesStrictPrechecks, type CryptoSuite } from '../src/index'

const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex')
const keys = new Map<string, KeyObject>()

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
}
