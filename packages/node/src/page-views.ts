/**
 * The views screens fetch (VIEW-1..4): each one page of what a screen shows,
 * read from the replica's Listing (packages/protocol, replica/listing.ts), so
 * no call builds or ships the whole CommunityState. Offsets, limits, filters
 * and queries are checked here; a bad one is an InvalidInputError. While a
 * community reloads behind its checkpoint, the pages come from the
 * checkpointed state instead (snapshot-views.ts).
 */
import type { CommunityId, CommunityState, MemberId, OpId, Page, Rules, VoteRow } from '@polity/protocol'
import { charterFrom, homeFrom, proposalFrom, proposalsFrom, rosterFrom, votesFrom } from './snapshot-views'
import { MAX_PAGE, PAGE_SIZE, type CharterView, type HomeView, type ProposalDetail, type ProposalsInput, type ProposalsPage, type RosterInput, type RosterPage, type VotesInput } from '@polity/api'
import type { NodeContext } from './context'
import type { CommunityRuntime } from './runtimes'
import { InvalidInputError } from './errors'

const FILTERS = new Set(['all', 'open', 'decided'])
/** The longest roster search (a did:key is 56 characters). */
const MAX_QUERY = 200

function paging(input: { offset?: unknown; limit?: unknown }): { offset: number; limit: number } {
  const offset = input.offset ?? 0
  const limit = input.limit ?? PAGE_SIZE
  if (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0) throw new InvalidInputError('The offset must be a whole number, 0 or more.')
  if (typeof limit !== 'number' || !Number.isSafeInteger(limit) || limit < 1 || limit > MAX_PAGE) throw new InvalidInputError(`The limit must be a whole number from 1 to ${MAX_PAGE}.`)
  return { offset, limit }
}

function proposalId(v: unknown): OpId {
  if (typeof v !== 'string' || !/^[0-9a-f]{64}$/.test(v)) throw new InvalidInputError('The proposal must be an op id (64 hex digits).')
  return v as OpId
}

/** While the community reloads behind its checkpoint (CHECKPOINT-1): the checkpointed state; else undefined. */
function reloading(ctx: NodeContext, community: CommunityId): { state: CommunityState; rt: CommunityRuntime } | undefined {
  ctx.vault.require()
  const rt = ctx.runtimes.runtime(community)
  return rt.loading && rt.snapshot ? { state: rt.snapshot, rt } : undefined
}

/** The community's runtime once it is whole and founded here. */
async function founded(ctx: NodeContext, community: CommunityId): Promise<CommunityRuntime> {
  ctx.vault.require()
  const rt = await ctx.runtimes.ready(community)
  if (!rt.replica.roster().genesis) throw new InvalidInputError('This community\'s ops have not arrived yet: sync with a member or import a bundle.')
  return rt
}

function me(ctx: NodeContext): MemberId {
  ctx.vault.require()
  return ctx.vault.member
}

export async function homeView(ctx: NodeContext, input: { community: CommunityId }): Promise<HomeView> {
  const r = reloading(ctx, input.community)
  if (r) return homeFrom(r.state, me(ctx), ctx.lineages.of(r.rt) ?? null)
  const rt = await founded(ctx, input.community)
  return { ...rt.replica.listing().home(me(ctx)), lineage: ctx.lineages.of(rt) ?? null, loading: false }
}

export async function charterView(ctx: NodeContext, input: { community: CommunityId }): Promise<CharterView> {
  const r = reloading(ctx, input.community)
  if (r) return charterFrom(r.state, ctx.lineages.of(r.rt) ?? null)
  const rt = await founded(ctx, input.community)
  const roster = rt.replica.roster()
  const g = roster.genesis as NonNullable<typeof roster.genesis>
  const listing = rt.replica.listing()
  const lineage = ctx.lineages.of(rt) ?? null
  const parent = g.parent && lineage?.status === 'verified'
    ? { community: g.parent.community, heads: [...g.parent.heads], version: g.parent.version, charterHash: g.parent.charterHash }
    : null
  return {
    community: rt.id, name: g.name, purpose: g.purpose, rules: roster.rules as Rules, parent, lineage,
    charter: {
      draft: rt.replica.contentFold().draftText(),
      versions: roster.charterVersions.map((v) => ({ ...v, title: v.proposal === null ? null : listing.proposalTitle(v.proposal) })),
    },
  }
}

export async function proposalsView(ctx: NodeContext, input: ProposalsInput): Promise<ProposalsPage> {
  const { offset, limit } = paging(input)
  const filter = input.filter ?? 'all'
  if (!FILTERS.has(filter)) throw new InvalidInputError('The filter must be all, open or decided.')
  const r = reloading(ctx, input.community)
  if (r) return proposalsFrom(r.state, { offset, limit, filter, me: me(ctx) })
  const rt = await founded(ctx, input.community)
  return { ...rt.replica.listing().proposals({ offset, limit, filter, me: me(ctx), now: Date.now() }), loading: false }
}

export async function proposalView(ctx: NodeContext, input: { community: CommunityId; proposal: OpId }): Promise<ProposalDetail> {
  const id = proposalId(input.proposal)
  const r = reloading(ctx, input.community)
  const found = r ? proposalFrom(r.state, id, me(ctx)) : (await founded(ctx, input.community)).replica.listing().proposal(id, me(ctx), Date.now())
  if (!found) throw new InvalidInputError(`This device holds no proposal ${id.slice(0, 12)}… in this community.`)
  return 'view' in found ? { proposal: found.view, row: found.row } : found
}

export async function votesView(ctx: NodeContext, input: VotesInput): Promise<Page<VoteRow>> {
  const { offset, limit } = paging(input)
  const id = proposalId(input.proposal)
  const r = reloading(ctx, input.community)
  const page = r ? votesFrom(r.state, id, offset, limit) : (await founded(ctx, input.community)).replica.listing().votes(id, offset, limit)
  if (!page) throw new InvalidInputError(`This device holds no proposal ${id.slice(0, 12)}… in this community.`)
  return page
}

export async function rosterView(ctx: NodeContext, input: RosterInput): Promise<RosterPage> {
  const { offset, limit } = paging(input)
  const query = input.query ?? ''
  if (typeof query !== 'string' || query.length > MAX_QUERY) throw new InvalidInputError(`The search must be text of at most ${MAX_QUERY} characters.`)
  const member = me(ctx)
  const r = reloading(ctx, input.community)
  if (r) return rosterFrom(r.state, { offset, limit, query, me: member })
  const rt = await founded(ctx, input.community)
  const page = rt.replica.listing().roster({ offset, limit, query, me: member })
  const roster = rt.replica.roster()
  const mine = roster.members.get(member)
  const rules = roster.rules
  return {
    ...page,
    rules: rules as Rules,
    loading: false,
    me: {
      member: mine ? member : null,
      role: mine?.role ?? null,
      // ROSTER-2, PROP-1: the rules' roles for inviting and proposing.
      canInvite: rules !== null && roster.hasRole(mine, rules.invite),
      canPropose: rules !== null && roster.hasRole(mine, rules.propose),
    },
  }
}
