/**
 * @polity/api — the app API's types, the one way its hosts serve it and its
 * clients call it (serve, createClient: BRIDGE-6), and the wire encoding.
 * Its only runtime imports are the protocol's small pure helpers (shared.ts),
 * so the UI bundle stays small.
 */
export { API_METHODS } from './api'
export {
  DEFAULT_RULES, DECISION_CLASSES, ROLES, roleRank, decisionClassOf, touchesEntrenched, atLeast,
  parseFraction, formatFraction, percentOf, quorumNeeded, yesNeeded, MAX_DENOMINATOR, RELATIONS_DEFAULTS, TERRITORY_DEFAULTS, type FractionPair,
} from './shared'
export { PAGE_SIZE, MAX_PAGE, CHANGED_PARTS } from './views'
export type {
  Activity, ChangedPart, CharterView, HomeSummary, HomeView, Page, PageInput, ProposalDetail, ProposalFilter, ProposalRow, ProposalsInput, ProposalsPage,
  RosterInput, RosterPage, RosterRow, VoteRow, VotesInput,
} from './views'
export type {
  PolityApi, PolityClient, PolityEvent, ProgressTask, ApiMethod, IdentityStatus, CreatedIdentity, CommunitySummary,
  CreateCommunityInput, InviteInput, Invite, InviteSummary, AcceptedInvite, ProposalInput, ProposalActionInput, ForkInput,
  DiffHunk, TextDiff, DraftState, ImportResult, DossierReport, PeerStatus, SyncStatus, EpochInfo, WebrtcRoom, EnvelopeBatch,
  ForkLineage, CommunityView, LineageProblem,
  Ballot, CommunityId, CommunityState, Decision, DecisionClass, MemberId, Method, OpId, ProposalAction, Role, Rules, RulesInput,
  MemberView, FormerMemberView, ProposalView, ActionView, Outcome,
} from './api'
export { checkApiInput } from './inputs'
export { RELATIONS_METHODS } from './relations'
export { JOINING_METHODS, type JoiningApi, type JoinProgress, type JoinStuckReason, type DeviceLinkOffer } from './joining'
export type {
  RelationsApi, RelationsView, CommunityRelationView, BodyRelationView, BodyStatementView, OurRelation, TheirRelation, RelationTally, LetterReport, StatementReport, OutsideBodyInput,
} from './relations'
export {
  DEVICE_SETTING_KEYS, DEFAULT_DEVICE_SETTINGS, DEVICE_METHODS, createDeviceClient,
  type DeviceSettings, type DeviceInfo, type PolityDevice, type DeviceTransport,
} from './device'
export { serve } from './serve'
export { createClient, type Invoke, type Subscribe, type PolityTransport } from './client'
export { errorInfo, errorReply, settle, toApiError, unwrapReply, INTERNAL_ERROR_CODE, type ApiReply, type ApiErrorInfo } from './reply'
export { encodeWire, decodeWire, ApiError, type WireRequest, type WireResponse, type WireEvent, type WireMessage } from './wire'
export type {
  TerritoryApi, PlaceKind, PlaceStatus, PlacePrecision, PlaceGeometry, PlaceView, Footprint, PlacesView, PlaceInput, CampaignGoal, CampaignModel,
  ReceiptStatus, CampaignSummary, LedgerRow, CampaignDetail, CampaignInput, CensusPoint, CensusView,
} from './territory'
