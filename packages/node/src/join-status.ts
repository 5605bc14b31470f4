/**
 * Joining that never fails silently (JOIN-1..3): what a join this device has
 * not finished is stuck on, from what the network and sync said; a join
 * counted as done only once a member's device has it (a completed session
 * with a peer that proved as another member, SYNC-3); and cancelling one.
 */
import type { CommunityId } from '@polity/protocol'
import type { JoinProgress } from '@polity/api'
import type { NodeContext } from './context'
import type { CommunityRuntime } from './runtimes'
import { InvalidInputError } from './errors'

/** JOIN-1: the progress of an unfinished join, or undefined when there is none. */
export function joinProgressOf(ctx: NodeContext, rt: CommunityRuntime): JoinProgress | undefined {
  const lastTry = rt.joinTrace?.lastTry ?? null
  const online = ctx.network.current !== undefined
  const pj = rt.pendingJoin
  if (pj) {
    const inv = rt.replica.roster().invites.get(pj.invite)
    if (inv?.revoked) return { state: 'waiting', reason: 'invite-revoked', lastTry }
    if (inv && inv.used >= inv.uses) return { state: 'waiting', reason: 'invite-used', lastTry }
    if (inv && inv.expires < ctx.now()) return { state: 'waiting', reason: 'invite-expired', lastTry }
    if (!online) return { state: 'waiting', reason: 'offline', lastTry }
    const t = rt.joinTrace
    const reason = !t ? 'connecting' : t.reached === 0 ? 'unreachable' : t.accepted === 0 ? 'refused' : 'connecting'
    return { state: 'waiting', reason, lastTry }
  }
  if (rt.joinUnconfirmed) return { state: 'unconfirmed', reason: online ? 'sending' : 'offline', lastTry }
  return undefined
}

/**
 * JOIN-1: one attempt to reach the members — acceptInvite's own or a background round's (`joinRoundDone`): how many
 * devices answered, and how many let us sync. A changed reason is told to subscribers (a `communities` event).
 */
export function noteJoinAttempt(ctx: NodeContext, rt: CommunityRuntime, reached: number, accepted: number): void {
  const before = joinProgressOf(ctx, rt)?.reason
  rt.joinTrace = { lastTry: ctx.now(), reached, accepted }
  if (joinProgressOf(ctx, rt)?.reason !== before) ctx.emit({ type: 'communities' })
}

/** The peer id an address ends in (`…/p2p/<id>`), the last one for a relayed address. */
const peerOf = (addr: string): string | undefined => /\/p2p\/([^/]+)$/.exec(addr)?.[1]

/**
 * JOIN-1: a background round of the network (its redial of pending joins' inviters and a sync with every peer) is an
 * attempt too: for each join still waiting, the devices of its link that are connected and the peers that let us sync.
 */
export function joinRoundDone(ctx: NodeContext, runtimes: Iterable<CommunityRuntime>, connected: readonly string[], synced: ReadonlyMap<CommunityId, ReadonlySet<string>>): void {
  const up = new Set(connected)
  for (const rt of runtimes) {
    const pj = rt.pendingJoin
    if (!pj || rt.loading || !synced.has(rt.id)) continue
    const syncedWith = synced.get(rt.id) ?? new Set<string>()
    const reached = new Set([...pj.addresses.map(peerOf).filter((p): p is string => p !== undefined && up.has(p)), ...syncedWith])
    noteJoinAttempt(ctx, rt, reached.size, syncedWith.size)
  }
}

/**
 * JOIN-1: a sync session with `peer` completed; if the peer proved with another member's key, its device
 * now holds everything we hold, our join included: the join is confirmed.
 */
export async function noteSessionForJoin(ctx: NodeContext, rt: CommunityRuntime, proof: { kind: 'member' | 'invite'; member?: string } | undefined): Promise<boolean> {
  if (!rt.joinUnconfirmed || rt.pendingJoin) return false
  if (proof?.kind !== 'member' || proof.member === ctx.vault.member) return false
  if (!rt.replica.roster().members.has(ctx.vault.member)) return false
  rt.joinUnconfirmed = false
  rt.joinTrace = undefined
  await ctx.runtimes.saveMeta(rt)
  ctx.emit({ type: 'communities' })
  return true
}

/** JOIN-2: give up a join that is not finished; the community is forgotten here until its link is accepted again. */
export async function cancelJoin(ctx: NodeContext, input: { community: CommunityId }): Promise<void> {
  ctx.vault.require()
  const rt = ctx.runtimes.get(input.community)
  if (!rt) throw new InvalidInputError('This device holds no such community.')
  if (!rt.pendingJoin && !rt.joinUnconfirmed) {
    throw new InvalidInputError('There is no join to cancel here: you are a member (leave the community instead) (rule JOIN-2).')
  }
  rt.pendingJoin = undefined
  rt.joinUnconfirmed = false
  rt.joinTrace = undefined
  rt.cancelled = true
  await ctx.runtimes.saveMeta(rt)
  ctx.runtimes.drop(rt.id)
  // Its names are gone with it: the gossip topic is left.
  ctx.network.joinCommunity(rt.id)
  ctx.emit({ type: 'communities' })
}
