/**
 * The node's one seam to persistence: @polity/store's op store and keystore.
 * Everything the node reads or writes on disk goes through here.
 */
import { join } from 'node:path'
import { mkdir } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import { fromHex, type AnyOp, type CommunityId, type Replica } from '@polity/protocol'
import { LevelStore, changePassphrase, createKeystore, openKeystore, type Store, type OpRecord } from '@polity/store'

export interface NodePaths {
  readonly dataDir: string
  readonly keystore: string
  readonly db: string
  /** Checkpoint files (CHECKPOINT-1), kept out of LevelDB. */
  readonly checkpoints: string
}

export function pathsOf(dataDir: string): NodePaths {
  return { dataDir, keystore: join(dataDir, 'keystore.polity'), db: join(dataDir, 'ops'), checkpoints: join(dataDir, 'checkpoints') }
}

export async function openStore(paths: NodePaths): Promise<Store> {
  await mkdir(paths.dataDir, { recursive: true, mode: 0o700 })
  return LevelStore.open(paths.db, { checkpointDir: paths.checkpoints })
}

export const keystoreExists = (paths: NodePaths): boolean => existsSync(paths.keystore)

export async function writeKeystore(paths: NodePaths, passphrase: string, secrets: Uint8Array, logN: number): Promise<void> {
  await mkdir(paths.dataDir, { recursive: true, mode: 0o700 })
  await createKeystore(paths.keystore, passphrase, secrets, { logN })
}

/** KEYS-6: `minLogN` is the lowest scrypt cost accepted (the default outside tests). */
export async function readKeystore(paths: NodePaths, passphrase: string, minLogN: number): Promise<Uint8Array> {
  return openKeystore(paths.keystore, passphrase, { minLogN })
}

/** KEYS-5: the same secrets under a new passphrase, sealed at `logN`. */
export async function rewriteKeystore(paths: NodePaths, current: string, next: string, logN: number): Promise<void> {
  await changePassphrase(paths.keystore, current, next, { logN })
}

/** The record the store keeps for an op a replica accepted. */
export function recordOf(replica: Replica, op: AnyOp): OpRecord {
  const entry = replica.dag.get(op.id)
  return {
    id: fromHex(op.id, 32),
    community: fromHex(op.community, 32),
    height: entry ? entry.height : 1,
    bytes: op.bytes,
  }
}

export type { Store, CommunityId }
