/**
 * Invites and joining: making an invite link, accepting one (offline it
 * waits; online it fetches the community from the inviter, with a few
 * retries), completing a pending join once the invite's ops are here (from
 * any source: ingest calls `completeJoin`), and a member's new device
 * fetching a community it belongs to.
 */
import { randomBytes } from '@noble/hashes/utils.js'
import {
  certifyDevice, fromHex, inviteKeysFromSecret, joinProofMessage, sign,
  type BodyOf, type CommunityId,
} from '@polity/protocol'
import type { AcceptedInvite, Invite, InviteInput } from '@polity/api'
import type { NodeContext } from './context'
import type { CommunityRuntime } from './runtimes'
import { author } from './author'
import { InvalidInputError, InvalidInviteError } from './errors'
import { decodeInviteLink, encodeInviteLink } from './invite-link'
import { HOUR, LIMITS, MAX_INVITE_HOURS, memberBytes, messageOf } from './input-checks'
import { nameSecretOf } from './sealing'
import { noteJoinAttempt } from './join-status'

/** Dial attempts when accepting an invite online; the wait doubles from 1 s. */
const ACCEPT_ATTEMPTS = 4

export async function createInvite(ctx: NodeContext, input: { community: CommunityId } & InviteInput): Promise<Invite> {
  const rt = await ctx.runtimes.joined(input.community, ctx.vault.member)
  const uses = input.uses ?? 1
  const max = LIMITS.inviteUses.max
  if (!Number.isInteger(uses) || uses < 1 || uses > max) throw new InvalidInputError(`An invite can be used 1 to ${max.toLocaleString('en-US')} times.`)
  const hours = input.expiresInHours ?? 168
  if (!(hours > 0 && hours <= MAX_INVITE_HOURS)) throw new InvalidInputError('An invite expires after 1 hour to 1 year.')
  const member = input.member === undefined ? undefined : memberBytes(input.member)
  // SEAL-4: the link's secret gives the invite's signing key and its agree key, to which the op wraps the epoch key (EPOCH-8).
  const inviteSecret = randomBytes(32)
  const keys = inviteKeysFromSecret(inviteSecret)
  const expires = ctx.now() + Math.round(hours * HOUR)
  const body = { key: keys.sign.publicKey, uses, expires, member, agree: keys.agree.publicKey } as BodyOf<'invite.create'>
  const op = await author(ctx, rt, 'invite.create', body)
  const epochSecret = nameSecretOf(rt)
  const link = encodeInviteLink({
    community: rt.id, invite: op.id, inviteSecret, communitySecret: rt.secret ?? new Uint8Array(32),
    name: rt.replica.roster().genesis?.name ?? '', addresses: ctx.network.current?.inviteAddresses() ?? [],
    ...(epochSecret ? { epochSecret } : {}),
  })
  return { link, expires, uses }
}

export async function acceptInvite(ctx: NodeContext, input: { link: string; name?: string }): Promise<AcceptedInvite> {
  ctx.vault.require()
  const d = decodeInviteLink(input.link)
  const rt = await ctx.runtimes.ready(d.community, true)
  if (rt.replica.roster().members.has(ctx.vault.member)) return { community: rt.id, status: 'joined' }
  rt.secret = d.communitySecret
  rt.cancelled = false
  rt.pendingJoin = { invite: d.invite, inviteSecret: d.inviteSecret, name: input.name ?? '', communityName: d.name, addresses: d.addresses, epochSecret: d.epochSecret }
  // KEY-4: the invite's agree key opens the epoch key its op wraps, and by the chain the history (EPOCH-8).
  await ctx.ingest.addAgreeKey(rt, inviteKeysFromSecret(d.inviteSecret).agree)
  await ctx.runtimes.saveMeta(rt)
  let joined = await completeJoin(ctx, rt)
  const net = ctx.network.current
  if (!joined && net) {
    // Online: fetch the community from the inviter (the invite key proves access), join, and send the join back.
    net.joinCommunity(rt.id)
    // A few attempts with backoff: the inviter may be busy or the first dial may race its setup.
    for (let attempt = 0; attempt < ACCEPT_ATTEMPTS && !joined; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, 500 * 2 ** attempt))
      const peers = await net.connect(d.addresses)
      let accepted = 0
      for (const p of peers) if (await net.syncPeer(rt.id, p)) accepted++
      // JOIN-1: what this attempt learned (no device reached; reached but refused) says why a join is stuck.
      noteJoinAttempt(ctx, rt, peers.length, accepted)
      joined = rt.pendingJoin === undefined && rt.replica.roster().members.has(ctx.vault.member)
      if (joined) for (const p of peers) await net.syncPeer(rt.id, p)
    }
  }
  ctx.emit({ type: 'communities' })
  return { community: rt.id, status: joined ? 'joined' : 'waiting' }
}

/**
 * Use a pending invite once its op has arrived; link this device if its
 * member already belongs (ID-4). Returns whether this device is in.
 */
export async function completeJoin(ctx: NodeContext, rt: CommunityRuntime): Promise<boolean> {
  const secrets = ctx.vault.require()
  const member = ctx.vault.member
  const roster = rt.replica.roster()
  if (!roster.genesis) return false
  if (roster.members.has(member)) {
    if (!roster.devices.has(ctx.vault.deviceKey)) {
      await author(ctx, rt, 'device.link', { member: secrets.identity.publicKey, cert: certifyDevice(secrets.identity, secrets.device.publicKey) })
    }
    if (rt.pendingJoin) {
      rt.pendingJoin = undefined
      await ctx.runtimes.saveMeta(rt)
    }
    return true
  }
  const pj = rt.pendingJoin
  if (!pj || !rt.replica.has(pj.invite)) return false
  // Said before anything is sealed: a revoked invite's holder may read up to the revocation, and the epoch after is not theirs.
  if (roster.invites.get(pj.invite)?.revoked) throw new InvalidInviteError('the invite was revoked (rule ROSTER-5)')
  const proof = sign(joinProofMessage(rt.id, pj.invite, member), inviteKeysFromSecret(pj.inviteSecret).sign.secretKey)
  try {
    await author(ctx, rt, 'member.join', {
      member: secrets.identity.publicKey, cert: certifyDevice(secrets.identity, secrets.device.publicKey),
      invite: fromHex(pj.invite, 32), proof,
    })
  } catch (e) {
    throw new InvalidInviteError(messageOf(e))
  }
  rt.pendingJoin = undefined
  // JOIN-1: joined here; done once a member's device has the join (a completed session with one, join-status.ts).
  rt.joinUnconfirmed = true
  await ctx.runtimes.saveMeta(rt)
  if (pj.name) await author(ctx, rt, 'profile.set', { name: pj.name.slice(0, LIMITS.memberName.max) })
  return true
}

/**
 * A restored device (or any member's device) fetches a community it belongs
 * to from peers by address, proving membership with its identity key.
 */
export async function fetchCommunity(ctx: NodeContext, community: CommunityId, addresses: readonly string[], secret?: Uint8Array): Promise<number> {
  ctx.vault.require()
  const rt = await ctx.runtimes.ready(community, true)
  if (secret && !rt.secret) {
    rt.secret = secret
    await ctx.runtimes.saveMeta(rt)
  }
  const net = ctx.network.current
  if (!net) return 0
  const peers = await net.connect(addresses)
  for (const p of peers) await net.syncPeer(community, p)
  await completeJoin(ctx, rt).catch(() => undefined)
  return rt.replica.size
}
