import { chmodSync, mkdirSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { PolityNode } from '../src/index'
import { PASS } from './helpers'

function everything(dir: string): string[] {
  return [dir, ...readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? everything(join(dir, e.name)) : [join(dir, e.name)]))]
}

describe('the data directory is private (STORE-10)', () => {
  it.runIf(process.platform !== 'win32')('STORE-10: a data directory that already existed 0755 with a 0644 file ends up 0700/0600 throughout, LevelDB files included', async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'polity-perm-')), 'data')
    const oldUmask = process.umask(0o022)
    try {
      mkdirSync(join(dataDir, 'ops'), { recursive: true, mode: 0o755 })
      chmodSync(dataDir, 0o755)
      writeFileSync(join(dataDir, 'config.json'), '{}', { mode: 0o644 })
      const node = await PolityNode.open({ dataDir, kdfLogN: 10 })
      await node.createIdentity({ passphrase: PASS })
      const community = await node.createCommunity({ name: 'Private', purpose: '', charter: 'Article 1.' })
      for (let i = 0; i < 5; i++) await node.setProfile({ community, name: `n${i}` })
      await node.close() // writes the checkpoint too
      const paths = everything(dataDir)
      expect(paths.some((p) => p.includes('checkpoints'))).toBe(true)
      expect(paths.some((p) => /\.(log|ldb)$/.test(p) || p.endsWith('CURRENT'))).toBe(true)
      for (const p of paths) {
        const st = statSync(p)
        expect((st.mode & 0o777).toString(8), p).toBe(st.isDirectory() ? '700' : '600')
      }
    } finally {
      process.umask(oldUmask)
    }
  })
})
