/**
 * INGEST-1: the one path every op takes into a community on this node,
 * wherever it comes from — made here (`own`), a peer (`network`: sync
 * sessions and gossip), a bundle file (`bundle`) or a browser's WebRTC relay
 * (`relay`):
 *
 *   decode → verify every owed signature on the pool (verify.ts) → apply in
 *   arrival order per community → store the applied ops (one batch, before
 *   anything is acknowledged, I4) → events, fork lineage → gossip → a pending
 *   join completes if its invite has arrived.
 *
 * The source decides only what happens around that path (the table below):
 * an own op is known to be new (no lookup before the write) and announced on
 * gossip; a small relayed batch is bridged onto gossip; ops from outside may
 * complete this device's pending join. Validity is the replica's alone, so
 * an op gets the same verdict by every route.
 */
import { ProtocolError, type AgreeKeyPair, type AnyOp, type OpId, type SealedOp } from '@polity/protocol'
import type { NodeContext } from './context'
import type { CommunityRuntime } from './runtimes'
import { recordOf, type OpRecord } from './storage'
import { checkSignatures, type Incoming } from './verify'
import { messageOf } from './input-checks'
import { keepKeys } from './sealing'
import { changesOf } from './changes'
import { scheduleGrants } from './grants'

export type OpSource = 'own' | 'network' | 'bundle' | 'relay'
/** What this device makes: one sealed op, or a re-key's parts (in order). */
export type OwnOp = AnyOp | SealedOp | readonly SealedOp[]

interface SourcePolicy {
  /** The ops were made here just now: the store skips its lookup for them. */
  readonly fresh: boolean
  /** Which applied ops are published on the community's gossip topic. */
  readonly publish: 'all' | 'small-batch' | 'none'
  /** Try to complete this device's pending join afterwards (its invite or its member may have arrived). */
  readonly completeJoin: boolean
}

const POLICY: ReadonlyMap<OpSource, SourcePolicy> = new Map<OpSource, SourcePolicy>([
  ['own', { fresh: true, publish: 'all', completeJoin: false }],
  ['network', { fresh: false, publish: 'none', completeJoin: true }],
  ['bundle', { fresh: false, publish: 'none', completeJoin: true }],
  // A large relayed catch-up reaches libp2p peers by reconciliation instead.
  ['relay', { fresh: false, publish: 'small-batch', completeJoin: true }],
])
const SMALL_BATCH = 50

/** Ops per batch: bounds one store write and its memory; a long list checks the next batch while this one folds. */
export const INGEST_CHUNK = 4096

/**
 * What one ingest did. `waiting` holds the ops that went into the replica's
 * buffer of ops whose deps are missing (DAG-5); some of them may apply later
 * in the same import, so callers count what is still waiting at the end
 * (`stillWaiting`). `dropped` counts ops refused because that buffer was full.
 */
export interface IngestResult {
  /** Opened ops (a sealed replica's AnyOp casts), each with its sealed envelope bytes. */
  applied: AnyOp[]
  rejected: string[]
  duplicates: number
  waiting: OpId[]
  dropped: number
  /** Why completing a pending join failed, if it was tried and did. */
  joinError?: string
}

export class Ingest {
  /** `completeJoin`: use a pending invite (or link this device) once its ops are here (joining.ts). */
  constructor(private readonly ctx: NodeContext, private readonly completeJoin: (rt: CommunityRuntime) => Promise<unknown>) {}

  /** Take in ops from outside this device, in batches of INGEST_CHUNK (two in flight). */
  async receive(rt: CommunityRuntime, ops: readonly Incoming[], from: Exclude<OpSource, 'own'>, progress?: (taken: number) => void): Promise<IngestResult> {
    const policy = POLICY.get(from) as SourcePolicy
    const total: IngestResult = { applied: [], rejected: [], duplicates: 0, waiting: [], dropped: 0 }
    const sizes: number[] = []
    const take = (r: IngestResult): void => {
      progress?.(sizes.shift() ?? 0)
      for (const op of r.applied) total.applied.push(op)
      for (const m of r.rejected) total.rejected.push(m)
      total.duplicates += r.duplicates
      for (const id of r.waiting) total.waiting.push(id)
      total.dropped += r.dropped
    }
    const inflight: Promise<IngestResult>[] = []
    for (let i = 0; i < ops.length; i += INGEST_CHUNK) {
      sizes.push(Math.min(INGEST_CHUNK, ops.length - i))
      inflight.push(this.batch(rt, ops.length <= INGEST_CHUNK ? ops : ops.slice(i, i + INGEST_CHUNK), from))
      if (inflight.length >= 2) take(await (inflight.shift() as Promise<IngestResult>))
    }
    for (const p of inflight) take(await p)
    if (policy.completeJoin) {
      await this.completeJoin(rt).catch((e: unknown) => {
        total.joinError = messageOf(e)
      })
    }
    return total
  }

  /**
   * Take in an op this device makes. `make` runs in the community's turn,
   * after every op that arrived before it has applied, so it builds on all
   * of them and two commands never claim the same seq.
   */
  own<T extends OwnOp>(rt: CommunityRuntime, make: () => T): Promise<{ op: T; result: IngestResult }> {
    const run = rt.applying.then(async () => {
      const op = make()
      const list: (AnyOp | SealedOp)[] = Array.isArray(op) ? [...(op as readonly SealedOp[])] : [op as AnyOp | SealedOp]
      return { op, result: await this.apply(rt, list, 'own') }
    })
    rt.applying = run.then(() => undefined, () => undefined)
    return run
  }

  /**
   * KEY-4: hold another agree key (an invite's, from its link), in the
   * community's turn; the ops its keys release are stored like any applied op.
   */
  addAgreeKey(rt: CommunityRuntime, pair: AgreeKeyPair): Promise<number> {
    const run = rt.applying.then(async () => {
      const applied = rt.replica.addAgreeKey(pair)
      await keepKeys(this.ctx, rt)
      if (applied.length === 0) return 0
      await this.ctx.store.putOps(applied.map((a) => recordOf(a.op, a.height)))
      this.afterApplied(rt, applied.map((a) => a.op))
      return applied.length
    })
    rt.applying = run.then(() => undefined, () => undefined)
    return run
  }

  /** One batch: its signatures are checked at once; applying and storing wait for the batches before it. */
  private batch(rt: CommunityRuntime, ops: readonly Incoming[], from: OpSource): Promise<IngestResult> {
    const checked = checkSignatures(this.ctx.crypto, rt, ops)
    const run = rt.applying.then(async () => this.apply(rt, await checked, from))
    rt.applying = run.then(() => undefined, () => undefined)
    return run
  }

  private async apply(rt: CommunityRuntime, ops: readonly (AnyOp | SealedOp | ProtocolError)[], from: OpSource): Promise<IngestResult> {
    const policy = POLICY.get(from) as SourcePolicy
    const r: IngestResult = { applied: [], rejected: [], duplicates: 0, waiting: [], dropped: 0 }
    const records: OpRecord[] = []
    for (const x of ops) {
      if (x instanceof ProtocolError) {
        r.rejected.push(x.message)
        continue
      }
      const v = rt.replica.receive(x)
      // KEY-5: a pending op (waiting for deps or for a key) may still have taught keys that released others: store those.
      if (v.status === 'applied' || v.status === 'pending') {
        for (const a of v.applied ?? []) {
          r.applied.push(a.op)
          // Only the sealed envelope is stored (`bytes`): the store never holds an opened op.
          records.push(recordOf(a.op, a.height))
        }
        if (v.status === 'pending') r.waiting.push(v.id)
      }
      else if (v.status === 'rejected') r.rejected.push(v.error.message)
      else if (v.status === 'duplicate') r.duplicates++
      else r.dropped++
    }
    // KEY-4: keys learnt (a wrap to us, a re-key's chain) are kept in the sealed meta before anything is acknowledged.
    await keepKeys(this.ctx, rt)
    if (r.applied.length === 0) return r
    await this.ctx.store.putOps(records, policy.fresh ? { fresh: true } : {})
    this.afterApplied(rt, r.applied)
    if (policy.publish === 'all' || (policy.publish === 'small-batch' && r.applied.length <= SMALL_BATCH)) {
      for (const op of r.applied) this.ctx.network.publish(rt.id, op.bytes)
    }
    return r
  }

  private afterApplied(rt: CommunityRuntime, ops: readonly AnyOp[]): void {
    const mine = this.ctx.vault.unlocked ? this.ctx.vault.deviceKey : ''
    for (const op of ops) {
      if (op.kind === 'charter.edit' && op.author !== mine) {
        this.ctx.emit({ type: 'draft', community: rt.id, update: op.body.update, member: rt.replica.roster().memberOf(op.author) ?? null })
      }
    }
    this.ctx.emit({ type: 'community', community: rt.id, ops: rt.replica.size, ...changesOf(ops) })
    this.ctx.lineages.refresh(rt.id)
    // NET-G2: a removal, a leave or a revocation cuts the departed peer off before anything later is sent.
    this.ctx.network.rosterChanged(rt.id)
    // EPOCH-12: a join, an invite, a re-key … may leave someone without the current key.
    scheduleGrants(this.ctx, rt, ops)
  }
}

/** How many of these ops are still in the replica's buffer of ops waiting for deps (some applied later in the same import). */
export function stillWaiting(rt: CommunityRuntime, ids: readonly OpId[]): number {
  let n = 0
  for (const id of ids) if (rt.replica.isPending(id)) n++
  return n
}
