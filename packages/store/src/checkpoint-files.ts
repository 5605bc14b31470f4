/**
 * Checkpoints as files beside the LevelDB directory, one per community,
 * replaced atomically (write a temporary file, fsync, rename, fsync the
 * directory). A checkpoint is tens of MB for a large community and is
 * rewritten on every close, so it stays out of LevelDB's write-ahead log,
 * which the next open would replay before anything could be read
 * (measured in docs/ARCHITECTURE.md, Performance).
 */
import { mkdir, readFile } from 'node:fs/promises'
import { writeFileAtomically } from './atomic-file'
import { join } from 'node:path'

export interface CheckpointBlobs {
  get(community: Uint8Array): Promise<Uint8Array | undefined>
  put(community: Uint8Array, value: Uint8Array): Promise<void>
}

const hex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex')

export class CheckpointFiles implements CheckpointBlobs {
  constructor(private readonly dir: string) {}

  private file(community: Uint8Array): string {
    return join(this.dir, `${hex(community)}.checkpoint`)
  }

  async get(community: Uint8Array): Promise<Uint8Array | undefined> {
    try {
      const b = await readFile(this.file(community))
      return new Uint8Array(b.buffer, b.byteOffset, b.byteLength)
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined
      throw e
    }
  }

  async put(community: Uint8Array, value: Uint8Array): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 })
    await writeFileAtomically(this.file(community), value)
  }
}
