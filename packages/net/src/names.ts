/**
 * Names derived from a community's SECRET (never its public id), so only
 * people holding an invite can find the community's peers or its gossip
 * (NET-2): the DHT rendezvous key and the gossipsub topic. Each name hashes a
 * distinct domain label with the secret, so one name says nothing about the
 * other or about the secret.
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
