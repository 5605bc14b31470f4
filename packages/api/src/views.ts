/**
 * The views screens fetch (VIEW-1..4 in docs/PROTOCOL.md): each a page of
 * what one screen shows, computed by the node from the fold, so a screen
 * never needs the whole CommunityState and never re-derives a rule. Lists
 * are paged (at most MAX_PAGE rows a call).
 */
import type {
  Activity, CommunityId, HomeSummary, MemberId, OpId, Page, ProposalFilter, ProposalRow, ProposalView, RosterRow, VoteRow,
} from '@polity/protocol'

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
export type ProposalsPage = Page<ProposalRow> & { readonly open: number; readonly decided: number }

/** VIEW-2: active members by seniority; `query` matches a name or did:key (contains) or a hex id (prefix). */
export type RosterInput = PageInput & { readonly query?: string }
export interface RosterPage extends Page<RosterRow> {
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

/** VIEW-4: the home screen. */
export type HomeView = HomeSummary
