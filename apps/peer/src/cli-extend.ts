/**
 * `polity extend <community> <proposal> --hours N` (EXTEND-1..3, CLOSE-8 in
 * docs/PROTOCOL.md): the author moves their open proposal's deadline N hours
 * later (from now when it has passed).
 */
import type { Command } from 'commander'
import type { CommunityId, OpId } from '@polity/api'
import type { PolityNode } from './lazy'
import { UsageError } from './parse'

export interface ExtendCommandContext {
  withNode<T>(fn: (node: PolityNode) => Promise<T>): Promise<T>
  communityId(node: PolityNode, ref: string): Promise<CommunityId>
  proposalId(node: PolityNode, community: CommunityId, ref: string): Promise<OpId>
  print(value: unknown, human: () => string): void
}

export function registerExtendCommand(program: Command, ctx: ExtendCommandContext): void {
  program.command('extend <community> <proposal>').description('move your own open proposal\'s deadline later')
    .requiredOption('--hours <n>', 'how many hours later (from now when the deadline has passed)')
    .action((ref: string, p: string, o: { hours: string }) => ctx.withNode(async (node) => {
      const hours = Number(o.hours)
      if (!/^[0-9]+(\.[0-9]+)?$/.test(o.hours) || !(hours > 0)) throw new UsageError('--hours must be a positive number.')
      const community = await ctx.communityId(node, ref)
      const deadline = await node.extendProposal({ community, proposal: await ctx.proposalId(node, community, p), hours })
      ctx.print({ deadline }, () => `Deadline moved to ${new Date(deadline).toISOString()}.`)
    }))
}
