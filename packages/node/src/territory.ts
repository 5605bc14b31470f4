/**
 * Territory and crowdfunding commands (PLACE-*, FUND-*): add a place, move
 * it along its lifecycle, open a campaign, pledge, close, record a receipt.
 * Each checks its input and the rules here first, so a refusal says what to
 * do; then it signs one sealed op, and the replica has the last word.
 */
import { PLACE_TRANSITIONS, roleRank, territoryRoles, type AnyOp, type CampaignState, type CommunityId, type OpId, type Role, type SealedBodyOf, type TerritoryKind } from '@polity/protocol'
import type { CampaignInput, PlaceInput, PlaceStatus, ReceiptStatus } from '@polity/api'
import type { NodeContext } from './context'
import type { CommunityRuntime } from './runtimes'
import { author } from './author'
import { InvalidInputError, RefusedError } from './errors'
import { LIMITS, checkText, memberBytes } from './input-checks'
import { currencyCode, idRef, minorUnits, placeBodyOf, placeStatus } from './territory-inputs'

const joined = (ctx: NodeContext, c: CommunityId): Promise<CommunityRuntime> => ctx.runtimes.joined(c, ctx.vault.member)

/** Sign one territory op (a sealed v2 kind) as this device. */
export const authorTerritory = <K extends TerritoryKind>(ctx: NodeContext, rt: CommunityRuntime, kind: K, body: SealedBodyOf<K>): Promise<AnyOp> =>
  author(ctx, rt, kind as never, body as never)

/** The member's role now, or null when not an active member. */
export function myRole(ctx: NodeContext, rt: CommunityRuntime): Role | null {
  return rt.replica.roster().members.get(ctx.vault.member)?.role ?? null
}

const atLeast = (role: Role | null, min: Role): boolean => role !== null && roleRank(role) >= roleRank(min)

function requireRole(ctx: NodeContext, rt: CommunityRuntime, which: 'places' | 'treasurer', what: string, rule: string, proposable?: string): void {
  const rules = rt.replica.roster().rules
  const min = rules ? territoryRoles(rules)[which] : 'steward'
  if (!atLeast(myRole(ctx, rt), min)) {
    // PLACE-7: places and their statuses may be proposed instead.
    if (proposable) throw new RefusedError(`${what} directly needs the ${min} role under this community's rules (rule ${rule}). Propose ${proposable} instead: the community decides by vote (rule PLACE-7).`)
    throw new RefusedError(`${what} needs the ${min} role under this community's rules (rule ${rule}). Ask a ${min}, or propose a rules change that lets more members do it.`)
  }
}

export function campaignOf(rt: CommunityRuntime, id: unknown): CampaignState {
  idRef(id, 'The campaign')
  const c = rt.replica.territory().campaigns.find((x) => x.id === id)
  if (!c) throw new InvalidInputError('This community has no such campaign (yet): sync with a member.')
  return c
}

export async function addPlace(ctx: NodeContext, input: PlaceInput): Promise<OpId> {
  const rt = await joined(ctx, input.community)
  const body = placeBodyOf(input, checkText(input.name, 'The name', LIMITS.placeName))
  requireRole(ctx, rt, 'places', 'Adding a place', 'PLACE-1', 'this place')
  return (await authorTerritory(ctx, rt, 'place.add', body)).id
}

export async function movePlace(ctx: NodeContext, input: { community: CommunityId; place: OpId; status: PlaceStatus }): Promise<void> {
  const rt = await joined(ctx, input.community)
  const ref = idRef(input.place, 'The place')
  const to = placeStatus(input.status)
  const place = rt.replica.territory().places.find((p) => p.id === input.place)
  if (!place) throw new InvalidInputError('This community has no such place (yet): sync with a member.')
  if (!PLACE_TRANSITIONS[place.status].includes(to)) {
    const next = PLACE_TRANSITIONS[place.status]
    throw new InvalidInputError(`A ${place.status} place cannot become ${to}; it can become ${next.length > 0 ? next.join(', ') : 'nothing else'} (rule PLACE-5).`)
  }
  requireRole(ctx, rt, 'places', 'Changing a place\'s status', 'PLACE-1', 'this status change')
  await authorTerritory(ctx, rt, 'place.status', { place: ref, status: to })
}

export async function openCampaign(ctx: NodeContext, input: CampaignInput): Promise<OpId> {
  const rt = await joined(ctx, input.community)
  const g = input.goal
  let goal: SealedBodyOf<'campaign.open'>['goal']
  if (g?.kind === 'amount') goal = { type: 'amount', amount: minorUnits(g.amount, 'The goal', 1), currency: currencyCode(g.currency) }
  else if (g?.kind === 'participants') {
    if (typeof g.count !== 'number' || !Number.isSafeInteger(g.count) || g.count < 1 || g.count > 1_000_000) throw new InvalidInputError('The number of participants must be a whole number from 1 to 1,000,000.')
    goal = { type: 'participants', count: g.count }
  } else throw new InvalidInputError('The goal is an amount with a currency, or a number of participants.')
  if (input.model !== 'all-or-nothing' && input.model !== 'keep') throw new InvalidInputError('The model must be all-or-nothing or keep.')
  if (typeof input.deadline !== 'number' || !Number.isSafeInteger(input.deadline) || input.deadline <= ctx.now()) {
    throw new InvalidInputError('The deadline must be a time in the future (milliseconds since the epoch; rule FUND-1).')
  }
  const place = input.place === undefined || input.place === null ? undefined : idRef(input.place, 'The place')
  if (place && !rt.replica.territory().places.some((p) => p.id === input.place)) throw new InvalidInputError('This community has no such place (yet).')
  requireRole(ctx, rt, 'treasurer', 'Opening a campaign', 'FUND-1')
  const body: SealedBodyOf<'campaign.open'> = {
    title: checkText(input.title, 'The title', LIMITS.campaignTitle),
    text: checkText(input.text ?? '', 'The text', LIMITS.campaignText),
    goal, deadline: input.deadline, model: input.model, place,
  }
  return (await authorTerritory(ctx, rt, 'campaign.open', body)).id
}

export async function pledge(ctx: NodeContext, input: { community: CommunityId; campaign: OpId; amount: string }): Promise<void> {
  const rt = await joined(ctx, input.community)
  const c = campaignOf(rt, input.campaign)
  const amount = minorUnits(input.amount, 'The pledge')
  if (c.goal.type === 'participants' && amount > 1) throw new InvalidInputError('A pledge to take part is 1, or 0 to withdraw (rule FUND-6).')
  if (c.outcome) throw new RefusedError('The campaign is closed (rule FUND-5).')
  if (ctx.now() > c.deadline) throw new RefusedError('The campaign\'s deadline has passed: pledges are no longer taken (rule FUND-4).')
  await authorTerritory(ctx, rt, 'pledge.set', { campaign: idRef(input.campaign, 'The campaign'), amount })
}

export async function closeCampaign(ctx: NodeContext, input: { community: CommunityId; campaign: OpId }): Promise<void> {
  const rt = await joined(ctx, input.community)
  const c = campaignOf(rt, input.campaign)
  if (c.outcome) throw new RefusedError('The campaign is already closed (rule FUND-7).')
  if (ctx.now() < c.deadline) throw new RefusedError(`The campaign may be closed after its deadline, ${new Date(c.deadline).toISOString()} (rule FUND-7).`)
  await authorTerritory(ctx, rt, 'campaign.close', { campaign: idRef(input.campaign, 'The campaign') })
}

export async function recordReceipt(
  ctx: NodeContext, input: { community: CommunityId; campaign: OpId; member: string; status: ReceiptStatus; amount: string },
): Promise<void> {
  const rt = await joined(ctx, input.community)
  const c = campaignOf(rt, input.campaign)
  if (c.goal.type !== 'amount') throw new InvalidInputError('Receipts are recorded for campaigns of an amount only (rule FUND-11).')
  if (input.status !== 'fulfilled' && input.status !== 'partial' && input.status !== 'refunded') throw new InvalidInputError('The receipt status must be fulfilled, partial or refunded.')
  const member = memberBytes(input.member)
  const amount = minorUnits(input.amount, 'The amount')
  requireRole(ctx, rt, 'treasurer', 'Recording a receipt', 'FUND-11')
  await authorTerritory(ctx, rt, 'receipt.record', { campaign: idRef(input.campaign, 'The campaign'), member, status: input.status, amount })
}
