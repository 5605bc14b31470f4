/**
 * Founding a community, from nothing (`createCommunity`) or from a parent's
 * ratified charter (`forkCommunity`, FORK-1..4): both build a genesis and go
 * through one `foundCommunity` (FOUND-1), which gives the community a fresh
 * secret sealed in its meta, joins its gossip topic and takes the genesis in
 * by the own-op path. Every input is checked before anything is signed.
 */
import { randomBytes } from '@noble/hashes/utils.js'
import { sha256 } from '@noble/hashes/sha2.js'
import {
  DEFAULT_RULES, GENESIS_CERT_COMMUNITY, certifyAgreeKey, certifyDevice, createSealedOp, fromHex, randomEpochKey, type BodyOf, type CommunityId, type SealedBodyOf,
} from '@polity/protocol'
import type { CreateCommunityInput, ForkInput } from '@polity/api'
import type { NodeContext } from './context'
import { author, commitOwn } from './author'
import { InvalidInputError } from './errors'
import { LIMITS, checkText, opFromInput, rulesFrom, versionAt } from './input-checks'

type Founding = Omit<BodyOf<'genesis'>, 'founder' | 'cert'>

export async function createCommunity(ctx: NodeContext, input: CreateCommunityInput): Promise<CommunityId> {
  ctx.vault.require()
  const body: Founding = {
    name: checkText(input.name, 'The community\'s name', LIMITS.communityName),
    purpose: checkText(input.purpose ?? '', 'The purpose', LIMITS.purpose),
    charter: checkText(input.charter ?? '', 'The charter', LIMITS.charter),
    rules: rulesFrom(input.rules),
    parent: undefined,
  }
  const founderName = input.founderName ? checkText(input.founderName, 'The name', LIMITS.memberName) : undefined
  return foundCommunity(ctx, body, founderName)
}

export async function forkCommunity(ctx: NodeContext, input: { community: CommunityId } & ForkInput): Promise<CommunityId> {
  const parent = await ctx.runtimes.joined(input.community, ctx.vault.member)
  const roster = parent.replica.roster()
  // FORK-2..4: the version and the members are the parent's at exactly the heads the fork cites.
  const heads = parent.replica.heads().slice(0, LIMITS.forkHeads.max)
  const at = parent.replica.rosterAt(heads)
  const version = versionAt(at.charterVersions, input.version)
  if (!version) throw new InvalidInputError(`The parent has no ratified charter version ${String(input.version)}.`)
  if (at.members.size > LIMITS.forkMembers.max) {
    throw new InvalidInputError(`A community of more than ${LIMITS.forkMembers.max} members cannot be forked (FORK-4).`)
  }
  // The founder of the fork goes by the name it has in the parent (a fork's genesis names no one).
  const founderName = parent.replica.state().members.find((m) => m.id === ctx.vault.member)?.name || undefined
  return foundCommunity(ctx, {
    name: checkText(input.name, 'The fork\'s name', LIMITS.communityName),
    purpose: checkText(input.purpose ?? roster.genesis?.purpose ?? '', 'The purpose', LIMITS.purpose),
    charter: version.text,
    rules: roster.rules ?? DEFAULT_RULES,
    parent: {
      community: fromHex(parent.id, 32),
      heads: heads.map((h) => fromHex(h, 32)),
      version: version.version,
      charterHash: sha256(new TextEncoder().encode(version.text)),
      members: [...at.members.keys()].sort().map((m) => fromHex(m, 32)),
    },
  }, founderName)
}

/**
 * FOUND-1: sign the genesis, keep a new community secret, join the gossip
 * topic, take the genesis in as our own op. The genesis is sealed (protocol
 * v2, EPOCH-8): it creates epoch 0 with a fresh key wrapped to the founder's
 * agree key (KEY-1), which the sealed meta keeps (KEY-4).
 */
async function foundCommunity(ctx: NodeContext, body: Founding, founderName?: string): Promise<CommunityId> {
  const secrets = ctx.vault.require()
  const agree = ctx.vault.agreeKey.publicKey
  const key = randomEpochKey()
  const genesis = opFromInput(() => createSealedOp(
    {
      community: null, seq: 1, deps: [], time: ctx.now(), kind: 'genesis',
      body: {
        ...body, founder: secrets.identity.publicKey, cert: certifyDevice(secrets.identity, secrets.device.publicKey),
        agree, agreeCert: certifyAgreeKey(secrets.identity, GENESIS_CERT_COMMUNITY, agree),
      } as SealedBodyOf<'genesis'>,
      epoch: { id: null, key },
      wrapTo: [agree],
    },
    secrets.device,
    ctx.crypto,
  ))
  const rt = ctx.runtimes.runtime(genesis.community, true)
  rt.secret = randomBytes(32)
  rt.replica.keyRing.offer(genesis.id, key)
  await commitOwn(ctx, rt, () => genesis)
  await ctx.runtimes.saveMeta(rt)
  ctx.network.joinCommunity(rt.id)
  if (founderName !== undefined) await author(ctx, rt, 'profile.set', { name: founderName })
  ctx.emit({ type: 'communities' })
  return genesis.community
}
