/**
 * Authoring: an op this device signs, built on top of everything the
 * replica holds and taken in by the one ingest path (`own`), so it is
 * applied, stored, announced and evented exactly like an op from a peer.
 * A refusal carries the rule it breaks.
 */
import { MAX_DEPS, createOp, type AnyOp, type BodyOf, type OpKind } from '@polity/protocol'
import type { NodeContext } from './context'
import type { CommunityRuntime } from './runtimes'
import type { IngestResult } from './ingest'
import { RefusedError } from './errors'
import { humanRule, opFromInput } from './input-checks'
import { lastOpOf, timeFloorOf } from './replica-access'

type NonGenesis = Exclude<OpKind, 'genesis'>

/**
 * Author one op as this device. Its deps are the device's previous op
 * (DAG-2) and the replica's heads, read in the community's turn. `body` may
 * depend on the claimed time; a proposal claims at least the time floor of
 * its causal past (GOV-4), so honest clock skew never makes it invalid.
 */
export async function author<K extends NonGenesis>(
  ctx: NodeContext, rt: CommunityRuntime, kind: K, body: BodyOf<K> | ((time: number) => BodyOf<K>), opts: { proposal?: boolean } = {},
): Promise<AnyOp> {
  const secrets = ctx.vault.require()
  const device = ctx.vault.deviceKey
  return commitOwn(ctx, rt, () => {
    const last = lastOpOf(rt.replica, device)
    const heads = rt.replica.heads()
    const deps = [...new Set([...(last ? [last.id] : []), ...heads.slice(-(MAX_DEPS - 1))])]
    const time = opts.proposal ? Math.max(ctx.now(), timeFloorOf(rt.replica, deps)) : ctx.now()
    const b = typeof body === 'function' ? body(time) : body
    return opFromInput(() => createOp({ community: rt.id, seq: (last?.seq ?? 0) + 1, deps, time, kind, body: b }, secrets.device, ctx.crypto) as AnyOp)
  })
}

/** Take in an op made here (`make` runs in the community's turn); RefusedError if the replica does not apply it. */
export async function commitOwn(ctx: NodeContext, rt: CommunityRuntime, make: () => AnyOp): Promise<AnyOp> {
  const { op, result } = await ctx.ingest.own(rt, make)
  if (!result.applied.some((o) => o.id === op.id)) throw new RefusedError(refusal(result))
  return op
}

function refusal(r: IngestResult): string {
  if (r.rejected[0] !== undefined) return humanRule(r.rejected[0])
  const status = r.duplicates > 0 ? 'duplicate' : r.waiting.length > 0 ? 'pending' : 'dropped'
  return `The op could not be applied (${status}).`
}
