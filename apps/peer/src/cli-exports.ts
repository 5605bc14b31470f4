/**
 * `polity export roster <community> [--format csv|json] [--out file]` and
 * `polity export votes <community> <proposal> [--format csv|json|blt] [--out file]`
 * (EXPORT-1..3 in docs/PROTOCOL.md): the text goes to stdout, or to a file.
 */
import { writeFile } from 'node:fs/promises'
import type { Command } from 'commander'
import type { CommunityId, OpId } from '@polity/api'
import type { PolityNode } from './lazy'
import { UsageError } from './parse'

export interface ExportCommandContext {
  withNode<T>(fn: (node: PolityNode) => Promise<T>): Promise<T>
  communityId(node: PolityNode, ref: string): Promise<CommunityId>
  proposalId(node: PolityNode, community: CommunityId, ref: string): Promise<OpId>
}

async function emit(text: string, out: string | undefined): Promise<void> {
  if (out) {
    await writeFile(out, text)
    process.stderr.write(`Wrote ${Buffer.byteLength(text)} bytes to ${out}.\n`)
  } else process.stdout.write(text)
}

export function registerExportCommands(program: Command, ctx: ExportCommandContext): void {
  const ex = program.command('export').description('the roster or a proposal\'s votes, for a spreadsheet or an election tool')
  ex.command('roster <community>').description('active members as CSV or JSON')
    .option('--format <format>', 'csv or json', 'csv').option('--out <file>', 'write to a file instead of stdout')
    .action((ref: string, o: { format: string; out?: string }) => ctx.withNode(async (node) => {
      if (o.format !== 'csv' && o.format !== 'json') throw new UsageError('--format must be csv or json.')
      await emit(await node.exportRoster({ community: await ctx.communityId(node, ref), format: o.format }), o.out)
    }))
  ex.command('votes <community> <proposal>').description('a proposal\'s counted votes as CSV, JSON or (ranked choice) BLT')
    .option('--format <format>', 'csv, json or blt', 'csv').option('--out <file>', 'write to a file instead of stdout')
    .action((ref: string, p: string, o: { format: string; out?: string }) => ctx.withNode(async (node) => {
      if (o.format !== 'csv' && o.format !== 'json' && o.format !== 'blt') throw new UsageError('--format must be csv, json or blt.')
      const community = await ctx.communityId(node, ref)
      await emit(await node.exportVotes({ community, proposal: await ctx.proposalId(node, community, p), format: o.format }), o.out)
    }))
}
