/**
 * What an author in a sealed community reads from its replica before it
 * seals an op (EPOCH-2..7): which epoch to seal under, whether a re-key is
 * due and who may make it, and whom a re-key or a grant must reach.
 */
import { equalBytes } from '../encoding/bytes'
import type { MemberId, OpId } from '../op/ids'
import { DEPARTURES, type Epochs } from './epochs'
import type { PendingBuffer } from './pending'
import type { RosterState } from './roster'

export interface SealedView {
  /**
   * The epoch an honest author seals an op of this kind under at these deps
   * (the newest usable one, EPOCH-2/3; departures may use a due one); undefined: re-key first.
   */
  epochFor(deps: readonly OpId[], kind?: string): OpId | undefined
  /** EPOCH-1: the live epochs at these deps, oldest first. */
  live(deps: readonly OpId[]): OpId[]
  /** EPOCH-3: is this live epoch due for a re-key at these deps? */
  isDue(epoch: OpId, deps: readonly OpId[]): boolean
  /** EPOCH-5: may any member re-key at these deps? */
  anyoneMayRekey(deps: readonly OpId[]): boolean
  /** EPOCH-7: the agree keys a re-key or grant with these deps and this time must reach. */
  recipients(deps: readonly OpId[], time: number): Uint8Array[]
  /** SEAL-3: an epoch's commitment, once its creating op is held. */
  commitOf(epoch: OpId): Uint8Array | undefined
  /** KEY-5: epochs whose keys held-back ops wait for (ask a steward to re-key or grant). */
  missingKeys(): OpId[]
  /** EPOCH-12: the recipients at these deps that no held op wraps this epoch's key to. */
  lacking(epoch: OpId, deps: readonly OpId[], time: number): Uint8Array[]
  /** EPOCH-12: how many held ops wrap this epoch's key to this agree key (0: none). */
  wrapsTo(epoch: OpId, agree: Uint8Array): number
  /** KEY-3, KEY-6: is this agree key one of the member's at these deps (their admission's, or one a grant published)? */
  isAgreeOf(member: MemberId, agree: Uint8Array, deps: readonly OpId[]): boolean
  /** KEY-6: is this member at these deps without any agree key (admitted by proposal, none published)? */
  lacksAgreeKey(member: MemberId, deps: readonly OpId[]): boolean
}

export function sealedViewOf(
  epochs: Epochs,
  pending: PendingBuffer,
  rosterAt: (deps: readonly OpId[]) => RosterState,
  timeWitnessed: (deps: readonly OpId[], creator: MemberId) => number,
): SealedView {
  const ctxAt = (deps: readonly OpId[]): { roster: RosterState; timeWitnessedFor: (m: MemberId) => number } => ({ roster: rosterAt(deps), timeWitnessedFor: (m) => timeWitnessed(deps, m) })
  return {
    epochFor: (deps, kind) => epochs.usable(epochs.pastOf(deps), kind !== undefined && DEPARTURES.has(kind)).at(-1),
    live: (deps) => epochs.live(epochs.pastOf(deps)),
    isDue: (e, deps) => epochs.isDue(e, epochs.pastOf(deps)),
    anyoneMayRekey: (deps) => epochs.anyoneMayRekey(epochs.pastOf(deps)),
    recipients: (deps, time) => [...epochs.recipients(undefined, ctxAt(deps), time, epochs.pastOf(deps)).values()],
    commitOf: (e) => epochs.commitOf(e),
    missingKeys: () => pending.missingKeys(),
    lacking: (e, deps, time) => epochs.lacking(e, epochs.pastOf(deps), ctxAt(deps), time),
    wrapsTo: (e, agree) => epochs.wrapsTo(e, agree),
    isAgreeOf: (member, agree, deps) => epochs.agreeKeysOf(member, ctxAt(deps).roster, epochs.pastOf(deps)).some((a) => equalBytes(a, agree)),
    lacksAgreeKey: (member, deps) => {
      const roster = ctxAt(deps).roster
      return roster.members.has(member) && epochs.agreeKeysOf(member, roster, epochs.pastOf(deps)).length === 0
    },
  }
}
