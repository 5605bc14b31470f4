/**
 * The territory and crowdfunding state as plain, deterministic data (PLACE-6,
 * FUND-8..12): places with their current status, campaigns with the live
 * ledger, the settling close's outcome and the receipts. A pure function of
 * the indexed ops and the roster, sorted by stable keys, so replicas holding
 * the same ops produce deep-equal states (I1). Sums are BigInt, shown as
 * decimal strings (JSON and CBOR carry them; a double could not).
 */
import type { MemberId, OpId } from '../op/ids'
import type { Geometry, PlacePrecision, PlaceStatus } from '../op/territory-kinds'
import { toHex } from '../encoding/bytes'
import { canonicalCompare, type DagEntry } from './dag'
import type { ReplicaView } from './view'
import { actionOf, bodyOf, type PlaceAction, type PlaceStatusAction, type TerritoryIndex } from './territory'

export interface PlaceState {
  id: OpId
  name: string
  kind: string
  status: PlaceStatus
  precision: PlacePrecision
  /** Integer microdegrees, as signed (already rounded to the precision); null when hidden or not given. */
  geometry: Geometry | null
  area: number
  country: string | null
  docs: string[]
  /** Its author; for a place added by decision, the proposer (PLACE-9). */
  addedBy: MemberId
  /** Its time; for a place added by decision, the settling close's (PLACE-9). */
  addedAt: number
  /** PLACE-9: the close that added it by decision (its id is the proposal's), or null for a `place.add`. */
  decidedBy: OpId | null
  /**
   * The counted status changes, in canonical order (the last one is the status, PLACE-6): `place.status` ops
   * and passed `placeStatus` proposals at their settling close (`op` is the close, `by` the proposer, PLACE-9).
   */
  history: { op: OpId; status: PlaceStatus; by: MemberId; time: number; proposal: OpId | null }[]
  /** PLACE-9: passed status proposals whose change was no longer an edge from the place's status at the close: stale, no effect. */
  stale: { proposal: OpId; close: OpId; status: PlaceStatus; from: PlaceStatus; time: number }[]
}

export type GoalState = { type: 'amount'; amount: number; currency: string } | { type: 'participants'; count: number }

export interface PledgeState {
  member: MemberId
  amount: number
  op: OpId
  time: number
}

export interface CampaignOutcome {
  /** The close that settled it (FUND-9). */
  close: OpId
  time: number
  /** FUND-8: the sum of the counted pledges (decimal string of minor units; for participants, the number of members). */
  total: string
  pledgers: number
  met: boolean
  /** FUND-8: all-or-nothing binds only when met; keep always binds. */
  binding: boolean
  /** The pledges the close counted, by member. */
  counted: PledgeState[]
}

export interface ReceiptState {
  op: OpId
  member: MemberId
  status: 'fulfilled' | 'partial' | 'refunded'
  amount: number
  by: MemberId
  time: number
}

export interface CampaignState {
  id: OpId
  title: string
  text: string
  goal: GoalState
  model: 'all-or-nothing' | 'keep'
  deadline: number
  place: OpId | null
  createdBy: MemberId
  createdAt: number
  /** FUND-10: the live ledger — per active member, their latest counted pledge (0 = withdrawn). */
  pledges: PledgeState[]
  /** The live sum (decimal string) and the members pledging more than 0. */
  pledged: string
  pledgers: number
  outcome: CampaignOutcome | null
  receipts: ReceiptState[]
}

export interface TerritoryState {
  places: PlaceState[]
  campaigns: CampaignState[]
}

const byId = <T extends { id: OpId }>(a: T, b: T): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)

/** FUND-8, FUND-10: per member, the latest pledge in canonical order among `entries`, kept when `keep` says so. */
export function latestPledges(view: ReplicaView, entries: Iterable<DagEntry>, keep: (e: DagEntry, m: MemberId) => boolean): Map<MemberId, DagEntry> {
  const latest = new Map<MemberId, DagEntry>()
  for (const e of entries) {
    const m = view.memberOf(e)
    if (!keep(e, m)) continue
    const prev = latest.get(m)
    if (!prev || canonicalCompare(prev, e) < 0) latest.set(m, e)
  }
  return latest
}

function pledgeRows(latest: Map<MemberId, DagEntry>): PledgeState[] {
  return [...latest.entries()]
    .map(([member, e]) => ({ member, amount: bodyOf(e, 'pledge.set').amount, op: e.op.id, time: e.op.time }))
    .sort((a, b) => (a.member < b.member ? -1 : 1))
}

/** FUND-8: sum in BigInt; pledgers are the members pledging more than 0. */
export function sumPledges(rows: readonly { amount: number }[]): { total: bigint; pledgers: number } {
  let total = 0n
  let pledgers = 0
  for (const r of rows) {
    total += BigInt(r.amount)
    if (r.amount > 0) pledgers++
  }
  return { total, pledgers }
}

export class TerritoryFold {
  private readonly outcomes = new Map<OpId, CampaignOutcome>()

  constructor(private readonly view: ReplicaView, private readonly index: TerritoryIndex) {}

  /** FUND-8: the outcome of a close, a pure function of its causal past (cached: it never changes). */
  outcomeOf(close: DagEntry, campaign: DagEntry): CampaignOutcome {
    const cached = this.outcomes.get(close.op.id)
    if (cached) return cached
    const view = this.view
    const cb = bodyOf(campaign, 'campaign.open')
    const all = this.index.pledges.get(campaign.op.id) ?? []
    const candidates = close.allBefore ? all.filter((e) => e.index < close.index) : all.filter((e) => view.isAncestor(e, close))
    const active = view.rosterBefore(close).members
    // FUND-12: only members active at the close's causal past; ROSTER-10 within that past.
    const latest = latestPledges(view, candidates, (e, m) => active.has(m) && !view.isCutInPastOf(e, close))
    const counted = pledgeRows(latest)
    const { total, pledgers } = sumPledges(counted)
    const met = cb.goal.type === 'amount' ? total >= BigInt(cb.goal.amount) : pledgers >= cb.goal.count
    const outcome: CampaignOutcome = {
      close: close.op.id, time: close.op.time, total: total.toString(), pledgers, met, binding: met || cb.model === 'keep', counted,
    }
    this.outcomes.set(close.op.id, outcome)
    return outcome
  }

  /** PLACE-6, PLACE-9: places added directly or by decision, each with its counted changes, direct or decided. */
  private places(counts: (e: DagEntry) => boolean): PlaceState[] {
    const view = this.view
    const index = this.index
    const places: PlaceState[] = []
    const place = (e: DagEntry, name: string, b: Omit<PlaceAction, 'type' | 'placeName'>, addedAt: number, decidedBy: OpId | null): void => {
      const changes: { e: DagEntry; row: PlaceState['history'][number] }[] = (index.statusOps.get(e.op.id) ?? []).filter(counts)
        .map((s) => ({ e: s, row: { op: s.op.id, status: bodyOf(s, 'place.status').status, by: view.memberOf(s), time: s.op.time, proposal: null } }))
      const stale: PlaceState['stale'] = []
      for (const p of index.statusProposals.get(e.op.id) ?? []) {
        if (!counts(p)) continue
        const close = index.passedIn(p.op.id, counts)
        if (!close) continue
        const status = actionOf<PlaceStatusAction>(p).status
        if (index.applies(close, p)) changes.push({ e: close, row: { op: close.op.id, status, by: view.memberOf(p), time: close.op.time, proposal: p.op.id } })
        else stale.push({ proposal: p.op.id, close: close.op.id, status, from: index.statusAt(e, close.op.deps), time: close.op.time })
      }
      const history = changes.sort((a, b) => canonicalCompare(a.e, b.e)).map((c) => c.row)
      places.push({
        id: e.op.id, name, kind: b.kind, status: history.length > 0 ? (history[history.length - 1]!.status) : b.status,
        precision: b.precision, geometry: b.geometry ?? null, area: b.area, country: b.country ?? null,
        docs: b.docs.map((d) => toHex(d)), addedBy: view.memberOf(e), addedAt, decidedBy, history,
        stale: stale.sort((a, b) => (a.proposal < b.proposal ? -1 : 1)),
      })
    }
    for (const e of index.places.values()) {
      if (!counts(e)) continue
      const b = bodyOf(e, 'place.add')
      place(e, b.name, b, e.op.time, null)
    }
    // PLACE-9: a place proposal adds its place at its settling close (the first counted, FUND-9's rule for proposals), if it passed.
    for (const p of index.placeProposals.values()) {
      if (!counts(p)) continue
      const close = index.passedIn(p.op.id, counts)
      if (close) place(p, actionOf<PlaceAction>(p).placeName, actionOf<PlaceAction>(p), close.op.time, close.op.id)
    }
    return places
  }

  state(): TerritoryState {
    const view = this.view
    const counts = (e: DagEntry): boolean => !view.isCut(e) && view.roster().everAdmitted.has(view.memberOf(e))
    const places = this.places(counts)
    const active = view.roster().members
    const campaigns: CampaignState[] = []
    for (const e of this.index.campaigns.values()) {
      if (!counts(e)) continue
      const b = bodyOf(e, 'campaign.open')
      const live = pledgeRows(latestPledges(view, this.index.pledges.get(e.op.id) ?? [], (p, m) => active.has(m) && !view.isCut(p)))
      const { total, pledgers } = sumPledges(live)
      // FUND-9: the first counted close in canonical order settles the campaign.
      const first = (this.index.closes.get(e.op.id) ?? []).filter(counts).sort(canonicalCompare)[0]
      const receipts = (this.index.receipts.get(e.op.id) ?? []).filter(counts).sort(canonicalCompare).map((r): ReceiptState => {
        const rb = bodyOf(r, 'receipt.record')
        return { op: r.op.id, member: toHex(rb.member) as MemberId, status: rb.status, amount: rb.amount, by: view.memberOf(r), time: r.op.time }
      })
      campaigns.push({
        id: e.op.id, title: b.title, text: b.text,
        goal: b.goal.type === 'amount' ? { type: 'amount', amount: b.goal.amount, currency: b.goal.currency } : { type: 'participants', count: b.goal.count },
        model: b.model, deadline: b.deadline, place: b.place ? (toHex(b.place) as OpId) : null,
        createdBy: view.memberOf(e), createdAt: e.op.time,
        pledges: live, pledged: total.toString(), pledgers,
        outcome: first ? this.outcomeOf(first, e) : null,
        receipts,
      })
    }
    return { places: places.sort(byId), campaigns: campaigns.sort(byId) }
  }
}
