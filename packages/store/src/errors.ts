/** Named store errors with stable codes and messages a person can act on. */
export class StoreError extends Error {
  readonly code: string
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = new.target.name
    this.code = code
  }
}

export class StoreClosedError extends StoreError {
  constructor() {
    super('ERR_STORE_CLOSED', 'The store is closed.')
  }
}

export class StoreCorruptError extends StoreError {
  constructor(detail: string) {
    super('ERR_STORE_CORRUPT', `The data directory is damaged (${detail}). Restore it from a backup or re-sync from a peer.`)
  }
}

export class StoreLockedError extends StoreError {
  constructor(path: string, cause: unknown) {
    super('ERR_STORE_LOCKED', `The data directory ${path} is in use by another Polity process. Close it first.`, { cause })
  }
}

export class WrongPassphraseError extends StoreError {
  constructor() {
    super('ERR_WRONG_PASSPHRASE', 'That passphrase does not unlock this keystore. Nothing was changed.')
  }
}

export class KeystoreCorruptError extends StoreError {
  constructor(detail: string) {
    super('ERR_KEYSTORE_CORRUPT', `The keystore file is damaged or not a Polity keystore (${detail}). Restore it from your recovery phrase.`)
  }
}

/** KEYS-6: a keystore sealed with a key-derivation cost below the minimum this node accepts. */
export class WeakKeystoreError extends StoreError {
  readonly logN: number
  readonly minLogN: number
  constructor(logN: number, minLogN: number) {
    super('ERR_WEAK_KEYSTORE', `The keystore is sealed with a key-derivation cost of 2^${logN}, below the minimum 2^${minLogN}: a stolen copy would be cheap to guess. Change the passphrase (polity identity passphrase) to re-seal it at the full cost.`)
    this.logN = logN
    this.minLogN = minLogN
  }
}
