/**
 * @polity/store — persistence: the op store (LevelDB or memory) with id and
 * causal-order indexes, checkpoints and metadata; and the
 * passphrase-encrypted keystore.
 */
export type { OpRecord, StoredOp, Checkpoint, Store, PutOptions } from './types'
export { OpStore } from './op-store'
export { MemoryKv, type Kv, type KvOp } from './kv'
export { LevelKv } from './level-kv'
export { createKeystore, openKeystore, changePassphrase, type KeystoreOptions, type OpenKeystoreOptions, DEFAULT_KDF_LOG_N } from './keystore'
export { StoreError, StoreClosedError, StoreCorruptError, StoreLockedError, WrongPassphraseError, KeystoreCorruptError, WeakKeystoreError } from './errors'
export { LevelStore, MemoryStore, type LevelStoreOptions } from './open'
export { CheckpointFiles, type CheckpointBlobs } from './checkpoint-files'
