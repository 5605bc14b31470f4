/**
 * Governance inside the fold (PROP-*, VOTE-*, CLOSE-*, CHARTER-* in
 * docs/PROTOCOL.md): validity of proposals, votes, closes, comments and
 * charter edits at their causal past, and the outcome of each close as a pure
 * function of the votes in the close's causal past.
 */
import type { AnyOp, Op } from '../op/envelope'
import type { Ballot } from '../op/kinds'
import type { MemberId, OpId } from '../op/ids'
import { toHex } from '../encoding/bytes'
import type { DagEntry } from './dag'
import type { Frontier } from './frontier'
import type { RosterState } from './roster'
import { violation, type RosterAction } from './roster-rules'
import type { ReplicaView } from './view'
import { decideOutcome, type Outcome } from './outcome'
import { isSettled } from './settled'
import { checkRequested, requirementOf } from './decisions'
import { TimeFloor } from './time-floor'
import { ProposalInfo } from './proposal-info'
import { countsOver } from './vote-order'
import { DraftClocks } from './draft-clock'
import { RelationRules } from './relations-rules'
import { MAX_VOTING_PERIOD } from '../op/kinds'

/** A `proposal.extend` op (a v2-only kind, outside AnyOp's v1 kinds). */
interface ExtendOp {
  readonly kind: 'proposal.extend'
  readonly time: number
  readonly deps: readonly OpId[]
  readonly body: { readonly proposal: Uint8Array; readonly deadline: number }
}

export interface GovernanceCheck {
  /** The op changes the governance state (roster, rules, charter versions, bindings). */
  readonly rosterEffect: boolean
}

/** Proposal actions whose passing changes the roster-level state. */
const ROSTER_ACTIONS = new Set(['admit', 'remove', 'role', 'rules', 'amend'])

export class Governance {
  private readonly closesOf = new Map<OpId, DagEntry[]>()
  private readonly withdrawsOf = new Map<OpId, DagEntry[]>()
  /** EXTEND-*: each proposal's valid extensions. */
  private readonly extendsOf = new Map<OpId, DagEntry[]>()
  private readonly outcomes = new Map<OpId, Outcome>()
  private readonly votesOf = new Map<OpId, DagEntry[]>()
  /** GOV-4: the time a proposal must claim at least. */
  readonly times = new TimeFloor()
  /** Display-only facts for the proposal view (eligible count, stale members, uncounted votes). */
  readonly info: ProposalInfo
  /** The draft's state vector along the DAG (CHARTER-Y*, draft-clock.ts). */
  readonly draft: DraftClocks
  /** REL-5..8: letters, outside bodies and their statements. */
  private readonly relations: RelationRules

  constructor(private readonly view: ReplicaView) {
    this.info = new ProposalInfo(view)
    this.draft = new DraftClocks(view)
    this.relations = new RelationRules(view)
  }

  proposalEntry(op: AnyOp, proposal: Uint8Array, rule: string): DagEntry {
    const id = toHex(proposal) as OpId
    if (!op.deps.includes(id)) violation(rule, 'the proposal must be one of the op\'s deps')
    const e = this.view.entry(id) as DagEntry
    if (e.op.kind !== 'proposal.create') violation(rule, 'the referenced op is not a proposal')
    return e
  }

  /** Is the proposal closed or withdrawn in the causal past of an op with these deps? */
  private settledBefore(proposal: OpId, deps: readonly OpId[]): boolean {
    const settlers = [...(this.closesOf.get(proposal) ?? []), ...(this.withdrawsOf.get(proposal) ?? [])]
    if (settlers.length === 0) return false
    const view = this.view
    return deps.some((d) => {
      const de = view.entry(d) as DagEntry
      return settlers.some((s) => s === de || view.isAncestor(s, de))
    })
  }

  check(op: AnyOp, past: RosterState, member: MemberId, _frontier: Frontier): GovernanceCheck {
    const rules = past.rules as NonNullable<RosterState['rules']>
    const me = past.members.get(member)
    if ((op.kind as string) === 'proposal.extend') return this.checkExtend(op, op as unknown as ExtendOp, member)
    switch (op.kind) {
      case 'proposal.create': {
        if (!past.hasRole(me, rules.propose)) violation('PROP-1', `opening proposals needs the ${rules.propose} role`)
        const a = op.body.action
        if (a.type === 'admit' && past.members.has(toHex(a.member) as MemberId)) violation('PROP-2', 'already a member')
        if ((a.type === 'remove' || a.type === 'role') && !past.members.has(toHex(a.member) as MemberId)) {
          violation('PROP-2', 'the member named is not an active member')
        }
        if (a.type === 'role' && past.isLastFounder(toHex(a.member) as MemberId) && a.role !== 'founder') {
          violation('ROSTER-7', 'the last founder cannot be demoted')
        }
        if ((a.type === 'recognize' || a.type === 'unrecognize') && toHex(a.community) === op.community) violation('REL-1', 'a community does not recognize itself')
        if (a.type === 'remove' && past.isLastFounder(toHex(a.member) as MemberId)) violation('ROSTER-7', 'the last founder cannot be removed')
        if (a.type === 'amend' && a.base !== past.charterVersions.length - 1) {
          violation('PROP-3', `an amendment must be based on the current ratified version ${past.charterVersions.length - 1}`)
        }
        const m = op.body.method
        if (a.type !== 'resolution' && m.type !== 'yesno') violation('PROP-4', 'only resolutions may use approval or ranked-choice voting')
        if (m.type !== 'yesno' && new Set(m.options).size !== m.options.length) violation('PROP-5', 'options must be distinct')
        const floor = this.timeFloor(op.deps)
        if (op.time < floor) violation('GOV-4', `a proposal must claim a time no earlier than ${floor}, the latest time at least two members claimed in its causal past`)
        checkRequested(requirementOf(rules, a, past.charterVersions), m, op.time, op.body.deadline)
        return { rosterEffect: false }
      }
      case 'vote.cast': {
        const p = this.proposalEntry(op, op.body.proposal, 'VOTE-1')
        const pb = (p.op as Op<'proposal.create'>).body
        if (!this.view.rosterBefore(p).members.has(member)) {
          violation('VOTE-2', 'only members at the proposal\'s causal past may vote on it')
        }
        checkBallot(op.body.ballot, pb.method)
        if (this.settledBefore(p.op.id, op.deps)) violation('VOTE-4', 'the proposal is already closed or withdrawn')
        return { rosterEffect: false }
      }
      case 'proposal.withdraw': {
        const p = this.proposalEntry(op, op.body.proposal, 'WITHDRAW-1')
        if (this.view.memberOf(p) !== member) violation('WITHDRAW-1', 'only the proposal\'s author may withdraw it')
        if (this.settledBefore(p.op.id, op.deps)) violation('WITHDRAW-2', 'the proposal is already closed or withdrawn')
        return { rosterEffect: ROSTER_ACTIONS.has((p.op as Op<'proposal.create'>).body.action.type) }
      }
      case 'proposal.close': {
        const p = this.proposalEntry(op, op.body.proposal, 'CLOSE-1')
        const pb = (p.op as Op<'proposal.create'>).body
        if (!past.hasRole(me, rules.propose)) violation('CLOSE-2', `closing proposals needs the ${rules.propose} role`)
        if (this.settledBefore(p.op.id, op.deps)) violation('CLOSE-4', 'the proposal is already closed or withdrawn')
        // CLOSE-3, CLOSE-7: before the deadline only when no ballot that may still count could change the outcome;
        // CLOSE-8: the deadline is the latest among the extensions in the close's causal past.
        if (op.time < this.deadlineAt(p, op.deps) && !isSettled(this.outcomeAt(p, op.deps, past))) {
          violation('CLOSE-7', 'a proposal may be closed before its deadline only when the outcome can no longer change')
        }
        return { rosterEffect: ROSTER_ACTIONS.has(pb.action.type) }
      }
      case 'comment.add': {
        this.proposalEntry(op, op.body.proposal, 'COMMENT-1')
        if (op.body.replyTo !== undefined && !op.deps.includes(toHex(op.body.replyTo) as OpId)) {
          violation('COMMENT-2', 'a reply must list the comment it answers among its deps')
        }
        return { rosterEffect: false }
      }
      case 'charter.bind': {
        if (past.deviceClients.has(op.author)) violation('CHARTER-B1', 'this device already has a Yjs client id')
        if (past.clientOwners.has(op.body.client)) violation('CHARTER-B1', 'that Yjs client id is already bound to another device')
        return { rosterEffect: true }
      }
      case 'charter.edit': {
        if (!past.hasRole(me, rules.editDraft)) violation('CHARTER-E1', `editing the draft needs the ${rules.editDraft} role`)
        const client = past.deviceClients.get(op.author)
        if (client === undefined) violation('CHARTER-E2', 'the device has no Yjs client id bound in the causal past')
        this.draft.check(op, client as number)
        return { rosterEffect: false }
      }
      default:
        this.relations.check(op, past, member)
        return { rosterEffect: false }
    }
  }

  /** EXTEND-1..3: the author, a later deadline (at most MAX_VOTING_PERIOD after its time), while open. */
  private checkExtend(any: AnyOp, op: ExtendOp, member: MemberId): GovernanceCheck {
    const p = this.proposalEntry(any, op.body.proposal, 'EXTEND-1')
    if (this.view.memberOf(p) !== member) violation('EXTEND-1', 'only the proposal\'s author may extend its deadline')
    if (this.settledBefore(p.op.id, op.deps)) violation('EXTEND-3', 'the proposal is already closed or withdrawn')
    const current = this.deadlineAt(p, op.deps)
    if (op.body.deadline <= current) violation('EXTEND-2', `the new deadline must be later than the current one (${current})`)
    if (op.body.deadline - MAX_VOTING_PERIOD > op.time) violation('EXTEND-2', 'the new deadline may be at most 366 days after the extension')
    return { rosterEffect: false }
  }

  /**
   * CLOSE-8: the proposal's deadline as seen by an op with these deps: the
   * latest of its own and of the extensions in that causal past (ROSTER-10
   * applied within that past, as for votes, CLOSE-5).
   */
  deadlineAt(p: DagEntry, deps: readonly OpId[]): number {
    let deadline = (p.op as Op<'proposal.create'>).body.deadline
    const ext = this.extendsOf.get(p.op.id)
    if (!ext) return deadline
    const at = this.virtualEntry(deps)
    for (const e of ext) {
      const d = (e.op as unknown as ExtendOp).body.deadline
      if (d <= deadline || !this.inPast(e, deps) || this.view.isCutInPastOf(e, at)) continue
      deadline = d
    }
    return deadline
  }

  /** The deadline as the local replica knows it now: the latest among every counted extension (for display). */
  latestDeadline(p: DagEntry): number {
    let deadline = (p.op as Op<'proposal.create'>).body.deadline
    for (const e of this.extendsOf.get(p.op.id) ?? []) {
      const d = (e.op as unknown as ExtendOp).body.deadline
      if (d > deadline && !this.view.isCut(e)) deadline = d
    }
    return deadline
  }

  private inPast(e: DagEntry, deps: readonly OpId[]): boolean {
    return deps.some((d) => {
      const de = this.view.entry(d) as DagEntry
      return de === e || this.view.isAncestor(e, de)
    })
  }

  /** An entry that stands for an op with these deps that is not inserted (never held). */
  private virtualEntry(deps: readonly OpId[]): DagEntry {
    let height = 1
    for (const d of deps) height = Math.max(height, (this.view.entry(d) as DagEntry).height + 1)
    return { index: -1, op: { id: '' as OpId, deps } as unknown as DagEntry['op'], height, allBefore: false } as DagEntry
  }

  /** GOV-4: the earliest time a proposal with these deps may claim. */
  timeFloor(deps: readonly OpId[]): number {
    return this.times.floorOf(this.indices(deps))
  }

  /** ROSTER-5: the latest time in the past of these deps that `trusted` or two members vouch for (see TimeFloor.witnessedFor). */
  timeWitnessedFor(deps: readonly OpId[], trusted: MemberId): number {
    return this.times.witnessedFor(this.indices(deps), trusted)
  }

  /** After insertion: index the op and remember the draft clock after it. */
  inserted(entry: DagEntry): void {
    const op = entry.op
    this.times.inserted(entry.index, this.indices(op.deps), op.time, this.view.memberOf(entry))
    this.draft.inserted(entry)
    this.relations.inserted(entry)
    if (op.kind === 'proposal.close') push(this.closesOf, toHex(op.body.proposal) as OpId, entry)
    if (op.kind === 'vote.cast') push(this.votesOf, toHex(op.body.proposal) as OpId, entry)
    if (op.kind === 'proposal.withdraw') push(this.withdrawsOf, toHex(op.body.proposal) as OpId, entry)
    if ((op.kind as string) === 'proposal.extend') push(this.extendsOf, toHex((op as unknown as ExtendOp).body.proposal) as OpId, entry)
  }

  /** The roster-level effect of a close or withdraw (computed once, after insertion). */
  actionFor(entry: DagEntry): RosterAction | undefined {
    const op = entry.op
    if (op.kind === 'proposal.withdraw') return { type: 'none' }
    if (op.kind !== 'proposal.close') return undefined
    const p = this.view.entry(toHex(op.body.proposal) as OpId) as DagEntry
    const pb = (p.op as Op<'proposal.create'>).body
    const outcome = this.outcomeOf(entry)
    if (!outcome.passed) return { type: 'none' }
    const a = pb.action
    switch (a.type) {
      case 'admit':
      case 'remove':
        return { type: a.type, member: a.member }
      case 'role':
        return { type: 'role', member: a.member, role: a.role }
      case 'rules':
        return { type: 'rules', rules: a.rules }
      case 'amend':
        return { type: 'amend', charter: a.charter, base: a.base, proposal: p.op.id }
      default:
        return { type: 'none' }
    }
  }

  /** CLOSE-5: the outcome is a pure function of the votes in the close's causal past. */
  outcomeOf(close: DagEntry): Outcome {
    const cached = this.outcomes.get(close.op.id)
    if (cached) return cached
    const op = close.op as Op<'proposal.close'>
    const p = this.view.entry(toHex(op.body.proposal) as OpId) as DagEntry
    const outcome = this.tallyAt(p, close, () => this.view.rosterBefore(close))
    this.outcomes.set(close.op.id, outcome)
    return outcome
  }

  /**
   * CLOSE-7: the outcome a close with these deps would have (before it is
   * inserted): the same tally as `outcomeOf`, over an entry that stands for
   * the close (its deps, the height above them; never held).
   */
  outcomeAt(p: DagEntry, deps: readonly OpId[], rosterAtClose: RosterState): Outcome {
    return this.tallyAt(p, this.virtualEntry(deps), () => rosterAtClose)
  }

  /** The tally of proposal `p` over the votes in the causal past of `close`. */
  private tallyAt(p: DagEntry, close: DagEntry, rosterAt: () => RosterState): Outcome {
    const pb = (p.op as Op<'proposal.create'>).body
    const pastAtProposal = this.view.rosterBefore(p)
    // The member map itself: rosterBefore may return the live tip, so read it before anything else inserts.
    const eligible = pastAtProposal.members
    const latest = new Map<MemberId, DagEntry>()
    // A close that saw every head has every earlier vote in its past: no walk over the history between.
    const candidates = close.allBefore
      ? (this.votesOf.get(p.op.id) ?? []).filter((e) => e.index < close.index)
      : this.view.pastAbove(close, p.height)
    for (const e of candidates) {
      if (e.op.kind !== 'vote.cast' || toHex(e.op.body.proposal) !== p.op.id) continue
      if (this.view.isCutInPastOf(e, close)) continue
      const m = this.view.memberOf(e)
      const prev = latest.get(m)
      if (!prev || countsOver(prev, e)) latest.set(m, e)
    }
    const ballots = new Map<MemberId, Ballot>()
    for (const [m, e] of latest) ballots.set(m, (e.op as Op<'vote.cast'>).body.ballot)
    const rosterAtClose = rosterAt()
    return decideOutcome({ proposal: pb, eligible, ballots, rulesAtClose: rosterAtClose.rules, charterAtClose: rosterAtClose.charterVersions })
  }

  closesFor(proposal: OpId): readonly DagEntry[] {
    return this.closesOf.get(proposal) ?? []
  }

  /** The closes and withdraws of a proposal (its settlers, pairwise concurrent by CLOSE-4 and WITHDRAW-2). */
  settlersOf(proposal: OpId): DagEntry[] {
    return [...(this.closesOf.get(proposal) ?? []), ...(this.withdrawsOf.get(proposal) ?? [])]
  }

  private indices(deps: readonly OpId[]): number[] {
    return deps.map((d) => (this.view.entry(d) as DagEntry).index)
  }
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const l = m.get(k)
  if (l) l.push(v)
  else m.set(k, [v])
}

/** VOTE-3: a ballot must fit the proposal's method. */
export function checkBallot(b: Ballot, method: Op<'proposal.create'>['body']['method']): void {
  if (b.type !== method.type) violation('VOTE-3', `a ${method.type} proposal needs a ${method.type} ballot`)
  if (b.type === 'approval' || b.type === 'irv') {
    const picks = b.type === 'approval' ? b.approve : b.rank
    const n = method.type === 'yesno' ? 0 : method.options.length
    if (new Set(picks).size !== picks.length) violation('VOTE-3', 'an option may appear only once on a ballot')
    if (picks.some((i) => i >= n)) violation('VOTE-3', 'the ballot names an option the proposal does not have')
  }
}
