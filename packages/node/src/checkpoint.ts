/**
 * The checkpoint's bytes (CHECKPOINT-1): the community state as JSON, with
 * each vote as a tuple [voter index, op id, time, ballot] against one table
 * of voter ids. Votes are ~80% of a large community's state; as objects they
 * repeated five key names and a 64-character member id each (44 MB at 190k
 * votes, read and parsed on every start). A checkpoint is a cache: anything
 * that does not decode is ignored (CHECKPOINT-2).
 *
 * On disk the bytes are sealed under the node's data key (CHECKPOINT-3):
 * `nonce(12) ‖ ChaCha20-Poly1305(dataKey, nonce, json, aad = "polity/checkpoint/v1\0" ‖ community)`.
 * node:crypto's native ChaCha20 keeps a 30 MB checkpoint's cost to tens of
 * milliseconds; a random 96-bit nonce is safe for the few thousand
 * checkpoints one data key will ever seal.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import type { CommunityState } from '@polity/protocol'

/** 3: invites carry `member` and `contested` (ROSTER-3, ROSTER-13); an older checkpoint is ignored and replayed. */
const FORMAT = 3

type Vote = CommunityState['proposals'][number]['votes'][number]
type PackedVote = [number, Vote['op'], number, Vote['ballot']]

interface Packed {
  readonly format: typeof FORMAT
  readonly voters: string[]
  readonly state: Omit<CommunityState, 'proposals'> & { proposals: (Omit<CommunityState['proposals'][number], 'votes'> & { votes: PackedVote[] })[] }
}

export function encodeCheckpointState(state: CommunityState): Uint8Array {
  const voters: string[] = []
  const index = new Map<string, number>()
  const proposals = state.proposals.map((p) => ({
    ...p,
    votes: p.votes.map((v): PackedVote => {
      let i = index.get(v.member)
      if (i === undefined) {
        i = voters.length
        voters.push(v.member)
        index.set(v.member, i)
      }
      return [i, v.op, v.time, v.ballot]
    }),
  }))
  const packed: Packed = { format: FORMAT, voters, state: { ...state, proposals } }
  return new TextEncoder().encode(JSON.stringify(packed))
}

/** The state, or undefined when the bytes are not a checkpoint of this format. */
export function decodeCheckpointState(bytes: Uint8Array): CommunityState | undefined {
  let packed: Packed
  try {
    packed = JSON.parse(new TextDecoder().decode(bytes)) as Packed
  } catch {
    return undefined
  }
  if (packed === null || typeof packed !== 'object' || packed.format !== FORMAT || !Array.isArray(packed.voters) || !Array.isArray(packed.state?.proposals)) return undefined
  const { voters } = packed
  for (const p of packed.state.proposals) {
    if (!Array.isArray(p.votes)) return undefined
    const votes: Vote[] = p.votes.map(([i, op, time, ballot]) => ({ member: voters[i] as Vote['member'], ballot, op, time }))
    ;(p as unknown as { votes: Vote[] }).votes = votes
  }
  return packed.state as unknown as CommunityState
}

const SEAL_INFO = 'polity/checkpoint/v1\0'
const NONCE = 12
const TAG = 16

function aadOf(community: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from(SEAL_INFO, 'utf8'), community])
}

/** CHECKPOINT-3: the checkpoint bytes sealed under the data key, bound to their community. */
export function sealCheckpoint(dataKey: Uint8Array, community: Uint8Array, plain: Uint8Array): Uint8Array {
  const nonce = randomBytes(NONCE)
  const c = createCipheriv('chacha20-poly1305', dataKey, nonce, { authTagLength: TAG })
  c.setAAD(aadOf(community), { plaintextLength: plain.length })
  const body = Buffer.concat([c.update(plain), c.final()])
  return new Uint8Array(Buffer.concat([nonce, body, c.getAuthTag()]))
}

/** The plain checkpoint bytes, or undefined when they do not open (damaged, another key, another community). */
export function openCheckpoint(dataKey: Uint8Array, community: Uint8Array, sealed: Uint8Array): Uint8Array | undefined {
  if (sealed.length < NONCE + TAG) return undefined
  try {
    const d = createDecipheriv('chacha20-poly1305', dataKey, sealed.subarray(0, NONCE), { authTagLength: TAG })
    d.setAAD(aadOf(community), { plaintextLength: sealed.length - NONCE - TAG })
    d.setAuthTag(sealed.subarray(sealed.length - TAG))
    const plain = Buffer.concat([d.update(sealed.subarray(NONCE, sealed.length - TAG)), d.final()])
    return new Uint8Array(plain.buffer, plain.byteOffset, plain.length)
  } catch {
    return undefined
  }
}
