/**
 * Joining that never fails silently (JOIN-1..3) and linking a second device
 * (DEVLINK-1..6 in docs/PROTOCOL.md): what a waiting join is stuck on, how
 * to cancel it, and the one-time link a device shows so another device of
 * the same member receives the identity without typing the phrase.
 */
import type { CommunityId } from '@polity/protocol'

/**
 * JOIN-1: a join this device has not finished. `state`: `waiting` (the
 * invite is not used yet: the community's ops have not arrived) or
 * `unconfirmed` (joined here; no member's device has received the join yet).
 * `reason`: why it is stuck, from what the network and sync said.
 */
export interface JoinProgress {
  readonly state: 'waiting' | 'unconfirmed'
  readonly reason: JoinStuckReason
  /** When this device last tried to reach a member (ms), or null. */
  readonly lastTry: number | null
}

export type JoinStuckReason =
  /** The network is off on this device. */
  | 'offline'
  /** Trying to reach the members now. */
  | 'connecting'
  /** No member's device could be reached at the link's addresses (nor found by rendezvous). */
  | 'unreachable'
  /** Members' devices were reached, but none accepted the invite (used up, revoked, expired, or for another community). */
  | 'refused'
  /** The community's ops say the invite is used up, revoked or expired. */
  | 'invite-used' | 'invite-revoked' | 'invite-expired'
  /** Joined here; the join is on its way to a member. */
  | 'sending'

/** DEVLINK-1: a one-time link another device of this member opens to receive the identity. */
export interface DeviceLinkOffer {
  readonly link: string
  /** When the link stops working (ms since 1970). */
  readonly expires: number
}

/** The methods of joining and device linking; PolityApi extends this interface. */
export interface JoiningApi {
  /** JOIN-2: give up a join that is not finished (waiting or unconfirmed): the community is forgotten on this device. */
  cancelJoin(input: { community: CommunityId }): Promise<void>
  /** DEVLINK-1: this (unlocked) device offers its identity to another device of the same member, once, for a few minutes. */
  offerDeviceLink(): Promise<DeviceLinkOffer>
  /** DEVLINK-1: stop offering (the link stops working at once). */
  cancelDeviceLink(): Promise<void>
  /** DEVLINK-2: a device without an identity takes the identity another device offers, and seals it under `passphrase`. */
  acceptDeviceLink(input: { link: string; passphrase: string }): Promise<void>
}

export const JOINING_METHODS = ['cancelJoin', 'offerDeviceLink', 'cancelDeviceLink', 'acceptDeviceLink'] as const
