/**
 * The views screens fetch (VIEW-1..4 in docs/PROTOCOL.md): each a page of
 * what one screen shows, computed by the node from the fold, so a screen
 * never needs the whole CommunityState and never re-derives a rule. Lists
 * are paged (at most MAX_PAGE rows a call).
 */
import type {
  Activity, CommunityId, CommunityState, HomeSummary, MemberId, OpId, Page, ProposalFilter, ProposalRow, ProposalView, RosterListing, RosterRow, Rules, VoteRow,
} from '@polity/protocol'
import type { ForkLineage } from './api'

export type { Activity, HomeSummary, Page, ProposalFilter, ProposalRow, RosterRow, VoteRow }

/** Rows per page when the caller does not say (VIEW-1: proposals come 50 at a time). */
export const PAGE_SIZE = 50
/** The most rows one call returns. */
export const MAX_PAGE = 200

export interface PageInput {
  readonly community: CommunityId
  /** Rows to skip (default 0). */
  readonly offset?: number
  /** Rows to return (default PAGE_SIZE, at most MAX_PAGE). */
  readonly limit?: number
}

/** VIEW-1: open proposals first, then decided ones (closed or withdrawn), newest first within each. */
export type ProposalsInput = PageInput & { readonly filter?: ProposalFilter }
/**
 * `loading`: the community is reloading behind its checkpoint (CHECKPOINT-1):
 * the page comes from the checkpointed state and nobody may act until it is
 * whole (every `can…` is false); a `community` event naming every part follows.
 */
export type ProposalsPage = Page<ProposalRow> & { readonly open: number; readonly decided: number; readonly loading: boolean }

/** VIEW-2: active members by seniority; `query` matches a name or did:key (contains) or a hex id (prefix). */
export type RosterInput = PageInput & { readonly query?: string }
export interface RosterPage extends RosterListing {
  readonly rules: Rules
  /** As ProposalsPage's. */
  readonly loading: boolean
  /** What the local member may do beyond single rows (their role against the rules). */
  readonly me: {
    readonly member: MemberId | null
    readonly role: RosterRow['role'] | null
    readonly canInvite: boolean
    readonly canPropose: boolean
  }
}

/** VIEW-3: one proposal with its comments and outcome (its votes come paged from votesView) and its row. */
export interface ProposalDetail {
  readonly proposal: Omit<ProposalView, 'votes'>
  readonly row: ProposalRow
}
export type VotesInput = PageInput & { readonly proposal: OpId }

/** VIEW-4: the home screen, with a fork's lineage (FORK-5) as getCommunity gives it. */
export type HomeView = HomeSummary & { readonly lineage: ForkLineage | null; readonly loading: boolean }

/**
 * VIEW-5: the community's charter (the draft and every ratified version, each
 * with its proposal's title), its rules and its lineage: what the charter,
 * fork and new-proposal screens need, without the roster or the proposals.
 */
export interface CharterView {
  readonly community: CommunityId
  readonly name: string
  readonly purpose: string
  readonly rules: Rules
  /** The parent, only when the fork's lineage is verified (FORK-5). */
  readonly parent: CommunityState['parent']
  readonly lineage: ForkLineage | null
  readonly charter: {
    readonly draft: string
    readonly versions: readonly (CommunityState['charter']['versions'][number] & { readonly title: string | null })[]
  }
}

/**
 * BRIDGE-8: what a `community` event says changed, so a screen refetches only
 * its own view: `roster` (members, roles, names, invites), `proposals`
 * (proposals, votes, comments, closes), `charter` (ratified versions, rules),
 * `draft` (the charter draft), `territory` (places, campaigns, pledges,
 * receipts), `relations` (letters, outside bodies, statements, and closes,
 * which may decide a recognition).
 */
export type ChangedPart = 'roster' | 'proposals' | 'charter' | 'draft' | 'territory' | 'relations'
export const CHANGED_PARTS: readonly ChangedPart[] = ['roster', 'proposals', 'charter', 'draft', 'territory', 'relations']
