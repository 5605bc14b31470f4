/**
 * What draft edits cost a replica (CHARTER-Y7, Y8, F4), each figure beside a
 * baseline measured in the same run:
 *
 * 1. Importing 300 edits of ~60 KB into a node by bundle: edits whose first
 *    item's origin is missing (refused by CHARTER-Y6) against the same edits
 *    with valid origins; and the raw Yjs fold the node used to run on the
 *    refused ones (structs kept pending and re-merged on every update).
 * 2. Heap and time per edit at the CHARTER-Y7 bound (512 one-character
 *    structs, each splitting an item) against an edit of one 60 KB struct.
 * 3. Folding an edit whose 512 structs each sit at the CHARTER-F4 limit
 *    (1,024 characters of the past between their neighbours) against 512
 *    structs between adjacent neighbours.
 *
 * Run: node --expose-gc --import tsx test/bench/draft-cost.ts
 * Not a test: nothing here is asserted.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as Y from 'yjs'
import { createOp, certifyDevice, joinProofMessage, sign, Replica, DEFAULT_RULES, type AnyOp, type BodyOf, type CommunityId, type KeyPair, type OpId, type OpKind } from '@polity/protocol'
import { PolityNode, createNativeCrypto, encodeBundle } from '@polity/node'
import { seededKeyPair } from './generate'

const crypto = createNativeCrypto()
const gc = (globalThis as { gc?: () => void }).gc
const heap = (): number => {
  gc?.()
  return process.memoryUsage().heapUsed
}
const CHARTER = '# Charter\n\nArticle 1. We decide together.\n'
const CLIENT = 1001

interface Struct { origin?: [number, number]; right?: [number, number]; text: string }
/** A Yjs v1 update of one client's text structs (lib0 varints, as Yjs writes them). */
function update(client: number, clock: number, structs: Struct[]): Uint8Array {
  const out: number[] = []
  const uint = (n: number): void => {
    while (n > 0x7f) {
      out.push((n % 128) | 0x80)
      n = Math.floor(n / 128)
    }
    out.push(n)
  }
  const str = (x: string): void => {
    const b = new TextEncoder().encode(x)
    uint(b.length)
    out.push(...b)
  }
  uint(1)
  uint(structs.length)
  uint(client)
  uint(clock)
  for (const s of structs) {
    out.push(4 | (s.origin ? 0x80 : 0) | (s.right ? 0x40 : 0))
    for (const id of [s.origin, s.right]) if (id) for (const n of id) uint(n)
    if (!s.origin && !s.right) {
      uint(1)
      str('draft')
    }
    str(s.text)
  }
  uint(0)
  return Uint8Array.from(out)
}

type Edit = { update: Uint8Array; length: number }
type Make = <K extends OpKind>(kind: K, body: BodyOf<K>) => AnyOp

/**
 * A founder's community with `members` more members, each bound to Yjs
 * client 2002 + i. `edits(i, who, clock)` makes the i-th draft edit, signed by
 * member `who` (round-robin; -1 is the founder, client 1001) at its client's
 * clock; every op sits on top of everything before it.
 */
function community(n: number, edits: (i: number, client: number, clock: number) => Edit, members = 1, who: (i: number) => number = () => -1): AnyOp[] {
  const ops: AnyOp[] = []
  let head: OpId | undefined
  let cid: CommunityId | null = null
  const author = (device: KeyPair): Make => {
    let seq = 0
    let last: OpId | undefined
    return (kind, body) => {
      const deps = [...new Set([...(head ? [head] : []), ...(last ? [last] : [])])]
      const op = createOp({ community: cid, seq: ++seq, deps, time: 1_750_000_000_000 + ops.length, kind, body }, device, crypto) as AnyOp
      last = head = op.id
      ops.push(op)
      return op
    }
  }
  const identity = seededKeyPair(7, 'identity')
  const device = seededKeyPair(7, 'device')
  const founder = author(device)
  cid = founder('genesis', { name: 'Draft bench', purpose: '', charter: CHARTER, rules: DEFAULT_RULES, founder: identity.publicKey, cert: certifyDevice(identity, device.publicKey), parent: undefined }).community
  founder('charter.bind', { client: CLIENT })
  const makers: Make[] = []
  for (let m = 0; m < members; m++) {
    const inviteKey = seededKeyPair(7, `invite-${m}`)
    const inv = founder('invite.create', { key: inviteKey.publicKey, uses: 1, expires: Number.MAX_SAFE_INTEGER, member: undefined })
    const mid = seededKeyPair(7, `member-${m}`)
    const mdev = seededKeyPair(7, `member-device-${m}`)
    const member = author(mdev)
    member('member.join', {
      member: mid.publicKey, cert: certifyDevice(mid, mdev.publicKey), invite: Buffer.from(inv.id, 'hex'),
      proof: sign(joinProofMessage(cid, inv.id, Buffer.from(mid.publicKey).toString('hex') as never), inviteKey.secretKey),
    })
    member('charter.bind', { client: 2002 + m })
    makers.push(member)
  }
  const clocks = new Map<number, number>()
  for (let i = 0; i < n; i++) {
    const w = who(i)
    const client = w < 0 ? CLIENT : 2002 + w
    const e = edits(i, client, clocks.get(client) ?? 0)
    ;(w < 0 ? founder : (makers[w] as Make))('charter.edit', { update: e.update })
    clocks.set(client, (clocks.get(client) ?? 0) + e.length)
  }
  return ops
}

/** Honest fragmented edits: `per` one-character inserts at random places per transaction, as Yjs encodes them. */
function fragmented(n: number, per: number, within?: [number, number]): { update: Uint8Array; length: number }[] {
  const doc = new Y.Doc()
  doc.clientID = 0
  doc.getText('draft').insert(0, CHARTER)
  doc.clientID = CLIENT
  let seed = 42
  const rand = (k: number): number => ((seed = (seed * 48271) % 2147483647) % k)
  const out: { update: Uint8Array; length: number }[] = []
  let inside = 0
  for (let i = 0; i < n; i++) {
    const parts: Uint8Array[] = []
    const on = (u: Uint8Array): void => void parts.push(u)
    doc.on('update', on)
    doc.transact(() => {
      const t = doc.getText('draft')
      for (let k = 0; k < per; k++) {
        t.insert(within ? within[0] + rand(inside + 1) : rand(t.length + 1), 'y')
        inside++
      }
    })
    doc.off('update', on)
    out.push({ update: Y.mergeUpdates(parts), length: per })
  }
  return out
}

const rows: string[] = []
const row = (name: string, value: number, unit: string, baseline: string, base: number): void => {
  const line = `  ${name}: ${value.toFixed(1)} ${unit}  (baseline ${baseline}: ${base.toFixed(1)}; ratio ${(value / base).toFixed(2)})`
  rows.push(line)
  console.log(line)
}

async function importTime(ops: AnyOp[]): Promise<{ ms: number; applied: number; rejected: number }> {
  const node = await PolityNode.open({ dataDir: join(mkdtempSync(join(tmpdir(), 'polity-draft-bench-')), 'data'), kdfLogN: 10 })
  await node.createIdentity({ passphrase: 'draft bench passphrase' })
  const t = performance.now()
  const r = await node.importBundle({ bytes: encodeBundle(ops.map((o) => o.bytes)) })
  const ms = performance.now() - t
  await node.close()
  return { ms, applied: r.applied, rejected: r.rejected }
}

console.log('Draft edit costs (Node', process.version, gc ? 'with --expose-gc)' : 'without --expose-gc: heap figures are rough)')
// 1. 300 edits of ~60 KB, by 20 members (15 each: CHARTER-Y8 allows a device 2^20 characters).
const big = 'x'.repeat(60_000)
const MEMBERS = 20
const byMember = (i: number): number => i % MEMBERS
let tail: [number, number] = [0, CHARTER.length - 1]
const valid = community(300, (_i, client, clock) => {
  // Each appended at the end of the text as it stands: what an honest client writes.
  const u = update(client, clock, [{ origin: tail, text: big }])
  tail = [client, clock + big.length - 1]
  return { update: u, length: big.length }
}, MEMBERS, byMember)
const missing = community(300, (_i, client, clock) => ({ update: update(client, clock, [{ origin: [0, CHARTER.length + 1000], text: big }]), length: big.length }), MEMBERS, byMember)
const ok = await importTime(valid)
const refused = await importTime(missing)
console.log(`  (valid: ${ok.applied} of ${valid.length} ops applied; missing origin: ${refused.applied} applied, ${refused.rejected} refused)`)
row('import 300 × 60 KB edits, first origin missing (refused, CHARTER-Y6)', refused.ms, 'ms', 'the same edits with valid origins', ok.ms)
{
  // What the fold did before: every such update applied to Yjs, its structs kept pending and re-merged with each next one.
  const seedDoc = new Y.Doc()
  seedDoc.clientID = 0
  seedDoc.getText('draft').insert(0, CHARTER)
  const edits = (ops: AnyOp[]): Uint8Array[] => ops.filter((o) => o.kind === 'charter.edit').map((o) => (o as AnyOp & { body: { update: Uint8Array } }).body.update)
  const raw = (updates: Uint8Array[]): { ms: number; applied: number; error?: string } => {
    const doc = new Y.Doc({ gc: false })
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(seedDoc))
    const t = performance.now()
    let applied = 0
    try {
      for (const u of updates) {
        Y.applyUpdate(doc, u)
        applied++
      }
    } catch (e) {
      return { ms: performance.now() - t, applied, error: (e as Error).message }
    }
    return { ms: performance.now() - t, applied }
  }
  for (const n of [150, 300]) {
    const bad = raw(edits(missing).slice(0, n))
    const good = raw(edits(valid).slice(0, n))
    console.log(`  (raw Yjs, ${n} missing-origin updates: ${bad.applied} applied${bad.error ? `, then threw: ${bad.error}` : ''})`)
    row(`raw Yjs fold of ${n} missing-origin edits (the old path)`, bad.ms, 'ms', `raw Yjs fold of ${n} valid edits`, good.ms)
  }
}

// 2. Heap and time per edit at the CHARTER-Y7 bound.
function foldCost(ops: AnyOp[]): { heapPerOp: number; msPerOp: number } {
  const r = new Replica({ crypto, keepEnvelopes: false })
  for (const op of ops.slice(0, 2)) r.receive(op)
  const before = heap()
  const t = performance.now()
  for (const op of ops.slice(2)) {
    const res = r.receive(op)
    if (res.status !== 'applied') throw new Error(`not applied: ${JSON.stringify(res)}`)
  }
  const ms = performance.now() - t
  r.state()
  const after = heap()
  const n = ops.length - 2
  ;(globalThis as { keep?: unknown }).keep = r
  return { heapPerOp: (after - before) / n / 1024, msPerOp: ms / n }
}
const N = 60
// 512 one-character inserts at random places in one transaction: 512 structs, each splitting an item.
const frag = fragmented(N, 512)
const atBound = community(N, (i) => frag[i] as Edit)
// Baseline: one 60 KB struct per edit, each appended at the end of the text (four members take turns: CHARTER-Y8).
let end: [number, number] = [0, CHARTER.length - 1]
const oneStruct = community(N, (_i, client, clock) => {
  const u = update(client, clock, [{ origin: end, text: big }])
  end = [client, clock + big.length - 1]
  return { update: u, length: big.length }
}, 4, (i) => i % 4)
const a = foldCost(atBound)
const b = foldCost(oneStruct)
const firstEdit = (ops: AnyOp[]): number => ops.find((o) => o.kind === 'charter.edit')?.bytes.length ?? 0
console.log(`  (envelope bytes per edit: ${firstEdit(atBound)} at the bound, ${firstEdit(oneStruct)} for one 60 KB struct)`)
row('heap per edit at the CHARTER-Y7 bound (512 one-character structs)', a.heapPerOp, 'KiB', 'one 60 KB struct', b.heapPerOp)
row('fold time per edit at the CHARTER-Y7 bound', a.msPerOp, 'ms', 'one 60 KB struct', b.msPerOp)

// 3. CHARTER-F4: another member's 512 structs, each placed between (0, 0) and (0, 1) as if made before the 1,024
// one-character items the founder put there (in its past, not in its creation state): the most Yjs will scan.
{
  const filler = fragmented(2, 512, [1, 0])
  const spanned = community(3, (i) => i < 2 ? filler[i] as Edit : { update: update(2002, 0, Array.from({ length: 512 }, (): Struct => ({ origin: [0, 0], right: [0, 1], text: 'z' }))), length: 512 }, 1, (i) => (i < 2 ? -1 : 0))
  const adjacent = community(3, (i) => i < 2 ? filler[i] as Edit : { update: update(2002, 0, Array.from({ length: 512 }, (_, k): Struct => ({ origin: k === 0 ? [0, 5] : [2002, k - 1], right: [0, 6], text: 'z' }))), length: 512 }, 1, (i) => (i < 2 ? -1 : 0))
  const time = (ops: AnyOp[]): number => {
    const r = new Replica({ crypto, keepEnvelopes: false })
    for (const op of ops.slice(0, -1)) r.receive(op)
    const t = performance.now()
    const res = r.receive(ops[ops.length - 1] as AnyOp)
    const ms = performance.now() - t
    if (res.status !== 'applied') throw new Error(JSON.stringify(res))
    return ms
  }
  row('fold of one edit whose 512 structs each span 1,024 characters of the past (F4 limit)', time(spanned), 'ms', '512 structs between adjacent neighbours', time(adjacent))
}
