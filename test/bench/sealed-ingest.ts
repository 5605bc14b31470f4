/**
 * Sealed communities at scale (issue 15), on a bare Replica with native
 * crypto: ingesting the generated community sealed (v2) beside the same
 * community unsealed (v1) — the protocol-level cost of sealing, since a node
 * refuses v1 communities and cannot sync one for a baseline — and the check
 * of a re-key reaching every member (recipient tags, EPOCH-7) beside the
 * author's time to make it. Part of `pnpm bench` (run.ts).
 */
import { KeyRing, Replica, createRekey, toHex, type AnyOp, type OpId } from '@polity/protocol'
import { createNativeCrypto } from '@polity/node'
import { generateCommunity, sizesFor, type GeneratedCommunity } from './generate'
import type { RowFn } from './sealed'

function ingest(ops: readonly AnyOp[], keyRing?: KeyRing): { replica: Replica; ms: number } {
  const replica = new Replica({ crypto: createNativeCrypto(), keepEnvelopes: false, ...(keyRing ? { keyRing } : {}) })
  const t = performance.now()
  for (const op of ops) {
    const r = replica.receive(op.bytes)
    if (r.status !== 'applied') throw new Error(`ingest: ${op.kind} ${r.status}`)
  }
  return { replica, ms: performance.now() - t }
}

/** Returns the replica that ingested the sealed community (with the re-key on top), for the rows that build on it. */
export function sealedIngestRows(row: RowFn, g: GeneratedCommunity, seed: number, total: number): Replica {
  if (!g.sealed) throw new Error('sealedIngestRows needs the sealed community')
  const sealed = ingest(g.ops, new KeyRing(g.agreeKeys.slice(0, 1)))
  const clearMs = ((): number => {
    const v1 = generateCommunity({ seed, ...sizesFor(total), sealed: false })
    if (v1.ops.length !== g.ops.length) throw new Error(`the v1 community has ${v1.ops.length} ops, the sealed one ${g.ops.length}`)
    return ingest(v1.ops).ms
  })()
  row(`replica ingest of the ${g.ops.length}-op community sealed (v2: verify, open, fold; bare Replica, 1 core)`, sealed.ms / 1000, 's', 'the same community unsealed (v1), same Replica — a node refuses v1, so this is the protocol-level ratio', clearMs / 1000)

  // A re-key by the founder's device on top of everything, to every member (EPOCH-4..7), checked by the same replica.
  const r = sealed.replica
  const view = r.sealedView()
  const device = g.devices[0]
  if (!view || !device) throw new Error('no sealed view')
  const last = r.lastOf(toHex(device.publicKey) as never)
  const deps = [...new Set([...r.heads(), ...(last ? [last.op.id] : [])])] as OpId[]
  const time = (last?.op.time ?? 0) + 86_400_000
  const recipients = view.recipients(deps, time)
  if (recipients.length !== g.agreeKeys.length) throw new Error(`recipients: ${recipients.length}, members: ${g.agreeKeys.length}`)
  const supersedes = view.live(deps).map((id) => ({ id, key: r.keyRing.key(id) as Uint8Array }))
  let t = performance.now()
  const { ops } = createRekey({ community: g.community, seq: (last?.op.seq ?? 0) + 1, deps, time, supersedes, recipients }, device, createNativeCrypto())
  const makeMs = performance.now() - t
  t = performance.now()
  // A part may wait for a later one: the replica's own wrap can be in any part (KEY-4).
  for (const op of ops) {
    const res = r.receive(op)
    if (res.status === 'rejected') throw new Error(`re-key part rejected: ${res.error.message}`)
  }
  for (const op of ops) if (!r.has(op.id)) throw new Error(`re-key part ${op.id.slice(0, 12)}… was not applied (still waiting)`)
  const checkMs = performance.now() - t
  row(`replica check of a ${recipients.length.toLocaleString('en')}-member re-key (recipient tags, EPOCH-7; ${ops.length} parts)`, checkMs, 'ms', 'the author making it (native X25519)', makeMs)
  return r
}
