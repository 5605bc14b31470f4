/**
 * A Replica holds one community: the causal DAG of its verified ops and the
 * state folded from them (docs/PROTOCOL.md, "The fold").
 *
 * - Validity is decided once, from the op's causal past alone (I3): an op
 *   that is invalid there is rejected and never stored; the verdict cannot
 *   change later, so every replica reaches the same one in any arrival order.
 * - Strong removal (ROSTER-10): an op that was valid at its past stops
 *   counting when an effective removal of its author is concurrent with it.
 *   That is the only way a later op changes what an earlier one does, and it
 *   triggers a rebuild of the derived state (removals are rare).
 * - The roster at any op's causal past is the fold of the roster ops in that
 *   past, computed per interned frontier and cached.
 */
import { DecodeError, ProtocolError, RuleViolation } from '../errors'
import { decodeOp, pureCrypto, type AnyOp, type CryptoSuite, type HeldOp } from '../op/envelope'
import type { CommunityId, DeviceKey, MemberId, OpId } from '../op/ids'
import { toHex } from '../encoding/bytes'
import { Dag, canonicalCompare, type DagEntry } from './dag'
import { EMPTY_FRONTIER, FrontierInterner, type Frontier } from './frontier'
import { RosterState } from './roster'
import { applyRosterOp, checkAuthor, checkRosterOp, violation, type RosterAction } from './roster-rules'
import { InviteJoins, type JoinFate } from './invite-contest'
import type { Rejection, Verdict } from './verdict'
import { ContentFold } from './content'
import { Governance } from './governance'
import { snapshotOf, type CommunityState } from './snapshot'

export interface ReplicaLimits {
  /** Ops waiting for missing deps (DAG-5). */
  maxPendingOps: number
  maxPendingBytes: number
  /** Rejected ops kept as evidence. */
  maxEvidence: number
}

export const DEFAULT_LIMITS: ReplicaLimits = {
  maxPendingOps: 20_000,
  maxPendingBytes: 64 * 1024 * 1024,
  maxEvidence: 1000,
}

export interface ReplicaOptions {
  /** The community this replica holds. Without it, the first genesis received decides. */
  community?: CommunityId
  crypto?: CryptoSuite
  limits?: Partial<ReplicaLimits>
  /**
   * Keep every inserted op's envelope bytes in memory (default true). A node
   * that stores envelopes on disk passes false and reads them from its store
   * when a peer asks: at 200k ops the bytes and their wrappers are ~130 MB.
   */
  keepEnvelopes?: boolean
}

export type ReceiveResult =
  /** `ops`: the applied op and every op it released, with their envelope bytes (for the caller to store). */
  | { status: 'applied'; id: OpId; released: OpId[]; ops: AnyOp[] }
  | { status: 'duplicate'; id: OpId }
  | { status: 'pending'; id: OpId; missing: OpId[] }
  | { status: 'dropped'; id: OpId; reason: string }
  | { status: 'rejected'; id?: OpId; error: ProtocolError }

export interface ForkProof {
  readonly device: DeviceKey
  readonly seq: number
  readonly ops: readonly OpId[]
}

/** Roster snapshots kept along the linear history (bounded: ~2 MB each at 10k members). */
const SNAPSHOT_EVERY = 512
const MAX_SNAPSHOTS = 6
/** Rosters of non-tip frontiers kept (each a full copy): enough for the few branches live at once. */
const ROSTER_CACHE = 12

const ROSTER_KINDS = new Set([
  'genesis', 'device.link', 'invite.create', 'invite.revoke', 'member.join', 'fork.join',
  'member.leave', 'member.remove', 'member.role',
])

const NONE: readonly number[] = []

/** Binary search in an ascending array. */
function sortedHas(xs: readonly number[], x: number): boolean {
  let lo = 0
  let hi = xs.length - 1
  while (lo <= hi) {
    const mid = (lo + hi) >> 1
    const v = xs[mid] as number
    if (v === x) return true
    if (v < x) lo = mid + 1
    else hi = mid - 1
  }
  return false
}

export class Replica {
  readonly dag = new Dag()
  community: CommunityId | undefined
  readonly crypto: CryptoSuite
  readonly limits: ReplicaLimits

  private readonly verdicts: Verdict[] = []
  private readonly rosterOps: DagEntry[] = []
  /**
   * Roster ancestry by complement: for each roster op, the earlier roster ops
   * that are NOT in its causal past, ascending. Along linear history that is
   * empty; one long-lived concurrent roster op (a device link made on a
   * branch) adds one entry to each later op instead of making every ancestry
   * question walk back to it — the walk was quadratic, 23 s of a 219k-op
   * replay. An op made far behind the tip lists what it missed, once.
   */
  private readonly rosterMissing: (readonly number[])[] = []
  private readonly rosterActions: (RosterAction | undefined)[] = []
  private readonly singleton: Frontier[] = []
  /** Ordinals of removals (direct, or by a passed proposal) by removed member. */
  private readonly removalsOf = new Map<MemberId, number[]>()
  /** Joins and revocations per invite, for the joins a set of roster ops voids (ROSTER-13, ROSTER-16). */
  private readonly inviteJoins = new InviteJoins()
  private readonly interner = new FrontierInterner()
  private readonly rosterCache = new Map<string, RosterState>()
  /**
   * Roster after every `snapshotEvery`-th roster op on the tip, so an old
   * frontier replays from nearby. At most MAX_SNAPSHOTS are kept (each is a
   * full copy, ~2.5 MB at 10k members; 39 of them were ~100 MB at 219k ops):
   * when full, every other one is dropped and the spacing doubles.
   */
  private readonly rosterSnapshots = new Map<number, RosterState>()
  private snapshotEvery = SNAPSHOT_EVERY
  /**
   * The roster after the newest roster op when it extends the previous one:
   * updated in place (no copy per join), with a snapshot kept every
   * SNAPSHOT_EVERY roster ops so older frontiers replay from nearby. A state
   * returned by rosterAt is therefore valid until the next insert.
   */
  private tip: { ordinal: number; state: RosterState } | undefined
  private globalRoster: RosterState | undefined

  /** Recently rejected ids, so ops built on them are refused at once (DAG-6). Bounded. */
  private readonly rejectedIds = new Set<OpId>()
  private readonly pending = new Map<OpId, AnyOp>()
  private pendingBytes = 0
  private readonly waiting = new Map<OpId, Set<OpId>>()
  readonly evidence: Rejection[] = []
  private readonly forkProofMap = new Map<string, ForkProof>()

  readonly governance: Governance
  private content: ContentFold
  private contentDirty = false
  private readonly listeners = new Set<(ids: OpId[]) => void>()
  private readonly keepEnvelopes: boolean
  /** Envelope bytes by entry index, when kept. */
  private readonly envelopes: Uint8Array[] = []
  /**
   * One string per distinct device key, member id and referenced proposal:
   * held ops share them instead of each carrying its own copies (at 200k ops,
   * ~5 hex strings per op were ~100 MB of the heap).
   */
  private readonly interned = new Map<string, string>()
  private readonly internedProposals = new Map<string, Uint8Array>()

  constructor(options: ReplicaOptions = {}) {
    this.community = options.community
    this.crypto = options.crypto ?? pureCrypto
    this.limits = { ...DEFAULT_LIMITS, ...options.limits }
    this.keepEnvelopes = options.keepEnvelopes ?? true
    this.governance = new Governance(this)
    this.content = new ContentFold(this)
  }

  // ---- reading -----------------------------------------------------------

  /** Equivocations seen: one device signing different ops with the same seq. */
  get forkProofs(): ForkProof[] {
    return [...this.forkProofMap.values()]
  }

  heads(): OpId[] {
    return this.dag.heads()
  }

  /** The envelope bytes of a held op, when this replica keeps them (see ReplicaOptions.keepEnvelopes). */
  envelopeOf(id: OpId): Uint8Array | undefined {
    const e = this.dag.get(id)
    return e ? this.envelopes[e.index] : undefined
  }

  /** A held op with its envelope bytes; undefined when absent or when envelopes are not kept. */
  opOf(id: OpId): AnyOp | undefined {
    const e = this.dag.get(id)
    const bytes = e ? this.envelopes[e.index] : undefined
    return e && bytes ? ({ ...e.op, bytes } as AnyOp) : undefined
  }

  /** Every held op with its envelope, in insertion order (a causal order). Needs keepEnvelopes. */
  ops(): AnyOp[] {
    if (!this.keepEnvelopes) throw new Error('This replica does not keep envelopes; read them from the store.')
    return this.dag.entries.map((e) => ({ ...e.op, bytes: this.envelopes[e.index] as Uint8Array }) as AnyOp)
  }

  has(id: OpId): boolean {
    return this.dag.has(id)
  }

  get size(): number {
    return this.dag.size
  }

  pendingCount(): number {
    return this.pending.size
  }

  /** Is this op in the buffer of ops waiting for their deps (DAG-5)? */
  isPending(id: OpId): boolean {
    return this.pending.has(id)
  }

  /** Missing deps that pending ops wait for (what to ask peers for). */
  missing(): OpId[] {
    return [...this.waiting.keys()].filter((id) => !this.pending.has(id)).sort()
  }

  verdictOf(entry: DagEntry): Verdict {
    return this.verdicts[entry.index] as Verdict
  }

  /** The roster as of all ops this replica holds. */
  roster(): RosterState {
    if (!this.globalRoster) this.globalRoster = this.rosterAt(this.frontierOfDeps(this.dag.heads()))
    return this.globalRoster
  }

  /** The roster at the causal past of an op. */
  rosterBefore(entry: DagEntry): RosterState {
    return this.rosterAt(this.verdictOf(entry).frontier)
  }

  state(): CommunityState {
    return snapshotOf(this, this.contentFold())
  }

  /**
   * The state recomputed from scratch, bypassing every cache: the reference
   * that incremental application must equal (tested).
   */
  refoldedState(): CommunityState {
    this.rosterCache.clear()
    this.rosterSnapshots.clear()
    this.tip = undefined
    this.globalRoster = undefined
    this.contentDirty = true
    return this.state()
  }

  /** Draft edits whose folding threw (CHARTER-F5), recorded instead of thrown. Empty unless something is wrong. */
  foldErrors(): readonly { op: OpId; error: string }[] {
    return this.contentFold().foldErrors
  }

  contentFold(): ContentFold {
    if (this.contentDirty) {
      this.content = new ContentFold(this)
      for (const e of this.dag.entries) this.content.apply(e)
      this.contentDirty = false
    }
    return this.content
  }

  /**
   * Drop cached rosters of past frontiers (each a full copy, ~2 MB at 10k
   * members). A node calls it after a bulk load, whose branches are history
   * now; they are rebuilt on demand from the kept snapshots.
   */
  trimCaches(): void {
    this.rosterCache.clear()
    this.globalRoster = undefined
  }

  /** Called with the ids of newly applied ops. Returns an unsubscribe function. */
  onApplied(listener: (ids: OpId[]) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  // ---- writing -----------------------------------------------------------

  /** Receive one op from anywhere (network, bundle, local). Never throws. */
  receive(input: Uint8Array | AnyOp): ReceiveResult {
    let op: AnyOp
    try {
      op = input instanceof Uint8Array ? decodeOp(input, this.crypto) : input
    } catch (e) {
      return this.reject(undefined, e)
    }
    if (this.dag.has(op.id)) return { status: 'duplicate', id: op.id }
    if (this.pending.has(op.id)) return { status: 'pending', id: op.id, missing: this.missingDepsOf(op) }
    if (this.community === undefined && op.kind === 'genesis') this.community = op.community
    if (this.community === undefined) return this.buffer(op, this.missingDepsOf(op))
    if (op.community !== this.community) {
      return this.reject(op.id, new RuleViolation('AUTH-2', `the op belongs to community ${op.community}, not this one`))
    }
    if (op.deps.some((d) => this.rejectedIds.has(d))) {
      return this.reject(op.id, new RuleViolation('DAG-6', 'the op depends on an op this replica rejected'))
    }
    const missing = this.missingDepsOf(op)
    if (missing.length > 0) return this.buffer(op, missing)
    const released: OpId[] = []
    const ops: AnyOp[] = [op]
    const result = this.insertChecked(op)
    if (result.status !== 'applied') return result
    this.releaseWaiters(op.id, released, ops)
    this.notify([op.id, ...released])
    return { status: 'applied', id: op.id, released, ops }
  }

  /** Receive many ops; returns how many were applied and the rejections. */
  receiveAll(inputs: Iterable<Uint8Array | AnyOp>): { applied: number; results: ReceiveResult[] } {
    const results: ReceiveResult[] = []
    let applied = 0
    for (const x of inputs) {
      const r = this.receive(x)
      results.push(r)
      if (r.status === 'applied') applied += 1 + r.released.length
    }
    return { applied, results }
  }

  private notify(ids: OpId[]): void {
    for (const l of this.listeners) {
      try {
        l(ids)
      } catch {
        // A listener's failure must not affect the replica.
      }
    }
  }

  private missingDepsOf(op: AnyOp): OpId[] {
    return op.deps.filter((d) => !this.dag.has(d))
  }

  private buffer(op: AnyOp, missing: OpId[]): ReceiveResult {
    if (this.pending.size >= this.limits.maxPendingOps || this.pendingBytes + op.bytes.length > this.limits.maxPendingBytes) {
      return { status: 'dropped', id: op.id, reason: 'DAG-5: the buffer of ops waiting for their deps is full' }
    }
    this.pending.set(op.id, op)
    this.pendingBytes += op.bytes.length
    for (const m of missing) {
      let w = this.waiting.get(m)
      if (!w) this.waiting.set(m, (w = new Set()))
      w.add(op.id)
    }
    return { status: 'pending', id: op.id, missing }
  }

  private releaseWaiters(id: OpId, released: OpId[], ops: AnyOp[]): void {
    const queue = [id]
    while (queue.length > 0) {
      const done = queue.pop() as OpId
      const ws = this.waiting.get(done)
      if (!ws) continue
      this.waiting.delete(done)
      for (const wid of ws) {
        const op = this.pending.get(wid)
        if (!op || this.missingDepsOf(op).length > 0) continue
        this.pending.delete(wid)
        this.pendingBytes -= op.bytes.length
        if (op.deps.some((d) => this.rejectedIds.has(d))) {
          this.reject(wid, new RuleViolation('DAG-6', 'the op depends on an op this replica rejected'))
          this.dropDependents(wid)
        } else if (this.insertChecked(op).status === 'applied') {
          released.push(wid)
          ops.push(op)
          queue.push(wid)
        } else {
          this.dropDependents(wid)
        }
      }
    }
  }

  /** Ops waiting on a rejected op can never apply (DAG-6): drop them now. */
  private dropDependents(id: OpId): void {
    const queue = [id]
    while (queue.length > 0) {
      const ws = this.waiting.get(queue.pop() as OpId)
      if (!ws) continue
      for (const wid of ws) {
        const op = this.pending.get(wid)
        if (op) {
          this.pending.delete(wid)
          this.pendingBytes -= op.bytes.length
          queue.push(wid)
        }
      }
    }
    this.waiting.delete(id)
  }

  private reject(id: OpId | undefined, e: unknown): ReceiveResult {
    const error = e instanceof ProtocolError ? e : new DecodeError(String(e))
    if (id !== undefined) {
      if (this.rejectedIds.size >= 10_000) this.rejectedIds.delete(this.rejectedIds.values().next().value as OpId)
      this.rejectedIds.add(id)
    }
    if (id !== undefined && error instanceof RuleViolation && this.evidence.length < this.limits.maxEvidence) {
      this.evidence.push({ id, error })
    }
    return id === undefined ? { status: 'rejected', error } : { status: 'rejected', id, error }
  }

  /** All deps present: decide validity at the causal past, then insert and fold. */
  private insertChecked(op: AnyOp): ReceiveResult {
    let frontier: Frontier
    let member: MemberId
    let rosterOp: boolean
    let usedAt = 0
    try {
      this.checkSeqChain(op)
      frontier = this.frontierOfDeps(op.deps)
      const past = this.rosterAt(frontier)
      if (op.kind !== 'genesis' && past.genesis === null) violation('DAG-1', 'the genesis op is not in the causal past')
      member = checkAuthor(op, past, { verify: this.crypto.verify, timeWitnessedFor: (creator) => this.governance.timeWitnessedFor(op.deps, creator) })
      checkRosterOp(op, past, member)
      // A join's claim is weighed against the uses claimed at its past (ROSTER-13); read it before the tip moves.
      if (op.kind === 'member.join') usedAt = past.invites.get(toHex(op.body.invite) as OpId)?.used ?? 0
      rosterOp = ROSTER_KINDS.has(op.kind) || this.governance.check(op, past, member, frontier).rosterEffect
    } catch (e) {
      return this.reject(op.id, e)
    }
    const entry = this.dag.insert(this.held(op))
    if (this.keepEnvelopes) this.envelopes[entry.index] = op.bytes
    member = this.intern(member)
    const extendsTip = rosterOp && (this.tip ? frontier.items.length === 1 && frontier.items[0] === this.tip.ordinal : frontier.items.length === 0)
    this.verdicts[entry.index] = { member, frontier, rosterOrdinal: -1 }
    this.governance.inserted(entry)
    // CHARTER-F3: a client id two edits claim is folded as tombstones from now on, and so must be its past edits.
    if (this.governance.draft.takeClash()) this.contentDirty = true
    if (rosterOp) {
      // A close's effect is its outcome, a function of its causal past (CLOSE-5).
      const action = this.governance.actionFor(entry)
      const rosterOrdinal = this.rosterOps.length
      this.rosterOps.push(entry)
      this.rosterMissing.push(this.missingBelow(frontier.items, rosterOrdinal))
      this.rosterActions.push(action)
      this.singleton.push(this.interner.intern([rosterOrdinal]))
      this.inviteJoins.note(entry.op, rosterOrdinal, usedAt)
      this.verdicts[entry.index] = { member, frontier, rosterOrdinal }
      if (extendsTip) {
        const state = this.tip ? this.tip.state : new RosterState()
        this.foldRosterOp(state, rosterOrdinal)
        this.tip = { ordinal: rosterOrdinal, state }
        if (rosterOrdinal % this.snapshotEvery === 0) this.keepSnapshot(rosterOrdinal, state)
      } else {
        this.tip = { ordinal: rosterOrdinal, state: this.rosterAt(this.singleton[rosterOrdinal] as Frontier).clone() }
      }
      const removed = this.removedBy(op, action)
      if (removed) {
        const list = this.removalsOf.get(removed) ?? []
        list.push(rosterOrdinal)
        this.removalsOf.set(removed, list)
      }
      this.globalRoster = undefined
      // Anything not strictly after every roster op so far may reorder or cut earlier ops.
      if (removed || (this.rosterMissing[rosterOrdinal] as number[]).length > 0) this.contentDirty = true
    }
    const seqOps = this.dag.opsAt(op.author, op.seq)
    // EQUIV-1: one device, one seq, two ops: keep a proof (the whole set, so every replica records the same).
    if (seqOps.length > 1) this.forkProofMap.set(`${op.author}:${op.seq}`, { device: op.author, seq: op.seq, ops: [...seqOps].sort() })
    if (!this.contentDirty) this.content.apply(entry)
    return { status: 'applied', id: op.id, released: [], ops: [op] }
  }

  private intern<T extends string>(s: T): T {
    const known = this.interned.get(s)
    if (known !== undefined) return known as T
    this.interned.set(s, s)
    return s
  }

  /** The op as held: no envelope bytes, and shared strings for its community, author and deps. */
  private held(op: AnyOp): HeldOp {
    const deps = op.deps.map((d) => (this.dag.get(d) as DagEntry).op.id)
    let body = op.body
    const proposal = (body as { proposal?: unknown }).proposal
    if (proposal instanceof Uint8Array) {
      // Votes, closes, withdraws and comments name their proposal: 190k votes need not carry 190k copies of 32 bytes.
      const key = (this.dag.get(toHex(proposal) as OpId) as DagEntry).op.id
      let shared = this.internedProposals.get(key)
      if (!shared) this.internedProposals.set(key, (shared = proposal))
      body = { ...body, proposal: shared } as typeof body
    }
    return {
      id: op.id,
      community: (this.community ?? op.community) as CommunityId,
      author: this.intern(op.author),
      seq: op.seq,
      deps,
      time: op.time,
      kind: op.kind,
      body,
    } as HeldOp
  }

  /** Is roster op `i` in the causal past of roster op `j`? (Ancestors always have smaller ordinals.) */
  private rosterIsAncestor(i: number, j: number): boolean {
    return i < j && !sortedHas(this.rosterMissing[j] as number[], i)
  }

  /**
   * The roster ops below `end` that are not in the downsets of `items`
   * (items included), ascending. k is outside p's downset iff k > p or k is
   * in p's missing list; so the answer is the intersection over the items,
   * and every candidate comes from the newest item's list or lies above it.
   */
  private missingBelow(items: readonly number[], end: number): readonly number[] {
    if (items.length === 0) return end === 0 ? NONE : Array.from({ length: end }, (_, k) => k)
    let top = items[0] as number
    for (const p of items) if (p > top) top = p
    const out: number[] = []
    const outside = (k: number): boolean => {
      for (const p of items) if (k === p || (k < p && !sortedHas(this.rosterMissing[p] as number[], k))) return false
      return true
    }
    for (const k of this.rosterMissing[top] as number[]) if (outside(k)) out.push(k)
    for (let k = top + 1; k < end; k++) if (outside(k)) out.push(k)
    return out.length === 0 ? NONE : out
  }

  /** DAG-2: a device's ops form a chain through their deps. */
  private checkSeqChain(op: AnyOp): void {
    let hasPrev = op.seq === 1
    for (const d of op.deps) {
      const e = this.dag.get(d) as DagEntry
      if (e.op.author !== op.author) continue
      if (e.op.seq >= op.seq) violation('DAG-2', 'an op depends on an op of the same device with a seq not below its own')
      if (e.op.seq === op.seq - 1) hasPrev = true
    }
    if (!hasPrev) violation('DAG-2', `seq ${op.seq} must list the device's op ${op.seq - 1} among its deps`)
  }


  /** Which member an op removes, if it is a removal (ROSTER-10, ROSTER-12). */
  private removedBy(op: HeldOp, action: RosterAction | undefined): MemberId | undefined {
    if (op.kind === 'member.remove') return toHex(op.body.member) as MemberId
    if (op.kind === 'proposal.close' && action?.type === 'remove') return toHex(action.member) as MemberId
    return undefined
  }

  // ---- roster at a causal past --------------------------------------------

  frontierOfDeps(deps: readonly OpId[]): Frontier {
    if (deps.length === 0) return EMPTY_FRONTIER
    let first: Frontier | undefined
    let same = true
    const parts: Frontier[] = []
    for (const d of deps) {
      const e = this.dag.get(d) as DagEntry
      const v = this.verdicts[e.index] as Verdict
      const f = v.rosterOrdinal >= 0 ? (this.singleton[v.rosterOrdinal] as Frontier) : v.frontier
      parts.push(f)
      if (first === undefined) first = f
      else if (f !== first) same = false
    }
    if (same) return first as Frontier
    const union = new Set<number>()
    for (const p of parts) for (const i of p.items) union.add(i)
    const maximal = [...union].filter((i) => {
      for (const j of union) if (j !== i && this.rosterIsAncestor(i, j)) return false
      return true
    })
    return this.interner.intern(maximal)
  }

  rosterAt(frontier: Frontier): RosterState {
    if (this.tip && frontier.items.length === 1 && frontier.items[0] === this.tip.ordinal) return this.tip.state
    const hit = this.rosterCache.get(frontier.key) ?? (frontier.items.length === 1 ? this.rosterSnapshots.get(frontier.items[0] as number) : undefined)
    if (hit) return hit
    let state: RosterState
    if (frontier.items.length === 0) {
      state = new RosterState()
    } else if (frontier.items.length === 1) {
      // Walk back along single-element frontiers to a cached state, then apply forward.
      const chain: number[] = []
      let f: Frontier = frontier
      let base: RosterState | undefined
      while (true) {
        const cached = this.rosterCache.get(f.key) ?? (f.items.length === 1 ? this.rosterSnapshots.get(f.items[0] as number) : undefined)
        if (cached && f !== frontier) {
          base = cached
          break
        }
        if (f.items.length !== 1) {
          base = this.rosterAt(f)
          break
        }
        const ord = f.items[0] as number
        chain.push(ord)
        f = (this.verdicts[(this.rosterOps[ord] as DagEntry).index] as Verdict).frontier
      }
      state = base.clone()
      for (let i = chain.length - 1; i >= 0; i--) this.foldRosterOp(state, chain[i] as number)
    } else {
      state = this.foldDownset(frontier)
    }
    this.cacheRoster(frontier, state)
    return state
  }

  private keepSnapshot(ordinal: number, state: RosterState): void {
    if (this.rosterSnapshots.size >= MAX_SNAPSHOTS) {
      this.snapshotEvery *= 2
      for (const k of [...this.rosterSnapshots.keys()]) if (k % this.snapshotEvery !== 0) this.rosterSnapshots.delete(k)
      if (ordinal % this.snapshotEvery !== 0) return
    }
    this.rosterSnapshots.set(ordinal, state.clone())
  }

  private cacheRoster(f: Frontier, s: RosterState): void {
    if (this.rosterCache.size >= ROSTER_CACHE) {
      const oldest = this.rosterCache.keys().next().value as string
      this.rosterCache.delete(oldest)
    }
    this.rosterCache.set(f.key, s)
  }

  /** The roster from every roster op in the downset of a frontier, in canonical order. */
  private foldDownset(frontier: Frontier): RosterState {
    let top = 0
    for (const p of frontier.items) if (p > top) top = p
    const missing = new Set(this.missingBelow(frontier.items, top + 1))
    const set = new Set<number>()
    for (let i = 0; i <= top; i++) if (!missing.has(i)) set.add(i)
    const ordered = [...set].sort((a, b) => canonicalCompare(this.rosterOps[a] as DagEntry, this.rosterOps[b] as DagEntry))
    const fates = this.inviteJoins.fates((o) => set.has(o), (a, b) => !this.rosterIsAncestor(a, b) && !this.rosterIsAncestor(b, a))
    const s = new RosterState()
    for (const ord of ordered) if (!this.isCutWithin(ord, set)) this.foldRosterOp(s, ord, fates.get(ord))
    return s
  }

  /**
   * Fold one roster op. Without `fate`, the op must be on top of every op
   * already folded into `s` (the tip, or a chain walk): such an op is
   * concurrent with none of them, so no invite contest or revocation can
   * void it or change an earlier fate (ROSTER-13, ROSTER-16).
   */
  private foldRosterOp(s: RosterState, ord: number, fate?: JoinFate): void {
    const e = this.rosterOps[ord] as DagEntry
    const v = this.verdicts[e.index] as Verdict
    applyRosterOp(s, e.op, v.member, this.rosterActions[ord], fate)
  }

  /**
   * ROSTER-10/11: within a set of roster ops, an op is cut when a removal of
   * its author's member (or, for an admission by proposal, of the admitted
   * member) lies in the set and is concurrent with it. Removals are never cut
   * (ROSTER-12: concurrent mutual removals both apply).
   */
  private isCutWithin(ord: number, set: Set<number>): boolean {
    const e = this.rosterOps[ord] as DagEntry
    const action = this.rosterActions[ord]
    if (this.removedBy(e.op, action)) return false
    const v = this.verdicts[e.index] as Verdict
    const subjects = [v.member]
    if (action?.type === 'admit') subjects.push(toHex(action.member) as MemberId)
    for (const m of subjects) {
      for (const r of this.removalsOf.get(m) ?? []) {
        if (r === ord || !set.has(r)) continue
        if (!this.rosterIsAncestor(ord, r) && !this.rosterIsAncestor(r, ord)) return true
      }
    }
    return false
  }

  /**
   * ROSTER-10 for any op against the whole replica: is it concurrent with an
   * effective removal of its author's member?
   */
  isCut(entry: DagEntry): boolean {
    const v = this.verdictOf(entry)
    const removals = this.removalsOf.get(v.member)
    if (!removals) return false
    if (v.rosterOrdinal >= 0 && this.removedBy(entry.op, this.rosterActions[v.rosterOrdinal])) return false
    for (const r of removals) {
      const re = this.rosterOps[r] as DagEntry
      if (re === entry) continue
      if (!this.dag.isAncestor(re, entry) && !this.dag.isAncestor(entry, re)) return true
    }
    return false
  }

  /** Is a removal of the op's member concurrent with it, counting only removals in `within`'s past? */
  isCutInPastOf(entry: DagEntry, within: DagEntry): boolean {
    const v = this.verdictOf(entry)
    const removals = this.removalsOf.get(v.member)
    if (!removals) return false
    for (const r of removals) {
      const re = this.rosterOps[r] as DagEntry
      if (re !== within && !this.dag.isAncestor(re, within)) continue
      if (!this.dag.isAncestor(re, entry) && !this.dag.isAncestor(entry, re)) return true
    }
    return false
  }

  /** The member an op's author acted for (from its verdict). */
  memberOf(entry: DagEntry): MemberId {
    return this.verdictOf(entry).member
  }
}
