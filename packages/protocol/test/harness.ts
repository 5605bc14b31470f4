/**
 * Test harness: members with identity and device keys who author real signed
 * ops against their own replica (so deps are the heads they know).
 */
import {
  Replica, certifyDevice, createOp, generateKeyPair, joinProofMessage, sign, toHex, DEFAULT_RULES,
  type AnyOp, type Ballot, type Method, type ProposalAction, type BodyOf, type CommunityId, type KeyPair, type MemberId, type OpId, type OpKind, type Rules,
} from '../src/index'
import { fromHex } from '../src/encoding/bytes'
import { nodeCrypto } from './node-crypto'
import { createHash } from 'node:crypto'
import { keyPairFromSecret } from '../src/index'

/**
 * Keys for test actors: random by default, or derived from a seed so that a
 * property test's seed reproduces the run exactly (op ids, and so every
 * canonical-order tie-break).
 */
let keySeed: number | undefined
let keyCounter = 0
export function seedKeys(seed: number | undefined): void {
  keySeed = seed
  keyCounter = 0
}
export function testKeyPair(): KeyPair {
  if (keySeed === undefined) return generateKeyPair()
  keyCounter++
  return keyPairFromSecret(new Uint8Array(createHash('sha256').update(`polity-test/${keySeed}/${keyCounter}`).digest()))
}

export class Actor {
  readonly identity: KeyPair
  readonly device: KeyPair
  seq = 0
  last: OpId | undefined
  readonly replica: Replica
  time = 1_700_000_000_000

  constructor(readonly label: string, replica?: Replica, identity?: KeyPair) {
    this.identity = identity ?? testKeyPair()
    this.device = testKeyPair()
    this.replica = replica ?? new Replica({ crypto: nodeCrypto })
  }

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
  invite(uses = 1, expires = Number.MAX_SAFE_INTEGER, member?: Uint8Array): { op: AnyOp; key: KeyPair } {
    const key = testKeyPair()
    const op = this.act('invite.create', { key: key.publicKey, uses, expires, member })
    return { op, key }
  }

  /** Join using an invite, authored on this actor's replica (which must already hold the invite). */
  join(invite: { op: AnyOp; key: KeyPair }): AnyOp {
    const proof = sign(joinProofMessage(this.community, invite.op.id, this.member), invite.key.secretKey)
    return this.act('member.join', { member: this.identity.publicKey, cert: this.cert(), invite: fromHex(invite.op.id), proof })
  }

  /** Deliver every op `from` holds that this actor lacks, in canonical order. */
  pull(from: Actor | Replica): void {
    const r = from instanceof Actor ? from.replica : from
    for (const op of r.ops()) this.replica.receive(op)
  }
}

/** A founder plus n members, all synced. */
export function community(n: number, rules: Partial<Rules> = {}): { founder: Actor; members: Actor[]; all: Actor[] } {
  const founder = new Actor('founder')
  founder.found('Test Community', rules)
  const members: Actor[] = []
  for (let i = 0; i < n; i++) {
    const inv = founder.invite()
    const a = new Actor(`m${i}`)
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

export const yesno: Method = { type: 'yesno', quorum: [1, 2], threshold: [1, 2] }

export function propose(a: Actor, action: ProposalAction, method: Method = yesno, deadline = 0): AnyOp {
  return a.act('proposal.create', { title: 'P', text: '', action, method, deadline })
}
export const vote = (a: Actor, p: AnyOp, ballot: Ballot): AnyOp => a.act('vote.cast', { proposal: fromHex(p.id), ballot })
export const close = (a: Actor, p: AnyOp): AnyOp => a.act('proposal.close', { proposal: fromHex(p.id) })
