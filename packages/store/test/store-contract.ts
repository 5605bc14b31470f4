/** The Store contract: every implementation runs this suite. */
import { describe, expect, it } from 'vitest'
import { randomBytes } from 'node:crypto'
import type { OpRecord, Store } from '../src/index'
import { StoreClosedError } from '../src/index'
import { seeded } from '../../protocol/test/seeds'

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex')
const rnd = (): Uint8Array => new Uint8Array(randomBytes(32))

/** A record as a node makes one, plus the deps its height came from (for the causal-order checks). */
type TestRecord = OpRecord & { readonly deps: readonly Uint8Array[] }

export function record(community: Uint8Array, deps: TestRecord[], opts: Partial<OpRecord> = {}): TestRecord {
  const height = deps.length === 0 ? 1 : 1 + Math.max(...deps.map((d) => d.height))
  return { id: rnd(), community, deps: deps.map((d) => d.id), height, bytes: new Uint8Array(randomBytes(40)), ...opts }
}

export function runStoreContract(name: string, open: () => Promise<{ store: Store; reopen?: () => Promise<Store> }>): void {
  describe(`Store contract: ${name}`, () => {
    it('STORE-1: puts are idempotent and ops read back byte for byte', async () => {
      const { store } = await open()
      const c = rnd()
      const g = record(c, [])
      await store.putOps([g])
      await store.putOps([g, g])
      expect(await store.count(c)).toBe(1)
      expect(hex((await store.getOp(g.id))!)).toBe(hex(g.bytes))
      expect(await store.hasOp(g.id)).toBe(true)
      expect(await store.getOp(rnd())).toBeUndefined()
      await store.close()
    })

    it('STORE-1: getOps reads many envelopes in the order asked, undefined where absent', async () => {
      const { store } = await open()
      const c = rnd()
      const g = record(c, [])
      const a = record(c, [g])
      await store.putOps([g, a])
      const missing = rnd()
      const got = await store.getOps([a.id, missing, g.id])
      expect(got.map((b) => (b ? hex(b) : undefined))).toEqual([hex(a.bytes), undefined, hex(g.bytes)])
      expect(await store.getOps([])).toEqual([])
      await store.close()
    })

    it('STORE-3: a batch that repeats ops or holds stored ones counts each op once', async () => {
      const { store } = await open()
      const c = rnd()
      const g = record(c, [])
      const a = record(c, [g])
      const b = record(c, [g])
      await store.putOps([g, a])
      await store.putOps([a, b, b, g])
      expect(await store.count(c)).toBe(3)
      const seen: string[] = []
      for await (const op of store.iterate(c)) seen.push(hex(op.id))
      expect(seen.sort()).toEqual([g, a, b].map((r) => hex(r.id)).sort())
      await store.close()
    })

    seeded('STORE-5: iterate yields a causal order ((height, id) ascending), from a height on', { fixed: [1] }, (run) => run.eachAsync(async (rng) => {
      const { store } = await open()
      const c = rnd()
      const other = rnd()
      const all: TestRecord[] = [record(c, [])]
      for (let i = 0; i < 60; i++) all.push(record(c, [rng.pick(all)]))
      await store.putOps([...all].reverse())
      await store.putOps([record(other, [])])
      const seen: { id: string; height: number }[] = []
      for await (const op of store.iterate(c)) seen.push({ id: hex(op.id), height: op.height })
      expect(seen).toHaveLength(all.length)
      const pos = new Map(seen.map((s, i) => [s.id, i]))
      for (const r of all) for (const d of r.deps) expect(pos.get(hex(d))!).toBeLessThan(pos.get(hex(r.id))!)
      const later = []
      for await (const op of store.iterate(c, { afterHeight: 3 })) later.push(op.height)
      expect(later.every((h) => h > 3)).toBe(true)
      expect((await store.listCommunities()).map(hex).sort()).toEqual([hex(c), hex(other)].sort())
      await store.close()
    }))

    it('STORE-6: checkpoints and metadata', async () => {
      const { store } = await open()
      const c = rnd()
      const heads = [rnd(), rnd()]
      await store.putCheckpoint(c, { heads, opCount: 7, height: 5, state: new Uint8Array([1, 2, 3]) })
      const cp = await store.getCheckpoint(c)
      expect(cp && { ...cp, heads: cp.heads.map(hex), state: [...cp.state] }).toEqual({ heads: heads.map(hex), opCount: 7, height: 5, state: [1, 2, 3] })
      expect(await store.getCheckpoint(rnd())).toBeUndefined()
      await store.putMeta('community/abc', new Uint8Array([9]))
      await store.putMeta('other', new Uint8Array([8]))
      expect(await store.listMeta('community/')).toEqual(['community/abc'])
      expect([...(await store.getMeta('community/abc'))!]).toEqual([9])
      await store.close()
    })

    it('STORE-7: a closed store says so', async () => {
      const { store } = await open()
      await store.close()
      await expect(store.count(rnd())).rejects.toThrow(StoreClosedError)
      expect(() => store.putOps([])).toThrow(StoreClosedError)
    })

    it('STORE-8: bad records are refused before anything is written', async () => {
      const { store } = await open()
      const c = rnd()
      expect(() => store.putOps([{ ...record(c, []), id: new Uint8Array(3) }])).toThrow(/32 bytes/)
      expect(await store.count(c)).toBe(0)
      await store.close()
    })

    it('STORE-9: data survives close and reopen', async () => {
      const { store, reopen } = await open()
      if (!reopen) {
        await store.close()
        return
      }
      const c = rnd()
      const g = record(c, [])
      const a = record(c, [g])
      await store.putOps([g, a])
      await store.putCheckpoint(c, { heads: [a.id], opCount: 2, height: 2, state: new Uint8Array([7]) })
      await store.close()
      const again = await reopen()
      expect(await again.count(c)).toBe(2)
      expect([...((await again.getCheckpoint(c))?.state ?? [])]).toEqual([7])
      expect(hex((await again.getOp(a.id))!)).toBe(hex(a.bytes))
      await again.close()
    })
  })
}
