/**
 * What the node shows of its communities: the list (with each one's role,
 * open proposals, fork lineage and any failure, CHARTER-F5), one community's
 * state (from its checkpoint while it reloads, CHECKPOINT-1), and its sync
 * status.
 */
import type { CommunityState, CommunityId, MemberId, Op } from '@polity/protocol'
import type { CommunitySummary, CommunityView, JoinProgress, SyncStatus } from '@polity/api'
import { joinProgressOf } from './join-status'
import type { NodeContext } from './context'
import type { CommunityRuntime } from './runtimes'
import { InvalidInputError } from './errors'
import { messageOf } from './input-checks'

export function listCommunities(ctx: NodeContext): CommunitySummary[] {
  ctx.vault.require()
  const out: CommunitySummary[] = []
  for (const rt of ctx.runtimes.values()) {
    try {
      out.push(summaryOf(ctx, rt))
    } catch (e) {
      // A community whose state cannot be read is listed with the reason; the others are unaffected.
      rt.failure = `Reading its state failed: ${messageOf(e)}`
      const roster = rt.replica.roster()
      const g = roster.genesis
      out.push({
        id: rt.id, name: g?.name ?? rt.pendingJoin?.communityName ?? '', purpose: g?.purpose ?? '', memberCount: roster.members.size,
        role: roster.members.get(ctx.vault.member)?.role ?? null, openProposals: 0, opCount: rt.replica.size,
        parent: null, lineage: null, pendingJoin: rt.pendingJoin !== undefined, error: rt.failure,
      })
    }
  }
  return out.sort((a, b) => a.name.localeCompare(b.name))
}

/** A community's summary; `error` says what failed while loading or folding it (CHARTER-F5). */
function summaryOf(ctx: NodeContext, rt: CommunityRuntime): CommunitySummary {
  const failed = (): { error?: string } => {
    const fold = rt.loading ? [] : rt.replica.foldErrors()
    const error = rt.failure ?? (fold.length > 0 ? `Folding ${fold.length === 1 ? 'an edit' : `${fold.length} edits`} failed (first: op ${fold[0]?.op}: ${fold[0]?.error})` : undefined)
    return error === undefined ? {} : { error }
  }
  const me = ctx.vault.member
  // FORK-5: a fork is presented as its parent's only when its lineage is verified.
  const lineage = ctx.lineages.of(rt)
  const parent = lineage?.status === 'verified' ? lineage.parent : null
  if (rt.loading && rt.snapshot) {
    const s = rt.snapshot
    return {
      id: rt.id, name: s.name, purpose: s.purpose, memberCount: s.members.length,
      role: s.members.find((m) => m.id === me)?.role ?? null,
      openProposals: s.proposals.filter((p) => p.status === 'open').length, opCount: s.opCount,
      parent, lineage, pendingJoin: false, ...failed(),
    }
  }
  const roster = rt.replica.roster()
  const g = roster.genesis
  const state = g ? rt.replica.state() : undefined
  return {
    id: rt.id,
    name: g?.name ?? rt.pendingJoin?.communityName ?? '',
    purpose: g?.purpose ?? '',
    memberCount: roster.members.size,
    role: roster.members.get(me)?.role ?? null,
    openProposals: state ? state.proposals.filter((p) => p.status === 'open').length : 0,
    opCount: rt.replica.size,
    parent,
    lineage,
    pendingJoin: rt.pendingJoin !== undefined,
    ...joinOf(ctx, rt),
    ...failed(),
  }
}

/** JOIN-1: an unfinished join's progress, when there is one. */
function joinOf(ctx: NodeContext, rt: CommunityRuntime): { join?: JoinProgress } {
  const join = joinProgressOf(ctx, rt)
  return join ? { join } : {}
}

export async function getCommunity(ctx: NodeContext, input: { community: CommunityId }): Promise<CommunityView> {
  ctx.vault.require()
  const pending = ctx.runtimes.runtime(input.community)
  if (pending.loading && pending.snapshot) return view(ctx, pending, pending.snapshot)
  const rt = await ctx.runtimes.ready(input.community)
  if (!rt.replica.roster().genesis) throw new InvalidInputError('This community\'s ops have not arrived yet: sync with a member or import a bundle.')
  return view(ctx, rt, rt.replica.state())
}

/** FORK-5: a fork's state carries its lineage, and names its parent only when that is verified. */
function view(ctx: NodeContext, rt: CommunityRuntime, state: CommunityState): CommunityView {
  const lineage = ctx.lineages.of(rt)
  if (!lineage) return state
  return { ...state, parent: lineage.status === 'verified' ? state.parent : null, lineage }
}

export async function syncStatus(ctx: NodeContext, input: { community: CommunityId }): Promise<SyncStatus> {
  const rt = await ctx.runtimes.ready(input.community)
  const r = rt.replica
  const net = ctx.network.current
  const own = r.size + r.pendingCount() + (net ? r.missing().length : 0)
  // SYNC-10: ops known to exist are at least what any peer said it held (live, from its hello) and, after a completed session, the union.
  const peers = (net?.peerStatus(rt.id) ?? []).map((p) => ({ ...p, member: p.member as MemberId | null, memberName: p.member ? nameOf(rt, p.member as MemberId) : null }))
  const heard = Math.max(0, ...rt.peerTotals.values(), ...peers.map((p) => p.total + p.theyLack))
  const known = Math.max(own, heard)
  if (!net) return { online: false, state: 'offline', connected: 0, peers, received: r.size, known, pendingOps: r.pendingCount() }
  // SYNC-11: one state: the network is on; connected when a device proven for this community is connected now.
  const connected = net.provenPeers(rt.id).length
  return { online: true, state: connected > 0 ? 'connected' : 'searching', connected, peers, received: r.size, known, pendingOps: r.pendingCount() }
}

/** SYNC-10: the name a member goes by here (their profile), or null. */
function nameOf(rt: CommunityRuntime, member: MemberId): string | null {
  const e = rt.replica.contentFold().profiles.get(member)
  return e ? (e.op as Op<'profile.set'>).body.name || null : null
}
