/**
 * The views and inputs of territory, crowdfunding and the census (issue 17;
 * PLACE-*, FUND-*, CENSUS-* in docs/PROTOCOL.md once built). Amounts of money
 * cross the bridge as decimal strings of integer minor units ("12500" is
 * 125.00 EUR): never floats, never bigint (JSON cannot carry them).
 */
import type { CommunityId, MemberId, OpId } from '@polity/protocol'

export type PlaceKind = 'hub' | 'land' | 'building' | 'office' | 'digital'
export type PlaceStatus = 'proposed' | 'funding' | 'acquired' | 'leased' | 'sold' | 'lost'
/** How exactly every member's device stores a place's location (the author rounds it before signing). */
export type PlacePrecision = 'exact' | 'city' | 'country' | 'hidden'

/** GeoJSON geometry in degrees ([longitude, latitude]); null when the place is hidden. */
export type PlaceGeometry =
  | { readonly type: 'Point'; readonly coordinates: readonly [number, number] }
  | { readonly type: 'Polygon'; readonly coordinates: readonly (readonly (readonly [number, number])[])[] }

export interface PlaceView {
  readonly id: OpId
  readonly name: string
  readonly kind: PlaceKind
  readonly status: PlaceStatus
  readonly precision: PlacePrecision
  readonly geometry: PlaceGeometry | null
  /** Area in whole square metres (0 when not given). */
  readonly areaM2: number
  /** ISO 3166-1 alpha-2 country code, or null (hidden, or not given). */
  readonly country: string | null
  /** SHA-256 digests (hex) of attached documents; the files stay with whoever holds them. */
  readonly docs: readonly string[]
  readonly addedBy: MemberId
  readonly addedAt: number
  /** Which statuses this member may move it to directly now (empty: only by proposal). */
  readonly canMoveTo: readonly PlaceStatus[]
  /** Which statuses this member may propose moving it to (PLACE-7; empty when it may move it directly, or may not propose). */
  readonly canProposeTo: readonly PlaceStatus[]
  /** PLACE-9: passed status proposals that had no effect: at their close the place's status no longer allowed the move. */
  readonly stale: readonly { readonly proposal: OpId; readonly status: PlaceStatus; readonly from: PlaceStatus; readonly time: number }[]
}

export interface Footprint {
  readonly places: number
  readonly areaM2: number
  /** ISO 3166-1 alpha-2 codes, sorted. */
  readonly countries: readonly string[]
  readonly byStatus: Readonly<Record<PlaceStatus, { readonly places: number; readonly areaM2: number }>>
}

export interface PlacesView {
  readonly community: CommunityId
  readonly places: readonly PlaceView[]
  readonly footprint: Footprint
  /** Whether this member may add a place directly (else: by proposal). */
  readonly canAdd: boolean
  /** Whether this member may propose a place or a status change instead (PLACE-7: role ≥ rules.propose). */
  readonly canPropose: boolean
}

export interface PlaceInput {
  readonly community: CommunityId
  readonly name: string
  readonly kind: PlaceKind
  readonly status?: PlaceStatus
  readonly precision: PlacePrecision
  /** Exact geometry; the node rounds it to `precision` before signing (a hidden place stores none). */
  readonly geometry?: PlaceGeometry | null
  readonly areaM2?: number
  readonly country?: string | null
  readonly docs?: readonly string[]
}

export type CampaignGoal =
  | { readonly kind: 'amount'; readonly amount: string; readonly currency: string }
  | { readonly kind: 'participants'; readonly count: number }

export type CampaignModel = 'all-or-nothing' | 'keep'
export type ReceiptStatus = 'fulfilled' | 'partial' | 'refunded'

export interface CampaignSummary {
  readonly id: OpId
  readonly title: string
  readonly goal: CampaignGoal
  readonly model: CampaignModel
  readonly deadline: number
  readonly place: OpId | null
  readonly status: 'open' | 'closed'
  /** Sum of current pledges (minor units, decimal string) and how many members pledge > 0. */
  readonly pledged: string
  readonly pledgers: number
  /** Set once closed: whether the goal was met (all-or-nothing: pledges bind only then). */
  readonly met: boolean | null
}

export interface LedgerRow {
  readonly member: MemberId
  readonly name: string
  /** The member's current pledge (0 = withdrawn). */
  readonly amount: string
  /** Sum of receipts recorded for this pledge (minor units). */
  readonly received: string
  readonly receipts: readonly { readonly status: ReceiptStatus; readonly amount: string; readonly by: MemberId; readonly at: number }[]
}

export interface CampaignDetail extends CampaignSummary {
  readonly text: string
  readonly ledger: readonly LedgerRow[]
  /** This member's current pledge, or null when none. */
  readonly mine: string | null
  readonly canPledge: boolean
  readonly canClose: boolean
  readonly canRecord: boolean
  readonly createdBy: MemberId
  readonly createdAt: number
}

export interface CampaignInput {
  readonly community: CommunityId
  readonly title: string
  readonly text?: string
  readonly goal: CampaignGoal
  readonly model: CampaignModel
  /** Milliseconds since the epoch. */
  readonly deadline: number
  readonly place?: OpId | null
}

export interface CensusPoint {
  /** 'YYYY-MM-DD' (by day) or 'YYYY-MM' (by month), UTC. */
  readonly period: string
  readonly members: number
  readonly joins: number
  readonly leaves: number
  readonly removals: number
}

export interface CensusView {
  readonly community: CommunityId
  readonly members: number
  readonly byDay: readonly CensusPoint[]
  readonly byMonth: readonly CensusPoint[]
  readonly footprint: Footprint
  /** Per ISO 4217 currency: pledged (current pledges of open and met campaigns) and received (receipts). */
  readonly money: readonly { readonly currency: string; readonly pledged: string; readonly received: string }[]
  /** Closed proposals: outcome and turnout (ballots cast / eligible). */
  readonly decisions: readonly { readonly proposal: OpId; readonly closedAt: number; readonly passed: boolean; readonly cast: number; readonly eligible: number }[]
}

/**
 * The methods of territory, crowdfunding and the census. PolityApi extends
 * this interface; every method is listed in API_METHODS like the others.
 */
export interface TerritoryApi {
  placesView(input: { community: CommunityId }): Promise<PlacesView>
  /** Adds a place directly (a member whose role the rules allow), else throws a NotAllowed error that says to propose it. */
  addPlace(input: PlaceInput): Promise<OpId>
  /** Moves a place along its lifecycle (PLACE-*), directly where the rules allow. */
  movePlace(input: { community: CommunityId; place: OpId; status: PlaceStatus }): Promise<void>
  campaignsView(input: { community: CommunityId }): Promise<CampaignSummary[]>
  campaignView(input: { community: CommunityId; campaign: OpId }): Promise<CampaignDetail>
  openCampaign(input: CampaignInput): Promise<OpId>
  /** Makes, raises or lowers this member's pledge; "0" withdraws it. */
  pledge(input: { community: CommunityId; campaign: OpId; amount: string }): Promise<void>
  /** A signed close after the deadline: the outcome is computed exactly from the pledges in its causal past. */
  closeCampaign(input: { community: CommunityId; campaign: OpId }): Promise<void>
  /** A treasurer records what a payment rail did (Polity moves no money). */
  recordReceipt(input: { community: CommunityId; campaign: OpId; member: string; status: ReceiptStatus; amount: string }): Promise<void>
  /** The campaign's ledger as CSV or JSON text. */
  exportLedger(input: { community: CommunityId; campaign: OpId; format: 'csv' | 'json' }): Promise<string>
  censusView(input: { community: CommunityId }): Promise<CensusView>
  /** A public census file (counts, footprint, decisions; member keys, no names or texts), verifiable offline. */
  exportPublicCensus(input: { community: CommunityId }): Promise<Uint8Array>
}
