import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { LevelStore } from '../src/index'
import { runStoreContract } from './store-contract'

runStoreContract('LevelDB', async () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'polity-store-')), 'db')
  return { store: await LevelStore.open(dir), reopen: () => LevelStore.open(dir) }
})
