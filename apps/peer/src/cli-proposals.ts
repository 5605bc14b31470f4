/**
 * `polity proposal create|list|show`, `vote`, `comment`, `close`, `withdraw`:
 * proposing, voting and closing (GOV-*, VOTE-*, CLOSE-* in docs/PROTOCOL.md).
 */
import { readFile } from 'node:fs/promises'
import { Option, type Command } from 'commander'
import type { Ballot, CommunityId, Method, OpId, ProposalActionInput, Role } from '@polity/api'
import { DEFAULT_RULES, requirementOf, type ProposalAction } from '@polity/protocol'
import type { PolityNode } from './lazy'
import { formatProposal, formatProposals } from './format'
import { applyRules, parseFraction, parseOptionNumbers, parseWhole, RULE_KEYS, UsageError } from './parse'

export interface CommandContext {
  withNode<T>(fn: (node: PolityNode) => Promise<T>): Promise<T>
  communityId(node: PolityNode, ref: string): Promise<CommunityId>
  proposalId(node: PolityNode, community: CommunityId, ref: string): Promise<OpId>
  print(value: unknown, human: () => string): void
}

function required(v: string | undefined, flag: string): string {
  if (v === undefined || v === '') throw new UsageError(`${flag} is required for this kind.`)
  return v
}

export function registerProposalCommands(program: Command, ctx: CommandContext): void {
  const { withNode, communityId, proposalId, print } = ctx

  const proposal = program.command('proposal').description('propose, discuss, vote and close')

  proposal.command('create <community>').description('put a proposal to a vote')
    .requiredOption('--title <text>', 'a short title')
    .option('--text <text>', 'the proposal in full', '')
    .addOption(new Option('--kind <kind>', 'what it does').choices(['resolution', 'amend', 'admit', 'remove', 'role', 'rules', 'recognize', 'unrecognize']).default('resolution'))
    .addOption(new Option('--method <method>', 'how it is decided').choices(['yesno', 'approval', 'irv']).default('yesno'))
    .option('--options <list>', 'comma-separated options (approval and ranked choice)')
    .option('--quorum <fraction>', 'share of eligible members who must vote, e.g. 1/2 or 50% (default and minimum: the rules for this kind)')
    .option('--threshold <fraction>', 'yes/no: more yes votes than this share of the eligible members who do not abstain (default and minimum: the rules for this kind)')
    .option('--deadline-hours <h>', 'hours until it may be closed (default and minimum: the voting period the rules set for this kind)')
    .option('--charter-file <file>', 'amend: the new charter text (default: the current draft)')
    .option('--member <id>', 'admit/remove/role: the member (id or did:key)')
    .option('--role <role>', 'role: the new role')
    .option('--rule <key=value...>', `rules: the new rules, as changes to the current ones (${RULE_KEYS})`)
    .option('--other <id>', 'recognize/unrecognize: the other community\'s id')
    .option('--other-name <name>', 'recognize: the name we give it')
    .option('--statement <text>', 'recognize: the public statement')
    .option('--census <sha256>', 'recognize: sha256 of its public census file')
    .action((ref: string, opts: Record<string, string | string[] | undefined>) =>
      withNode(async (node) => {
        const o = opts as Record<string, string | undefined>
        const id = await communityId(node, ref)
        const s = await node.getCommunity({ community: id })
        let action: ProposalActionInput
        const kind = o['kind']
        if (kind === 'amend') action = { type: 'amend', charter: o['charterFile'] ? await readFile(o['charterFile'], 'utf8') : s.charter.draft }
        else if (kind === 'admit' || kind === 'remove') action = { type: kind, member: required(o['member'], '--member') }
        else if (kind === 'role') action = { type: 'role', member: required(o['member'], '--member'), role: required(o['role'], '--role') as Role }
        else if (kind === 'rules') action = { type: 'rules', rules: applyRules(s.rules, (opts['rule'] as string[] | undefined) ?? []) }
        else if (kind === 'recognize') action = { type: 'recognize', community: required(o['other'], '--other'), name: required(o['otherName'], '--other-name'), statement: required(o['statement'], '--statement'), ...(o['census'] ? { census: o['census'] } : {}) }
        else if (kind === 'unrecognize') action = { type: 'unrecognize', community: required(o['other'], '--other') }
        else action = { type: 'resolution' }
        // GOV-1: the floor for this kind is the default; the node refuses less (GOV-2, GOV-3) with the rule.
        const versions = s.charter.versions
        const floor = requirementOf(s.rules, (action.type === 'amend' ? { ...action, base: versions.length - 1 } : action) as ProposalAction, versions)
        const quorum = o['quorum'] ? parseFraction(o['quorum'], '--quorum') : [...floor.quorum] as [number, number]
        let method: Method
        if (o['method'] === 'yesno') method = { type: 'yesno', quorum, threshold: o['threshold'] ? parseFraction(o['threshold'], '--threshold') : [...floor.threshold] as [number, number] }
        else {
          const options = (o['options'] ?? '').split(',').map((x) => x.trim()).filter(Boolean)
          if (options.length < 2) throw new UsageError('--options needs at least two comma-separated options.')
          method = { type: o['method'] as 'approval' | 'irv', options, quorum }
        }
        const pid = await node.createProposal({
          community: id, title: required(o['title'], '--title'), text: o['text'] ?? '', action, method,
          ...(o['deadlineHours'] !== undefined ? { deadlineInHours: Number(o['deadlineHours']) } : {}),
        })
        print({ proposal: pid }, () => `Proposal created: ${pid}`)
      }),
    )

  proposal.command('list <community>').description('the proposals, open and closed').action((ref: string) =>
    withNode(async (node) => {
      const s = await node.getCommunity({ community: await communityId(node, ref) })
      print(s.proposals, () => formatProposals(s))
    }),
  )

  proposal.command('show <community> <proposal>').description('one proposal: text, votes, discussion, outcome').action((ref: string, p: string) =>
    withNode(async (node) => {
      const id = await communityId(node, ref)
      const pid = await proposalId(node, id, p)
      const s = await node.getCommunity({ community: id })
      const view = s.proposals.find((x) => x.id === pid)
      print(view, () => formatProposal(s, pid))
    }),
  )

  program.command('vote <community> <proposal> [choice]').description('vote: yes|no|abstain, or --approve / --rank for other methods')
    .option('--approve <list>', 'approval: comma-separated option numbers (from 0)')
    .option('--rank <list>', 'ranked choice: option numbers in order of preference')
    .action((ref: string, p: string, choice: string | undefined, opts: { approve?: string; rank?: string }) =>
      withNode(async (node) => {
        const id = await communityId(node, ref)
        const pid = await proposalId(node, id, p)
        let ballot: Ballot
        if (opts.approve !== undefined) ballot = { type: 'approval', approve: parseOptionNumbers(opts.approve, '--approve') }
        else if (opts.rank !== undefined) ballot = { type: 'irv', rank: parseOptionNumbers(opts.rank, '--rank') }
        else if (choice === 'yes' || choice === 'no' || choice === 'abstain') ballot = { type: 'yesno', choice }
        else throw new UsageError('Say yes, no or abstain (or --approve / --rank).')
        await node.vote({ community: id, proposal: pid, ballot })
        print({ ok: true }, () => 'Vote recorded.')
      }),
    )

  program.command('comment <community> <proposal> <text>').description('add to a proposal\'s discussion').action((ref: string, p: string, text: string) =>
    withNode(async (node) => {
      const id = await communityId(node, ref)
      await node.comment({ community: id, proposal: await proposalId(node, id, p), text })
      print({ ok: true }, () => 'Comment added.')
    }),
  )

  program.command('close <community> <proposal>').description('close a proposal after its deadline; the outcome takes effect').action((ref: string, p: string) =>
    withNode(async (node) => {
      const id = await communityId(node, ref)
      const pid = await proposalId(node, id, p)
      await node.closeProposal({ community: id, proposal: pid })
      const s = await node.getCommunity({ community: id })
      print(s.proposals.find((x) => x.id === pid), () => formatProposal(s, pid))
    }),
  )

  program.command('withdraw <community> <proposal>').description('withdraw your own open proposal').action((ref: string, p: string) =>
    withNode(async (node) => {
      const id = await communityId(node, ref)
      await node.withdrawProposal({ community: id, proposal: await proposalId(node, id, p) })
      print({ ok: true }, () => 'Proposal withdrawn.')
    }),
  )

}
