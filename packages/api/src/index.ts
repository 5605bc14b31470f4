/**
 * @polity/api — the app API's types and the wire encoding its hosts share.
 * No runtime dependencies beyond type imports, so the UI bundle stays small.
 */
export { API_METHODS } from './api'
export type {
  PolityApi, PolityClient, PolityEvent, ApiMethod, IdentityStatus, CreatedIdentity, CommunitySummary,
  CreateCommunityInput, InviteInput, Invite, AcceptedInvite, ProposalInput, ProposalActionInput, ForkInput,
  DiffHunk, DraftState, ImportResult, DossierReport, PeerStatus, SyncStatus, WebrtcRoom, EnvelopeBatch,
  ForkLineage, CommunityView, LineageProblem,
  Ballot, CommunityId, CommunityState, Decision, DecisionClass, MemberId, Method, OpId, ProposalAction, Role, Rules, RulesInput,
  MemberView, FormerMemberView, ProposalView, ActionView, Outcome,
} from './api'
export { checkApiInput } from './inputs'
export { DEVICE_SETTING_KEYS, DEFAULT_DEVICE_SETTINGS, type DeviceSettings, type DeviceInfo, type PolityDevice } from './device'
export { encodeWire, decodeWire, ApiError, type WireRequest, type WireResponse, type WireEvent, type WireMessage } from './wire'
