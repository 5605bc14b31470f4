/**
 * The checkpoint's bytes (CHECKPOINT-1): the community state as JSON, with
 * each vote as a tuple [voter index, op id, time, ballot] against one table
 * of voter ids. Votes are ~80% of a large community's state; as objects they
 * repeated five key names and a 64-character member id each (44 MB at 190k
 * votes, read and parsed on every start). A checkpoint is a cache: anything
 * that does not decode is ignored (CHECKPOINT-2).
 */
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
