import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { LevelStore } from '../src/index'
import { runStoreContract } from './store-contract'

runStoreContract('LevelDB', async () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'polity-store-')), 'db')
  return { store: await LevelStore.open(dir), reopen: () => LevelStore.open(dir) }
})

runStoreContract('LevelDB with checkpoint files', async () => {
  const root = mkdtempSync(join(tmpdir(), 'polity-store-'))
  const open = () => LevelStore.open(join(root, 'db'), { checkpointDir: join(root, 'checkpoints') })
  return { store: await open(), reopen: open }
})
