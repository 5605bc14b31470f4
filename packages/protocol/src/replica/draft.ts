/**
 * Validating untrusted Yjs updates before they can reach the draft
 * (CHARTER-Y1..Y4). The bytes are already bounded (64 KiB, ENV-5); decoding
 * is linear in them, and every length the update claims is checked against
 * what exists before anything is applied, so a run-length bomb (a struct or
 * delete range claiming 2^50 items) is refused, not expanded.
 */
import * as Y from 'yjs'
import { violation } from './roster-rules'

/** Yjs clientID → end of the clock range known, at some point of the DAG. */
export type DraftClock = ReadonlyMap<number, number>

export interface DraftEditContext {
  readonly boundClientId: number
  readonly expectedClock: number
  readonly stateVector: DraftClock
}

/** CHARTER-Y4: most items one edit may add (a paste of a long charter fits easily). */
export const MAX_ITEMS_PER_EDIT = 200_000

/** Validate one draft update; returns the author's clock end after it. */
export function checkDraftEdit(update: Uint8Array, ctx: DraftEditContext): number {
  if (update.length === 0) violation('CHARTER-Y4', 'an empty update')
  let decoded: ReturnType<typeof Y.decodeUpdate>
  try {
    decoded = Y.decodeUpdate(update)
  } catch {
    return violation('CHARTER-Y4', 'the update is not a valid Yjs update')
  }
  if (decoded.structs.length === 0 && decoded.ds.clients.size === 0) violation('CHARTER-Y4', 'the update changes nothing')
  let clock = ctx.expectedClock
  let added = 0
  for (const s of decoded.structs) {
    if (s.id.client !== ctx.boundClientId) violation('CHARTER-Y1', 'a struct carries another client id')
    if (s.id.clock !== clock) violation('CHARTER-Y2', 'the clock range does not continue the author\'s previous range')
    if (!Number.isSafeInteger(s.length) || s.length < 1) violation('CHARTER-Y4', 'a struct has an impossible length')
    added += s.length
    if (added > MAX_ITEMS_PER_EDIT) violation('CHARTER-Y4', `an edit may add at most ${MAX_ITEMS_PER_EDIT} items`)
    clock += s.length
  }
  // CHARTER-Y3: deletions name only items that exist at the op's causal past (or that this update adds).
  for (const [client, ranges] of decoded.ds.clients) {
    const known = client === ctx.boundClientId ? clock : (ctx.stateVector.get(client) ?? 0)
    for (const r of ranges) {
      if (!Number.isSafeInteger(r.clock) || !Number.isSafeInteger(r.len) || r.len < 1 || r.clock + r.len > known) {
        violation('CHARTER-Y3', 'the update deletes text that does not exist at its causal past')
      }
    }
  }
  return clock
}
