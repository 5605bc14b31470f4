/**
 * Branded id types. On the wire every id is raw bytes; in the state and the
 * API they are lowercase hex strings, branded so an op id can never be passed
 * where a member id is expected.
 */
export type OpId = string & { readonly __brand: 'OpId' }
export type CommunityId = string & { readonly __brand: 'CommunityId' }
/** A device's ed25519 public key (the `author` of its ops), hex. */
export type DeviceKey = string & { readonly __brand: 'DeviceKey' }
/** A member's identity public key, hex. Shown to people as a did:key. */
export type MemberId = string & { readonly __brand: 'MemberId' }

export type Role = 'founder' | 'steward' | 'member'
export const ROLES: readonly Role[] = ['member', 'steward', 'founder']
/** founder > steward > member */
export const roleRank = (r: Role): number => ROLES.indexOf(r)
