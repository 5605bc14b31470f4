/**
 * Listing and revoking invites (NET-G5): what the roster holds of each
 * invite — uses left, expiry, creator, revoked or contested — and
 * `invite.revoke`, checked here against ROSTER-4 (its creator, or a steward
 * or founder) before it is signed. A revocation stops joins with the link,
 * concurrent ones included (ROSTER-16), and the network cuts off peers that
 * proved with it (NET-G2).
 */
import { fromHex, roleRank, type CommunityId, type OpId } from '@polity/protocol'
import type { InviteSummary } from '@polity/api'
import type { NodeContext } from './context'
import { author } from './author'
import { InvalidInputError, RefusedError } from './errors'
import { getCommunity } from './views'
import { heightOf } from './replica-access'
import { rekeyAfterDeparture } from './epoch-commands'

const inviteRef = (id: unknown): OpId => {
  if (typeof id !== 'string' || !/^[0-9a-f]{64}$/.test(id)) throw new InvalidInputError('That is not an invite id.')
  return id as OpId
}

export async function listInvites(ctx: NodeContext, input: { community: CommunityId }): Promise<InviteSummary[]> {
  const rt = await ctx.runtimes.joined(input.community, ctx.vault.member)
  const view = await getCommunity(ctx, input)
  const me = view.members.find((m) => m.id === ctx.vault.member)
  const steward = me !== undefined && roleRank(me.role) >= roleRank('steward')
  const names = new Map<string, string | null>([...view.former.map((m) => [m.id, m.name] as const), ...view.members.map((m) => [m.id, m.name] as const)])
  const now = ctx.now()
  return view.invites
    .map((i): InviteSummary => {
      const state = i.revoked ? 'revoked' : i.contested.length > 0 ? 'contested' : i.used >= i.uses ? 'used' : i.expires < now ? 'expired' : 'open'
      return {
        id: i.id, creator: i.creator, creatorName: names.get(i.creator) ?? null, uses: i.uses, used: i.used, usesLeft: Math.max(0, i.uses - i.used),
        expires: i.expires, revoked: i.revoked, contested: i.contested.length, member: i.member, state,
        canRevoke: !i.revoked && me !== undefined && (steward || i.creator === me.id),
      }
    })
    .sort((a, b) => (heightOf(rt.replica, b.id) ?? 0) - (heightOf(rt.replica, a.id) ?? 0) || (a.id < b.id ? -1 : 1))
}

export async function revokeInvite(ctx: NodeContext, input: { community: CommunityId; invite: OpId }): Promise<void> {
  const id = inviteRef(input.invite)
  const rt = await ctx.runtimes.joined(input.community, ctx.vault.member)
  const roster = rt.replica.roster()
  const inv = roster.invites.get(id)
  if (!inv) throw new InvalidInputError('This community has no such invite.')
  if (inv.revoked) throw new InvalidInputError('This invite is already revoked.')
  const me = roster.members.get(ctx.vault.member)
  if (!me || (inv.creator !== me.id && roleRank(me.role) < roleRank('steward'))) {
    throw new RefusedError('Only the invite\'s creator, a steward or a founder can revoke it (rule ROSTER-4).')
  }
  await author(ctx, rt, 'invite.revoke', { invite: fromHex(id, 32) })
  // EPOCH-3: the link's holder cannot read what comes next.
  await rekeyAfterDeparture(ctx, rt)
}
