/**
 * Sealing for protocol v2 (SEAL-* in docs/PROTOCOL.md): the primitives a
 * sealed community is built from, pure functions over bytes.
 *
 * - An *epoch key* (32 random bytes) seals every op of its epoch. Each op's box
 *   has its own key, `opKey = HKDF-SHA256(epochKey, salt = the box's nonce,
 *   info = "polity/op-key/v2")`, so one op can be disclosed (a dossier, a
 *   letter) without disclosing the epoch key.
 * - A box is `nonce(24) ‖ XChaCha20-Poly1305(opKey, nonce, plaintext, aad)`.
 * - An epoch key travels *wrapped* to each recipient's X25519 ("agree") key:
 *   one ephemeral X25519 key per distributing op; per recipient
 *   `k = HKDF(X25519(eph, recipient), salt = eph ‖ recipient, info =
 *   "polity/wrap/v2" ‖ commit)`, `wrap = XChaCha20-Poly1305(k, 0²⁴, epochKey)`
 *   (48 bytes; k is used once, so a fixed nonce is safe).
 * - `commit = HKDF(epochKey, info = "polity/commit/v2")` names a key without
 *   revealing it: a key learnt from anywhere is used for an epoch only if it
 *   matches that epoch's commitment, so nobody can poison a replica with a
 *   wrong key for a real epoch.
 * - Invite links carry a 32-byte secret from which the invite's ed25519 key
 *   (join proof, sync access) and its X25519 key both derive.
 */
import { x25519 } from '@noble/curves/ed25519.js'
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js'
import { hkdf } from '@noble/hashes/hkdf.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { randomBytes } from '@noble/hashes/utils.js'
import { concatBytes, utf8 } from '../encoding/bytes'
import { keyPairFromSecret, type KeyPair } from './identity'

export const EPOCH_KEY_BYTES = 32
export const BOX_NONCE_BYTES = 24
/** AEAD tag bytes: a box is at least nonce + tag long. */
export const BOX_OVERHEAD = BOX_NONCE_BYTES + 16
export const WRAP_BYTES = 48

const OP_KEY_INFO = utf8.encode('polity/op-key/v2')
const TEXTS_KEY_INFO = utf8.encode('polity/texts-key/v2')
const COMMIT_INFO = utf8.encode('polity/commit/v2')
const WRAP_INFO = utf8.encode('polity/wrap/v2')
const NAMES_INFO = utf8.encode('polity/names/v2')
const INVITE_SIGN_INFO = utf8.encode('polity/invite-sign/v2')
const INVITE_AGREE_INFO = utf8.encode('polity/invite-agree/v2')
const ZERO_NONCE = new Uint8Array(24)

/** An X25519 key pair (a device's or an invite's "agree" key). */
export interface AgreeKeyPair {
  readonly publicKey: Uint8Array
  readonly secretKey: Uint8Array
}

export function randomEpochKey(): Uint8Array {
  return randomBytes(EPOCH_KEY_BYTES)
}

/** SEAL-3: the public name of an epoch key. */
export function epochCommitment(epochKey: Uint8Array): Uint8Array {
  return hkdf(sha256, epochKey, undefined, COMMIT_INFO, 32)
}

/** SEAL-1: the key of one op's box (disclosable on its own). */
export function opKeyOf(epochKey: Uint8Array, nonce: Uint8Array): Uint8Array {
  return hkdf(sha256, epochKey, nonce, OP_KEY_INFO, 32)
}

/**
 * SEAL-7: the key of one op's texts layer. Derived from the epoch key (not
 * from the op key), so disclosing an op key discloses its structure only.
 */
export function textsKeyOf(epochKey: Uint8Array, nonce: Uint8Array): Uint8Array {
  return hkdf(sha256, epochKey, nonce, TEXTS_KEY_INFO, 32)
}

/** SEAL-7: seal an op's texts (its key is used once, so the nonce is fixed). */
export function sealTexts(textsKey: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): Uint8Array {
  return xchacha20poly1305(textsKey, ZERO_NONCE, aad).encrypt(plaintext)
}

/** SEAL-7: open an op's texts; undefined if they do not open. */
export function openTexts(textsKey: Uint8Array, sealed: Uint8Array, aad: Uint8Array): Uint8Array | undefined {
  if (sealed.length < 16 || textsKey.length !== 32) return undefined
  try {
    return xchacha20poly1305(textsKey, ZERO_NONCE, aad).decrypt(sealed)
  } catch {
    return undefined
  }
}

/** The nonce at the front of a box (its op key is derived from it). */
export function boxNonce(box: Uint8Array): Uint8Array {
  return box.subarray(0, BOX_NONCE_BYTES)
}

/** SEAL-1: seal a plaintext under an epoch key. `aad` binds the box to the op's clear fields. */
export function sealBox(epochKey: Uint8Array, plaintext: Uint8Array, aad: Uint8Array, nonce: Uint8Array = randomBytes(BOX_NONCE_BYTES)): Uint8Array {
  const key = opKeyOf(epochKey, nonce)
  const ct = xchacha20poly1305(key, nonce, aad).encrypt(plaintext)
  return concatBytes(nonce, ct)
}

/** Open a box with the key of its op (from the epoch key or from a disclosure); undefined if it does not open. */
export function openBoxWithOpKey(opKey: Uint8Array, box: Uint8Array, aad: Uint8Array): Uint8Array | undefined {
  if (box.length < BOX_OVERHEAD || opKey.length !== 32) return undefined
  try {
    return xchacha20poly1305(opKey, box.subarray(0, BOX_NONCE_BYTES), aad).decrypt(box.subarray(BOX_NONCE_BYTES))
  } catch {
    return undefined
  }
}

/** Open a box with its epoch key; undefined if it does not open (SEAL-1: such an op is invalid). */
export function openBox(epochKey: Uint8Array, box: Uint8Array, aad: Uint8Array): Uint8Array | undefined {
  if (box.length < BOX_OVERHEAD) return undefined
  return openBoxWithOpKey(opKeyOf(epochKey, boxNonce(box)), box, aad)
}

export function generateAgreeKeyPair(): AgreeKeyPair {
  return agreeKeyPairFromSecret(randomBytes(32))
}

export function agreeKeyPairFromSecret(secret: Uint8Array): AgreeKeyPair {
  if (secret.length !== 32) throw new RangeError('an X25519 secret is 32 bytes')
  return { publicKey: x25519.getPublicKey(secret), secretKey: secret }
}

function wrapKey(shared: Uint8Array, eph: Uint8Array, recipient: Uint8Array, commit: Uint8Array): Uint8Array {
  return hkdf(sha256, shared, concatBytes(eph, recipient), concatBytes(WRAP_INFO, commit), 32)
}

/** An X25519 implementation (the pure one by default; a node passes node:crypto's, SEAL-6). */
export type Agree = (secretKey: Uint8Array, publicKey: Uint8Array) => Uint8Array
const pureAgree: Agree = (secretKey, publicKey) => x25519.getSharedSecret(secretKey, publicKey)

/** X25519 that refuses small-order inputs (an all-zero shared secret) instead of throwing. */
function shared(secretKey: Uint8Array, publicKey: Uint8Array, agree: Agree = pureAgree): Uint8Array | undefined {
  if (publicKey.length !== 32) return undefined
  try {
    const s = agree(secretKey, publicKey)
    return s.every((b) => b === 0) ? undefined : s
  } catch {
    return undefined
  }
}

export interface Wrapped<R> {
  /** The ephemeral X25519 public key all the wraps share. */
  readonly eph: Uint8Array
  readonly commit: Uint8Array
  readonly wraps: readonly (readonly [R, Uint8Array])[]
}

/**
 * SEAL-2: wrap an epoch key to each recipient's agree key. `id` names the
 * recipient in the op (a device key, an invite id); it is carried as is.
 * Throws RangeError for a recipient key that is not a usable X25519 key.
 */
export function wrapEpochKey<R>(epochKey: Uint8Array, recipients: readonly { readonly id: R; readonly agree: Uint8Array }[], ephSecret: Uint8Array = randomBytes(32), agree?: Agree): Wrapped<R> {
  const eph = x25519.getPublicKey(ephSecret)
  const commit = epochCommitment(epochKey)
  const wraps = recipients.map((r): readonly [R, Uint8Array] => {
    const s = shared(ephSecret, r.agree, agree)
    if (!s) throw new RangeError('a recipient agree key is not a usable X25519 key')
    return [r.id, xchacha20poly1305(wrapKey(s, eph, r.agree, commit), ZERO_NONCE).encrypt(epochKey)]
  })
  ephSecret.fill(0)
  return { eph, commit, wraps }
}

/** SEAL-2/3: open a wrap addressed to `me`; the key is returned only if it matches `commit`. */
export function unwrapEpochKey(eph: Uint8Array, commit: Uint8Array, wrap: Uint8Array, me: AgreeKeyPair, agree?: Agree): Uint8Array | undefined {
  if (wrap.length !== WRAP_BYTES || commit.length !== 32) return undefined
  const s = shared(me.secretKey, eph, agree)
  if (!s) return undefined
  let key: Uint8Array
  try {
    key = xchacha20poly1305(wrapKey(s, eph, me.publicKey, commit), ZERO_NONCE).decrypt(wrap)
  } catch {
    return undefined
  }
  return keyMatches(key, commit) ? key : undefined
}

/** SEAL-3: does this key belong to the epoch with this commitment? */
export function keyMatches(epochKey: Uint8Array, commit: Uint8Array): boolean {
  if (epochKey.length !== EPOCH_KEY_BYTES || commit.length !== 32) return false
  const c = epochCommitment(epochKey)
  let diff = 0
  for (let i = 0; i < 32; i++) diff |= (c[i] as number) ^ (commit[i] as number)
  return diff === 0
}

/** SEAL-4: an invite's two keys from the 32-byte secret its link carries. */
export function inviteKeysFromSecret(secret: Uint8Array): { readonly sign: KeyPair; readonly agree: AgreeKeyPair } {
  if (secret.length !== 32) throw new RangeError('an invite secret is 32 bytes')
  return {
    sign: keyPairFromSecret(hkdf(sha256, secret, undefined, INVITE_SIGN_INFO, 32)),
    agree: agreeKeyPairFromSecret(hkdf(sha256, secret, undefined, INVITE_AGREE_INFO, 32)),
  }
}

/** SEAL-5: the secret an epoch's network names (gossip topic, rendezvous key, WebRTC room) derive from. */
export function epochNameSecret(epochKey: Uint8Array): Uint8Array {
  return hkdf(sha256, epochKey, undefined, NAMES_INFO, 32)
}
