/** The export calls (EXPORT-1..3): the roster and a proposal's votes as text in the format asked for. */
import type { CommunityId, OpId } from '@polity/protocol'
import type { NodeContext } from './context'
import { InvalidInputError } from './errors'
import { getCommunity } from './views'
import { rosterCsv, rosterRows, votesBlt, votesCsv, votesJson } from './export-formats'

export async function exportRoster(ctx: NodeContext, input: { community: CommunityId; format: 'csv' | 'json' }): Promise<string> {
  if (input.format !== 'csv' && input.format !== 'json') throw new InvalidInputError('The roster exports as csv or json.')
  const s = await getCommunity(ctx, { community: input.community })
  return input.format === 'csv' ? rosterCsv(s) : JSON.stringify(rosterRows(s), null, 2) + '\n'
}

export async function exportVotes(ctx: NodeContext, input: { community: CommunityId; proposal: OpId; format: 'csv' | 'json' | 'blt' }): Promise<string> {
  if (!['csv', 'json', 'blt'].includes(input.format)) throw new InvalidInputError('Votes export as csv, json or blt.')
  const s = await getCommunity(ctx, { community: input.community })
  const p = s.proposals.find((x) => x.id === input.proposal)
  if (!p) throw new InvalidInputError(`This device holds no proposal ${String(input.proposal).slice(0, 12)}… in this community.`)
  if (input.format === 'blt' && p.method.type !== 'irv') throw new InvalidInputError('BLT holds ranked ballots: only ranked-choice proposals export as blt.')
  return input.format === 'csv' ? votesCsv(s, p) : input.format === 'json' ? votesJson(s, p) : votesBlt(p)
}
