/**
 * Names derived from a community's SECRET (never its public id), so only
 * people holding an invite can find the community's peers or its gossip
 * (NET-2): the DHT rendezvous key and the gossipsub topic.
 */
import { sha256 } from '@noble/hashes/sha2.js'
import { CID } from 'multiformats/cid'
import { create as createDigest } from 'multiformats/hashes/digest'

const enc = new TextEncoder()
const RAW = 0x55
const SHA2_256 = 0x12

function derive(label: string, secret: Uint8Array): Uint8Array {
  const input = new Uint8Array(label.length + secret.length)
  input.set(enc.encode(label), 0)
  input.set(secret, label.length)
  return sha256(input)
}

/** The content id members provide and look up in the DHT to find each other. */
export function rendezvousKey(communitySecret: Uint8Array): CID {
  return CID.createV1(RAW, createDigest(SHA2_256, derive('polity/rendezvous/v1\0', communitySecret)))
}

/** The gossipsub topic of a community. */
export function communityTopic(communitySecret: Uint8Array): string {
  return `/polity/ops/1/${Buffer.from(derive('polity/topic/v1\0', communitySecret)).toString('hex')}`
}
