/**
 * I4: an op acknowledged before a crash survives it. A real child process
 * writes ops in a loop and is killed with SIGKILL at a random moment, 20
 * times on the same directory; each time the store must reopen cleanly with
 * every acknowledged op, a count equal to what it iterates, and a state equal to a full refold.
 */
import { describe, expect } from 'vitest'
import { spawn } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Replica, decodeOp, fromHex } from '@polity/protocol'
import { LevelStore } from '../src/index'
import { nodeCrypto } from '../../protocol/test/node-crypto'
import { seeded } from '../../protocol/test/seeds'

const writer = fileURLToPath(new URL('./crash-writer.ts', import.meta.url))

function runAndKill(dir: string, killAfterMs: number, seed: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', writer, dir, String(seed)], { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    let started = false
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString()
      if (!started) {
        started = true
        setTimeout(() => child.kill('SIGKILL'), killAfterMs)
      }
    })
    child.stderr.on('data', (d: Buffer) => (err += d.toString()))
    child.on('exit', (code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`writer exited (${code}) before the kill: ${err}`))
      // Only complete lines were acknowledged.
      else resolve(out.split('\n').slice(0, -1).filter((l) => /^[0-9a-f]{64}$/.test(l)))
    })
  })
}

describe('crash safety (I4)', () => {
  seeded('STORE-2 (I4): 20 SIGKILLs mid-write lose no acknowledged op', { fixed: [20261124], timeout: 300_000 }, (run) => run.eachAsync(async ({ seed: SEED }) => {
    const dir = join(mkdtempSync(join(tmpdir(), 'polity-crash-')), 'db')
    let rand = SEED
    const rng = (): number => ((rand = (rand * 1103515245 + 12345) % 2 ** 31) / 2 ** 31)
    const acknowledged = new Set<string>()
    // One replica across rounds: each op is verified once, when first seen (node:crypto behind the
    // strict prechecks, which accepts exactly what the pure verifier accepts: SIG-5).
    const replica = new Replica({ crypto: nodeCrypto })
    for (let round = 0; round < 20; round++) {
      for (const id of await runAndKill(dir, 20 + Math.floor(rng() * 400), SEED + round)) acknowledged.add(id)
      const store = await LevelStore.open(dir)
      try {
        for (const id of acknowledged) expect(await store.hasOp(fromHex(id)), `round ${round}: acknowledged op ${id} lost`).toBe(true)
        const [community] = await store.listCommunities()
        expect(community).toBeDefined()
        for await (const op of store.iterate(community as Uint8Array)) {
          const id = Buffer.from(op.id).toString('hex')
          if (replica.has(id as never)) continue
          expect(replica.receive(decodeOp(op.bytes, nodeCrypto)).status).toBe('applied') // causal order: deps always first
        }
        expect(await store.count(community as Uint8Array)).toBe(replica.size)
        expect(replica.state()).toEqual(replica.refoldedState())
      } finally {
        await store.close()
      }
    }
    expect(acknowledged.size).toBeGreaterThan(20)
  }))
})
