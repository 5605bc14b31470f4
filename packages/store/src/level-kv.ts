/** The LevelDB backend (classic-level): binary keys and values, fsync'd batches. */
import { ClassicLevel } from 'classic-level'
import type { Kv, KvOp } from './kv'
import { StoreLockedError } from './errors'

export class LevelKv implements Kv {
  private constructor(private readonly db: ClassicLevel<Uint8Array, Uint8Array>) {}

  static async open(path: string): Promise<LevelKv> {
    const db = new ClassicLevel<Uint8Array, Uint8Array>(path, { keyEncoding: 'view', valueEncoding: 'view' })
    try {
      await db.open()
    } catch (e) {
      const cause = (e as { cause?: { code?: string } }).cause
      if (cause?.code === 'LEVEL_LOCKED' || /lock/i.test(String((e as Error).message) + String((cause as Error | undefined)?.message))) throw new StoreLockedError(path, e)
      throw e
    }
    return new LevelKv(db)
  }

  async get(key: Uint8Array): Promise<Uint8Array | undefined> {
    return (await this.db.get(key)) ?? undefined
  }

  async getMany(keys: readonly Uint8Array[]): Promise<(Uint8Array | undefined)[]> {
    if (keys.length === 0) return []
    return (await this.db.getMany(keys as Uint8Array[])).map((v) => v ?? undefined)
  }

  async batch(ops: readonly KvOp[]): Promise<void> {
    if (ops.length === 0) return
    await this.db.batch(ops as KvOp[], { sync: true })
  }

  async *range(gte: Uint8Array, lt: Uint8Array): AsyncIterable<[Uint8Array, Uint8Array]> {
    for await (const [k, v] of this.db.iterator({ gte, lt })) yield [k, v]
  }

  async close(): Promise<void> {
    await this.db.close()
  }
}
