/**
 * The key vault: the keystore on disk (KEYS-1..6) and, while unlocked, the
 * secrets it holds — the identity key, this device's key and the data key.
 * They never leave this object except to sign, certify and seal inside the
 * node; locking wipes them.
 */
import { randomBytes } from '@noble/hashes/utils.js'
import {
  didKeyOf, generateKeyPair, identityFromRecoveryPhrase, memberAgreeKeyPair, recoveryPhraseOf, toHex, type AgreeKeyPair, type DeviceKey, type MemberId,
} from '@polity/protocol'
import type { CreatedIdentity, IdentityStatus } from '@polity/api'
import { IdentityExistsError, LockedError, NoIdentityError, WeakPassphraseError } from './errors'
import { decodeSecrets, encodeSecrets, type NodeSecrets } from './secrets'
import { keystoreExists, readKeystore, rewriteKeystore, writeKeystore, type NodePaths } from './storage'

const MIN_PASSPHRASE = 8

export class Vault {
  private secrets: NodeSecrets | undefined
  private agree: AgreeKeyPair | undefined

  /** `kdfLogN`: scrypt cost for new keystores, and the lowest accepted on unlock (KEYS-6); only tests lower it. */
  /** BRIDGE-9: told the fraction of each key derivation done (the node turns it into progress events). */
  onKdf: ((task: 'unlock' | 'identity', fraction: number) => void) | undefined

  constructor(private readonly paths: NodePaths, private readonly kdfLogN: number) {}

  get unlocked(): boolean {
    return this.secrets !== undefined
  }

  status(): IdentityStatus {
    const s = this.secrets
    if (s) {
      return { state: 'unlocked', member: toHex(s.identity.publicKey) as MemberId, did: didKeyOf(s.identity.publicKey), deviceKey: toHex(s.device.publicKey) }
    }
    return { state: keystoreExists(this.paths) ? 'locked' : 'none' }
  }

  /** The secrets, or LockedError / NoIdentityError. */
  require(): NodeSecrets {
    if (!this.secrets) throw keystoreExists(this.paths) ? new LockedError() : new NoIdentityError()
    return this.secrets
  }

  get member(): MemberId {
    return toHex(this.require().identity.publicKey) as MemberId
  }

  /** KEY-1: the member's agree key, from the identity secret (every device of the member, and a restored phrase, has it). */
  get agreeKey(): AgreeKeyPair {
    const s = this.require()
    this.agree ??= memberAgreeKeyPair(s.identity.secretKey)
    return this.agree
  }

  get deviceKey(): DeviceKey {
    return toHex(this.require().device.publicKey) as DeviceKey
  }

  /** Write a new keystore (a new identity and device) and hold its secrets; the recovery phrase is returned once. */
  async create(passphrase: string): Promise<CreatedIdentity> {
    if (keystoreExists(this.paths)) throw new IdentityExistsError()
    checkPassphrase(passphrase)
    const secrets: NodeSecrets = { identity: generateKeyPair(), device: generateKeyPair(), dataKey: randomBytes(32) }
    await this.write(passphrase, secrets)
    return { did: didKeyOf(secrets.identity.publicKey), member: toHex(secrets.identity.publicKey) as MemberId, recoveryPhrase: recoveryPhraseOf(secrets.identity.secretKey) }
  }

  /** The identity from its phrase, with a new device key (ID-4): the device links itself to each community it meets. */
  async restore(phrase: string, passphrase: string): Promise<void> {
    if (keystoreExists(this.paths)) throw new IdentityExistsError()
    checkPassphrase(passphrase)
    await this.write(passphrase, { identity: identityFromRecoveryPhrase(phrase), device: generateKeyPair(), dataKey: randomBytes(32) })
  }

  /** Open the keystore; a wrong passphrase is an error even when already unlocked (KEYS-3). Returns whether it just unlocked. */
  async unlock(passphrase: string): Promise<boolean> {
    if (!keystoreExists(this.paths)) throw new NoIdentityError()
    const secrets = decodeSecrets(await readKeystore(this.paths, passphrase, this.kdfLogN, (f) => this.onKdf?.('unlock', f)))
    if (this.secrets) {
      wipe(secrets)
      return false
    }
    this.secrets = secrets
    return true
  }

  /** KEYS-5: re-seal the keystore under a new passphrase (at the full cost, which also repairs a weak keystore, KEYS-6). */
  async changePassphrase(current: string, next: string): Promise<void> {
    if (!keystoreExists(this.paths)) throw new NoIdentityError()
    checkPassphrase(next)
    await rewriteKeystore(this.paths, current, next, this.kdfLogN)
  }

  lock(): void {
    if (this.secrets) wipe(this.secrets)
    this.agree?.secretKey.fill(0)
    this.agree = undefined
    this.secrets = undefined
  }

  private async write(passphrase: string, secrets: NodeSecrets): Promise<void> {
    await writeKeystore(this.paths, passphrase, encodeSecrets(secrets), this.kdfLogN, (f) => this.onKdf?.('identity', f))
    this.secrets = secrets
  }
}

function checkPassphrase(p: unknown): void {
  if (typeof p !== 'string' || [...p].length < MIN_PASSPHRASE) throw new WeakPassphraseError()
}

function wipe(s: NodeSecrets): void {
  s.identity.secretKey.fill(0)
  s.device.secretKey.fill(0)
  s.dataKey.fill(0)
}
