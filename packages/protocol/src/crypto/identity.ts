/**
 * Identities (ID-1..ID-4 in docs/PROTOCOL.md).
 *
 * A member is an ed25519 *identity key*, shown as a `did:key` and backed up as
 * a 24-word BIP39 phrase that encodes the 32-byte secret directly (restoring
 * the phrase gives back the same key, with no extra stretching to get wrong).
 * Ops are never signed by the identity key: each device has its own *device
 * key*, certified once by the identity key with a community-independent
 * certificate, so restoring a phrase on a new device never reuses a device's
 * sequence numbers (which would look like equivocation).
 */
import { entropyToMnemonic, mnemonicToEntropy, validateMnemonic } from '@scure/bip39'
import { wordlist } from '@scure/bip39/wordlists/english.js'
import { base58 } from '@scure/base'
import { DecodeError, InvalidRecoveryPhraseError } from '../errors'
import { concatBytes, utf8 } from '../encoding/bytes'
import { publicKeyOf, randomSecretKey, sign, verifyStrict, type Verifier } from './ed25519'

export interface KeyPair {
  readonly publicKey: Uint8Array
  readonly secretKey: Uint8Array
}

export function generateKeyPair(): KeyPair {
  const secretKey = randomSecretKey()
  return { secretKey, publicKey: publicKeyOf(secretKey) }
}

export function keyPairFromSecret(secretKey: Uint8Array): KeyPair {
  if (secretKey.length !== 32) throw new DecodeError('A secret key is 32 bytes.')
  return { secretKey, publicKey: publicKeyOf(secretKey) }
}

/** ID-2: the recovery phrase is the BIP39 (English, 24 words) encoding of the identity secret. */
export function recoveryPhraseOf(identitySecret: Uint8Array): string {
  return entropyToMnemonic(identitySecret, wordlist)
}

export function identityFromRecoveryPhrase(phrase: string): KeyPair {
  const normalized = phrase.trim().toLowerCase().split(/\s+/).join(' ')
  if (normalized.split(' ').length !== 24 || !validateMnemonic(normalized, wordlist)) {
    throw new InvalidRecoveryPhraseError()
  }
  return keyPairFromSecret(mnemonicToEntropy(normalized, wordlist))
}

const ED25519_MULTICODEC = new Uint8Array([0xed, 0x01])

/** ID-1: `did:key:z…` — multicodec ed25519-pub + base58btc, as the did:key spec says. */
export function didKeyOf(publicKey: Uint8Array): string {
  return `did:key:z${base58.encode(concatBytes(ED25519_MULTICODEC, publicKey))}`
}

export function publicKeyFromDidKey(did: string): Uint8Array {
  if (typeof did !== 'string' || !did.startsWith('did:key:z')) throw new DecodeError('Not a did:key identifier.')
  let raw: Uint8Array
  try {
    raw = base58.decode(did.slice('did:key:z'.length))
  } catch {
    throw new DecodeError('The did:key is not valid base58.')
  }
  if (raw.length !== 34 || raw[0] !== 0xed || raw[1] !== 0x01) throw new DecodeError('The did:key is not an ed25519 key.')
  return raw.subarray(2)
}

const DEVICE_CERT_DOMAIN = utf8.encode('polity/device-cert/v1\0')

/** ID-3: the identity key's signature that a device key acts for it. */
export function certifyDevice(identity: KeyPair, devicePublicKey: Uint8Array): Uint8Array {
  return sign(concatBytes(DEVICE_CERT_DOMAIN, identity.publicKey, devicePublicKey), identity.secretKey)
}

/** The check `verifyDeviceCert(member, device, cert)` makes, for verifying it ahead in a batch. */
export function deviceCertCheck(member: Uint8Array, device: Uint8Array, cert: Uint8Array): { signature: Uint8Array; prefix: Uint8Array; message: Uint8Array; key: Uint8Array } {
  return { signature: cert, prefix: DEVICE_CERT_DOMAIN, message: concatBytes(member, device), key: member }
}

export function verifyDeviceCert(
  member: Uint8Array,
  device: Uint8Array,
  cert: Uint8Array,
  verify: Verifier = verifyStrict,
): boolean {
  return verify(cert, concatBytes(DEVICE_CERT_DOMAIN, member, device), member)
}
