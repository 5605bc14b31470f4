/**
 * A seeded generator of realistic communities for benchmarks and large
 * network tests: members joining by invite, proposals of mixed methods, votes
 * (some changed), comments and charter edits — every op validly signed, built
 * on a single evolving view so the DAG is realistic (mostly linear with the
 * author's own previous op as a second dep).
 */
import { createHash, createPrivateKey, createPublicKey } from 'node:crypto'
import * as Y from 'yjs'
import {
  createOp, certifyDevice, joinProofMessage, sign, DEFAULT_RULES, GENESIS_CERT_COMMUNITY, agreeKeyPairFromSecret, certifyAgreeKey, createSealedOp,
  memberAgreeKeyPair, openWithKey, createRekey, type SealedKind,
  type AnyOp, type Ballot, type BodyOf, type CommunityId, type CryptoSuite, type KeyPair, type OpId, type OpKind,
} from '@polity/protocol'
import { createNativeCrypto } from '@polity/node'

export interface GenerateOptions {
  seed: number
  members: number
  proposals: number
  votesPerProposal: number
  /** Share of voters who change their vote once. */
  changedVotes?: number
  edits: number
  comments: number
  /**
   * Protocol v2 (§18): every op sealed under one epoch (the genesis's), its
   * key wrapped to the founder and each invite; joins carry agree keys; a
   * closing re-key wraps epoch 1 to every member (so any member's identity
   * opens the history by the chain). `ops` are then opened ops whose `bytes`
   * are the sealed envelopes. Default false (v1).
   */
  sealed?: boolean
}

export interface GeneratedCommunity {
  community: CommunityId
  ops: AnyOp[]
  founder: KeyPair
  memberKeys: KeyPair[]
  /** Device keys: [founder's, then each member's in join order]. */
  devices: KeyPair[]
}

const PKCS8 = Buffer.from('302e020100300506032b657004220420', 'hex')

/** Deterministic ed25519 key pair from (seed, label), via node:crypto (fast). */
export function seededKeyPair(seed: number, label: string): KeyPair {
  const secretKey = new Uint8Array(createHash('sha256').update(`polity-bench/${seed}/${label}`).digest())
  const jwk = createPublicKey(createPrivateKey({ key: Buffer.concat([PKCS8, secretKey]), format: 'der', type: 'pkcs8' })).export({ format: 'jwk' })
  return { secretKey, publicKey: new Uint8Array(Buffer.from(jwk.x as string, 'base64url')) }
}

class Author {
  seq = 0
  last: OpId | undefined
  constructor(readonly device: KeyPair) {}
}

export function sizesFor(totalOps: number): Omit<GenerateOptions, 'seed'> {
  // Proportions of the ~200k-op community: 10k members, 2k proposals, 190k votes, 5k edits, some comments.
  const scale = totalOps / 200_000
  return {
    members: Math.max(10, Math.round(10_000 * scale)),
    proposals: Math.max(2, Math.round(2_000 * scale)),
    votesPerProposal: 85,
    changedVotes: 0.1,
    edits: Math.max(5, Math.round(5_000 * scale)),
    comments: Math.max(2, Math.round(300 * scale)),
  }
}

/** A seeded uniform generator in [0, 1) (mulberry32): the same seed gives the same sequence. */
export function seededRandom(seed: number): () => number {
  let rand = seed >>> 0
  return () => {
    rand = (rand + 0x6d2b79f5) >>> 0
    let t = rand
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** 100,000-ballot sets per method (seeded), for the tally rows of `pnpm bench` and tally-micro. */
export function tallyBallots(n: number): { yn: Ballot[]; ap: Ballot[]; rk: Ballot[] } {
  let seed = 7
  const rnd = (): number => ((seed = (seed * 48271) % 2147483647) / 2147483647)
  const yn: Ballot[] = Array.from({ length: n }, () => ({ type: 'yesno', choice: rnd() < 0.5 ? 'yes' : rnd() < 0.5 ? 'no' : 'abstain' }))
  const ap: Ballot[] = Array.from({ length: n }, () => ({ type: 'approval', approve: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].filter(() => rnd() < 0.3) }))
  const rk: Ballot[] = Array.from({ length: n }, () => ({ type: 'irv', rank: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].sort(() => rnd() - 0.5).slice(0, 1 + Math.floor(rnd() * 9)) }))
  return { yn, ap, rk }
}

export function generateCommunity(opts: GenerateOptions, crypto: CryptoSuite = createNativeCrypto()): GeneratedCommunity {
  const rng = seededRandom(opts.seed)
  const ops: AnyOp[] = []
  let head: OpId | undefined
  let community: CommunityId | null = null
  let time = 1_750_000_000_000
  const epochKey = createHash('sha256').update(`epoch-${opts.seed}`).digest()
  const make = <K extends OpKind>(a: Author, kind: K, body: BodyOf<K>, wrapTo?: Uint8Array): AnyOp => {
    const deps = kind === 'genesis' ? [] : [...new Set([head as OpId, ...(a.last ? [a.last] : [])])]
    time += 1000
    const op = opts.sealed
      ? openWithKey(createSealedOp({
        community, seq: a.seq + 1, deps, time, kind: kind as SealedKind, body: body as never,
        epoch: { id: kind === 'genesis' ? null : (community as unknown as OpId), key: epochKey }, ...(wrapTo ? { wrapTo: [wrapTo] } : {}),
      }, a.device, crypto), epochKey) as unknown as AnyOp
      : createOp({ community, seq: a.seq + 1, deps, time, kind, body }, a.device, crypto) as AnyOp
    a.seq++
    a.last = op.id
    head = op.id
    ops.push(op)
    return op
  }
  const founderId = seededKeyPair(opts.seed, 'founder-identity')
  const founder = new Author(seededKeyPair(opts.seed, 'founder-device'))
  // KEY-1: in a sealed community the admitting ops carry the member's agree key and its certificate.
  const agreeOf = (id: KeyPair, c: Uint8Array): Record<string, Uint8Array> => {
    if (!opts.sealed) return {}
    const agree = memberAgreeKeyPair(id.secretKey).publicKey
    return { agree, agreeCert: certifyAgreeKey(id, c, agree) }
  }
  const founderAgree = agreeOf(founderId, GENESIS_CERT_COMMUNITY)
  const genesis = make(founder, 'genesis', {
    ...founderAgree,
    name: `Bench ${opts.seed}`, purpose: 'A generated community', charter: '# Charter\n\nArticle 1. We decide together.\n',
    // Resolutions with a 1/10 quorum and no minimum voting period (GOV-1), so generated proposals can close at once.
    rules: { ...DEFAULT_RULES, invite: 'member', decisions: { ...DEFAULT_RULES.decisions, resolution: { quorum: [1, 10], threshold: [1, 2], period: 0 } } }, founder: founderId.publicKey, cert: certifyDevice(founderId, founder.device.publicKey), parent: undefined,
  } as BodyOf<'genesis'>, founderAgree['agree'])
  community = genesis.community
  const memberKeys: KeyPair[] = []
  const authors: Author[] = [founder]
  for (let i = 0; i < opts.members - 1; i++) {
    const inviteKey = seededKeyPair(opts.seed, `invite-${i}`)
    const inviter = authors[Math.floor(rng() * authors.length)] as Author
    const inviteAgree = opts.sealed ? agreeKeyPairFromSecret(createHash('sha256').update(`invite-agree-${opts.seed}-${i}`).digest()).publicKey : undefined
    const inv = make(inviter, 'invite.create', {
      key: inviteKey.publicKey, uses: 1, expires: Number.MAX_SAFE_INTEGER, member: undefined, ...(inviteAgree ? { agree: inviteAgree } : {}),
    } as BodyOf<'invite.create'>, inviteAgree)
    const id = seededKeyPair(opts.seed, `member-${i}`)
    const a = new Author(seededKeyPair(opts.seed, `device-${i}`))
    memberKeys.push(id)
    make(a, 'member.join', {
      ...agreeOf(id, Buffer.from(community, 'hex')),
      member: id.publicKey, cert: certifyDevice(id, a.device.publicKey), invite: Buffer.from(inv.id, 'hex'),
      proof: sign(joinProofMessage(community, inv.id, Buffer.from(id.publicKey).toString('hex') as never), inviteKey.secretKey),
    } as BodyOf<'member.join'>)
    authors.push(a)
  }
  // Charter editors bind a Yjs client id each and type in bursts.
  const editors = authors.slice(0, Math.min(10, authors.length))
  const doc = new Y.Doc()
  const text = doc.getText('draft')
  // The draft starts as the genesis charter under client 0 (CHARTER-D0): edits are made on it, as a client makes them.
  doc.clientID = 0
  text.insert(0, (genesis.body as BodyOf<'genesis'>).charter)
  editors.forEach((a, i) => make(a, 'charter.bind', { client: 1000 + i }))
  let editsLeft = opts.edits
  const methods = ['yesno', 'approval', 'irv'] as const
  const perProposalEdits = Math.ceil(opts.edits / Math.max(1, opts.proposals))
  const perProposalComments = Math.ceil(opts.comments / Math.max(1, opts.proposals))
  for (let p = 0; p < opts.proposals; p++) {
    const proposer = authors[Math.floor(rng() * authors.length)] as Author
    const m = methods[p % 3] as (typeof methods)[number]
    const options = ['Alpha', 'Beta', 'Gamma', 'Delta', 'Epsilon', 'Zeta', 'Eta', 'Theta', 'Iota', 'Kappa']
    const prop = make(proposer, 'proposal.create', {
      title: `Proposal ${p}`, text: 'Generated.', action: { type: 'resolution' },
      method: m === 'yesno' ? { type: 'yesno', quorum: [1, 10], threshold: [1, 2] } : { type: m, options, quorum: [1, 10] },
      // GOV-3: deadline ≥ the proposal's time (make claims the next tick, time + 1000).
      deadline: time + 1000,
    })
    // VOTE-6: a member's yes/no vote only moves toward yes; a lower choice is cast as the member's current one.
    const strongest = new Map<Author, number>()
    const ref = Buffer.from(prop.id, 'hex')
    for (let v = 0; v < opts.votesPerProposal && v < authors.length; v++) {
      const voter = authors[Math.floor(rng() * authors.length)] as Author
      const rank = m === 'yesno' ? Math.max(strongest.get(voter) ?? 0, [2, 0, 1][Math.floor(rng() * 3)] as number) : 0
      strongest.set(voter, rank)
      const ballot = m === 'yesno'
        ? { type: 'yesno' as const, choice: (['no', 'abstain', 'yes'] as const)[rank] as 'yes' }
        : m === 'approval'
          ? { type: 'approval' as const, approve: [0, 1, 2, 3].filter(() => rng() < 0.5) }
          : { type: 'irv' as const, rank: [...Array(10).keys()].sort(() => rng() - 0.5).slice(0, 1 + Math.floor(rng() * 5)) }
      make(voter, 'vote.cast', { proposal: ref, ballot })
      if (rng() < (opts.changedVotes ?? 0)) make(voter, 'vote.cast', { proposal: ref, ballot })
    }
    for (let c = 0; c < perProposalComments; c++) make(authors[Math.floor(rng() * authors.length)] as Author, 'comment.add', { proposal: ref, text: `Comment ${c}`, replyTo: undefined })
    for (let e = 0; e < perProposalEdits && editsLeft > 0; e++, editsLeft--) {
      const ed = Math.floor(rng() * editors.length)
      doc.clientID = 1000 + ed
      const before = Y.encodeStateVector(doc)
      text.insert(Math.floor(rng() * (text.length + 1)), `word${e} `)
      make(editors[ed] as Author, 'charter.edit', { update: Y.encodeStateAsUpdate(doc, before) })
    }
    make(proposer, 'proposal.close', { proposal: ref })
  }
  if (opts.sealed) {
    // EPOCH-4, EPOCH-7: a closing re-key by the founder to every member's agree key, carrying epoch 0's key: every member opens the history by the chain.
    const recipients = [founderId, ...memberKeys].map((k) => memberAgreeKeyPair(k.secretKey).publicKey)
    time += 1000
    const { key: k1, ops: parts } = createRekey({
      community: community as CommunityId, seq: founder.seq + 1, deps: [...new Set([head as OpId, ...(founder.last ? [founder.last] : [])])], time,
      supersedes: [{ id: community as unknown as OpId, key: epochKey }], recipients, key: createHash('sha256').update(`epoch-1-${opts.seed}`).digest(),
    }, founder.device, crypto)
    for (const p of parts) ops.push(openWithKey(p, k1) as unknown as AnyOp)
  }
  return { community, ops, founder: founderId, memberKeys, devices: authors.map((a) => a.device) }
}
