/**
 * Adapter from the fold to the Yjs update validator (CHARTER-Y1..Y4).
 */
import * as Y from 'yjs'
import { violation } from './roster-rules'

/** Yjs clientID → end of clock range known, at some point of the DAG. */
export type DraftClock = ReadonlyMap<number, number>

export interface DraftEditContext {
  readonly boundClientId: number
  readonly expectedClock: number
  readonly stateVector: DraftClock
}

/** Validate one draft update; returns the author's clock end after it. */
export function checkDraftEdit(update: Uint8Array, ctx: DraftEditContext): number {
  let decoded: ReturnType<typeof Y.decodeUpdate>
  try {
    decoded = Y.decodeUpdate(update)
  } catch {
    return violation('CHARTER-Y4', 'the update is not a valid Yjs update')
  }
  let clock = ctx.expectedClock
  for (const s of decoded.structs) {
    if (s.id.client !== ctx.boundClientId) violation('CHARTER-Y1', 'a struct carries another client id')
    if (s.id.clock !== clock) violation('CHARTER-Y2', 'the clock range does not continue the author\'s previous range')
    clock += s.length
  }
  return clock
}
