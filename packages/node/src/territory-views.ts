/**
 * Territory, crowdfunding and census views (PLACE-*, FUND-*, CENSUS-*): the
 * places with the footprint, campaigns with their ledger, the ledger as CSV
 * or JSON, and the census — all read from the replica's fold. Money crosses
 * the API as decimal strings of minor units.
 */
import {
  PLACE_TRANSITIONS, boxNonce, censusOfReplica, decodeSealedOpUnverified, encodePublicCensus, footprintOf, isSealedEnvelope, opKeyOf, ownEpoch, roleRank, territoryRoles,
  type SealedOp,
  type CampaignState, type CommunityId, type MemberId, type Op, type OpId, type Role,
} from '@polity/protocol'
import type { CampaignDetail, CampaignSummary, CensusView, LedgerRow, PlaceKind, PlacesView } from '@polity/api'
import type { NodeContext } from './context'
import type { CommunityRuntime } from './runtimes'
import { InvalidInputError, RefusedError } from './errors'
import { campaignOf } from './territory'
import { storedEnvelopes } from './files'
import { geoJsonOf } from './territory-inputs'

async function founded(ctx: NodeContext, community: CommunityId): Promise<CommunityRuntime> {
  ctx.vault.require()
  const rt = await ctx.runtimes.ready(community)
  if (!rt.replica.roster().genesis) throw new InvalidInputError('This community\'s ops have not arrived yet: sync with a member or import a bundle.')
  return rt
}

const atLeast = (role: Role | undefined, min: Role): boolean => role !== undefined && roleRank(role) >= roleRank(min)

function nameOf(rt: CommunityRuntime, m: MemberId): string {
  const e = rt.replica.contentFold().profiles.get(m)
  return e ? (e.op as Op<'profile.set'>).body.name : ''
}

export async function placesView(ctx: NodeContext, input: { community: CommunityId }): Promise<PlacesView> {
  const rt = await founded(ctx, input.community)
  const roster = rt.replica.roster()
  const role = roster.members.get(ctx.vault.member)?.role
  const may = roster.rules ? atLeast(role, territoryRoles(roster.rules).places) : false
  // PLACE-7: who may not act directly may propose, if the rules let them propose at all.
  const propose = !may && roster.rules !== null && atLeast(role, roster.rules.propose)
  const t = rt.replica.territory()
  return {
    community: input.community,
    places: t.places.map((p) => ({
      id: p.id, name: p.name, kind: p.kind as PlaceKind, status: p.status, precision: p.precision, geometry: geoJsonOf(p.geometry),
      areaM2: p.area, country: p.country, docs: p.docs, addedBy: p.addedBy, addedAt: p.addedAt,
      canMoveTo: may ? [...PLACE_TRANSITIONS[p.status]] : [],
      canProposeTo: propose ? [...PLACE_TRANSITIONS[p.status]] : [],
      stale: p.stale.map((x) => ({ proposal: x.proposal, status: x.status, from: x.from, time: x.time })),
    })),
    footprint: footprintOf(t),
    canAdd: may,
    canPropose: propose,
  }
}

function summaryOf(c: CampaignState): CampaignSummary {
  return {
    id: c.id, title: c.title,
    goal: c.goal.type === 'amount' ? { kind: 'amount', amount: String(c.goal.amount), currency: c.goal.currency } : { kind: 'participants', count: c.goal.count },
    model: c.model, deadline: c.deadline, place: c.place, status: c.outcome ? 'closed' : 'open',
    pledged: c.outcome ? c.outcome.total : c.pledged,
    pledgers: c.outcome ? c.outcome.pledgers : c.pledgers,
    met: c.outcome ? c.outcome.met : null,
  }
}

export async function campaignsView(ctx: NodeContext, input: { community: CommunityId }): Promise<CampaignSummary[]> {
  const rt = await founded(ctx, input.community)
  return rt.replica.territory().campaigns.map(summaryOf).sort((a, b) => b.deadline - a.deadline || (a.id < b.id ? -1 : 1))
}

/** The ledger: per member, the pledge (the close's counted one once closed) and the receipts recorded. */
function ledgerOf(rt: CommunityRuntime, c: CampaignState): LedgerRow[] {
  const pledges = c.outcome ? c.outcome.counted : c.pledges
  const rows = new Map<MemberId, { amount: number; receipts: LedgerRow['receipts'][number][]; received: bigint }>()
  const row = (m: MemberId): { amount: number; receipts: LedgerRow['receipts'][number][]; received: bigint } => {
    let r = rows.get(m)
    if (!r) rows.set(m, (r = { amount: 0, receipts: [], received: 0n }))
    return r
  }
  for (const p of pledges) row(p.member).amount = p.amount
  for (const r of c.receipts) {
    const x = row(r.member)
    x.receipts.push({ status: r.status, amount: String(r.amount), by: r.by, at: r.time })
    x.received += r.status === 'refunded' ? -BigInt(r.amount) : BigInt(r.amount)
  }
  return [...rows.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([member, r]) => ({
    member, name: nameOf(rt, member), amount: String(r.amount), received: r.received.toString(), receipts: r.receipts,
  }))
}

export async function campaignView(ctx: NodeContext, input: { community: CommunityId; campaign: OpId }): Promise<CampaignDetail> {
  const rt = await founded(ctx, input.community)
  const c = campaignOf(rt, input.campaign)
  const roster = rt.replica.roster()
  const role = roster.members.get(ctx.vault.member)?.role
  const rules = roster.rules
  const now = ctx.now()
  const mine = c.pledges.find((p) => p.member === ctx.vault.member)
  return {
    ...summaryOf(c),
    text: c.text,
    ledger: ledgerOf(rt, c),
    mine: mine ? String(mine.amount) : null,
    canPledge: role !== undefined && !c.outcome && now <= c.deadline,
    canClose: rules !== null && atLeast(role, rules.propose) && !c.outcome && now >= c.deadline,
    canRecord: rules !== null && atLeast(role, territoryRoles(rules).treasurer) && c.goal.type === 'amount',
    createdBy: c.createdBy,
    createdAt: c.createdAt,
  }
}

const csvCell = (v: string): string => (/[",\n\r]/.test(v) || /^[=+\-@\t]/.test(v) ? `"${v.replace(/^([=+\-@\t])/, '\'$1').replace(/"/g, '""')}"` : v)

export async function exportLedger(ctx: NodeContext, input: { community: CommunityId; campaign: OpId; format: 'csv' | 'json' }): Promise<string> {
  if (input.format !== 'csv' && input.format !== 'json') throw new InvalidInputError('The format must be csv or json.')
  const detail = await campaignView(ctx, input)
  if (input.format === 'json') {
    const { canPledge: _p, canClose: _c, canRecord: _r, mine: _m, ...rest } = detail
    return `${JSON.stringify({ format: 'polity-ledger', v: 1, community: input.community, ...rest }, null, 2)}\n`
  }
  const currency = detail.goal.kind === 'amount' ? detail.goal.currency : ''
  const lines = ['member,name,currency,pledged,received,receipts']
  for (const r of detail.ledger) {
    const receipts = r.receipts.map((x) => `${x.status}:${x.amount}`).join(' ')
    lines.push([r.member, r.name, currency, r.amount, r.received, receipts].map(csvCell).join(','))
  }
  return `${lines.join('\n')}\n`
}

export async function censusView(ctx: NodeContext, input: { community: CommunityId }): Promise<CensusView> {
  const rt = await founded(ctx, input.community)
  return { community: input.community, ...censusOfReplica(rt.replica) }
}

/**
 * The public census file (CENSUS-5): every op with its op key (structures
 * only: no names, titles or texts; locations as precise as each place's
 * precision) and the census of the acknowledged ops, verifiable offline with
 * `verifyPublicCensus` (protocol) or `polity census verify`.
 */
export async function exportPublicCensus(ctx: NodeContext, input: { community: CommunityId }): Promise<Uint8Array> {
  const rt = await founded(ctx, input.community)
  const ring = rt.replica.keyRing
  const ops: SealedOp[] = []
  for (const bytes of await storedEnvelopes(ctx, rt.id)) {
    if (!isSealedEnvelope(bytes)) throw new RefusedError('This community is not sealed (protocol v1): it has no public census file.')
    ops.push(decodeSealedOpUnverified(bytes, ctx.crypto).op)
  }
  return encodePublicCensus(rt.id, ops, (op) => {
    const key = ring.key(ownEpoch(op))
    if (!key) throw new RefusedError('This device lacks a key of the history (rule KEY-5): sync with a member first.')
    return opKeyOf(key, boxNonce(op.box))
  }, ctx.crypto)
}
