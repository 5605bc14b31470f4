/**
 * The read-only views a replica gives the code around it, so nothing outside
 * replica.ts holds the Replica itself or reaches into its DAG:
 *
 * - `ReplicaView`: what the fold's parts (Governance, ContentFold, DraftClocks,
 *   ProposalInfo, snapshotOf) read while the replica inserts and folds.
 * - `CausalView`: what reconciliation (packages/sync) reads: heads, held ids,
 *   heights and deps, insertion positions.
 */
import type { MemberId, OpId } from '../op/ids'
import type { DagEntry } from './dag'
import type { RosterState } from './roster'

export interface ReplicaView {
  /** A held op's DAG entry (undefined when not held). */
  entry(id: OpId): DagEntry | undefined
  /** Is `a` in the causal past of `b` (strictly)? */
  isAncestor(a: DagEntry, b: DagEntry): boolean
  /** Every entry in the causal past of `b` with height above `minHeight`. */
  pastAbove(b: DagEntry, minHeight: number): DagEntry[]
  /** The member an op's author acted for (for a join: the joining member). */
  memberOf(entry: DagEntry): MemberId
  /** The roster at the causal past of an op. Valid until the next insert: read it at once. */
  rosterBefore(entry: DagEntry): RosterState
  /** The roster as of every held op. */
  roster(): RosterState
  /** ROSTER-10: is the op concurrent with an effective removal of its member? */
  isCut(entry: DagEntry): boolean
  /** ROSTER-10 counting only removals in `within`'s causal past (or `within` itself). */
  isCutInPastOf(entry: DagEntry, within: DagEntry): boolean
}

/** A held op as reconciliation sees it (a DagEntry is one). */
export interface CausalNode {
  /** Insertion position: ops are inserted in a causal order. */
  readonly index: number
  /** 1 + the highest dep's height (genesis: 1). */
  readonly height: number
  readonly op: { readonly id: OpId; readonly deps: readonly OpId[] }
}

export interface CausalView {
  /** How many ops are held. */
  readonly size: number
  heads(): OpId[]
  has(id: OpId): boolean
  entry(id: OpId): CausalNode | undefined
  /** Ids of held ops by insertion position, from `position`, at most `count`. */
  idsFrom(position: number, count: number): OpId[]
}
