/**
 * A Replica holds one community: the causal DAG of its verified ops and the
 * state folded from them (docs/PROTOCOL.md, "The fold").
 *
 * - Validity is decided once, from the op's causal past alone (I3): an op
 *   that is invalid there is rejected and never stored; the verdict cannot
 *   change later, so every replica reaches the same one in any arrival order.
 * - The roster along the DAG lives in RosterHistory (roster-history.ts); ops
 *   waiting for deps in PendingBuffer (pending.ts); governance, content and
 *   the snapshot read the replica only through a ReplicaView (view.ts), and
 *   reconciliation through a CausalView.
 */
import { DecodeError, ProtocolError, RuleViolation } from '../errors'
import { decodeOp, pureCrypto, type AnyOp, type CryptoSuite } from '../op/envelope'
import type { CommunityId, DeviceKey, MemberId, OpId } from '../op/ids'
import { fromHex, toHex } from '../encoding/bytes'
import { Dag, type DagEntry } from './dag'
import type { Frontier } from './frontier'
import { checkAuthor, checkRosterOp, violation } from './roster-rules'
import type { RosterState } from './roster'
import { RosterHistory } from './roster-history'
import { PendingBuffer } from './pending'
import { HeldOps } from './held'
import type { ForkProof, Rejection } from './verdict'
import { ContentFold } from './content'
import { Governance } from './governance'
import type { Outcome } from './outcome'
import { snapshotOf, type CommunityState } from './snapshot'
import { Listing } from './listing'
import type { CausalView, ReplicaView } from './view'
import { DEFAULT_LIMITS, type AppliedOp, type ReceiveResult, type ReplicaLimits, type ReplicaOptions } from './options'
import { KeyRing } from '../op/keyring'
import type { AgreeKeyPair } from '../crypto/seal'
import { isSealedEnvelope, type OpenedOp, type SealedOp } from '../op/sealed-envelope'
import { isOpenedOp, isSealedOp, SealedIntake } from './sealed-intake'
import { DEPARTURES, Epochs } from './epochs'
import { sealedViewOf, type SealedView } from './sealed-view'
import type { WaitingOp } from './pending'
import { TerritoryIndex, type TerritoryOp } from './territory'
import { TerritoryFold, type TerritoryState } from './territory-fold'
import { isTerritoryKind } from '../op/territory-kinds'

export { DEFAULT_LIMITS, type ReplicaLimits, type ReplicaOptions, type AppliedOp, type ReceiveResult } from './options'

const ROSTER_KINDS = new Set([
  'genesis', 'device.link', 'invite.create', 'invite.revoke', 'member.join', 'fork.join',
  'member.leave', 'member.remove', 'member.role',
])

export class Replica implements CausalView {
  community: CommunityId | undefined
  readonly crypto: CryptoSuite
  readonly limits: ReplicaLimits
  readonly evidence: Rejection[] = []
  /** What the fold's parts read; read-only, and what tests inspect. */
  readonly view: ReplicaView

  private readonly dag = new Dag()
  private readonly history = new RosterHistory(this.dag)
  private readonly governance: Governance
  private content: ContentFold
  private contentDirty = false
  private readonly pending: PendingBuffer
  /** Recently rejected ids, so ops built on them are refused at once (DAG-6). Bounded. */
  private readonly rejectedIds = new Set<OpId>()
  private readonly forkProofMap = new Map<string, ForkProof>()
  private readonly keepEnvelopes: boolean
  /** Envelope bytes by entry index, when kept. */
  private readonly envelopes: Uint8Array[] = []
  private readonly held = new HeldOps(this.dag)
  private sealedMode: boolean | undefined
  readonly keyRing: KeyRing
  private epochs: Epochs | undefined
  private readonly intake: SealedIntake
  private listed: Listing | undefined
  private readonly territoryIndex: TerritoryIndex
  private territoryFold: TerritoryFold

  constructor(options: ReplicaOptions = {}) {
    this.community = options.community
    this.crypto = options.crypto ?? pureCrypto
    this.limits = { ...DEFAULT_LIMITS, ...options.limits }
    this.keepEnvelopes = options.keepEnvelopes ?? true
    this.pending = new PendingBuffer(this.limits)
    this.keyRing = options.keyRing ?? new KeyRing()
    this.sealedMode = options.sealed
    if (this.sealedMode) this.epochs = new Epochs(this.dag)
    this.intake = new SealedIntake({
      crypto: this.crypto,
      keyRing: this.keyRing,
      pending: this.pending,
      community: () => this.community,
      sealed: () => this.sealedMode,
      foundSealed: (c) => {
        this.community = c
        this.sealedMode ??= true
        if (this.sealedMode) this.epochs ??= new Epochs(this.dag)
      },
      has: (id) => this.dag.has(id),
      dependsOnRejected: (op) => this.dependsOnRejected(op),
      missingDeps: (op) => this.missingDepsOf(op),
      reject: (id, e) => this.reject(id, e),
      buffer: (op, missing) => this.buffer(op, missing),
      insert: (op) => this.insertChecked(op as unknown as AnyOp, op),
    })
    const dag = this.dag
    const history = this.history
    this.view = {
      entry: (id) => dag.get(id),
      isAncestor: (a, b) => dag.isAncestor(a, b),
      pastAbove: (b, minHeight) => dag.pastAbove(b, minHeight),
      memberOf: (e) => history.memberOf(e),
      rosterBefore: (e) => history.rosterBefore(e),
      roster: () => history.roster(),
      isCut: (e) => history.isCut(e),
      isCutInPastOf: (e, within) => history.isCutInPastOf(e, within),
    }
    this.governance = new Governance(this.view)
    this.content = new ContentFold(this.view, this.governance.draft)
    this.territoryIndex = new TerritoryIndex(this.view, this.governance)
    this.territoryFold = new TerritoryFold(this.view, this.territoryIndex)
  }

  // ---- the held ops --------------------------------------------------------

  get size(): number {
    return this.dag.size
  }

  heads(): OpId[] {
    return this.dag.heads()
  }

  has(id: OpId): boolean {
    return this.dag.has(id)
  }

  /** A held op's entry: the op without its envelope bytes, its height and insertion position. */
  entry(id: OpId): DagEntry | undefined {
    return this.dag.get(id)
  }

  /** The device's held op with the highest seq, if any. */
  lastOf(device: DeviceKey): DagEntry | undefined {
    return this.dag.lastOf(device)
  }

  idsFrom(position: number, count: number): OpId[] {
    return this.dag.entries.slice(position, position + count).map((e) => e.op.id)
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

  /** Equivocations seen: one device signing different ops with the same seq. */
  get forkProofs(): ForkProof[] {
    return [...this.forkProofMap.values()]
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
    return this.pending.missing()
  }

  // ---- the folded state ----------------------------------------------------

  /** The roster as of all ops this replica holds. */
  roster(): RosterState {
    return this.history.roster()
  }

  /** The roster at the causal past of an op with these (held) deps, e.g. the heads a fork cites (FORK-2). */
  rosterAt(heads: readonly OpId[]): RosterState {
    return this.history.rosterAt(this.history.frontierOfDeps(heads))
  }

  state(): CommunityState {
    const content = this.contentFold()
    return { ...snapshotOf(this.view, this.governance, content, { heads: this.heads(), opCount: this.size, forkProofs: this.forkProofs }), territory: this.territory() }
  }

  /** Places, campaigns, pledges and receipts (PLACE-*, FUND-*), as plain deterministic data. */
  territory(): TerritoryState {
    this.contentFold()
    return this.territoryFold.state()
  }

  /** Pages of what screens show (VIEW-1..3), computed from the fold without building the whole state. */
  listing(): Listing {
    return (this.listed ??= new Listing(this.view, this.governance, () => this.contentFold(), (n) => this.dag.entries.slice(-n)))
  }

  /**
   * The state recomputed from scratch, bypassing every cache: the reference
   * that incremental application must equal (tested).
   */
  refoldedState(): CommunityState {
    this.history.clearCaches()
    this.contentDirty = true
    this.territoryFold = new TerritoryFold(this.view, this.territoryIndex)
    return this.state()
  }

  /** Draft edits whose folding threw (CHARTER-F5), recorded instead of thrown. Empty unless something is wrong. */
  foldErrors(): readonly { op: OpId; error: string }[] {
    return this.contentFold().foldErrors
  }

  contentFold(): ContentFold {
    // Bring the roster of every op up to date first: a refold is where a voided admission shows.
    this.history.roster()
    this.noteVoided()
    if (this.contentDirty) {
      this.content = new ContentFold(this.view, this.governance.draft)
      for (const e of this.dag.entries) this.content.apply(e)
      this.contentDirty = false
    }
    return this.content
  }

  /**
   * FOLD-3: content counts an op when it is not cut (ROSTER-10) and its
   * member was ever admitted (ROSTER-14). So it is folded again only when a
   * removal arrives, when the roster of every held op loses someone it
   * counted (a join contested or revoked, an admission settled otherwise),
   * or gains a member some of whose ops it skipped (a voided joiner who
   * joined again) — not whenever a roster op lands out of order.
   */
  private noteVoided(): void {
    if (this.history.takeVoided()) this.contentDirty = true
    // ROSTER-14 the other way: a member admitted at last (a voided joiner who joined again) makes ops skipped so far count.
    for (const m of this.history.takeAdmitted()) if (this.content.unadmitted.has(m)) this.contentDirty = true
  }

  /** Deterministic work counters of the roster fold (roster ops folded, ancestry steps), for tests and benches. */
  rosterCosts(): { rosterFolds: number; ancestrySteps: number } {
    return this.history.costs()
  }

  /** GOV-4: the earliest time a proposal with these deps may claim. */
  timeFloor(deps: readonly OpId[]): number {
    return this.governance.timeFloor(deps)
  }

  /** CLOSE-5: the outcome a held close decided (undefined for anything else). */
  outcomeOf(close: OpId): Outcome | undefined {
    const e = this.dag.get(close)
    return e && e.op.kind === 'proposal.close' ? this.governance.outcomeOf(e) : undefined
  }

  /**
   * Drop cached rosters of past frontiers (each a full copy, ~2 MB at 10k
   * members). A node calls it after a bulk load, whose branches are history
   * now; they are rebuilt on demand from the kept snapshots.
   */
  trimCaches(): void {
    this.history.trimCaches()
  }

  // ---- receiving -----------------------------------------------------------

  /** Is this a sealed (v2) community? Undefined until its genesis (or the options) say. */
  get sealed(): boolean | undefined {
    return this.sealedMode
  }

  /** What an author in a sealed community reads (epochs, recipients, missing keys); undefined otherwise. */
  sealedView(): SealedView | undefined {
    const epochs = this.epochs
    if (!epochs) return undefined
    return sealedViewOf(epochs, this.pending, (deps) => this.history.rosterAt(this.history.frontierOfDeps(deps)), (deps, m) => this.governance.timeWitnessedFor(deps, m))
  }

  /** KEY-4: hold another agree key (an invite's, from its link); returns the ops the keys it opens released. */
  addAgreeKey(pair: AgreeKeyPair): AppliedOp[] {
    return this.intake.addAgreeKey(pair)
  }

  /** Receive one op from anywhere (network, bundle, local). Never throws. */
  receive(input: Uint8Array | AnyOp | SealedOp): ReceiveResult {
    if (this.sealedMode || isSealedOp(input) || isOpenedOp(input)) return this.intake.receive(input)
    // Before the genesis says which version this community is, an op object may be a held v2 op (`ops()` of a sealed replica).
    if (this.sealedMode === undefined && !(input instanceof Uint8Array) && isSealedEnvelope(input.bytes)) return this.intake.receive(input)
    let op: AnyOp
    try {
      op = input instanceof Uint8Array ? decodeOp(input, this.crypto) : input
    } catch (e) {
      if (input instanceof Uint8Array && isSealedEnvelope(input)) return this.intake.receive(input)
      return this.reject(undefined, e)
    }
    if (this.dag.has(op.id)) return { status: 'duplicate', id: op.id }
    if (this.pending.has(op.id)) return { status: 'pending', id: op.id, missing: this.missingDepsOf(op) }
    if (this.community === undefined && op.kind === 'genesis') {
      this.community = op.community
      this.sealedMode = false
    }
    if (this.community === undefined) return this.buffer(op, this.missingDepsOf(op))
    if (op.community !== this.community) {
      return this.reject(op.id, new RuleViolation('AUTH-2', `the op belongs to community ${op.community}, not this one`))
    }
    if (this.dependsOnRejected(op)) return this.reject(op.id, new RuleViolation('DAG-6', 'the op depends on an op this replica rejected'))
    const missing = this.missingDepsOf(op)
    if (missing.length > 0) return this.buffer(op, missing)
    const entry = this.insertChecked(op)
    if ('status' in entry) return entry
    const applied: AppliedOp[] = [{ op, height: entry.height }]
    this.pending.release(op.id, (w) => this.missingDepsOf(w).length === 0, (w) => {
      if (isSealedOp(w)) {
        this.reject(w.id, new RuleViolation('ENV2-8', 'a sealed (v2) op in an unsealed (v1) community'))
        return false
      }
      if (this.dependsOnRejected(w)) {
        this.reject(w.id, new RuleViolation('DAG-6', 'the op depends on an op this replica rejected'))
        return false
      }
      const e = this.insertChecked(w)
      if ('status' in e) return false
      applied.push({ op: w, height: e.height })
      return true
    })
    return { status: 'applied', id: op.id, height: entry.height, applied }
  }

  private dependsOnRejected(op: WaitingOp): boolean {
    return op.deps.some((d) => this.rejectedIds.has(d))
  }

  private missingDepsOf(op: WaitingOp): OpId[] {
    return op.deps.filter((d) => !this.dag.has(d))
  }

  private buffer(op: WaitingOp, missing: OpId[]): ReceiveResult {
    if (!this.pending.add(op, missing)) return { status: 'dropped', id: op.id, reason: 'DAG-5: the buffer of ops waiting for their deps is full' }
    return { status: 'pending', id: op.id, missing }
  }

  private reject(id: OpId | undefined, e: unknown): ReceiveResult & { status: 'rejected' } {
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

  /** All deps present: decide validity at the causal past, then insert and fold. Returns the entry, or the rejection. */
  private insertChecked(op: AnyOp, opened?: OpenedOp): DagEntry | (ReceiveResult & { status: 'rejected' }) {
    let frontier: Frontier
    let member: MemberId
    let rosterOp: boolean
    let usedAt = 0
    let pastJoins = 0
    const epochs = this.epochs
    const epochPast = epochs?.pastOf(op.deps)
    let epochVerdict = {}
    try {
      if (this.sealedMode && !opened) violation('ENV2-8', 'an unsealed (v1) op in a sealed community')
      this.checkSeqChain(op)
      frontier = this.history.frontierOfDeps(op.deps)
      const past = this.history.rosterAt(frontier)
      if (op.kind !== 'genesis' && past.genesis === null) violation('DAG-1', 'the genesis op is not in the causal past')
      member = checkAuthor(op, past, { verify: this.crypto.verify, timeWitnessedFor: (creator) => this.governance.timeWitnessedFor(op.deps, creator) })
      checkRosterOp(op, past, member)
      // A join's claim is weighed against the uses claimed and the joins at its past (ROSTER-13); read them before the tip moves.
      if (op.kind === 'member.join') {
        const inv = past.invites.get(toHex(op.body.invite) as OpId)
        usedAt = inv?.used ?? 0
        pastJoins = inv?.joins ?? 0
      }
      rosterOp = ROSTER_KINDS.has(op.kind) || this.governance.check(op, past, member, frontier).rosterEffect
      if (isTerritoryKind(op.kind)) this.territoryIndex.check(op as unknown as TerritoryOp, past, member)
      if (op.kind === 'proposal.create') this.territoryIndex.checkProposal(op, this.sealedMode === true)
      if (epochs && opened && epochPast) {
        const timeWitnessedFor = (creator: MemberId): number => this.governance.timeWitnessedFor(op.deps, creator)
        epochVerdict = epochs.check(opened, epochPast, { roster: past, member, community: fromHex(op.community, 32), verify: this.crypto.verify, timeWitnessedFor })
      }
    } catch (e) {
      return this.reject(op.id, e)
    }
    const entry = this.dag.insert(this.held.held(op, (this.community ?? op.community) as CommunityId))
    if (this.keepEnvelopes) this.envelopes[entry.index] = op.bytes
    this.history.noteVerdict(entry, this.held.intern(member), frontier)
    this.governance.inserted(entry)
    this.territoryIndex.inserted(entry)
    // CHARTER-F3: a client id two edits claim is folded as tombstones from now on, and so must be its past edits.
    if (this.governance.draft.takeClash()) this.contentDirty = true
    const action = rosterOp ? this.governance.actionFor(entry) : undefined
    // A close's effect is its outcome, a function of its causal past (CLOSE-5).
    // A removal may cut content ops of the removed member (ROSTER-10).
    if (rosterOp && this.history.addRosterOp(entry, action, usedAt, pastJoins).removal) this.contentDirty = true
    if (epochs && opened && epochPast) epochs.inserted(entry, opened, epochPast, epochVerdict, DEPARTURES.has(op.kind) || action?.type === 'remove')
    const seqOps = this.dag.opsAt(op.author, op.seq)
    // EQUIV-1: one device, one seq, two ops: keep a proof (the whole set, so every replica records the same).
    if (seqOps.length > 1) this.forkProofMap.set(`${op.author}:${op.seq}`, { device: op.author, seq: op.seq, ops: [...seqOps].sort() })
    if (!this.contentDirty) this.content.apply(entry)
    this.noteVoided()
    return entry
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
}
