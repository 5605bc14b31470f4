/**
 * Names derived from a community's SECRET (never its public id), so only
 * people holding an invite can find the community's peers or its gossip
 * (NET-2): the DHT rendezvous key, the gossipsub topic and the WebRTC room.
 * Each name hashes a distinct domain label with the secret, so one name says
 * nothing about the other or about the secret.
 *
 * Every caller takes its names from `networkNames` (NET-G6): protocol v2
 * (SEAL-5) derives them from the current epoch's secret instead, so a
 * removed member stops knowing them; that change lands here alone.
 */
import { sha256 } from '@noble/hashes/sha2.js'
import { bytesToHex } from '@noble/hashes/utils.js'
import { CID } from 'multiformats/cid'
import { create as createDigest } from 'multiformats/hashes/digest'
import { InvalidSecretError } from './errors'

const enc = new TextEncoder()
const RAW = 0x55
const SHA2_256 = 0x12
export const RENDEZVOUS_LABEL = 'polity/rendezvous/v1\0'
export const TOPIC_LABEL = 'polity/topic/v1\0'
export const WEBRTC_ROOM_LABEL = 'polity/webrtc-room/v1\0'
export const WEBRTC_PASSWORD_LABEL = 'polity/webrtc-password/v1\0'

function derive(label: string, secret: Uint8Array): Uint8Array {
  if (!(secret instanceof Uint8Array) || secret.length < 16) throw new InvalidSecretError()
  const l = enc.encode(label)
  const input = new Uint8Array(l.length + secret.length)
  input.set(l, 0)
  input.set(secret, l.length)
  return sha256(input)
}

/** Where a community's network names come from (v1: the community secret; v2, SEAL-5: the current epoch's name secret). */
export interface NameSource {
  readonly communitySecret: Uint8Array
  /**
   * SEAL-5: `epochNameSecret(epoch key)` of the sealed community's current
   * epoch. When given, every name derives from it instead, so the names
   * change at each re-key and a removed member (who kept the community
   * secret) cannot find the swarm.
   */
  readonly epochSecret?: Uint8Array
}

export interface NetworkNames {
  /** The gossipsub topic (NET-3). */
  readonly topic: string
  /** The DHT rendezvous key (NET-2). */
  readonly rendezvous: CID
  /** The y-webrtc room and its signaling password (NET-RTC-1). */
  readonly webrtc: { readonly room: string; readonly password: string }
}

/** Every network name of a community, from one source (NET-G6). Throws InvalidSecretError for a secret under 16 bytes. */
export function networkNames(source: NameSource): NetworkNames {
  const s = source.epochSecret ?? source.communitySecret
  return { topic: communityTopic(s), rendezvous: rendezvousKey(s), webrtc: webrtcRoom(s) }
}

/** The content id members provide and look up in the DHT to find each other. */
export function rendezvousKey(communitySecret: Uint8Array): CID {
  return CID.createV1(RAW, createDigest(SHA2_256, derive(RENDEZVOUS_LABEL, communitySecret)))
}

/** The gossipsub topic of a community. */
export function communityTopic(communitySecret: Uint8Array): string {
  return `/polity/ops/1/${bytesToHex(derive(TOPIC_LABEL, communitySecret))}`
}

/**
 * The y-webrtc room of a community (NET-RTC-1): its name, which the
 * signaling server sees, and the password y-webrtc seals signaling messages
 * with. Both come from the secret; neither reveals it or the public id.
 */
export function webrtcRoom(communitySecret: Uint8Array): { readonly room: string; readonly password: string } {
  return {
    room: `polity-${bytesToHex(derive(WEBRTC_ROOM_LABEL, communitySecret))}`,
    password: bytesToHex(derive(WEBRTC_PASSWORD_LABEL, communitySecret)),
  }
}
