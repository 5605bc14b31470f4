/**
 * The node's libp2p key (its PeerId). It is NOT a member key: it only names
 * this device on the network and is never used to sign ops, so a member's
 * identity cannot be linked to a network address through it.
 */
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import type { PrivateKey } from '@libp2p/interface'
import { InvalidPeerKeyError } from './errors'

/** A fresh Ed25519 libp2p key. */
export async function generatePeerKey(): Promise<PrivateKey> {
  return generateKeyPair('Ed25519')
}

/** The key as libp2p's protobuf bytes (store them encrypted, like any secret). */
export function peerKeyToBytes(key: PrivateKey): Uint8Array {
  return privateKeyToProtobuf(key)
}

/** Parse stored key bytes; only Ed25519 keys are accepted. Throws InvalidPeerKeyError. */
export function peerKeyFromBytes(bytes: Uint8Array): PrivateKey {
  if (!(bytes instanceof Uint8Array) || bytes.length === 0 || bytes.length > 256) throw new InvalidPeerKeyError()
  let key: PrivateKey
  try {
    key = privateKeyFromProtobuf(bytes)
  } catch (e) {
    throw new InvalidPeerKeyError(e)
  }
  if (key.type !== 'Ed25519') throw new InvalidPeerKeyError(new Error(`unexpected key type ${key.type}`))
  return key
}

/** The PeerId string a key gives (what other peers see). */
export function peerIdOfKey(key: PrivateKey): string {
  return peerIdFromPrivateKey(key).toString()
}
