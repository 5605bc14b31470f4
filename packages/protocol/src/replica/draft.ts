/**
 * Validating untrusted Yjs updates before they can reach the draft
 * (CHARTER-Y1..Y8 in docs/PROTOCOL.md). The bytes are already bounded
 * (64 KiB, ENV-5); `decodeDraftUpdate` reads them with a paired decoder that
 * admits text items only, and everything an update names — its own clock
 * range, the items its structs sit between, the items it deletes — is checked
 * against the draft's state vector at the op's causal past, so validity stays
 * a function of the op and its past (DAG-4). An update that passes can be
 * applied by Yjs without throwing and without leaving anything pending.
 */
import { violation } from './roster-rules'
import { decodeDraftUpdate, type DraftUpdate, type YId } from './yjs-update'

/**
 * Yjs clientID → end of its clock range at some point of the DAG. Negative
 * keys (`unitsKey(client)`) hold how many structs and delete ranges that
 * client has spent (CHARTER-Y8); both only grow along a device's chain, so
 * merging two pasts takes the larger of each.
 */
export type DraftClock = ReadonlyMap<number, number>

export const unitsKey = (client: number): number => -1 - client

/** CHARTER-Y7: structs plus delete ranges in one edit. */
export const MAX_PARTS_PER_EDIT = 512
/** CHARTER-Y7: characters (clock units) one edit may add. */
export const MAX_LENGTH_PER_EDIT = 65_536
/** CHARTER-Y8: characters one Yjs client (one device) may ever add to the draft. */
export const MAX_CLIENT_CLOCK = 1 << 20
/** CHARTER-Y8: structs plus delete ranges one Yjs client may ever spend. */
export const MAX_CLIENT_PARTS = 1 << 15

export const DRAFT_LIMITS = { maxParts: MAX_PARTS_PER_EDIT, maxLength: MAX_LENGTH_PER_EDIT }

export interface DraftEditContext {
  readonly boundClientId: number
  /** The draft clock at the op's causal past (the merge of its deps' clocks). */
  readonly past: DraftClock
}

export interface DraftEditResult {
  readonly update: DraftUpdate
  /** Where the client's clock starts (CHARTER-Y2) and ends after the edit. */
  readonly start: number
  readonly end: number
  /** The client's spent units after the edit (CHARTER-Y8). */
  readonly units: number
}

/** Does the id name an item that exists at the causal past, or that this update wrote before `before`? */
function exists(id: YId, ctx: DraftEditContext, before: number): boolean {
  // The author's own ids below `before` are its earlier edits (below the range's start) or earlier structs here.
  if (id.client === ctx.boundClientId) return id.clock < before
  return id.clock < (ctx.past.get(id.client) ?? 0)
}

/** Validate one draft update at its causal past. */
export function checkDraftEdit(bytes: Uint8Array, ctx: DraftEditContext): DraftEditResult {
  if (bytes.length === 0) violation('CHARTER-Y4', 'an empty update')
  const update = decodeDraftUpdate(bytes, DRAFT_LIMITS)
  const client = ctx.boundClientId
  const start = ctx.past.get(client) ?? 0
  if (update.client !== undefined) {
    if (update.client !== client) violation('CHARTER-Y1', 'a struct carries another client id')
    const first = update.structs[0]
    if (first && first.clock !== start) violation('CHARTER-Y2', `the clock range must start at ${start}, where the client's range ends at the edit's causal past`)
  }
  for (const s of update.structs) {
    // CHARTER-Y6: the neighbours an item is placed between exist at the causal past or earlier in this update.
    if (s.origin && !exists(s.origin, ctx, s.clock)) {
      violation('CHARTER-Y6', s.origin.client === client && s.origin.clock >= s.clock
        ? 'a struct names itself or a later struct as its origin'
        : 'a struct\'s origin does not exist at the edit\'s causal past')
    }
    if (s.rightOrigin && !exists(s.rightOrigin, ctx, s.clock)) {
      violation('CHARTER-Y6', s.rightOrigin.client === client && s.rightOrigin.clock >= s.clock
        ? 'a struct names itself or a later struct as its right origin'
        : 'a struct\'s right origin does not exist at the edit\'s causal past')
    }
  }
  const end = start + update.length
  // CHARTER-Y3: deletions name only items that exist at the op's causal past (or that this update adds).
  for (const d of update.deletes) {
    const known = d.client === client ? end : (ctx.past.get(d.client) ?? 0)
    const last = d.ranges[d.ranges.length - 1] as readonly [number, number]
    if (last[0] + last[1] > known) violation('CHARTER-Y3', 'the update deletes text that does not exist at its causal past')
  }
  // CHARTER-Y8: what one client may make every replica hold, over its lifetime.
  if (end > MAX_CLIENT_CLOCK) violation('CHARTER-Y8', `a device may add at most ${MAX_CLIENT_CLOCK} characters to the draft`)
  const units = (ctx.past.get(unitsKey(client)) ?? 0) + update.parts
  if (units > MAX_CLIENT_PARTS) violation('CHARTER-Y8', `a device may write at most ${MAX_CLIENT_PARTS} structs and delete ranges into the draft`)
  return { update, start, end, units }
}
