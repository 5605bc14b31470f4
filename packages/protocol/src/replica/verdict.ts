import type { RuleViolation } from '../errors'
import type { DeviceKey, MemberId, OpId } from '../op/ids'
import type { Frontier } from './frontier'

/** What a replica decided about an op from its causal past alone (never changes later). */
export interface Verdict {
  /** The member the authoring device acted for (for a join: the joining member). */
  readonly member: MemberId
  /** Roster frontier of the op's causal past. */
  readonly frontier: Frontier
  /** Ordinal among roster ops, or -1. */
  readonly rosterOrdinal: number
}

export interface Rejection {
  readonly id: string
  readonly error: RuleViolation
}

/** EQUIV-1: one device signed different ops with the same seq. */
export interface ForkProof {
  readonly device: DeviceKey
  readonly seq: number
  readonly ops: readonly OpId[]
}
