/**
 * The node's one seam to persistence: @polity/store's op store and keystore.
 * Everything the node reads or writes on disk goes through here.
 */
import { join } from 'node:path'
import { chmod, lstat, mkdir, readdir } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import { fromHex, type AnyOp, type CommunityId } from '@polity/protocol'
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

/**
 * STORE-10: the data directory and everything in it is readable by its owner
 * only (directories 0700, files 0600), whatever existed before and whatever
 * umask the process started with. `mkdir`'s mode does not change a directory
 * that already exists, and LevelDB creates its files with the process umask,
 * so the node sets umask 077 for its process and repairs what is there.
 */
export async function secureDataDir(dataDir: string): Promise<void> {
  if (process.platform !== 'win32') process.umask(0o077)
  await mkdir(dataDir, { recursive: true, mode: 0o700 })
  if (process.platform === 'win32') return
  const walk = async (path: string, depth: number): Promise<void> => {
    const info = await lstat(path)
    if (info.isSymbolicLink()) return
    if (info.isDirectory()) {
      if ((info.mode & 0o777) !== 0o700) await chmod(path, 0o700)
      if (depth < 4) for (const name of await readdir(path)) await walk(join(path, name), depth + 1)
    } else if (info.isFile() && (info.mode & 0o077) !== 0) {
      await chmod(path, 0o600)
    }
  }
  await walk(dataDir, 0)
}

export async function openStore(paths: NodePaths): Promise<Store> {
  await secureDataDir(paths.dataDir)
  return LevelStore.open(paths.db, { checkpointDir: paths.checkpoints })
}

export const keystoreExists = (paths: NodePaths): boolean => existsSync(paths.keystore)

export async function writeKeystore(paths: NodePaths, passphrase: string, secrets: Uint8Array, logN: number, onProgress?: (fraction: number) => void): Promise<void> {
  await mkdir(paths.dataDir, { recursive: true, mode: 0o700 })
  await createKeystore(paths.keystore, passphrase, secrets, { logN, ...(onProgress ? { onProgress } : {}) })
}

/** KEYS-6: `minLogN` is the lowest scrypt cost accepted (the default outside tests). */
export async function readKeystore(paths: NodePaths, passphrase: string, minLogN: number, onProgress?: (fraction: number) => void): Promise<Uint8Array> {
  return openKeystore(paths.keystore, passphrase, { minLogN, ...(onProgress ? { onProgress } : {}) })
}

/** KEYS-5: the same secrets under a new passphrase, sealed at `logN`. */
export async function rewriteKeystore(paths: NodePaths, current: string, next: string, logN: number): Promise<void> {
  await changePassphrase(paths.keystore, current, next, { logN })
}

/** The record the store keeps for an op a replica accepted. */
export function recordOf(op: AnyOp, height: number): OpRecord {
  return { id: fromHex(op.id, 32), community: fromHex(op.community, 32), height, bytes: op.bytes }
}

export type { Store, CommunityId, OpRecord }
