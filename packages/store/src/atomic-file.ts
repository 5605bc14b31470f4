/**
 * Replace a file so that a crash leaves either the old bytes or the new ones:
 * write a temporary file beside it, fsync it, rename it over the target, and
 * fsync the directory so the rename itself is durable.
 */
import { open, rename, unlink } from 'node:fs/promises'
import { dirname } from 'node:path'

export async function writeFileAtomically(path: string, bytes: Uint8Array): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`
  const fh = await open(tmp, 'w', 0o600)
  try {
    await fh.writeFile(bytes)
    await fh.sync()
  } finally {
    await fh.close()
  }
  try {
    await rename(tmp, path)
  } catch (e) {
    await unlink(tmp).catch(() => undefined)
    throw e
  }
  // Windows cannot open a directory to fsync it (its rename is durable with the file's metadata).
  if (process.platform === 'win32') return
  const dir = await open(dirname(path), 'r')
  try {
    await dir.sync()
  } finally {
    await dir.close()
  }
}
