/**
 * @polity/api — the app API's types, the one way its hosts serve it and its
 * clients call it (serve, createClient: BRIDGE-6), and the wire encoding.
 * No runtime dependencies beyond type imports, so the UI bundle stays small.
 */
export { API_METHODS } from './api'
export type {
  PolityApi, PolityClient, PolityEvent, ApiMethod, IdentityStatus, CreatedIdentity, CommunitySummary,
  CreateCommunityInput, InviteInput, Invite, InviteSummary, AcceptedInvite, ProposalInput, ProposalActionInput, ForkInput,
  DiffHunk, DraftState, ImportResult, DossierReport, PeerStatus, SyncStatus, EpochInfo, WebrtcRoom, EnvelopeBatch,
  ForkLineage, CommunityView, LineageProblem,
  Ballot, CommunityId, CommunityState, Decision, DecisionClass, MemberId, Method, OpId, ProposalAction, Role, Rules, RulesInput,
  MemberView, FormerMemberView, ProposalView, ActionView, Outcome,
} from './api'
export { checkApiInput } from './inputs'
export {
  DEVICE_SETTING_KEYS, DEFAULT_DEVICE_SETTINGS, DEVICE_METHODS, createDeviceClient,
  type DeviceSettings, type DeviceInfo, type PolityDevice, type DeviceTransport,
} from './device'
export { serve } from './serve'
export { createClient, type Invoke, type Subscribe, type PolityTransport } from './client'
export { errorInfo, errorReply, settle, toApiError, unwrapReply, INTERNAL_ERROR_CODE, type ApiReply, type ApiErrorInfo } from './reply'
export { encodeWire, decodeWire, ApiError, type WireRequest, type WireResponse, type WireEvent, type WireMessage } from './wire'
