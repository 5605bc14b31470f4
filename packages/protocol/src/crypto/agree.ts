/**
 * Members' agree keys (KEY-1, KEY-2 in docs/PROTOCOL.md): the X25519 key an
 * epoch key is wrapped to. Derived from the member's identity secret, so a
 * restored recovery phrase gives back the same key (and every device of the
 * member can open the wraps), and certified by the identity key per community.
 */
import { x25519 } from '@noble/curves/ed25519.js'
import { hkdf } from '@noble/hashes/hkdf.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { concatBytes, utf8 } from '../encoding/bytes'
import { sign, verifyStrict, type Verifier } from './ed25519'
import type { KeyPair } from './identity'
import { agreeKeyPairFromSecret, type AgreeKeyPair } from './seal'

const MEMBER_AGREE_INFO = utf8.encode('polity/member-agree/v2')
const AGREE_CERT_DOMAIN = utf8.encode('polity/agree/v2\0')
/** The community a genesis's agree certificate names: its id does not exist before it is signed. */
export const GENESIS_CERT_COMMUNITY = new Uint8Array(32)
/** Any fixed scalar: a small-order point times it is the all-zero point. */
const PROBE = sha256(utf8.encode('polity/agree-probe/v2'))

/** KEY-1: the member's agree key pair, from the 32-byte identity secret. */
export function memberAgreeKeyPair(identitySecret: Uint8Array): AgreeKeyPair {
  if (identitySecret.length !== 32) throw new RangeError('an identity secret is 32 bytes')
  return agreeKeyPairFromSecret(hkdf(sha256, identitySecret, undefined, MEMBER_AGREE_INFO, 32))
}

/** KEY-1: what the identity key signs to certify its agree key in a community (`GENESIS_CERT_COMMUNITY` in a genesis). */
export function agreeCertMessage(community: Uint8Array, agree: Uint8Array): Uint8Array {
  return concatBytes(AGREE_CERT_DOMAIN, community, agree)
}

export function certifyAgreeKey(identity: KeyPair, community: Uint8Array, agree: Uint8Array): Uint8Array {
  return sign(agreeCertMessage(community, agree), identity.secretKey)
}

export function verifyAgreeCert(member: Uint8Array, community: Uint8Array, agree: Uint8Array, cert: Uint8Array, verify: Verifier = verifyStrict): boolean {
  return verify(cert, agreeCertMessage(community, agree), member)
}

/** KEY-2: a key an epoch key can be wrapped to (32 bytes, not of small order). */
export function isUsableAgreeKey(key: Uint8Array): boolean {
  if (key.length !== 32) return false
  try {
    return !x25519.getSharedSecret(PROBE, key).every((b) => b === 0)
  } catch {
    return false
  }
}
