/**
 * The keystore file (KEYS-2): secrets encrypted at rest under a passphrase.
 *
 *   "POLITYKS" ‖ version(1) ‖ logN(1) ‖ r(1) ‖ p(1) ‖ salt(16) ‖ nonce(24) ‖ ciphertext+tag
 *   key = scrypt(passphrase, salt, N = 2^logN, r, p, 32 bytes)
 *   ciphertext = XChaCha20-Poly1305(key, nonce, secrets, aad = header up to and including the nonce)
 *
 * The header is authenticated, so changing the KDF parameters or salt fails
 * like a wrong passphrase would — but a file too short or with the wrong magic
 * is reported as damaged. Writes go to a temp file, fsync, then rename.
 */
import { readFile } from 'node:fs/promises'
import { scryptAsync } from '@noble/hashes/scrypt.js'
import { randomBytes } from '@noble/hashes/utils.js'
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js'
import { KeystoreCorruptError, WeakKeystoreError, WrongPassphraseError } from './errors'
import { writeFileAtomically } from './atomic-file'

const MAGIC = new TextEncoder().encode('POLITYKS')
const VERSION = 1
const HEADER = MAGIC.length + 4 + 16 + 24
const MAX_FILE = 1024 * 1024

/** The default scrypt cost (log2 N): 128 MiB with r = 8. */
export const DEFAULT_KDF_LOG_N = 17

export interface OpenKeystoreOptions {
  /**
   * KEYS-6: the lowest scrypt cost (log2 N) accepted; a keystore below it is
   * refused with WeakKeystoreError before any key is derived. Defaults to
   * DEFAULT_KDF_LOG_N; only tests and the passphrase change (which re-seals
   * at full cost) go lower.
   */
  minLogN?: number
  /** Told the fraction of the key derivation done (0..1), now and then (BRIDGE-9). */
  onProgress?: (fraction: number) => void
}

export interface KeystoreOptions {
  /** log2 of scrypt's N; 17 by default (memory-hard: 128 MiB with r = 8). Tests may lower it. */
  logN?: number
  r?: number
  p?: number
  /** Told the fraction of the key derivation done (0..1), now and then (BRIDGE-9). */
  onProgress?: (fraction: number) => void
}

async function deriveKey(passphrase: string, salt: Uint8Array, logN: number, r: number, p: number, onProgress?: (fraction: number) => void): Promise<Uint8Array> {
  return scryptAsync(new TextEncoder().encode(passphrase.normalize('NFKC')), salt, { N: 2 ** logN, r, p, dkLen: 32, maxmem: 2 ** 31, ...(onProgress ? { onProgress } : {}) })
}

async function seal(passphrase: string, secrets: Uint8Array, o: Required<Omit<KeystoreOptions, 'onProgress'>> & Pick<KeystoreOptions, 'onProgress'>): Promise<Uint8Array> {
  if (o.logN < 10 || o.logN > 22 || o.r < 1 || o.r > 32 || o.p < 1 || o.p > 16) throw new RangeError('scrypt parameters out of range')
  const salt = randomBytes(16)
  const nonce = randomBytes(24)
  const header = new Uint8Array(HEADER)
  header.set(MAGIC, 0)
  header.set([VERSION, o.logN, o.r, o.p], MAGIC.length)
  header.set(salt, MAGIC.length + 4)
  header.set(nonce, MAGIC.length + 4 + 16)
  const key = await deriveKey(passphrase, salt, o.logN, o.r, o.p, o.onProgress)
  const ct = xchacha20poly1305(key, nonce, header).encrypt(secrets)
  key.fill(0)
  const out = new Uint8Array(HEADER + ct.length)
  out.set(header, 0)
  out.set(ct, HEADER)
  return out
}

export async function createKeystore(path: string, passphrase: string, secrets: Uint8Array, options: KeystoreOptions = {}): Promise<void> {
  const bytes = await seal(passphrase, secrets, { logN: options.logN ?? DEFAULT_KDF_LOG_N, r: options.r ?? 8, p: options.p ?? 1, onProgress: options.onProgress })
  await writeFileAtomically(path, bytes)
}

export async function openKeystore(path: string, passphrase: string, options: OpenKeystoreOptions = {}): Promise<Uint8Array> {
  const file = new Uint8Array(await readFile(path))
  if (file.length > MAX_FILE) throw new KeystoreCorruptError('file too large')
  if (file.length < HEADER + 16) throw new KeystoreCorruptError('file too short')
  for (let i = 0; i < MAGIC.length; i++) if (file[i] !== MAGIC[i]) throw new KeystoreCorruptError('not a keystore file')
  const [version, logN, r, p] = file.subarray(MAGIC.length, MAGIC.length + 4)
  if (version !== VERSION) throw new KeystoreCorruptError(`unknown version ${String(version)}`)
  if ((logN as number) < 10 || (logN as number) > 22 || !r || (r as number) > 32 || !p || (p as number) > 16) throw new KeystoreCorruptError('bad key-derivation parameters')
  const minLogN = options.minLogN ?? DEFAULT_KDF_LOG_N
  if ((logN as number) < minLogN || (r as number) < 8) throw new WeakKeystoreError(logN as number, minLogN)
  const header = file.subarray(0, HEADER)
  const salt = file.subarray(MAGIC.length + 4, MAGIC.length + 20)
  const nonce = file.subarray(MAGIC.length + 20, HEADER)
  const key = await deriveKey(passphrase, salt, logN as number, r as number, p as number, options.onProgress)
  try {
    return xchacha20poly1305(key, nonce, header).decrypt(file.subarray(HEADER))
  } catch {
    // An AEAD cannot tell a wrong passphrase from a tampered file; both change nothing.
    throw new WrongPassphraseError()
  } finally {
    key.fill(0)
  }
}

/** KEYS-5: re-seal the same secrets under a new passphrase (a weak keystore may be opened here: this is how it is repaired). */
export async function changePassphrase(path: string, oldPassphrase: string, newPassphrase: string, options: KeystoreOptions = {}): Promise<void> {
  const secrets = await openKeystore(path, oldPassphrase, { minLogN: 10 })
  try {
    await createKeystore(path, newPassphrase, secrets, options)
  } finally {
    secrets.fill(0)
  }
}
