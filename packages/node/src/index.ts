/**
 * @polity/node — PolityNode: a member's device (keys, durable replicas, the
 * app API). The CLI, the browser-mode bridge and Electron all host it.
 */
export { PolityNode, type PolityNodeOptions } from './node'
export {
  NodeError, NoIdentityError, IdentityExistsError, LockedError, WeakPassphraseError, UnknownCommunityError,
  NotAMemberError, InvalidInputError, InvalidInviteError, RefusedError, InvalidFileError,
} from './errors'
export { createNativeCrypto } from './native-crypto'
export { encodeInviteLink, decodeInviteLink, type InviteLinkData } from './invite-link'
export { encodeDeviceLink, decodeDeviceLink, type DeviceLinkData } from './device-link-code'
export { DEVICE_LINK_MS, DEVICE_LINK_MAX_FAILURES } from './device-link'
export { encodeBundle, decodeBundle } from './bundle'
export type { PolityNetworkInit as NetworkOptions } from '@polity/net'
