/**
 * The node's side of the browser WebRTC relay (NET-RTC-1..5): the room a
 * member's (or a waiting invitee's) UI joins, the stored envelopes it
 * offers, and the envelopes it hands back, which take the one ingest path
 * (source `relay`) like ops from libp2p.
 */
import { fromHex, type CommunityId } from '@polity/protocol'
import { networkNames } from '@polity/net'
import { StoreCorruptError } from '@polity/store'
import type { EnvelopeBatch, ImportResult, WebrtcRoom } from '@polity/api'
import type { NodeContext } from './context'
import { admissionOf } from './admission'
import type { CommunityRuntime } from './runtimes'
import { InvalidInputError, NotAMemberError } from './errors'
import { stillWaiting } from './ingest'
import { messageOf } from './input-checks'
import { envelopesOf } from './network'
import { heldFrom } from './replica-access'
import { nameSecretOf } from './sealing'
import { decodeUnverified, type UncheckedSealed } from './verify'

/** Envelopes per relay call (NET-RTC-4): bounds one bridge message. */
export const RELAY_BATCH = 1000
const MAX_ERRORS = 10

/**
 * NET-G4: a community this device's member belongs to now, by the current
 * roster, or waits to join with an invite that still admits it. Before the
 * community's ops are here (an invitee waiting, a member's new device
 * fetching) there is nothing to judge and nothing to leak. Holding the secret
 * is not enough once the roster is here: a removed member keeps it.
 */
async function relayable(ctx: NodeContext, c: CommunityId): Promise<CommunityRuntime> {
  ctx.vault.require()
  const rt = await ctx.runtimes.ready(c)
  if (!rt.secret) throw new NotAMemberError()
  const roster = rt.replica.roster()
  // Nothing here yet (a member's new device fetching its community): nothing to judge, nothing to leak.
  if (roster.genesis === null || roster.members.has(ctx.vault.member)) return rt
  const pj = rt.pendingJoin
  if (pj && (admissionOf(roster, { kind: 'invite', key: fromHex(pj.invite, 32) }, ctx.now()) === 'admitted')) return rt
  throw new NotAMemberError()
}

export async function webrtcRoom(ctx: NodeContext, input: { community: CommunityId }): Promise<WebrtcRoom> {
  const rt = await relayable(ctx, input.community)
  // SEAL-5: the room of the current epoch (the one an invite link named, for a waiting invitee): it moves at each re-key.
  const epochSecret = nameSecretOf(rt)
  const names = networkNames(epochSecret ? { communitySecret: rt.secret as Uint8Array, epochSecret } : { communitySecret: rt.secret as Uint8Array })
  return { ...names.webrtc, signaling: [...(ctx.options.signaling ?? [])] }
}

export async function envelopesSince(ctx: NodeContext, input: { community: CommunityId; after: number }): Promise<EnvelopeBatch> {
  const rt = await relayable(ctx, input.community)
  const after = input.after
  if (!Number.isSafeInteger(after) || after < 0) throw new InvalidInputError('"after" must be a position returned by an earlier call (a whole number, 0 or more).')
  // An op applies to the replica before it is stored (INGEST-1): read after the community's turn, so every held op is stored.
  await rt.applying
  const { ids, total } = heldFrom(rt.replica, after, RELAY_BATCH)
  return {
    ids,
    envelopes: (await envelopesOf(ctx.store, ids)).map((b) => {
      if (!b) throw new StoreCorruptError('a held op is missing from the store')
      return b
    }),
    next: Math.min(total, after + ids.length),
    done: after + ids.length >= total,
  }
}

export async function importEnvelopes(ctx: NodeContext, input: { community: CommunityId; envelopes: Uint8Array[] }): Promise<ImportResult> {
  const rt = await relayable(ctx, input.community)
  if (!Array.isArray(input.envelopes) || input.envelopes.length > RELAY_BATCH) {
    throw new InvalidInputError(`Send 0 to ${RELAY_BATCH} envelopes per call.`)
  }
  const ops: UncheckedSealed[] = []
  const errors: string[] = []
  const report = (m: string): void => {
    if (errors.length < MAX_ERRORS) errors.push(m)
  }
  let rejected = 0
  input.envelopes.forEach((bytes, i) => {
    try {
      if (!(bytes instanceof Uint8Array)) throw new InvalidInputError('not bytes')
      const u = decodeUnverified(bytes, ctx.crypto)
      if (u.op.community !== rt.id) throw new InvalidInputError('the op belongs to another community')
      ops.push(u)
    } catch (e) {
      rejected++
      report(`Envelope #${i + 1}: ${messageOf(e)}`)
    }
  })
  const wasPending = rt.pendingJoin !== undefined
  const r = await ctx.ingest.receive(rt, ops, 'relay')
  rejected += r.rejected.length
  for (const m of r.rejected) report(m)
  if (r.joinError !== undefined) report(r.joinError)
  if (wasPending && rt.pendingJoin === undefined) ctx.emit({ type: 'communities' })
  return { applied: r.applied.length, duplicates: r.duplicates, rejected, pending: stillWaiting(rt, r.waiting), dropped: r.dropped, communities: [rt.id], errors }
}
