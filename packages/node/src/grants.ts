/**
 * Key grants written by the node (EPOCH-12, KEY-6 in docs/PROTOCOL.md §18).
 *
 * A member who holds the current epoch's key and sees a recipient (EPOCH-7)
 * that no held op wraps that key to — a member who joined by invite (the
 * invite was wrapped to, not their own agree key: their new or restored
 * device could read nothing), an invite made concurrently with a re-key —
 * or a member's device that asked for the key in a sync session (SYNC-9: a
 * wrap that did not open, EPOCH-10; a member admitted by proposal with no
 * agree key, whose certified key the grant publishes, KEY-6) signs one
 * `epoch.grant` wrapping the key to all of them.
 *
 * So that not every member grants at once: a joiner grants to itself at
 * once (it holds the key from its invite); anyone else waits
 * `first + rank × step`, rank being its place among the members ordered by
 * SHA-256(epoch ‖ member) (at most 16 steps), and checks again before
 * signing: a grant that arrived meanwhile leaves nothing lacking. One grant
 * holds at most MAX_WRAPS recipients and MAX_ANNOUNCED published keys; the
 * grant's own arrival schedules the next check.
 */
import { sha256 } from '@noble/hashes/sha2.js'
import {
  MAX_ANNOUNCED, MAX_WRAPS, certifyAgreeKey, concatBytes, fromHex, toHex, verifyAgreeCert,
  type AnyOp, type MemberId, type OpId,
} from '@polity/protocol'
import type { NodeContext } from './context'
import type { CommunityRuntime } from './runtimes'
import { commitOwn, nextOf } from './author'
import { sealOp } from './sealing'

/** Kinds whose arrival may leave someone lacking a key, or supply it. */
const TRIGGERS = new Set(['genesis', 'member.join', 'fork.join', 'invite.create', 'epoch.rekey', 'epoch.grant', 'proposal.close', 'device.link'])
const MAX_RANK = 16
/** At most this many key requests are held per community (SYNC-9); the oldest goes first. */
const MAX_REQUESTS = 256
/** SYNC-9: a member's requests are taken at most once in this long (a device asks in every session until the grant reaches it). */
const REQUEST_EVERY_MS = 10 * 60_000
export const DEFAULT_GRANT_DELAY = { first: 2_000, step: 4_000 } as const

/** A member's device asked for the current key (SYNC-9): what it asked with, and what we had seen then. */
export interface KeyRequest {
  readonly agree: Uint8Array
  readonly cert: Uint8Array
  /** The current epoch here when it asked, and how many held ops wrapped it to `agree` then. */
  readonly epoch: OpId | undefined
  readonly wraps: number
}

interface GrantPlan {
  readonly epoch: OpId
  readonly wrapTo: Uint8Array[]
  readonly agrees: { member: Uint8Array; agree: Uint8Array; agreeCert: Uint8Array }[]
}

/** The epoch a grant would name now: the one usable epoch at the heads, if this device holds its key. */
function grantEpoch(ctx: NodeContext, rt: CommunityRuntime): OpId | undefined {
  const view = rt.replica.sealedView()
  if (!view || !ctx.vault.unlocked || !rt.replica.roster().members.has(ctx.vault.member)) return undefined
  const heads = rt.replica.heads()
  // Several live epochs, or a due one: a re-key comes first (EPOCH-3, EPOCH-5), and it reaches everyone.
  if (view.live(heads).length !== 1) return undefined
  const epoch = view.epochFor(heads, 'epoch.grant')
  return epoch && rt.replica.keyRing.has(epoch) ? epoch : undefined
}

/** What a grant at the heads would hold now; undefined when no one lacks the key or this device cannot grant. */
export function grantPlan(ctx: NodeContext, rt: CommunityRuntime): GrantPlan | undefined {
  const epoch = grantEpoch(ctx, rt)
  if (!epoch) return undefined
  const view = rt.replica.sealedView()
  if (!view) return undefined
  const heads = rt.replica.heads()
  const roster = rt.replica.roster()
  const wrap = new Map<string, Uint8Array>()
  for (const a of view.lacking(epoch, heads, ctx.now())) wrap.set(toHex(a), a)
  const agrees: GrantPlan['agrees'] = []
  for (const [m, r] of rt.keyRequests) {
    if (!roster.members.has(m) || (r.epoch !== undefined && r.epoch !== epoch)) {
      rt.keyRequests.delete(m) // departed, or a re-key since has wrapped to them (they ask again if it did not open)
      continue
    }
    if (view.lacksAgreeKey(m, heads)) {
      if (agrees.length < MAX_ANNOUNCED) agrees.push({ member: fromHex(m, 32), agree: r.agree, agreeCert: r.cert })
      wrap.set(toHex(r.agree), r.agree)
    } else if (!view.isAgreeOf(m, r.agree, heads) || view.wrapsTo(epoch, r.agree) > r.wraps) {
      rt.keyRequests.delete(m) // not their key, or granted since
    } else wrap.set(toHex(r.agree), r.agree)
  }
  if (wrap.size === 0) return undefined
  return { epoch, wrapTo: [...wrap.values()].slice(0, MAX_WRAPS), agrees }
}

/** EPOCH-12: this device's wait before granting: none for a joiner granting to itself, else by its rank. */
export function grantDelay(ctx: NodeContext, rt: CommunityRuntime, plan: GrantPlan): number {
  const { first, step } = ctx.options.grantDelayMs ?? DEFAULT_GRANT_DELAY
  const mine = toHex(ctx.vault.agreeKey.publicKey)
  if (plan.wrapTo.some((a) => toHex(a) === mine)) return 0
  const e = fromHex(plan.epoch, 32)
  const score = (m: string): string => toHex(sha256(concatBytes(e, fromHex(m, 32))))
  const me = score(ctx.vault.member)
  let rank = 0
  for (const m of rt.replica.roster().members.keys()) if (m !== ctx.vault.member && score(m) < me) rank++
  return first + Math.min(rank, MAX_RANK) * step
}

/** After ops applied (or a key request arrived): when someone may lack the key, check again after this device's delay. */
export function scheduleGrants(ctx: NodeContext, rt: CommunityRuntime, ops?: readonly AnyOp[]): void {
  if (rt.grantTimer || (ops && !ops.some((o) => TRIGGERS.has(o.kind)))) return
  if (!rt.replica.sealed || rt.loading) return
  const plan = grantPlan(ctx, rt)
  if (!plan) return
  rt.grantTimer = setTimeout(() => {
    rt.grantTimer = undefined
    grantNow(ctx, rt).catch(() => undefined) // locked, closed, or the community moved on: the next arrival checks again
  }, grantDelay(ctx, rt, plan))
}

/** Sign the grant now, if one is still needed (checked again in the community's turn). Returns it, or undefined. */
export async function grantNow(ctx: NodeContext, rt: CommunityRuntime): Promise<AnyOp | undefined> {
  if (!ctx.vault.unlocked || !ctx.runtimes.isHeld(rt)) return undefined
  let none = false
  try {
    return await commitOwn(ctx, rt, () => {
      const plan = grantPlan(ctx, rt)
      if (!plan) {
        none = true
        throw new Error('nothing to grant')
      }
      const { seq, deps } = nextOf(ctx, rt)
      const op = sealOp(ctx, rt, { seq, deps, time: ctx.now(), kind: 'epoch.grant', body: { agrees: plan.agrees.length > 0 ? plan.agrees : undefined }, wrapTo: plan.wrapTo })
      for (const a of plan.agrees) rt.keyRequests.delete(toHex(a.member) as MemberId)
      return op
    })
  } catch (e) {
    if (none) return undefined
    throw e
  }
}

/**
 * SYNC-9: what this device asks a peer with, when ops here wait for an
 * epoch's key (KEY-5: a wrap that did not open, a member admitted by
 * proposal, a new device no op wraps to): the member's agree key and its
 * certificate for this community (KEY-1).
 */
export function keyAskOf(ctx: NodeContext, rt: CommunityRuntime): { agree: Uint8Array; cert: Uint8Array } | undefined {
  if (!ctx.vault.unlocked || (rt.replica.sealedView()?.missingKeys().length ?? 0) === 0) return undefined
  const agree = ctx.vault.agreeKey.publicKey
  return { agree, cert: certifyAgreeKey(ctx.vault.require().identity, fromHex(rt.id, 32), agree) }
}

/**
 * SYNC-9: a peer proven as `member` on this connection asked for the current
 * key with its agree key and certificate. Kept (bounded) if the certificate
 * verifies, the member is active here and no request of theirs was taken in
 * the last 10 minutes (a device asks in every session until the grant
 * reaches it); a grant is scheduled.
 */
export function noteKeyRequest(ctx: NodeContext, rt: CommunityRuntime, member: MemberId, agree: Uint8Array, cert: Uint8Array): boolean {
  const view = rt.replica.sealedView()
  if (!view || !rt.replica.roster().members.has(member)) return false
  if (!verifyAgreeCert(fromHex(member, 32), fromHex(rt.id, 32), agree, cert, ctx.crypto.verify)) return false
  const now = ctx.now()
  const last = rt.keyRequestsTaken.get(member)
  if (last !== undefined && now - last < REQUEST_EVERY_MS) return false
  rt.keyRequestsTaken.delete(member)
  if (rt.keyRequestsTaken.size >= MAX_REQUESTS) rt.keyRequestsTaken.delete(rt.keyRequestsTaken.keys().next().value as MemberId)
  rt.keyRequestsTaken.set(member, now)
  const epoch = grantEpoch(ctx, rt)
  rt.keyRequests.delete(member)
  if (rt.keyRequests.size >= MAX_REQUESTS) rt.keyRequests.delete(rt.keyRequests.keys().next().value as MemberId)
  rt.keyRequests.set(member, { agree, cert, epoch, wraps: epoch ? view.wrapsTo(epoch, agree) : 0 })
  scheduleGrants(ctx, rt)
  return true
}
