/** Ways to open a store. */
import { OpStore } from './op-store'
import { MemoryKv } from './kv'
import { LevelKv } from './level-kv'

export const LevelStore = {
  /** Open (or create) a LevelDB op store at `path`. */
  async open(path: string): Promise<OpStore> {
    return new OpStore(await LevelKv.open(path))
  },
}

export const MemoryStore = {
  open(): OpStore {
    return new OpStore(new MemoryKv())
  },
}
