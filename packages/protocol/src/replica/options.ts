/**
 * What a Replica is given (options, limits) and what `receive` answers.
 */
import type { ProtocolError } from '../errors'
import type { AnyOp, CryptoSuite } from '../op/envelope'
import type { CommunityId, OpId } from '../op/ids'
import type { KeyRing } from '../op/keyring'

export interface ReplicaLimits {
  /** Ops waiting for missing deps (DAG-5). */
  maxPendingOps: number
  maxPendingBytes: number
  /** Rejected ops kept as evidence. */
  maxEvidence: number
}

export const DEFAULT_LIMITS: ReplicaLimits = {
  maxPendingOps: 20_000,
  maxPendingBytes: 64 * 1024 * 1024,
  maxEvidence: 1000,
}

export interface ReplicaOptions {
  /** The community this replica holds. Without it, the first genesis received decides. */
  community?: CommunityId
  crypto?: CryptoSuite
  limits?: Partial<ReplicaLimits>
  /**
   * Keep every inserted op's envelope bytes in memory (default true). A node
   * that stores envelopes on disk passes false and reads them from its store
   * when a peer asks: at 200k ops the bytes and their wrappers are ~130 MB.
   */
  keepEnvelopes?: boolean
  /** A sealed (v2) community (ENV2-8); undefined: the genesis decides. */
  sealed?: boolean
  /** The epoch keys of this member (KEY-4); a sealed replica makes an empty one when absent. */
  keyRing?: KeyRing
}

/** An op the replica applied, with its height (what a store records beside the envelope). */
export interface AppliedOp {
  readonly op: AnyOp
  readonly height: number
}

export type ReceiveResult =
  /** `applied`: this op first, then every pending op it released, each with its envelope bytes and height. */
  | { status: 'applied'; id: OpId; height: number; applied: AppliedOp[] }
  | { status: 'duplicate'; id: OpId }
  /** Sealed communities: `applied` lists ops that keys this op taught released (KEY-5). */
  | { status: 'pending'; id: OpId; missing: OpId[]; applied?: AppliedOp[] }
  | { status: 'dropped'; id: OpId; reason: string }
  | { status: 'rejected'; id?: OpId; error: ProtocolError }
