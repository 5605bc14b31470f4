/**
 * Governance commands: a member's profile, leaving, direct removals and role
 * changes (ROSTER-*), and proposals — opening, voting, discussing, closing,
 * withdrawing (GOV-*, VOTE-*). Each checks its input, then authors one op;
 * the replica has the last word and a refusal names the rule.
 */
import { DEFAULT_RULES, checkRequested, requirementOf, yesNoRank, type CommunityId, type OpId } from '@polity/protocol'
import type { Ballot, ProposalInput, Role } from '@polity/api'
import type { NodeContext } from './context'
import type { CommunityRuntime } from './runtimes'
import { author } from './author'
import { InvalidInputError } from './errors'
import { HOUR, LIMITS, MAX_DEADLINE_HOURS, checkRole, checkText, humanRule, memberBytes, messageOf, opRef, toAction } from './input-checks'
import { countedBallotOf } from './replica-access'
import { rekeyAfterDeparture } from './epoch-commands'

const joined = (ctx: NodeContext, c: CommunityId): Promise<CommunityRuntime> => ctx.runtimes.joined(c, ctx.vault.member)

export async function setProfile(ctx: NodeContext, input: { community: CommunityId; name: string }): Promise<void> {
  await author(ctx, await joined(ctx, input.community), 'profile.set', { name: checkText(input.name, 'The name', LIMITS.memberName) })
}

export async function leaveCommunity(ctx: NodeContext, input: { community: CommunityId }): Promise<void> {
  await author(ctx, await joined(ctx, input.community), 'member.leave', {})
}

export async function removeMember(ctx: NodeContext, input: { community: CommunityId; member: string; reason?: string }): Promise<void> {
  const reason = (input.reason ?? '').slice(0, LIMITS.removalReason.max)
  const rt = await joined(ctx, input.community)
  await author(ctx, rt, 'member.remove', { member: memberBytes(input.member), reason })
  // EPOCH-3: the removed member cannot read what comes next.
  await rekeyAfterDeparture(ctx, rt)
}

export async function changeRole(ctx: NodeContext, input: { community: CommunityId; member: string; role: Role }): Promise<void> {
  await author(ctx, await joined(ctx, input.community), 'member.role', { member: memberBytes(input.member), role: checkRole(input.role) })
}

/**
 * GOV-1..4: the rules bind the proposal. Its quorum and threshold must be at
 * least the rules' for the action's class and its voting period at least the
 * class's period, refused here with the rule before anything is signed; it
 * claims the later of now and the time floor of its causal past (GOV-4), so
 * honest clock skew never makes our own proposal invalid.
 */
export async function createProposal(ctx: NodeContext, input: { community: CommunityId } & ProposalInput): Promise<OpId> {
  const rt = await joined(ctx, input.community)
  const roster = rt.replica.roster()
  const hours = input.deadlineInHours
  if (hours !== undefined && !(hours >= 0 && hours <= MAX_DEADLINE_HOURS)) throw new InvalidInputError('The deadline must be 0 hours to a year away.')
  const action = toAction(input.action, roster.charterVersions.length - 1)
  const req = requirementOf(roster.rules ?? DEFAULT_RULES, action, roster.charterVersions)
  const period = hours !== undefined ? Math.round(hours * HOUR) : req.period
  try {
    checkRequested(req, input.method, 0, period)
  } catch (e) {
    throw new InvalidInputError(humanRule(messageOf(e)))
  }
  const title = checkText(input.title, 'The title', LIMITS.proposalTitle)
  const text = checkText(input.text ?? '', 'The text', LIMITS.proposalText)
  const op = await author(ctx, rt, 'proposal.create', (time) => ({ title, text, action, method: input.method, deadline: time + period }), { proposal: true })
  return op.id
}

export async function vote(ctx: NodeContext, input: { community: CommunityId; proposal: OpId; ballot: Ballot }): Promise<void> {
  const rt = await joined(ctx, input.community)
  // VOTE-6: a yes/no vote counts only as the member's strongest; a lower one could never count, so it is not signed.
  const b = input.ballot
  const prev = b?.type === 'yesno' ? countedBallotOf(rt.replica, input.proposal, ctx.vault.member) : undefined
  if (prev?.type === 'yesno' && yesNoRank(prev) > yesNoRank(b)) {
    throw new InvalidInputError(`A yes/no vote can only be raised (no, then abstain, then yes): your ${prev.choice} stands (rule VOTE-6).`)
  }
  await author(ctx, rt, 'vote.cast', { proposal: opRef(input.proposal), ballot: input.ballot })
}

export async function comment(ctx: NodeContext, input: { community: CommunityId; proposal: OpId; text: string; replyTo?: OpId }): Promise<void> {
  await author(ctx, await joined(ctx, input.community), 'comment.add', {
    proposal: opRef(input.proposal), text: checkText(input.text, 'A comment', LIMITS.comment),
    replyTo: input.replyTo ? opRef(input.replyTo) : undefined,
  })
}

export async function closeProposal(ctx: NodeContext, input: { community: CommunityId; proposal: OpId }): Promise<void> {
  const rt = await joined(ctx, input.community)
  await author(ctx, rt, 'proposal.close', { proposal: opRef(input.proposal) })
  // EPOCH-3: a passed removal is a departure: re-key at once.
  await rekeyAfterDeparture(ctx, rt)
}

export async function withdrawProposal(ctx: NodeContext, input: { community: CommunityId; proposal: OpId }): Promise<void> {
  await author(ctx, await joined(ctx, input.community), 'proposal.withdraw', { proposal: opRef(input.proposal) })
}

/**
 * EXTEND-1..3: move the deadline of one's own open proposal `hours` later —
 * from the current deadline, or from now when that has passed — checked here
 * before anything is signed; the replica has the last word (CLOSE-8 reads it).
 */
export async function extendProposal(ctx: NodeContext, input: { community: CommunityId; proposal: OpId; hours: number }): Promise<number> {
  const rt = await joined(ctx, input.community)
  const hours = input.hours
  if (typeof hours !== 'number' || !(hours > 0 && hours <= MAX_DEADLINE_HOURS)) throw new InvalidInputError('The extension must be more than 0 hours and at most a year (rule EXTEND-2).')
  const found = rt.replica.listing().proposal(input.proposal, ctx.vault.member, ctx.now())
  if (!found) throw new InvalidInputError('No such proposal in this community.')
  const row = found.row
  if (row.author !== ctx.vault.member) throw new InvalidInputError('Only the proposal\'s author may extend its deadline (rule EXTEND-1).')
  if (row.status !== 'open') throw new InvalidInputError('The proposal is already closed or withdrawn (rule EXTEND-3).')
  const deadline = Math.max(row.deadline, ctx.now()) + Math.round(hours * HOUR)
  await author(ctx, rt, 'proposal.extend' as never, { proposal: opRef(input.proposal), deadline } as never)
  return deadline
}
