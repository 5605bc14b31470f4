/**
 * The API's epoch commands (§18): what the community's key epoch is now
 * (`epochInfo`), re-keying on demand (`rekey`, EPOCH-5 says who may), and
 * the re-key that follows a departure this device made (a removal, a
 * revocation: EPOCH-3), so the departed cannot read what comes next.
 */
import type { CommunityId } from '@polity/protocol'
import type { EpochInfo } from '@polity/api'
import type { NodeContext } from './context'
import type { CommunityRuntime } from './runtimes'
import { rekey } from './author'
import { RefusedError } from './errors'
import { canRekey, epochInfoOf } from './sealing'

export async function epochInfo(ctx: NodeContext, input: { community: CommunityId }): Promise<EpochInfo> {
  const rt = await ctx.runtimes.joined(input.community, ctx.vault.member)
  return epochInfoOf(ctx, rt)
}

export async function rekeyCommunity(ctx: NodeContext, input: { community: CommunityId }): Promise<EpochInfo> {
  const rt = await ctx.runtimes.joined(input.community, ctx.vault.member)
  if (!canRekey(ctx, rt)) {
    const rules = rt.replica.roster().rules
    throw new RefusedError(`Re-keying when no one has left needs the ${rules?.remove ?? 'steward'} role (rule EPOCH-5).`)
  }
  await rekey(ctx, rt)
  return epochInfoOf(ctx, rt)
}

/** EPOCH-3: after a departure made here, re-key at once (while still a member who may). */
export async function rekeyAfterDeparture(ctx: NodeContext, rt: CommunityRuntime): Promise<void> {
  if (!rt.replica.roster().members.has(ctx.vault.member) || !canRekey(ctx, rt)) return
  const view = rt.replica.sealedView()
  const heads = rt.replica.heads()
  if (view && view.live(heads).every((e) => view.isDue(e, heads))) await rekey(ctx, rt)
}
