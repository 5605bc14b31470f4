/**
 * Authoring: an op this device signs, built on top of everything the
 * replica holds and taken in by the one ingest path (`own`), so it is
 * applied, stored, announced and evented exactly like an op from a peer.
 * Every op is sealed (protocol v2, sealing.ts): when the community's epoch
 * is due or several are live, a re-key goes first. A refusal carries the
 * rule it breaks.
 */
import { MAX_DEPS, type AnyOp, type BodyOf, type OpId, type OpKind, type SealedOp } from '@polity/protocol'
import type { NodeContext } from './context'
import type { CommunityRuntime } from './runtimes'
import type { IngestResult, OwnOp } from './ingest'
import { RefusedError } from './errors'
import { humanRule, opFromInput } from './input-checks'
import { lastOpOf, timeFloorOf } from './replica-access'
import { buildRekey, mustRekeyFirst, sealOp } from './sealing'

type NonGenesis = Exclude<OpKind, 'genesis'>

/** This device's next seq and the deps of its next op: its previous op (DAG-2) and the replica's heads. */
export function nextOf(ctx: NodeContext, rt: CommunityRuntime): { seq: number; deps: OpId[] } {
  const last = lastOpOf(rt.replica, ctx.vault.deviceKey)
  const heads = rt.replica.heads()
  return { seq: (last?.seq ?? 0) + 1, deps: [...new Set([...(last ? [last.id] : []), ...heads.slice(-(MAX_DEPS - 1))])] }
}

/**
 * Author one op as this device, read in the community's turn. `body` may
 * depend on the claimed time; a proposal claims at least the time floor of
 * its causal past (GOV-4), so honest clock skew never makes it invalid.
 * A due epoch (or several live ones) is re-keyed first (EPOCH-3).
 */
export async function author<K extends NonGenesis>(
  ctx: NodeContext, rt: CommunityRuntime, kind: K, body: BodyOf<K> | ((time: number) => BodyOf<K>), opts: { proposal?: boolean } = {},
): Promise<AnyOp> {
  ctx.vault.require()
  const { deps } = nextOf(ctx, rt)
  if (mustRekeyFirst(rt, deps, kind)) {
    if (!rt.replica.roster().members.has(ctx.vault.member)) {
      throw new RefusedError('The community was re-keyed after someone left, and this device holds no key of the new epoch yet (rule EPOCH-3): sync with a member first.')
    }
    await rekey(ctx, rt)
  }
  return commitOwn(ctx, rt, () => {
    const { seq, deps: d } = nextOf(ctx, rt)
    const time = opts.proposal ? Math.max(ctx.now(), timeFloorOf(rt.replica, d)) : ctx.now()
    const b = typeof body === 'function' ? body(time) : body
    return opFromInput(() => sealOp(ctx, rt, { seq, deps: d, time, kind, body: b }))
  })
}

/** EPOCH-4..7: re-key now, in the community's turn; returns the parts as applied. */
export async function rekey(ctx: NodeContext, rt: CommunityRuntime): Promise<AnyOp[]> {
  ctx.vault.require()
  const { op, result } = await ctx.ingest.own(rt, () => {
    const { seq, deps } = nextOf(ctx, rt)
    return opFromInput(() => buildRekey(ctx, rt, seq, deps))
  })
  const parts = op as SealedOp[]
  const applied = parts.map((p) => result.applied.find((o) => o.id === p.id))
  if (applied.some((a) => a === undefined)) throw new RefusedError(refusal(result))
  return applied as AnyOp[]
}

/** Take in an op made here (`make` runs in the community's turn); RefusedError if the replica does not apply it. Returns it opened. */
export async function commitOwn(ctx: NodeContext, rt: CommunityRuntime, make: () => OwnOp): Promise<AnyOp> {
  const { op, result } = await ctx.ingest.own(rt, make)
  const id = (op as { id: OpId }).id
  const applied = result.applied.find((o) => o.id === id)
  if (!applied) throw new RefusedError(refusal(result))
  return applied
}

function refusal(r: IngestResult): string {
  if (r.rejected[0] !== undefined) return humanRule(r.rejected[0])
  const status = r.duplicates > 0 ? 'duplicate' : r.waiting.length > 0 ? 'pending' : 'dropped'
  return `The op could not be applied (${status}).`
}
