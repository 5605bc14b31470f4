/** Ways to open a store. */
import { OpStore } from './op-store'
import { MemoryKv } from './kv'
import { LevelKv } from './level-kv'
import { CheckpointFiles } from './checkpoint-files'

export interface LevelStoreOptions {
  /** Keep checkpoints as files in this directory instead of inside LevelDB (a node does). */
  readonly checkpointDir?: string
}

export const LevelStore = {
  /** Open (or create) a LevelDB op store at `path`. */
  async open(path: string, options: LevelStoreOptions = {}): Promise<OpStore> {
    return new OpStore(await LevelKv.open(path), options.checkpointDir ? new CheckpointFiles(options.checkpointDir) : undefined)
  },
}

export const MemoryStore = {
  open(): OpStore {
    return new OpStore(new MemoryKv())
  },
}
