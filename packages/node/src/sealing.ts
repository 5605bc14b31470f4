/**
 * Sealed communities on this node (protocol v2, docs/PROTOCOL.md §18): the
 * node writes only v2. Every op is sealed under the epoch the replica says
 * (EPOCH-2/3); when the live epoch is due (a departure in its past) or
 * several are live, the node re-keys first (EPOCH-4..7) to the members and
 * live invites of the moment; a removal or a revocation made here is
 * followed by a re-key at once. The keys the replica's KeyRing learns are
 * kept in the community's sealed meta (KEY-4); the current epoch's name
 * secret names the community on the network (SEAL-5).
 */
import {
  certifyAgreeKey, createRekey, createSealedOp, epochNameSecret, fromHex, openWithKey, roleRank, type AnyOp, type CommunityId, type OpId,
  type SealedBodyOf, type SealedKind, type SealedOp, type SealedView,
} from '@polity/protocol'
import type { EpochInfo } from '@polity/api'
import type { NodeContext } from './context'
import type { CommunityRuntime } from './runtimes'
import { RefusedError } from './errors'

/** EPOCH-3: the kinds that may still be sealed under a due epoch (one re-key covers several departures). */
const DEPARTURES = new Set(['member.remove', 'member.leave', 'invite.revoke'])

export interface OpDraft {
  readonly seq: number
  readonly deps: readonly OpId[]
  readonly time: number
  readonly kind: Exclude<SealedKind, 'genesis' | 'epoch.rekey'>
  readonly body: unknown
  /** epoch.grant: the agree keys the epoch key is wrapped to (EPOCH-9). */
  readonly wrapTo?: readonly Uint8Array[]
}

function viewOf(rt: CommunityRuntime): SealedView {
  const v = rt.replica.sealedView()
  if (!v) throw new RefusedError('This community has no genesis here yet.')
  return v
}

/**
 * Seal one op (not a genesis, not a re-key) under the newest usable epoch
 * at its deps: an admission carries the member's agree key and certificate
 * (KEY-1), an invite wraps the epoch key to its own agree key (EPOCH-8).
 */
export function sealOp(ctx: NodeContext, rt: CommunityRuntime, d: OpDraft): SealedOp {
  const secrets = ctx.vault.require()
  const view = viewOf(rt)
  const body = { ...(d.body as Record<string, unknown>) }
  if (d.kind === 'member.join' || d.kind === 'fork.join') {
    const agree = ctx.vault.agreeKey.publicKey
    body['agree'] = agree
    body['agreeCert'] = certifyAgreeKey(secrets.identity, fromHex(rt.id, 32), agree)
  }
  const epoch = view.epochFor(d.deps, d.kind)
  const key = epoch ? rt.replica.keyRing.key(epoch) : undefined
  if (!epoch || !key) {
    throw new RefusedError(epoch
      ? 'This device does not hold the key of the community\'s current epoch yet (rule KEY-5): sync with a member, or ask a steward to re-key.'
      : 'The community must be re-keyed first (rule EPOCH-3).')
  }
  const sealed = createSealedOp({
    community: rt.id, seq: d.seq, deps: d.deps, time: d.time, kind: d.kind, body: body as SealedBodyOf<typeof d.kind>,
    epoch: { id: epoch, key },
    ...(d.kind === 'invite.create' ? { wrapTo: [body['agree'] as Uint8Array] } : d.kind === 'epoch.grant' ? { wrapTo: d.wrapTo ?? [] } : {}),
  }, secrets.device, ctx.crypto)
  // Open our own box: one code path decides what an op is, and a body that fails its schema fails here (DecodeError, ENV2-7).
  openWithKey(sealed, key)
  return sealed
}

/** Must this device re-key before it seals an op of `kind` at `deps` (EPOCH-3: every live epoch due; or several live)? */
export function mustRekeyFirst(rt: CommunityRuntime, deps: readonly OpId[], kind: string): boolean {
  const view = rt.replica.sealedView()
  if (!view) return false
  if (view.epochFor(deps, kind) === undefined) return true
  return !DEPARTURES.has(kind) && view.live(deps).length > 1
}

/**
 * EPOCH-4..7: a re-key on top of everything held, as its parts: it
 * supersedes the live epochs (with every key held) and wraps a new key to
 * every member and live invite now. The author keeps the new key itself
 * (it may hold no agree key of its own, KEY-3).
 */
export function buildRekey(ctx: NodeContext, rt: CommunityRuntime, seq: number, deps: readonly OpId[]): SealedOp[] {
  const secrets = ctx.vault.require()
  const view = viewOf(rt)
  const ring = rt.replica.keyRing
  const time = ctx.now()
  const supersedes = view.live(deps).map((id) => {
    const key = ring.key(id)
    return key ? { id, key } : { id }
  })
  const { key, ops } = createRekey({ community: rt.id, seq, deps, time, supersedes, recipients: view.recipients(deps, time) }, secrets.device, ctx.crypto)
  ring.offer((ops[0] as SealedOp).id, key)
  return ops
}

/** EPOCH-5: may this device's member re-key now (any member when several epochs are live or all are due; else role ≥ rules.remove)? */
export function canRekey(ctx: NodeContext, rt: CommunityRuntime): boolean {
  const view = rt.replica.sealedView()
  const roster = rt.replica.roster()
  const me = roster.members.get(ctx.vault.member)
  if (!view || !me || !roster.rules) return false
  const heads = rt.replica.heads()
  return view.anyoneMayRekey(heads) || roleRank(me.role) >= roleRank(roster.rules.remove)
}

/** The epoch the community is in now at this replica: the newest usable one, else the newest live one. */
function currentEpoch(rt: CommunityRuntime): OpId | undefined {
  const view = rt.replica.sealedView()
  if (!view) return undefined
  const heads = rt.replica.heads()
  return view.epochFor(heads) ?? view.live(heads).at(-1)
}

/** How many re-keys lie between the genesis (epoch 0) and `epoch` along the longest chain of supersessions. */
function epochNumber(rt: CommunityRuntime, epoch: OpId, memo = new Map<OpId, number>()): number {
  const known = memo.get(epoch)
  if (known !== undefined) return known
  const op = rt.replica.entry(epoch)?.op as { kind: string; body: { supersedes?: Uint8Array[] } } | undefined
  let n = 0
  if (op?.kind === 'epoch.rekey') {
    for (const s of op.body.supersedes ?? []) n = Math.max(n, 1 + epochNumber(rt, Buffer.from(s).toString('hex') as OpId, memo))
  }
  memo.set(epoch, n)
  return n
}

/** The community's epoch as this device sees it (the API's `epochInfo`). */
export function epochInfoOf(ctx: NodeContext, rt: CommunityRuntime): EpochInfo {
  const view = viewOf(rt)
  const heads = rt.replica.heads()
  const id = currentEpoch(rt) as OpId
  return {
    number: epochNumber(rt, id),
    id,
    since: (rt.replica.entry(id)?.op as { time?: number } | undefined)?.time ?? 0,
    due: view.isDue(id, heads),
    live: view.live(heads).length,
    canRekey: canRekey(ctx, rt),
    missingKeys: view.missingKeys().length,
  }
}

/**
 * SEAL-5: the secret the community's network names derive from now: the
 * current epoch's name secret when its key is held here, else the one an
 * invite link carried (a waiting invitee), else none. Cached until the
 * replica or the ring changes.
 */
export function nameSecretOf(rt: CommunityRuntime): Uint8Array | undefined {
  const stamp = `${rt.replica.size}:${rt.replica.keyRing.epochs().length}`
  if (rt.nameStamp !== stamp) {
    rt.nameStamp = stamp
    const view = rt.replica.sealedView()
    const heads = rt.replica.heads()
    const held = view ? view.live(heads).filter((e) => rt.replica.keyRing.has(e)) : []
    const e = held.at(-1)
    rt.nameSecret = e ? epochNameSecret(rt.replica.keyRing.key(e) as Uint8Array) : undefined
  }
  return rt.nameSecret ?? rt.pendingJoin?.epochSecret
}

/** KEY-4: keep newly learnt epoch keys in the sealed meta (a restart then opens everything). */
export async function keepKeys(ctx: NodeContext, rt: CommunityRuntime): Promise<void> {
  if (ctx.vault.unlocked && ctx.runtimes.keysToSave(rt)) await ctx.runtimes.saveMeta(rt)
}

/** The applied op (opened) among a result, by id. */
export function appliedOf(applied: readonly AnyOp[], id: OpId): AnyOp | undefined {
  return applied.find((o) => o.id === id)
}

export type { CommunityId }
