/**
 * The census (CENSUS-* in docs/PROTOCOL.md): a pure function of the fold —
 * population by day and by month (joins, leaves, removals), places and area
 * by status, money pledged and received per currency, and decisions with
 * their turnout. Exact: counts are integers, money is summed in BigInt and
 * shown as decimal strings of minor units.
 */
import type { MemberId, OpId } from './op/ids'
import { PLACE_STATUSES, type PlaceStatus } from './op/territory-kinds'
import type { Outcome } from './replica/outcome'
import type { TerritoryState } from './replica/territory-fold'
import type { Replica } from './replica/replica'
import type { Op } from './op/envelope'

export interface CensusPoint {
  /** 'YYYY-MM-DD' or 'YYYY-MM', UTC. */
  readonly period: string
  /** Members at the end of the period. */
  readonly members: number
  readonly joins: number
  readonly leaves: number
  readonly removals: number
}

export interface CensusFootprint {
  readonly places: number
  readonly areaM2: number
  readonly countries: readonly string[]
  readonly byStatus: Readonly<Record<PlaceStatus, { readonly places: number; readonly areaM2: number }>>
}

export interface CensusMoney {
  readonly currency: string
  readonly pledged: string
  readonly received: string
}

export interface CensusDecision {
  readonly proposal: OpId
  readonly closedAt: number
  readonly passed: boolean
  readonly cast: number
  readonly eligible: number
}

export interface CommunityCensus {
  readonly members: number
  readonly byDay: readonly CensusPoint[]
  readonly byMonth: readonly CensusPoint[]
  readonly footprint: CensusFootprint
  readonly money: readonly CensusMoney[]
  readonly decisions: readonly CensusDecision[]
}

export interface CensusInput {
  /** Every member ever admitted, with the (claimed) time of their latest admission. */
  readonly admissions: readonly { readonly member: MemberId; readonly since: number }[]
  /** The latest departure of each member not admitted again since. */
  readonly departures: readonly { readonly member: MemberId; readonly how: 'removed' | 'left'; readonly time: number }[]
  readonly territory: TerritoryState
  /** Settled proposals: the settling close's time and its outcome (withdrawn ones are not decisions). */
  readonly closed: readonly { readonly proposal: OpId; readonly closedAt: number; readonly outcome: Outcome }[]
}

const day = (t: number): string => new Date(clampTime(t)).toISOString().slice(0, 10)
const month = (t: number): string => new Date(clampTime(t)).toISOString().slice(0, 7)
/** Times are advisory claims; a Date holds ±8.64e15 ms. */
const clampTime = (t: number): number => Math.min(Math.max(t, 0), 8.64e15)

/** CENSUS-1: sparse points (periods with an event), each carrying the population at its end. */
function series(input: CensusInput, periodOf: (t: number) => string): CensusPoint[] {
  const events = new Map<string, { joins: number; leaves: number; removals: number }>()
  const at = (t: number): { joins: number; leaves: number; removals: number } => {
    const k = periodOf(t)
    let e = events.get(k)
    if (!e) events.set(k, (e = { joins: 0, leaves: 0, removals: 0 }))
    return e
  }
  for (const a of input.admissions) at(a.since).joins++
  for (const d of input.departures) {
    if (d.how === 'removed') at(d.time).removals++
    else at(d.time).leaves++
  }
  let members = 0
  return [...events.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([period, e]) => {
    members += e.joins - e.leaves - e.removals
    return { period, members, ...e }
  })
}

/** CENSUS-2: every place not sold or lost counts toward the footprint; `byStatus` counts them all. */
export function footprintOf(territory: TerritoryState): CensusFootprint {
  const byStatus = Object.fromEntries(PLACE_STATUSES.map((s) => [s, { places: 0, areaM2: 0 }])) as Record<PlaceStatus, { places: number; areaM2: number }>
  let places = 0
  let areaM2 = 0
  const countries = new Set<string>()
  for (const p of territory.places) {
    const s = byStatus[p.status]
    s.places++
    s.areaM2 += p.area
    if (p.status === 'sold' || p.status === 'lost') continue
    places++
    areaM2 += p.area
    if (p.country !== null && p.precision !== 'hidden') countries.add(p.country)
  }
  return { places, areaM2, countries: [...countries].sort(), byStatus }
}

/** CENSUS-3: per currency, pledged (open campaigns: the live sum; closed: the outcome's total when binding) and received (receipts, refunds subtracted). */
export function moneyOf(territory: TerritoryState): CensusMoney[] {
  const sums = new Map<string, { pledged: bigint; received: bigint }>()
  for (const c of territory.campaigns) {
    if (c.goal.type !== 'amount') continue
    let s = sums.get(c.goal.currency)
    if (!s) sums.set(c.goal.currency, (s = { pledged: 0n, received: 0n }))
    s.pledged += c.outcome ? (c.outcome.binding ? BigInt(c.outcome.total) : 0n) : BigInt(c.pledged)
    for (const r of c.receipts) s.received += r.status === 'refunded' ? -BigInt(r.amount) : BigInt(r.amount)
  }
  return [...sums.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1))
    .map(([currency, s]) => ({ currency, pledged: s.pledged.toString(), received: s.received.toString() }))
}

/** CENSUS-4: turnout = ballots cast (abstentions included) of the eligible members at the proposal. */
export function castOf(o: Outcome): number {
  const d = o.detail
  return 'yes' in d ? d.yes + d.no + d.abstain : d.ballots
}

export function censusFrom(input: CensusInput): CommunityCensus {
  const byDay = series(input, day)
  const byMonth = series(input, month)
  return {
    members: byDay.length > 0 ? (byDay[byDay.length - 1] as CensusPoint).members : 0,
    byDay,
    byMonth,
    footprint: footprintOf(input.territory),
    money: moneyOf(input.territory),
    decisions: input.closed
      .map((c) => ({ proposal: c.proposal, closedAt: c.closedAt, passed: c.outcome.passed, cast: castOf(c.outcome), eligible: c.outcome.detail.eligible }))
      .sort((a, b) => a.closedAt - b.closedAt || (a.proposal < b.proposal ? -1 : 1)),
  }
}

/** The census input of a replica: its roster, territory and settled proposals (CENSUS-1..4). */
export function censusInputOf(replica: Replica): CensusInput {
  const roster = replica.roster()
  const admissions: { member: MemberId; since: number }[] = []
  for (const [member, rec] of roster.everAdmitted) {
    if (roster.members.has(member) || roster.departures.has(member)) admissions.push({ member, since: rec.since })
  }
  const departures = [...roster.departures.entries()].map(([member, d]) => ({ member, how: d.kind, time: d.time }))
  const closed: { proposal: OpId; closedAt: number; outcome: Outcome }[] = []
  for (const p of replica.state().proposals) {
    if (p.status !== 'closed' || !p.outcome || !p.settledBy) continue
    const close = replica.entry(p.settledBy)
    closed.push({ proposal: p.id, closedAt: close ? (close.op as Op).time : p.deadline, outcome: p.outcome })
  }
  return { admissions, departures, territory: replica.territory(), closed }
}

/** The census of a replica (CENSUS-1..4). */
export const censusOfReplica = (replica: Replica): CommunityCensus => censusFrom(censusInputOf(replica))
