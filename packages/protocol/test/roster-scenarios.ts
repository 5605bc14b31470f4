/**
 * Seeded histories with many concurrent roster ops, for the roster-cost
 * regression test (roster-cost.test.ts) and test/bench/roster-contest.ts:
 * what a leaked invite link or a member with many devices can make a replica
 * fold (issue 14: stale joins and concurrent device links).
 */
import { DEFAULT_RULES, certifyDevice, createOp, joinProofMessage, keyPairFromSecret, sign, toHex, type AnyOp, type CommunityId, type CryptoSuite, type KeyPair, type MemberId, type OpId } from '../src/index'
import { fromHex } from '../src/encoding/bytes'
import { sha256 } from '../src/crypto/hash'

export interface Scenario {
  /** Honest history, delivered first. */
  readonly base: AnyOp[]
  /** The concurrent roster ops, delivered one by one (the roster read after each). */
  readonly extra: AnyOp[]
}

function keys(seed: string): () => KeyPair {
  let n = 0
  return () => keyPairFromSecret(sha256(new TextEncoder().encode(`roster-scenarios/${seed}/${++n}`)))
}

const T0 = 1_700_000_000_000

function make(crypto: CryptoSuite, device: KeyPair, community: CommunityId | null, seq: number, deps: OpId[], kind: AnyOp['kind'], body: unknown): AnyOp {
  return createOp({ community, seq, deps, time: T0 + seq, kind, body } as never, device, crypto) as AnyOp
}

interface Founded { key: () => KeyPair; founder: KeyPair; device: KeyPair; genesis: AnyOp; community: CommunityId }

function found(crypto: CryptoSuite, seed: string): Founded {
  const key = keys(seed)
  const founder = key()
  const device = key()
  const genesis = make(crypto, device, null, 1, [], 'genesis', {
    name: 'Scenario', purpose: '', charter: '# Charter', rules: DEFAULT_RULES, founder: founder.publicKey, cert: certifyDevice(founder, device.publicKey), parent: undefined,
  })
  return { key, founder, device, genesis, community: genesis.id as unknown as CommunityId }
}

function joinOp(crypto: CryptoSuite, f: Founded, invite: AnyOp, inviteKey: KeyPair, deps: OpId[]): AnyOp {
  const member = f.key()
  const device = f.key()
  const proof = sign(joinProofMessage(f.community, invite.id, toHex(member.publicKey) as MemberId), inviteKey.secretKey)
  return make(crypto, device, f.community, 1, deps, 'member.join', { member: member.publicKey, cert: certifyDevice(member, device.publicKey), invite: fromHex(invite.id), proof })
}

/**
 * ROSTER-13: an invite with `uses` uses, used once by an honest join; then `n`
 * joins replayed from the link, each built on the invite alone (all
 * concurrent with one another and with the honest join).
 */
export function staleJoins(crypto: CryptoSuite, n: number, uses = 1, seed = 'stale-joins', history = 0): Scenario {
  const f = found(crypto, seed)
  const inviteKey = f.key()
  const invite = make(crypto, f.device, f.community, 2, [f.genesis.id], 'invite.create', { key: inviteKey.publicKey, uses, expires: Number.MAX_SAFE_INTEGER, member: undefined })
  const honest = joinOp(crypto, f, invite, inviteKey, [invite.id])
  const base = [f.genesis, invite, honest, make(crypto, f.device, f.community, 3, [invite.id, honest.id], 'profile.set', { name: 'Founder' })]
  // An honest history after it (profile edits), which a fold of the content parts would have to go over again.
  for (let i = 0; i < history; i++) base.push(make(crypto, f.device, f.community, 4 + i, [(base[base.length - 1] as AnyOp).id], 'profile.set', { name: `Founder ${i}` }))
  const extra: AnyOp[] = []
  for (let i = 0; i < n; i++) extra.push(joinOp(crypto, f, invite, inviteKey, [invite.id]))
  return { base, extra }
}

/** ROSTER-2: a member who joined links `n` devices, each link built on the join alone (all concurrent). */
export function concurrentLinks(crypto: CryptoSuite, n: number, seed = 'concurrent-links'): Scenario {
  const f = found(crypto, seed)
  const inviteKey = f.key()
  const invite = make(crypto, f.device, f.community, 2, [f.genesis.id], 'invite.create', { key: inviteKey.publicKey, uses: 1, expires: Number.MAX_SAFE_INTEGER, member: undefined })
  const member = f.key()
  const mdev = f.key()
  const proof = sign(joinProofMessage(f.community, invite.id, toHex(member.publicKey) as MemberId), inviteKey.secretKey)
  const join = make(crypto, mdev, f.community, 1, [invite.id], 'member.join', { member: member.publicKey, cert: certifyDevice(member, mdev.publicKey), invite: fromHex(invite.id), proof })
  const after = make(crypto, f.device, f.community, 3, [invite.id, join.id], 'profile.set', { name: 'Founder' })
  const extra: AnyOp[] = []
  for (let i = 0; i < n; i++) {
    const d = f.key()
    extra.push(make(crypto, d, f.community, 1, [join.id], 'device.link', { member: member.publicKey, cert: certifyDevice(member, d.publicKey) }))
  }
  return { base: [f.genesis, invite, join, after], extra }
}

/**
 * ROSTER-2 by a former member: a member joins and later leaves, then links
 * `n` devices, each built on the join alone (a past where they were still a
 * member): every link sorts before the leave.
 */
export function linksAfterLeave(crypto: CryptoSuite, n: number, seed = 'links-after-leave'): Scenario {
  const f = found(crypto, seed)
  const inviteKey = f.key()
  const invite = make(crypto, f.device, f.community, 2, [f.genesis.id], 'invite.create', { key: inviteKey.publicKey, uses: 1, expires: Number.MAX_SAFE_INTEGER, member: undefined })
  const member = f.key()
  const mdev = f.key()
  const proof = sign(joinProofMessage(f.community, invite.id, toHex(member.publicKey) as MemberId), inviteKey.secretKey)
  const join = make(crypto, mdev, f.community, 1, [invite.id], 'member.join', { member: member.publicKey, cert: certifyDevice(member, mdev.publicKey), invite: fromHex(invite.id), proof })
  const after = make(crypto, f.device, f.community, 3, [invite.id, join.id], 'profile.set', { name: 'Founder' })
  const leave = make(crypto, mdev, f.community, 2, [join.id, after.id], 'member.leave', {})
  const extra: AnyOp[] = []
  for (let i = 0; i < n; i++) {
    const d = f.key()
    extra.push(make(crypto, d, f.community, 1, [join.id], 'device.link', { member: member.publicKey, cert: certifyDevice(member, d.publicKey) }))
  }
  return { base: [f.genesis, invite, join, after, leave], extra }
}

/**
 * Device links as in `concurrentLinks`, each followed by an op of the new
 * device built on its link and on the founder's latest op (200 invites
 * later): a merge whose causal past is the founder's plus one concurrent
 * link, so each is a new frontier whose roster must be folded.
 */
export function mergedLinks(crypto: CryptoSuite, n: number, seed = 'merged-links'): Scenario {
  const f = found(crypto, seed)
  const inviteKey = f.key()
  const invite = make(crypto, f.device, f.community, 2, [f.genesis.id], 'invite.create', { key: inviteKey.publicKey, uses: 1, expires: Number.MAX_SAFE_INTEGER, member: undefined })
  const member = f.key()
  const mdev = f.key()
  const proof = sign(joinProofMessage(f.community, invite.id, toHex(member.publicKey) as MemberId), inviteKey.secretKey)
  const join = make(crypto, mdev, f.community, 1, [invite.id], 'member.join', { member: member.publicKey, cert: certifyDevice(member, mdev.publicKey), invite: fromHex(invite.id), proof })
  const base = [f.genesis, invite, join]
  let last = invite
  for (let i = 0; i < 200; i++) {
    last = make(crypto, f.device, f.community, 3 + i, i === 0 ? [invite.id, join.id] : [last.id], 'invite.create', { key: f.key().publicKey, uses: 1, expires: Number.MAX_SAFE_INTEGER, member: undefined })
    base.push(last)
  }
  const extra: AnyOp[] = []
  for (let i = 0; i < n; i++) {
    const d = f.key()
    const link = make(crypto, d, f.community, 1, [join.id], 'device.link', { member: member.publicKey, cert: certifyDevice(member, d.publicKey) })
    extra.push(link, make(crypto, d, f.community, 2, [link.id, last.id], 'profile.set', { name: `m${i}` }))
  }
  return { base, extra }
}
