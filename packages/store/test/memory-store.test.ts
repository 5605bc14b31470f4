import { MemoryStore } from '../src/index'
import { runStoreContract } from './store-contract'

runStoreContract('memory', async () => ({ store: MemoryStore.open() }))
