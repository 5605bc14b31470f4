/**
 * The app API: every command and subscription a member's UI, the CLI and
 * scripts use. One typed interface, three hosts (in-process for the CLI,
 * Electron IPC, the browser-mode WebSocket bridge). Everything here is plain
 * data that survives structured clone and our JSON bridge encoding (bytes
 * travel as Uint8Array). No private key ever crosses this boundary; the
 * recovery phrase is returned once, at creation, for the member to write down.
 */
import type {
  Ballot, CommunityId, CommunityState, Decision, LineageProblem, DecisionClass, MemberId, Method, OpId, ProposalAction, Role, Rules,
} from '@polity/protocol'

export type { Ballot, CommunityId, CommunityState, Decision, LineageProblem, DecisionClass, MemberId, Method, OpId, ProposalAction, Role, Rules }

/** Rules to found a community with: any field left out takes DEFAULT_RULES' value, per decision class and per field. */
export type RulesInput = Partial<Omit<Rules, 'decisions'>> & {
  readonly decisions?: { readonly [K in DecisionClass]?: Partial<Decision> }
}
import type { ChangedPart, CharterView, HomeView, ProposalDetail, ProposalsInput, ProposalsPage, RosterInput, RosterPage, VotesInput } from './views'
import type { PlaceInput, PlaceStatus, TerritoryApi } from './territory'
import type { Page, VoteRow } from '@polity/protocol'
import { RELATIONS_METHODS, type RelationsApi } from './relations'
import { JOINING_METHODS, type JoiningApi, type JoinProgress } from './joining'
import type { DiffHunk, TextDiff, DraftState, ImportResult, DossierReport, PeerStatus, EpochInfo, SyncStatus, WebrtcRoom, EnvelopeBatch } from './records'
export type { DiffHunk, TextDiff, DraftState, ImportResult, DossierReport, PeerStatus, EpochInfo, SyncStatus, WebrtcRoom, EnvelopeBatch } from './records'
export type {
  MemberView, FormerMemberView, ProposalView, ActionView, Outcome,
} from '@polity/protocol'

export interface IdentityStatus {
  /** `none`: no identity yet; `locked`: keystore present, passphrase needed. */
  readonly state: 'none' | 'locked' | 'unlocked'
  readonly member?: MemberId
  readonly did?: string
  readonly deviceKey?: string
}

export interface CreatedIdentity {
  readonly did: string
  readonly member: MemberId
  /** 24 words. Shown once; the node never returns it again. */
  readonly recoveryPhrase: string
}

/**
 * A fork's lineage as this device can tell it (FORK-5): whether the parent's
 * ops held here prove what the fork's genesis claims (FORK-2..4).
 */
export interface ForkLineage {
  /** The community the fork's genesis names as its parent: a claim unless `status` is 'verified'. */
  readonly parent: CommunityId
  /** The parent's name, when this device holds the parent. */
  readonly parentName: string | null
  /** The parent's ratified charter version the fork says it starts from. */
  readonly version: number
  /**
   * `verified`: the parent's ops here prove the claim. `unchecked`: it cannot
   * be checked yet (see `unchecked`). `false`: the parent's ops here contradict
   * it (see `problems`); such a fork is never presented as a fork of its parent.
   */
  readonly status: 'verified' | 'unchecked' | 'false'
  /**
   * Why it is unchecked: this device does not hold the parent; it holds the
   * parent but not every op the fork cites (`missingHeads` of them); or it is
   * still loading the communities. Null unless unchecked.
   */
  readonly unchecked: 'parent-not-held' | 'parent-ops-missing' | 'loading' | null
  readonly missingHeads: number
  /** What the claim gets wrong (FORK-2..4); empty unless false. */
  readonly problems: readonly LineageProblem[]
}

/** A community's state as the API shows it: `parent` only when the lineage is verified; the claim is in `lineage`. */
export type CommunityView = CommunityState & {
  /** Present for a fork only. */
  readonly lineage?: ForkLineage
}

export interface CommunitySummary {
  readonly id: CommunityId
  readonly name: string
  readonly purpose: string
  readonly memberCount: number
  /** The local member's role, or null when not (or no longer) a member. */
  readonly role: Role | null
  readonly openProposals: number
  readonly opCount: number
  /** The parent community, only when the fork's lineage is verified (FORK-5). */
  readonly parent: CommunityId | null
  /** For a fork: its lineage as this device can tell it (verified, unchecked or false); null otherwise. */
  readonly lineage: ForkLineage | null
  /** Waiting to receive the community's ops before the invite can be used. */
  readonly pendingJoin: boolean
  /** JOIN-1: a join not finished here (waiting, or not yet received by a member) and why it is stuck; absent otherwise. */
  readonly join?: JoinProgress
  /**
   * Set when loading or folding this community failed (CHARTER-F5): what
   * failed, in words. The node keeps serving it and every other community.
   */
  readonly error?: string
}

export interface CreateCommunityInput {
  readonly name: string
  readonly purpose: string
  readonly charter: string
  readonly rules?: RulesInput
  readonly founderName?: string
}

export interface InviteInput {
  /** How many people may join with it (default 1). */
  readonly uses?: number
  /** Hours until it expires (default 168 = one week). */
  readonly expiresInHours?: number
  /**
   * Bind the invite to one member (their did:key or hex id): only they can join with it, so a
   * leaked link gives nothing (ROSTER-3). Use it when you know the invitee's key, e.g. to invite
   * again someone whose join was contested.
   */
  readonly member?: string
}

export interface Invite {
  /** `polity://join?...` — carries the invite secret and the community secret; share it privately. */
  readonly link: string
  readonly expires: number
  readonly uses: number
}

/**
 * An invite as the roster holds it (ROSTER-3..5, 13, 16), for listing and
 * revoking (NET-G5). `state`: `open` (can still admit someone), `used` (no
 * uses left), `expired`, `revoked`, or `contested` (a join beyond its uses
 * closed it).
 */
export interface InviteSummary {
  readonly id: OpId
  readonly creator: string
  /** The creator's profile name, when they set one. */
  readonly creatorName: string | null
  readonly uses: number
  readonly used: number
  readonly usesLeft: number
  readonly expires: number
  readonly revoked: boolean
  /** Joins voided as contested (ROSTER-13). */
  readonly contested: number
  /** The only member who may join with it (ROSTER-3), or null. */
  readonly member: string | null
  readonly state: 'open' | 'used' | 'expired' | 'revoked' | 'contested'
  /** Whether this device's member may revoke it (its creator, or a steward or founder: ROSTER-4), and it is not revoked yet. */
  readonly canRevoke: boolean
}

export interface AcceptedInvite {
  readonly community: CommunityId
  /** `joined`, or `waiting` until the community's ops arrive (sync or bundle). */
  readonly status: 'joined' | 'waiting'
}

export interface ProposalInput {
  readonly title: string
  readonly text: string
  readonly action: ProposalActionInput
  readonly method: Method
  /**
   * Hours until the advisory deadline (default: the voting period the rules
   * set for the action's class). Fewer hours than that period are refused
   * (GOV-3), as are a quorum or threshold below the rules' (GOV-2).
   */
  readonly deadlineInHours?: number
}

/** A proposal action with member ids as hex (the API never takes raw key bytes). */
export type ProposalActionInput =
  | { readonly type: 'resolution' }
  | { readonly type: 'amend'; readonly charter: string }
  | { readonly type: 'admit'; readonly member: MemberId | string }
  | { readonly type: 'remove'; readonly member: MemberId | string }
  | { readonly type: 'role'; readonly member: MemberId | string; readonly role: Role }
  | { readonly type: 'rules'; readonly rules: Rules }
  /** REL-1: `community` and `census` as hex. */
  | { readonly type: 'recognize'; readonly community: CommunityId | string; readonly name: string; readonly statement: string; readonly census?: string }
  | { readonly type: 'unrecognize'; readonly community: CommunityId | string }
  /** PLACE-7: a place by decision, the fields of `addPlace` (the node rounds the geometry to the precision, PLACE-3). */
  | ({ readonly type: 'place' } & Omit<PlaceInput, 'community'>)
  /** PLACE-7: a place's status by decision. */
  | { readonly type: 'placeStatus'; readonly place: OpId | string; readonly status: PlaceStatus }

export interface ForkInput {
  readonly name: string
  readonly purpose?: string
  /** Ratified charter version of the parent to start from. */
  readonly version: number
}

export type ProgressTask = 'replay' | 'import' | 'unlock' | 'identity' | 'sync'

export type PolityEvent =
  | { readonly type: 'identity'; readonly status: IdentityStatus }
  | { readonly type: 'communities' }
  /**
   * New ops applied (BRIDGE-8): `parts` names what they changed; `proposals`
   * the proposals whose rows changed, or null when too many to list (refetch any).
   */
  | {
    readonly type: 'community'; readonly community: CommunityId; readonly ops: number
    readonly parts: readonly ChangedPart[]; readonly proposals: readonly OpId[] | null
  }
  /** A charter draft edit from another device; `member` is who signed it (null if the device is no longer on the roster). */
  | { readonly type: 'draft'; readonly community: CommunityId; readonly update: Uint8Array; readonly member: MemberId | null }
  | { readonly type: 'sync'; readonly community: CommunityId; readonly status: SyncStatus }
  /**
   * BRIDGE-9: a long task's progress — `replay` (opening a community behind its checkpoint, ops),
   * `import` (a bundle, ops), `unlock` and `identity` (scrypt, per mille), `sync` (a first sync, ops
   * against the peer's own total). Told at the start, at most every 100 ms, and at the end (done = total).
   */
  | { readonly type: 'progress'; readonly community: CommunityId | null; readonly task: ProgressTask; readonly done: number; readonly total: number }
  /**
   * DESK-2: a `polity://join?…` link the operating system handed to the desktop app (a click in a
   * browser or mail, cold start or while running). The UI opens the Join screen with it filled in;
   * nothing joins until the member presses Join. Only the desktop host sends it, never the node.
   */
  | { readonly type: 'deepLink'; readonly url: string }

/** Every command. Each takes one plain-data argument (or none) and returns a Promise. */
export interface PolityApi extends TerritoryApi, RelationsApi, JoiningApi {
  identityStatus(): Promise<IdentityStatus>
  createIdentity(input: { passphrase: string }): Promise<CreatedIdentity>
  restoreIdentity(input: { phrase: string; passphrase: string }): Promise<IdentityStatus>
  unlock(input: { passphrase: string }): Promise<IdentityStatus>
  lock(): Promise<IdentityStatus>
  /** KEYS-5: re-seal the keystore under a new passphrase; a wrong current one changes nothing. */
  changePassphrase(input: { current: string; next: string }): Promise<void>

  listCommunities(): Promise<CommunitySummary[]>
  createCommunity(input: CreateCommunityInput): Promise<CommunityId>
  /** The whole folded state: for scripts and small communities. Screens fetch the paged views below. */
  getCommunity(input: { community: CommunityId }): Promise<CommunityView>
  /** VIEW-4: what the home screen shows. */
  homeView(input: { community: CommunityId }): Promise<HomeView>
  /** VIEW-1: a page of proposals with their tallies and what this member may do with each. */
  proposalsView(input: ProposalsInput): Promise<ProposalsPage>
  /** VIEW-3: one proposal (without its votes) and its row. */
  proposalView(input: { community: CommunityId; proposal: OpId }): Promise<ProposalDetail>
  /** VIEW-3: a page of one proposal's live votes, by member id. */
  votesView(input: VotesInput): Promise<Page<VoteRow>>
  /** EXPORT-1: the roster as CSV or JSON text. */
  exportRoster(input: { community: CommunityId; format: 'csv' | 'json' }): Promise<string>
  /** EXPORT-1..3: a proposal's counted votes as CSV, JSON, or (ranked choice) BLT text. */
  exportVotes(input: { community: CommunityId; proposal: OpId; format: 'csv' | 'json' | 'blt' }): Promise<string>
  /** VIEW-2: a page of the roster, searchable by name or did. */
  rosterView(input: RosterInput): Promise<RosterPage>
  /** VIEW-5: the charter's draft and versions, the rules, the lineage. */
  charterView(input: { community: CommunityId }): Promise<CharterView>
  createInvite(input: { community: CommunityId } & InviteInput): Promise<Invite>
  acceptInvite(input: { link: string; name?: string }): Promise<AcceptedInvite>
  /** The community's invites, newest first (NET-G5). */
  listInvites(input: { community: CommunityId }): Promise<InviteSummary[]>
  /** Sign `invite.revoke` (ROSTER-4): no one joins with it any more, and peers that proved with it are cut off (NET-G2). */
  revokeInvite(input: { community: CommunityId; invite: OpId }): Promise<void>
  forkCommunity(input: { community: CommunityId } & ForkInput): Promise<CommunityId>
  setProfile(input: { community: CommunityId; name: string }): Promise<void>
  leaveCommunity(input: { community: CommunityId }): Promise<void>
  removeMember(input: { community: CommunityId; member: string; reason?: string }): Promise<void>
  changeRole(input: { community: CommunityId; member: string; role: Role }): Promise<void>
  /** The community's key epoch now (§18). */
  epochInfo(input: { community: CommunityId }): Promise<EpochInfo>
  /** EPOCH-4..7: sign a re-key now (a new key to every member and live invite); EPOCH-5 says who may. */
  rekey(input: { community: CommunityId }): Promise<EpochInfo>

  getDraft(input: { community: CommunityId }): Promise<DraftState>
  /** A Yjs update made by the UI's Y.Doc (with the bound clientID); batched into signed ops. */
  editDraft(input: { community: CommunityId; update: Uint8Array }): Promise<void>
  /** Sign any batched draft edits now (the node also does this after a short pause). */
  flushDraft(input: { community: CommunityId }): Promise<void>
  /** Make the draft read `text`, as one edit by this device around the common prefix and suffix (for callers without a Y.Doc, like the CLI); signed at once. */
  setDraftText(input: { community: CommunityId; text: string }): Promise<void>
  /** DIFF-1: what changed between two ratified versions. */
  charterDiff(input: { community: CommunityId; from: number; to: number }): Promise<TextDiff>
  /** DIFF-1: the same bounded line diff of two texts of at most a charter's size each (a draft, an amendment). */
  diffTexts(input: { a: string; b: string }): Promise<TextDiff>

  createProposal(input: { community: CommunityId } & ProposalInput): Promise<OpId>
  vote(input: { community: CommunityId; proposal: OpId; ballot: Ballot }): Promise<void>
  comment(input: { community: CommunityId; proposal: OpId; text: string; replyTo?: OpId }): Promise<void>
  closeProposal(input: { community: CommunityId; proposal: OpId }): Promise<void>
  withdrawProposal(input: { community: CommunityId; proposal: OpId }): Promise<void>
  /** EXTEND-1..3: the author moves their open proposal's deadline `hours` later (from now when it has passed); returns the new deadline. */
  extendProposal(input: { community: CommunityId; proposal: OpId; hours: number }): Promise<number>

  exportBundle(input: { community: CommunityId }): Promise<Uint8Array>
  importBundle(input: { bytes: Uint8Array }): Promise<ImportResult>
  /** A dossier (DOSSIER-3: a deliberate, full disclosure), or with `redacted` the variant without names or texts (DOSSIER-R1). */
  exportDossier(input: { community: CommunityId; redacted?: boolean }): Promise<Uint8Array>
  verifyDossier(input: { bytes: Uint8Array }): Promise<DossierReport>

  syncStatus(input: { community: CommunityId }): Promise<SyncStatus>

  /** The WebRTC relay room for browser-mode UIs (a member or an invitee waiting to join). */
  webrtcRoom(input: { community: CommunityId }): Promise<WebrtcRoom>
  /** Signed envelopes stored after position `after` (0: from the start), at most 1,000 per call. */
  envelopesSince(input: { community: CommunityId; after: number }): Promise<EnvelopeBatch>
  /** Envelopes relayed by a UI: validated exactly like ops from the network; ops of other communities are rejected. */
  importEnvelopes(input: { community: CommunityId; envelopes: Uint8Array[] }): Promise<ImportResult>
}

export type ApiMethod = keyof PolityApi

/** The method names, for hosts that expose one function per call (preload, bridge, CLI). */
export const API_METHODS = [
  'identityStatus', 'createIdentity', 'restoreIdentity', 'unlock', 'lock', 'changePassphrase',
  'listCommunities', 'createCommunity', 'getCommunity', 'homeView', 'proposalsView', 'proposalView', 'votesView', 'exportRoster', 'exportVotes', 'rosterView', 'charterView', 'createInvite', 'acceptInvite', 'listInvites', 'revokeInvite', 'forkCommunity',
  'setProfile', 'leaveCommunity', 'removeMember', 'changeRole', 'epochInfo', 'rekey',
  'getDraft', 'editDraft', 'flushDraft', 'setDraftText', 'charterDiff', 'diffTexts',
  'createProposal', 'vote', 'comment', 'closeProposal', 'withdrawProposal', 'extendProposal',
  'exportBundle', 'importBundle', 'exportDossier', 'verifyDossier',
  'syncStatus', 'webrtcRoom', 'envelopesSince', 'importEnvelopes',
  'placesView', 'addPlace', 'movePlace', 'campaignsView', 'campaignView', 'openCampaign', 'pledge', 'closeCampaign', 'recordReceipt',
  'exportLedger', 'censusView', 'exportPublicCensus',
  ...RELATIONS_METHODS,
  ...JOINING_METHODS,
] as const satisfies readonly ApiMethod[]

/** Compile-time proof that API_METHODS lists every method of PolityApi (a missing one makes this `false`). */
type Unlisted = Exclude<ApiMethod, (typeof API_METHODS)[number]>
export const API_METHODS_COMPLETE: [Unlisted] extends [never] ? true : false = true

/** A host of the API also lets the UI subscribe to events. */
export interface PolityClient extends PolityApi {
  subscribe(listener: (event: PolityEvent) => void): () => void
}
