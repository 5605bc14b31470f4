/**
 * Letters of recognition (issue 18): the size of a letter and the time to
 * verify it, for a 10-member and a 10,000-member generated sealed community
 * (generate.ts) that votes to recognize another — more than half of the
 * members vote yes (the generator's rules: quorum 1/10, threshold 1/2), the
 * founder closes, another member builds on the close (LETTER-5). Baselines:
 * the whole community's envelopes (a bundle's payload), and a member's own
 * ingest of the same ops (open with epoch keys, fold). Part of `pnpm bench`;
 * alone: `npx -y pnpm@10 exec tsx test/bench/letter.ts`.
 */
import {
  KeyRing, Replica, boxNonce, createSealedOp, decodeSealedOp, encodeLetter, fromHex, opKeyOf, ownEpoch, verifyLetter, type CommunityId, type KeyPair, type OpId, type SealedOp,
} from '@polity/protocol'
import { createNativeCrypto } from '@polity/node'
import { generateCommunity } from './generate'
import type { RowFn } from './sealed'

export function letterOf(members: number, seed = 2018): { file: Uint8Array; bytes: number; verifyMs: number; exportMs: number; ingestMs: number; bundleBytes: number; ops: number; ok: boolean; problems: string[] } {
  const native = createNativeCrypto()
  const g = generateCommunity({ seed, members, proposals: 1, votesPerProposal: 5, edits: 0, comments: 0 }, native)
  const epoch = g.epochs.at(-1) as { id: OpId; key: Uint8Array }
  const keys = new Map(g.epochs.map((e) => [e.id, e.key] as const))
  const replica = new Replica({ crypto: native, keyRing: new KeyRing(g.agreeKeys.slice(0, 1)) })
  for (const op of g.ops) replica.receive(op.bytes)
  let time = Math.max(...g.ops.map((o) => o.time)) + 1000
  const extra: SealedOp[] = []
  const act = (device: KeyPair, kind: string, body: unknown): SealedOp => {
    const last = replica.lastOf(Buffer.from(device.publicKey).toString('hex') as never)
    const deps = [...new Set([...replica.heads(), ...(last ? [last.op.id] : [])])]
    time += 10
    const op = createSealedOp({ community: g.community, seq: (last?.op.seq ?? 0) + 1, deps, time, kind: kind as never, body: body as never, epoch }, device, native)
    const r = replica.receive(op)
    if (r.status !== 'applied') throw new Error(`${kind}: ${r.status}${r.status === 'rejected' ? ` ${r.error.message}` : ''}`)
    extra.push(op)
    return op
  }
  const other = new Uint8Array(32).fill(0xb0)
  const proposal = act(g.devices[0] as KeyPair, 'proposal.create', {
    title: 'Recognize Harbour Commons', text: '', deadline: time + 10, method: { type: 'yesno', quorum: [1, 10], threshold: [1, 2] },
    action: { type: 'recognize', community: other, name: 'Harbour Commons', statement: 'We recognize Harbour Commons.', census: undefined },
  })
  const yes = Math.floor(members / 2) + 1
  for (let i = 0; i < yes; i++) act(g.devices[i] as KeyPair, 'vote.cast', { proposal: fromHex(proposal.id, 32), ballot: { type: 'yesno', choice: 'yes' } })
  const close = act(g.devices[0] as KeyPair, 'proposal.close', { proposal: fromHex(proposal.id, 32) })
  act(g.devices[1] as KeyPair, 'profile.set', { name: 'Still here' })
  if (!replica.outcomeOf(close.id)?.passed) throw new Error('the recognition did not pass')
  const all = [...g.ops.map((o) => decodeSealedOp(o.bytes, native)), ...extra]
  const opKey = (op: SealedOp): Uint8Array => opKeyOf(keys.get(ownEpoch(op)) as Uint8Array, boxNonce(op.box))
  let t = performance.now()
  const file = encodeLetter({ community: g.community as CommunityId, ops: all, close: close.id, opKeyOf: opKey, fromName: 'Bench' }, native)
  const exportMs = performance.now() - t
  t = performance.now()
  const v = verifyLetter(file, native)
  const verifyMs = performance.now() - t
  t = performance.now()
  const member = new Replica({ crypto: native, keyRing: new KeyRing(g.agreeKeys.slice(0, 1)) })
  for (const op of all) member.receive(op.bytes)
  const ingestMs = performance.now() - t
  return { file, bytes: file.length, verifyMs, exportMs, ingestMs, bundleBytes: all.reduce((n, o) => n + o.bytes.length, 0), ops: all.length, ok: v.ok, problems: v.problems }
}

export function letterRows(row: RowFn, sizes: readonly number[] = [10, 10_000]): void {
  for (const members of sizes) {
    const r = letterOf(members)
    if (!r.ok) throw new Error(`the bench letter does not verify: ${r.problems.join(' ')}`)
    const n = members.toLocaleString('en')
    row(`letter of recognition, ${n}-member community: size`, r.bytes, 'bytes', `all ${r.ops} envelopes of the community`, r.bundleBytes, `${Math.floor(members / 2) + 1} yes votes; export ${r.exportMs.toFixed(0)} ms`)
    row(`letter of recognition, ${n}-member community: verify (no identity)`, r.verifyMs, 'ms', 'a member ingesting the same ops (open with epoch keys, fold)', r.ingestMs)
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  letterRows((name, value, unit, baseline, baselineValue, note) => console.log(`${name}: ${value.toFixed(1)} ${unit} (baseline ${baseline}: ${baselineValue.toFixed(1)}; ratio ${(value / baselineValue).toFixed(3)})${note ? ` — ${note}` : ''}`))
}
