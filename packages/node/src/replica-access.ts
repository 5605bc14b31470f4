/**
 * Every place the node reads a replica past its public commands (receive,
 * roster, state, heads…), named here and nowhere else: the DAG's entries,
 * the governance time floor and the content fold. If the replica's surface
 * narrows, this file is the one that changes.
 */
import type { Ballot, DeviceKey, MemberId, OpId, Replica } from '@polity/protocol'
import type * as Y from 'yjs'

/** An op's height in the DAG (1 for a genesis), if the replica holds it. */
export function heightOf(replica: Replica, id: OpId): number | undefined {
  return replica.entry(id)?.height
}

/** The public key of an `invite.create` the replica holds. */
export function inviteKeyOf(replica: Replica, id: OpId): Uint8Array | undefined {
  const e = replica.entry(id)
  return e && e.op.kind === 'invite.create' ? e.op.body.key : undefined
}

/** An op as the replica holds it (kind and body, no envelope bytes). */
export type HeldOp = NonNullable<ReturnType<Replica['entry']>>['op']

/** A held op by id (a fork's genesis, for FORK-5). */
export function heldOp(replica: Replica, id: OpId): HeldOp | undefined {
  return replica.entry(id)?.op
}

/** This device's latest op in the community: the next one cites it and takes the next seq (DAG-2). */
export function lastOpOf(replica: Replica, device: DeviceKey): { readonly id: OpId; readonly seq: number } | undefined {
  const e = replica.lastOf(device)
  return e ? { id: e.op.id, seq: e.op.seq } : undefined
}

/** Ops in the order the replica took them in (a causal order): ids from position `after`, at most `max`, and how many there are. */
export function heldFrom(replica: Replica, after: number, max: number): { readonly ids: OpId[]; readonly total: number } {
  return { ids: replica.idsFrom(after, max), total: replica.size }
}

/** GOV-4: the time floor of the causal past `deps`. */
export function timeFloorOf(replica: Replica, deps: readonly OpId[]): number {
  return replica.timeFloor(deps)
}

/** The folded charter draft (a Y.Doc the node only reads). */
export function draftDocOf(replica: Replica): Y.Doc {
  return replica.contentFold().draft
}

/** A member's counted ballot on a proposal (VOTE-6), if any. */
export function countedBallotOf(replica: Replica, proposal: OpId, member: MemberId): Ballot | undefined {
  const live = replica.contentFold().proposals.get(proposal)?.votes.get(member)
  return live ? (live.op as { body: { ballot: Ballot } }).body.ballot : undefined
}
