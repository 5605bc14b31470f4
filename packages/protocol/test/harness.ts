/**
 * Test harness: members with identity and device keys who author real signed
 * ops against their own replica (so deps are the heads they know).
 */
import {
  Replica, certifyDevice, createOp, generateKeyPair, joinProofMessage, sign, toHex, DEFAULT_RULES, requirementOf,
  type AnyOp, type Ballot, type Method, type ProposalAction, type BodyOf, type CommunityId, type KeyPair, type MemberId, type OpId, type OpKind, type Rules,
} from '../src/index'
import { fromHex } from '../src/encoding/bytes'
import { nodeCrypto } from './node-crypto'
import { createHash } from 'node:crypto'
import {
  keyPairFromSecret, KeyRing, memberAgreeKeyPair, certifyAgreeKey, createSealedOp, createRekey, openWithKey, inviteKeysFromSecret, randomEpochKey,
  GENESIS_CERT_COMMUNITY, type AgreeKeyPair, type SealedKind, type SealedBodyOf, type SealedOp,
} from '../src/index'
import { randomBytes } from 'node:crypto'

/**
 * Where test actors' keys come from: random, or derived from a seed so that a
 * seeded test's seed reproduces the run exactly (op ids, and so every
 * canonical-order tie-break). A seeded run makes its own `TestKeys` and hands
 * it to the actors it creates (they pass it on to the invites they make), so
 * no two tests share a counter.
 */
export class TestKeys {
  private counter = 0
  private byteCounter = 0
  constructor(readonly seed?: number, readonly salt = '') {}
  /** Up to 32 bytes for sealing (epoch keys, ephemeral secrets, nonces): derived from the seed, or random. */
  bytes(n: number): Uint8Array {
    if (this.seed === undefined) return new Uint8Array(randomBytes(n))
    this.byteCounter++
    return new Uint8Array(createHash('sha256').update(`polity-test/${this.seed}/${this.salt}/bytes/${this.byteCounter}`).digest()).subarray(0, n)
  }
  next(): KeyPair {
    if (this.seed === undefined) return generateKeyPair()
    this.counter++
    const label = this.salt === '' ? `polity-test/${this.seed}/${this.counter}` : `polity-test/${this.seed}/${this.salt}/${this.counter}`
    return keyPairFromSecret(new Uint8Array(createHash('sha256').update(label).digest()))
  }
}

/** A fresh key pair: from `keys` when given, else random. */
export function testKeyPair(keys?: TestKeys): KeyPair {
  return keys ? keys.next() : generateKeyPair()
}

export class Actor {
  readonly identity: KeyPair
  readonly device: KeyPair
  seq = 0
  last: OpId | undefined
  readonly replica: Replica
  time = 1_700_000_000_000

  /** `keys`: where this actor's keys, and the keys of the invites it makes, come from (random when absent). */
  constructor(readonly label: string, replica?: Replica, identity?: KeyPair, readonly keys?: TestKeys) {
    this.identity = identity ?? testKeyPair(keys)
    this.device = testKeyPair(keys)
    this.replica = replica ?? new Replica({ crypto: nodeCrypto, keyRing: new KeyRing() })
  }

  private agreePair: AgreeKeyPair | undefined
  /** The member's agree key (KEY-1), held by this actor's replica from the first time it is asked for. */
  get agree(): AgreeKeyPair {
    if (!this.agreePair) {
      this.agreePair = memberAgreeKeyPair(this.identity.secretKey)
      this.replica.addAgreeKey(this.agreePair)
    }
    return this.agreePair
  }

  private entropy = (n: number): Uint8Array => (this.keys ? this.keys.bytes(n) : new Uint8Array(randomBytes(n)))

  get member(): MemberId {
    return toHex(this.identity.publicKey) as MemberId
  }

  get deviceKey(): string {
    return toHex(this.device.publicKey)
  }

  get community(): CommunityId {
    return this.replica.community as CommunityId
  }

  cert(): Uint8Array {
    return certifyDevice(this.identity, this.device.publicKey)
  }

  /** Author an op on top of everything this actor's replica holds, apply it locally, return it. */
  make<K extends OpKind>(kind: K, body: BodyOf<K>, opts: { deps?: OpId[]; time?: number; community?: CommunityId | null; seq?: number } = {}): AnyOp {
    if (this.replica.sealed) return this.makeSealed(kind, body as never, opts)
    const own = opts.seq === undefined && this.last ? [this.last] : []
    const deps = [...new Set([...(opts.deps ?? this.replica.heads()), ...own])]
    const seq = opts.seq ?? this.seq + 1
    this.time += 1000
    const op = createOp(
      {
        community: opts.community === undefined ? (kind === 'genesis' ? null : this.community) : opts.community,
        seq,
        deps: kind === 'genesis' ? [] : deps,
        time: opts.time ?? this.time,
        kind,
        body,
      },
      this.device,
      nodeCrypto,
    ) as AnyOp
    if (opts.seq === undefined) {
      this.seq = seq
      this.last = op.id
    }
    return op
  }

  /**
   * A sealed (v2) op, opened (bytes: the v2 envelope): sealed under the epoch
   * an honest author picks (or `opts.epoch`); admitting kinds get this
   * member's agree key and certificate, invites and genesis their wrap.
   */
  makeSealed<K extends SealedKind>(kind: K, body: SealedBodyOf<K> | (K extends OpKind ? BodyOf<K> : never), opts: Parameters<Actor['make']>[2] & { epoch?: OpId; wrapTo?: Uint8Array[] } = {}): AnyOp {
    const own = opts.seq === undefined && this.last ? [this.last] : []
    const deps = kind === 'genesis' ? [] : [...new Set([...(opts.deps ?? this.replica.heads()), ...own])]
    const seq = opts.seq ?? this.seq + 1
    this.time += 1000
    const b = { ...body } as Record<string, unknown>
    if ((kind === 'genesis' || kind === 'member.join' || kind === 'fork.join') && b['agree'] === undefined) {
      b['agree'] = this.agree.publicKey
      b['agreeCert'] = certifyAgreeKey(this.identity, kind === 'genesis' ? GENESIS_CERT_COMMUNITY : fromHex(opts.community ?? this.community), this.agree.publicKey)
    }
    let epoch: { id: OpId | null; key: Uint8Array }
    if (kind === 'genesis') epoch = { id: null, key: this.keys ? this.keys.bytes(32) : randomEpochKey() }
    else {
      const id = opts.epoch ?? this.replica.sealedView()?.epochFor(deps, kind)
      const key = id && this.replica.keyRing.key(id)
      if (!id || !key) throw new Error(`${this.label}: no usable epoch to seal ${kind} under (re-key first)`)
      epoch = { id, key }
    }
    const wrapTo = kind === 'genesis' || kind === 'invite.create' ? [b['agree'] as Uint8Array] : opts.wrapTo
    const sealed = createSealedOp({
      community: opts.community === undefined ? (kind === 'genesis' ? null : this.community) : opts.community,
      seq, deps, time: opts.time ?? this.time, kind, body: b as never, epoch, entropy: this.entropy, ...(wrapTo ? { wrapTo } : {}),
    }, this.device, nodeCrypto)
    if (opts.seq === undefined) {
      this.seq = seq
      this.last = sealed.id
    }
    return openWithKey(sealed, epoch.key) as unknown as AnyOp
  }

  /** A sealed community (protocol v2): the genesis creates epoch 0 and wraps it to the founder. */
  foundSealed(name = 'Sealed Community', rules: Partial<Rules> = {}, charter = '# Charter\n\nWe govern together.\n'): AnyOp {
    const op = this.makeSealed('genesis', {
      name, purpose: 'Testing', charter, rules: { ...DEFAULT_RULES, ...rules }, founder: this.identity.publicKey, cert: this.cert(), parent: undefined,
    } as BodyOf<'genesis'>)
    const r = this.replica.receive(op)
    if (r.status !== 'applied') throw new Error(`${this.label}: sealed genesis not applied: ${JSON.stringify(r, (_k, v) => (v instanceof Error ? v.message : v))}`)
    return op
  }

  /**
   * EPOCH-4..7: a re-key as its parts (opened), on top of everything this
   * actor holds, superseding the live epochs with the keys it holds and
   * wrapping to the recipients its replica computes (or those given).
   */
  makeRekey(opts: { deps?: OpId[]; recipients?: Uint8Array[]; supersedes?: { id: OpId; key?: Uint8Array }[]; key?: Uint8Array } = {}): AnyOp[] {
    const view = this.replica.sealedView()
    if (!view) throw new Error(`${this.label}: not a sealed community`)
    const own = this.last ? [this.last] : []
    const deps = [...new Set([...(opts.deps ?? this.replica.heads()), ...own])]
    this.time += 1000
    const supersedes = opts.supersedes ?? view.live(deps).map((id) => {
      const key = this.replica.keyRing.key(id)
      return key ? { id, key } : { id }
    })
    const { key, ops } = createRekey({
      community: this.community, seq: this.seq + 1, deps, time: this.time, supersedes, recipients: opts.recipients ?? view.recipients(deps, this.time),
      key: opts.key ?? this.entropy(32), entropy: this.entropy,
    }, this.device, nodeCrypto)
    this.seq += ops.length
    this.last = (ops.at(-1) as SealedOp).id
    return ops.map((o) => openWithKey(o, key) as unknown as AnyOp)
  }

  /** Re-key and apply every part locally; throws if the local replica refuses one. */
  rekey(opts: Parameters<Actor['makeRekey']>[0] = {}): AnyOp[] {
    const ops = this.makeRekey(opts)
    for (const op of ops) {
      const r = this.replica.receive(op)
      if (r.status !== 'applied') throw new Error(`${this.label}: re-key not applied: ${JSON.stringify(r, (_k, v) => (v instanceof Error ? v.message : v))}`)
    }
    return ops
  }

  /** Author and apply locally; throws if the local replica rejects it. */
  act<K extends OpKind>(kind: K, body: BodyOf<K>, opts: Parameters<Actor['make']>[2] = {}): AnyOp {
    const op = this.make(kind, body, opts)
    const r = this.replica.receive(op)
    if (r.status !== 'applied') throw new Error(`${this.label}: ${kind} not applied: ${JSON.stringify(r, (_k, v) => (v instanceof Error ? v.message : v))}`)
    return op
  }

  found(name = 'Test Community', rules: Partial<Rules> = {}, charter = '# Charter\n\nWe govern together.\n'): AnyOp {
    return this.act('genesis', {
      name,
      purpose: 'Testing',
      charter,
      rules: { ...DEFAULT_RULES, ...rules },
      founder: this.identity.publicKey,
      cert: this.cert(),
      parent: undefined,
    })
  }

  /** Create an invite and return the op plus the capability secret. */
  invite(uses = 1, expires = Number.MAX_SAFE_INTEGER, member?: Uint8Array): { op: AnyOp; key: KeyPair; agree?: AgreeKeyPair } {
    if (this.replica.sealed) {
      // SEAL-4: both keys of a v2 invite come from the secret its link carries.
      const ik = inviteKeysFromSecret(this.entropy(32))
      const op = this.act('invite.create', { key: ik.sign.publicKey, uses, expires, member, agree: ik.agree.publicKey } as BodyOf<'invite.create'>)
      return { op, key: ik.sign, agree: ik.agree }
    }
    const key = testKeyPair(this.keys)
    const op = this.act('invite.create', { key: key.publicKey, uses, expires, member })
    return { op, key }
  }

  /** Join using an invite, authored on this actor's replica (which must already hold the invite). */
  join(invite: { op: AnyOp; key: KeyPair; agree?: AgreeKeyPair }): AnyOp {
    if (invite.agree) {
      void this.agree
      this.replica.addAgreeKey(invite.agree)
    }
    const proof = sign(joinProofMessage(this.community, invite.op.id, this.member), invite.key.secretKey)
    return this.act('member.join', { member: this.identity.publicKey, cert: this.cert(), invite: fromHex(invite.op.id), proof })
  }

  /** Deliver every op `from` holds that this actor lacks, in canonical order. */
  pull(from: Actor | Replica): void {
    const r = from instanceof Actor ? from.replica : from
    if (r.sealed) void this.agree
    for (const op of r.ops()) this.replica.receive(op)
  }
}

/** A founder plus n members, all synced; their keys from `keys` when given. */
export function community(n: number, rules: Partial<Rules> = {}, charter?: string, keys?: TestKeys): { founder: Actor; members: Actor[]; all: Actor[] } {
  const founder = new Actor('founder', undefined, undefined, keys)
  founder.found('Test Community', rules, charter)
  const members: Actor[] = []
  for (let i = 0; i < n; i++) {
    const inv = founder.invite()
    const a = new Actor(`m${i}`, undefined, undefined, keys)
    a.pull(founder)
    a.join(inv)
    founder.pull(a)
    members.push(a)
  }
  const all = [founder, ...members]
  syncAll(all)
  return { founder, members, all }
}

export function syncAll(actors: Actor[]): void {
  for (const a of actors) for (const b of actors) if (a !== b) a.pull(b)
}

export const memberIds = (r: Replica): string[] => r.state().members.map((m) => m.id).sort()

/**
 * Author an op the actor's replica should refuse, and return the refusal's
 * message ("RULE: why"); the actor's seq and last op are restored, so it can
 * keep acting. Throws if the op was applied.
 */
export function refusal(a: Actor, build: () => AnyOp): string {
  const seq = a.seq
  const last = a.last
  const time = a.time
  const op = build()
  const r = a.replica.receive(op)
  a.seq = seq
  a.last = last
  a.time = time
  if (r.status !== 'rejected') throw new Error(`${a.label}: expected a refusal, got ${r.status}`)
  return r.error.message
}

export const yesno: Method = { type: 'yesno', quorum: [1, 2], threshold: [1, 2] }

/** Rules with every decision class set to the same floor (tests that do not care about classes). */
export function flatRules(quorum: [number, number], threshold: [number, number], period = 0, extra: Partial<Rules> = {}): Partial<Rules> {
  const d = { quorum, threshold, period }
  return { decisions: { resolution: d, roster: d, rules: d, charter: d }, ...extra }
}

/** GOV-4: the time an honest author claims for a proposal — its clock, or the floor of its causal past when that is later. */
export function proposalTime(a: Actor): number {
  const deps = [...new Set([...a.replica.heads(), ...(a.last ? [a.last] : [])])]
  return Math.max(a.time + 1000, a.replica.timeFloor(deps))
}

/** GOV-1: the floor's own values for an action under the actor's current rules, as a yes/no method. */
export function floorMethod(a: Actor, action: ProposalAction): Method {
  const roster = a.replica.roster()
  const req = requirementOf(roster.rules!, action, roster.charterVersions)
  return { type: 'yesno', quorum: [...req.quorum] as [number, number], threshold: [...req.threshold] as [number, number] }
}

/**
 * Open a proposal as an honest node would: the time per GOV-4, and by default
 * the floor's quorum and threshold (GOV-2) and the shortest deadline (GOV-3).
 */
export function propose(a: Actor, action: ProposalAction, method?: Method, deadline?: number): AnyOp {
  const roster = a.replica.roster()
  const time = proposalTime(a)
  const period = requirementOf(roster.rules!, action, roster.charterVersions).period
  const op = a.act('proposal.create', { title: 'P', text: '', action, method: method ?? floorMethod(a, action), deadline: deadline ?? time + period }, { time })
  a.time = Math.max(a.time, time)
  return op
}
export const vote = (a: Actor, p: AnyOp, ballot: Ballot): AnyOp => a.act('vote.cast', { proposal: fromHex(p.id), ballot })
/** Close, claiming at least the proposal's deadline (time is advisory; a test's clock is not the wall clock). */
export function close(a: Actor, p: AnyOp): AnyOp {
  const deadline = p.kind === 'proposal.create' ? p.body.deadline : 0
  const time = Math.max(a.time + 1000, deadline)
  const op = a.act('proposal.close', { proposal: fromHex(p.id) }, { time })
  a.time = Math.max(a.time, time)
  return op
}

/** A sealed (v2) community: a founder plus n members who joined with invites, all synced. */
export function sealedCommunity(n: number, rules: Partial<Rules> = {}, keys?: TestKeys): { founder: Actor; members: Actor[]; all: Actor[] } {
  const founder = new Actor('founder', undefined, undefined, keys)
  founder.foundSealed('Sealed Community', rules)
  const members: Actor[] = []
  for (let i = 0; i < n; i++) {
    const inv = founder.invite()
    const a = new Actor(`m${i}`, undefined, undefined, keys)
    a.pull(founder)
    a.join(inv)
    founder.pull(a)
    members.push(a)
  }
  const all = [founder, ...members]
  syncAll(all)
  return { founder, members, all }
}
