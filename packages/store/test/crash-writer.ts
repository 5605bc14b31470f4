/**
 * Child process for the crash test: opens the LevelDB store, continues a
 * chain of real signed ops from whatever is stored, and prints each batch's
 * ids only after putOps has resolved (the acknowledgement). Runs until killed.
 */
import { createHash, createPrivateKey, sign } from 'node:crypto'
import {
  Replica, createOp, certifyDevice, keyPairFromSecret, DEFAULT_RULES, fromHex, type AnyOp, type OpId,
} from '@polity/protocol'
import { LevelStore, type OpRecord } from '../src/index'

const dir = process.argv[2] as string
const seed = Number(process.argv[3] ?? 1)
const key = (label: string) => keyPairFromSecret(new Uint8Array(createHash('sha256').update(`crash/${label}`).digest()))
const identity = key('identity')
const device = key('device')

// The writer replays only its own store (what it wrote), so it skips verification there;
// the parent test verifies every op. Signing uses node:crypto for speed (same bytes as the pure signer).
const PKCS8 = Buffer.from('302e020100300506032b657004220420', 'hex')
const signer = createPrivateKey({ key: Buffer.concat([PKCS8, device.secretKey]), format: 'der', type: 'pkcs8' })
const crypto = {
  verify: () => true,
  hash: (b: Uint8Array) => new Uint8Array(createHash('sha256').update(b).digest()),
  sign: (m: Uint8Array) => new Uint8Array(sign(null, m, signer)),
}
const store = await LevelStore.open(dir)
const replica = new Replica({ crypto })
for (const c of await store.listCommunities()) for await (const op of store.iterate(c)) replica.receive(op.bytes)

const record = (op: AnyOp): OpRecord => ({
  id: fromHex(op.id), community: fromHex(op.community), height: replica.entry(op.id)?.height ?? 1, bytes: op.bytes,
})

let rand = seed
const rng = (): number => {
  rand = (rand * 1103515245 + 12345) % 2 ** 31
  return rand / 2 ** 31
}

let time = 1_700_000_000_000
function next(kind: 'genesis' | 'profile.set'): AnyOp {
  const last = replica.lastOf(Buffer.from(device.publicKey).toString('hex') as never)
  time += 1
  const op = kind === 'genesis'
    ? createOp({ community: null, seq: 1, deps: [], time, kind: 'genesis', body: { name: 'Crash', purpose: '', charter: '', rules: DEFAULT_RULES, founder: identity.publicKey, cert: certifyDevice(identity, device.publicKey), parent: undefined } }, device, crypto)
    : createOp({ community: replica.community as never, seq: (last?.op.seq ?? 0) + 1, deps: [...new Set([...replica.heads(), ...(last ? [last.op.id] : [])])] as OpId[], time, kind: 'profile.set', body: { name: `n${Math.floor(rng() * 1e6)}` } }, device, crypto)
  const r = replica.receive(op as AnyOp)
  if (r.status !== 'applied') throw new Error(`own op refused: ${r.status}`)
  return op as AnyOp
}

if (replica.size === 0) {
  const g = next('genesis')
  await store.putOps([record(g)])
  process.stdout.write(`${g.id}\n`)
}
for (;;) {
  const n = 1 + Math.floor(rng() * 50)
  const batch: AnyOp[] = []
  for (let i = 0; i < n; i++) batch.push(next('profile.set'))
  await store.putOps(batch.map(record))
  process.stdout.write(`${batch.map((o) => o.id).join('\n')}\n`)
}
