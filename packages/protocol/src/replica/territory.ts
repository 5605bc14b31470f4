/**
 * Territory and crowdfunding inside the fold (PLACE-*, FUND-* in
 * docs/PROTOCOL.md): validity of places, status changes, campaigns, pledges,
 * closes and receipts at their causal past, and an index of the valid ones.
 * The state (territory-fold.ts) is a pure function of the indexed ops, so the
 * state kept as ops arrive equals a refold in any arrival order (FOLD-1).
 */
import type { MemberId, OpId } from '../op/ids'
import { territoryRoles } from '../op/kinds'
import { PLACE_TRANSITIONS, PRECISION_STEP, type Geometry, type PlaceStatus, type TerritoryKind } from '../op/territory-kinds'
import type { SealedBodyOf } from '../op/sealed-kinds'
import { toHex } from '../encoding/bytes'
import { canonicalCompare, type DagEntry } from './dag'
import type { RosterState } from './roster'
import { violation } from './roster-rules'
import type { ReplicaView } from './view'
import type { Op } from '../op/envelope'
import type { ProposalAction } from '../op/kinds'
import type { Outcome } from './outcome'

/** What the territory needs of governance: a proposal's settlers and a close's outcome (CLOSE-5). */
export interface PlaceDecisions {
  settlersOf(proposal: OpId): readonly DagEntry[]
  outcomeOf(close: DagEntry): Outcome
}

export type PlaceAction = Extract<ProposalAction, { type: 'place' }>
export type PlaceStatusAction = Extract<ProposalAction, { type: 'placeStatus' }>
export const actionOf = <T extends ProposalAction>(e: DagEntry): T => (e.op as Op<'proposal.create'>).body.action as T

/** A held op of a territory kind, as the fold reads it. */
export interface TerritoryOp<K extends TerritoryKind = TerritoryKind> {
  readonly id: OpId
  readonly kind: K
  readonly time: number
  readonly deps: readonly OpId[]
  readonly body: SealedBodyOf<K>
}
export const bodyOf = <K extends TerritoryKind>(e: DagEntry, _k: K): SealedBodyOf<K> => (e.op as unknown as TerritoryOp<K>).body

const push = <K, V>(m: Map<K, V[]>, k: K, v: V): void => {
  const l = m.get(k)
  if (l) l.push(v)
  else m.set(k, [v])
}

export class TerritoryIndex {
  readonly places = new Map<OpId, DagEntry>()
  readonly statusOps = new Map<OpId, DagEntry[]>()
  readonly campaigns = new Map<OpId, DagEntry>()
  readonly pledges = new Map<OpId, DagEntry[]>()
  readonly closes = new Map<OpId, DagEntry[]>()
  readonly receipts = new Map<OpId, DagEntry[]>()
  /** PLACE-7: proposals with a `place` action (the place's id is the proposal's). */
  readonly placeProposals = new Map<OpId, DagEntry>()
  /** PLACE-7: proposals with a `placeStatus` action, by the place they name. */
  readonly statusProposals = new Map<OpId, DagEntry[]>()
  /** PLACE-9: whether a passed status proposal's change applies at this close (a function of the close's causal past). */
  private readonly applied = new Map<OpId, boolean>()

  constructor(private readonly view: ReplicaView, private readonly decisions: PlaceDecisions) {}

  /** Is `target` in the causal past of an op with these deps? */
  private inPast(target: DagEntry, deps: readonly OpId[]): boolean {
    return deps.some((d) => {
      if (d === target.op.id) return true
      const e = this.view.entry(d)
      return e !== undefined && this.view.isAncestor(target, e)
    })
  }

  /**
   * PLACE-5, PLACE-9: the place's status at the causal past of an op with these deps: the latest there in
   * canonical order of its `place.status` ops and of the closes that applied a decided change, else the status
   * it was added in.
   */
  statusAt(place: DagEntry, deps: readonly OpId[]): PlaceStatus {
    let best: DagEntry | undefined
    let status = addedStatus(place)
    for (const s of this.statusOps.get(place.op.id) ?? []) {
      if (this.inPast(s, deps) && (!best || canonicalCompare(best, s) < 0)) [best, status] = [s, bodyOf(s, 'place.status').status]
    }
    for (const p of this.statusProposals.get(place.op.id) ?? []) {
      if (!this.inPast(p, deps)) continue
      const close = this.passedIn(p.op.id, (s) => this.inPast(s, deps))
      if (close && this.applies(close, p) && (!best || canonicalCompare(best, close) < 0)) [best, status] = [close, actionOf<PlaceStatusAction>(p).status]
    }
    return status
  }

  /** The first settler (close or withdraw) in canonical order among those `keep` admits, if it is a close that passed. */
  passedIn(proposal: OpId, keep: (s: DagEntry) => boolean): DagEntry | undefined {
    let first: DagEntry | undefined
    for (const s of this.decisions.settlersOf(proposal)) if (keep(s) && (!first || canonicalCompare(s, first) < 0)) first = s
    return first && first.op.kind === 'proposal.close' && this.decisions.outcomeOf(first).passed ? first : undefined
  }

  /** PLACE-9: a passed status proposal's change applies at its close only if it is an edge from the place's status at the close's causal past. */
  applies(close: DagEntry, proposal: DagEntry): boolean {
    const known = this.applied.get(close.op.id)
    if (known !== undefined) return known
    const a = actionOf<PlaceStatusAction>(proposal)
    const place = this.placeAt(toHex(a.place) as OpId, close.op.deps)
    const ok = place !== undefined && PLACE_TRANSITIONS[this.statusAt(place, close.op.deps)].includes(a.status)
    this.applied.set(close.op.id, ok)
    return ok
  }

  /** PLACE-10: the place an op with these deps may name: a `place.add`, or a `place` proposal whose first settler in that past is a close that passed. */
  placeAt(id: OpId, deps: readonly OpId[]): DagEntry | undefined {
    const added = this.places.get(id)
    if (added) return added
    const p = this.placeProposals.get(id)
    return p && this.passedIn(id, (s) => this.inPast(s, deps)) ? p : undefined
  }

  private referenced(deps: readonly OpId[], ref: Uint8Array, kind: 'place.add' | 'campaign.open', rule: string): DagEntry {
    const id = toHex(ref) as OpId
    if (!deps.includes(id)) violation(rule, `the ${kind === 'place.add' ? 'place' : 'campaign'} must be one of the op's deps`)
    const e = kind === 'place.add' ? this.placeAt(id, deps) : this.campaigns.get(id)
    if (!e) violation(rule, `the referenced op is not a ${kind === 'place.add' ? 'place' : 'campaign'}`)
    return e as DagEntry
  }

  /** PLACE-7, PLACE-8: a proposal to add a place or change its status, checked at the proposal (sealed communities only). */
  checkProposal(op: Op<'proposal.create'>, sealed: boolean): void {
    const a = op.body.action
    if (a.type !== 'place' && a.type !== 'placeStatus') return
    if (!sealed) violation('PLACE-7', 'places exist in sealed communities only')
    if (a.type === 'place') {
      checkPrecision(a.precision, a.geometry, a.country)
      return
    }
    // Unlike a direct change (PLACE-4), the place need only be in the proposal's causal past.
    const place = this.placeAt(toHex(a.place) as OpId, op.deps)
    if (!place || !this.inPast(place, op.deps)) violation('PLACE-8', 'the proposal names no place in its causal past')
    const from = this.statusAt(place as DagEntry, op.deps)
    if (!PLACE_TRANSITIONS[from].includes(a.status)) violation('PLACE-8', `a place cannot move from ${from} to ${a.status}`)
  }

  private closedBefore(campaign: OpId, deps: readonly OpId[]): boolean {
    return (this.closes.get(campaign) ?? []).some((c) => this.inPast(c, deps))
  }

  /** Validity of a territory op at its causal past (AUTH-1 already holds: the author is an active member). */
  check(op: TerritoryOp, past: RosterState, member: MemberId): void {
    const rules = past.rules as NonNullable<RosterState['rules']>
    const roles = territoryRoles(rules)
    const me = past.members.get(member)
    switch (op.kind) {
      case 'place.add': {
        const b = op.body as SealedBodyOf<'place.add'>
        if (!past.hasRole(me, roles.places)) violation('PLACE-1', `adding places needs the ${roles.places} role`)
        checkPrecision(b.precision, b.geometry, b.country)
        return
      }
      case 'place.status': {
        const b = op.body as SealedBodyOf<'place.status'>
        const place = this.referenced(op.deps, b.place, 'place.add', 'PLACE-4')
        if (!past.hasRole(me, roles.places)) violation('PLACE-1', `changing a place's status needs the ${roles.places} role`)
        const from = this.statusAt(place, op.deps)
        if (!PLACE_TRANSITIONS[from].includes(b.status)) violation('PLACE-5', `a place cannot move from ${from} to ${b.status}`)
        return
      }
      case 'campaign.open': {
        const b = op.body as SealedBodyOf<'campaign.open'>
        if (!past.hasRole(me, roles.treasurer)) violation('FUND-1', `opening campaigns needs the ${roles.treasurer} role`)
        if (b.deadline <= op.time) violation('FUND-1', 'a campaign\'s deadline must be after its time')
        if (b.place !== undefined) this.referenced(op.deps, b.place, 'place.add', 'FUND-1')
        return
      }
      case 'pledge.set': {
        const b = op.body as SealedBodyOf<'pledge.set'>
        const c = this.referenced(op.deps, b.campaign, 'campaign.open', 'FUND-3')
        const cb = bodyOf(c, 'campaign.open')
        if (op.time > cb.deadline) violation('FUND-4', 'a pledge must claim a time no later than the campaign\'s deadline')
        if (this.closedBefore(c.op.id, op.deps)) violation('FUND-5', 'the campaign is already closed')
        if (cb.goal.type === 'participants' && b.amount > 1) violation('FUND-6', 'a pledge to a campaign for participants is 1 (taking part) or 0 (withdrawn)')
        return
      }
      case 'campaign.close': {
        const b = op.body as SealedBodyOf<'campaign.close'>
        const c = this.referenced(op.deps, b.campaign, 'campaign.open', 'FUND-7')
        if (!past.hasRole(me, rules.propose)) violation('FUND-7', `closing campaigns needs the ${rules.propose} role`)
        if (op.time < bodyOf(c, 'campaign.open').deadline) violation('FUND-7', 'a campaign may be closed only after its deadline')
        if (this.closedBefore(c.op.id, op.deps)) violation('FUND-7', 'the campaign is already closed')
        return
      }
      case 'receipt.record': {
        const b = op.body as SealedBodyOf<'receipt.record'>
        const c = this.referenced(op.deps, b.campaign, 'campaign.open', 'FUND-11')
        if (!past.hasRole(me, roles.treasurer)) violation('FUND-11', `recording receipts needs the ${roles.treasurer} role`)
        if (bodyOf(c, 'campaign.open').goal.type !== 'amount') violation('FUND-11', 'receipts are recorded for campaigns of an amount only')
        if (!past.everAdmitted.has(toHex(b.member) as MemberId)) violation('FUND-11', 'the receipt names someone who was never a member')
        return
      }
    }
  }

  /** After insertion: index the op. */
  inserted(e: DagEntry): void {
    const op = e.op as unknown as TerritoryOp
    switch (op.kind) {
      case 'place.add':
        this.places.set(op.id, e)
        return
      case 'place.status':
        push(this.statusOps, toHex((op.body as SealedBodyOf<'place.status'>).place) as OpId, e)
        return
      case 'campaign.open':
        this.campaigns.set(op.id, e)
        return
      case 'pledge.set':
        push(this.pledges, toHex((op.body as SealedBodyOf<'pledge.set'>).campaign) as OpId, e)
        return
      case 'campaign.close':
        push(this.closes, toHex((op.body as SealedBodyOf<'campaign.close'>).campaign) as OpId, e)
        return
      case 'receipt.record':
        push(this.receipts, toHex((op.body as SealedBodyOf<'receipt.record'>).campaign) as OpId, e)
        return
    }
    if (e.op.kind !== 'proposal.create') return
    const a = actionOf<ProposalAction>(e)
    if (a.type === 'place') this.placeProposals.set(op.id, e)
    else if (a.type === 'placeStatus') push(this.statusProposals, toHex((a as PlaceStatusAction).place) as OpId, e)
  }
}

/** The status a place was added in: its `place.add`'s, or its `place` proposal's (PLACE-9). */
export const addedStatus = (place: DagEntry): PlaceStatus =>
  place.op.kind === 'proposal.create' ? actionOf<PlaceAction>(place).status : bodyOf(place, 'place.add').status

/** PLACE-3: coordinates on the precision's grid; a hidden place has neither geometry nor country. */
export function checkPrecision(precision: string, geometry: Geometry | undefined, country: string | undefined): void {
  if (precision === 'hidden') {
    if (geometry !== undefined || country !== undefined) violation('PLACE-3', 'a hidden place stores no geometry and no country')
    return
  }
  if (geometry === undefined) return
  const step = PRECISION_STEP[precision as keyof typeof PRECISION_STEP]
  const points = geometry.type === 'point' ? [geometry.at] : geometry.rings.flat()
  for (const [x, y] of points) {
    if (x % step !== 0 || y % step !== 0) violation('PLACE-3', `a place of ${precision} precision has coordinates rounded to ${step / 1e6}°`)
  }
}

/** PLACE-3: round a coordinate (microdegrees) to a precision's grid, as an honest author does before signing. */
export function roundTo(precision: 'exact' | 'city' | 'country', v: number): number {
  const step = PRECISION_STEP[precision]
  return Math.round(v / step) * step + 0 // + 0: never -0 (CBOR would carry it as a float)
}
