/**
 * What the keystore holds (KEYS-1): the identity secret, this device's
 * secret and a random data key that seals the node's other secrets (community
 * secrets, pending invites) in the store's metadata. Serialized as canonical
 * CBOR inside the encrypted keystore; never logged, never sent to a UI.
 */
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js'
import { randomBytes } from '@noble/hashes/utils.js'
import { decodeCanonical, encodeCanonical, keyPairFromSecret, type CborValue, type KeyPair } from '@polity/protocol'
import { InvalidFileError } from './errors'

export interface NodeSecrets {
  readonly identity: KeyPair
  readonly device: KeyPair
  readonly dataKey: Uint8Array
}

export function encodeSecrets(s: NodeSecrets): Uint8Array {
  return encodeCanonical({ v: 1, identity: s.identity.secretKey, device: s.device.secretKey, dataKey: s.dataKey })
}

export function decodeSecrets(bytes: Uint8Array): NodeSecrets {
  const o = decodeCanonical(bytes, 4096, 'keystore contents') as Record<string, CborValue>
  const id = o['identity']
  const dev = o['device']
  const dk = o['dataKey']
  if (!(id instanceof Uint8Array) || !(dev instanceof Uint8Array) || !(dk instanceof Uint8Array) || dk.length !== 32) {
    throw new InvalidFileError('The keystore contents are not in the expected form.')
  }
  return { identity: keyPairFromSecret(id), device: keyPairFromSecret(dev), dataKey: dk }
}

/** Seal a metadata value under the data key (XChaCha20-Poly1305, random nonce, key name as associated data). */
export function seal(dataKey: Uint8Array, name: string, value: CborValue): Uint8Array {
  const nonce = randomBytes(24)
  const ct = xchacha20poly1305(dataKey, nonce, new TextEncoder().encode(name)).encrypt(encodeCanonical(value))
  const out = new Uint8Array(24 + ct.length)
  out.set(nonce, 0)
  out.set(ct, 24)
  return out
}

export function unseal(dataKey: Uint8Array, name: string, sealed: Uint8Array): CborValue {
  if (sealed.length < 24 + 16) throw new InvalidFileError(`Stored secret "${name}" is damaged.`)
  let plain: Uint8Array
  try {
    plain = xchacha20poly1305(dataKey, sealed.subarray(0, 24), new TextEncoder().encode(name)).decrypt(sealed.subarray(24))
  } catch {
    throw new InvalidFileError(`Stored secret "${name}" is damaged or was written by another identity.`)
  }
  return decodeCanonical(plain, 1024 * 1024, name)
}
