/**
 * `polity relations`, `polity letter export|verify|import`, `polity statement
 * verify|import`, `polity body add|remove` (REL-*, LETTER-* in docs/PROTOCOL.md §20).
 * `letter verify` and `statement verify` (without --community) need nothing
 * but the file: no identity, no community.
 */
import { readFile, writeFile } from 'node:fs/promises'
import type { Command } from 'commander'
import type { CommunityId, LetterReport, OpId, RelationsView, StatementReport } from '@polity/api'
import { verifyLetter, verifyStatement } from '@polity/protocol'
import type { PolityNode } from './lazy'

export interface RelationCommandContext {
  print(value: unknown, human: () => string): void
  withNode<T>(fn: (node: PolityNode) => Promise<T>): Promise<T>
  communityId(node: PolityNode, ref: string): Promise<CommunityId>
  proposalId(node: PolityNode, community: CommunityId, ref: string): Promise<OpId>
}

const day = (ms: number): string => new Date(ms).toISOString().slice(0, 10)
const tally = (t: { yes: number; no: number; abstain: number; eligible: number }): string => `${t.yes} yes, ${t.no} no, ${t.abstain} abstain of ${t.eligible}`

export function formatRelations(r: RelationsView): string {
  const lines: string[] = []
  const short = (id: string): string => `${id.slice(0, 12)}…`
  for (const c of r.communities) {
    const head = `${c.treaty ? 'TREATY ' : ''}${c.name || short(c.community)} (${short(c.community)})`
    lines.push(head)
    if (c.ours) lines.push(`  we ${c.ours.action === 'recognize' ? 'recognize them' : 'withdrew our recognition'} — ${day(c.ours.date)}, ${tally(c.ours.tally)}`)
    if (c.theirs) lines.push(`  ${c.theirs.action === 'recognize' ? 'recognized by them' : 'they withdrew their recognition'} — ${day(c.theirs.date)}, ${tally(c.theirs.tally)} (letter ${short(c.theirs.letter)})`)
  }
  for (const b of r.bodies) {
    lines.push(`${b.removed ? 'REMOVED ' : ''}${b.label} (outside body, key ${short(b.body)}; ${b.source || 'source not given'})`)
    for (const s of b.statements) lines.push(`  ${s.date}: ${s.action === 'recognize' ? 'recognizes us' : 'withdrew recognition'} — "${s.text.slice(0, 80)}"`)
  }
  return lines.length > 0 ? lines.join('\n') : 'No relations yet.'
}

export function formatLetter(r: LetterReport): string {
  if (!r.ok) return `NOT VALID:\n${r.problems.map((p) => `  - ${p}`).join('\n')}`
  const what = r.action === 'recognize' ? `recognizes "${r.name ?? ''}" (${r.to?.slice(0, 12)}…)` : `withdraws its recognition of ${r.to?.slice(0, 12)}…`
  return [
    `OK: community ${r.from?.slice(0, 12)}… (calls itself "${r.fromName ?? ''}", not proven) ${what}.`,
    `  decided ${r.date !== null ? day(r.date) : '?'}: ${r.tally ? tally(r.tally) : ''}; ${r.eligible.length} eligible member keys; ${r.opCount} signed ops.`,
    r.selfVouched ? '  One member wrote the whole history: the letter vouches for itself.' : `  Acknowledged by another member (${r.acknowledgedBy?.slice(0, 12)}…).`,
    ...(r.statement ? [`  Statement: ${r.statement}`] : []),
  ].join('\n')
}

export function formatStatement(r: StatementReport): string {
  if (!r.ok) return `NOT VALID:\n${r.problems.map((p) => `  - ${p}`).join('\n')}`
  return `OK: ${r.label ?? `body ${r.body?.slice(0, 12)}…`} ${r.action === 'recognize' ? 'recognizes' : 'withdraws recognition of'} ${r.to?.slice(0, 12)}… on ${r.date}: "${r.text ?? ''}"`
}

export function registerRelationCommands(program: Command, ctx: RelationCommandContext): void {
  const { print, withNode } = ctx
  program.command('relations <community>').description('whom we recognize, who recognizes us, treaties and outside bodies').action((ref: string) =>
    withNode(async (node) => {
      const r = await node.relationsView({ community: await ctx.communityId(node, ref) })
      print(r, () => formatRelations(r))
    }),
  )

  const letter = program.command('letter').description('letters of recognition: a passed decision anyone can check offline')
  letter.command('export <community> <proposal> <file>').description('write the letter of a passed recognize (or unrecognize) proposal').action((ref: string, p: string, file: string) =>
    withNode(async (node) => {
      const id = await ctx.communityId(node, ref)
      const bytes = await node.exportLetter({ community: id, proposal: await ctx.proposalId(node, id, p) })
      await writeFile(file, bytes)
      print({ file, bytes: bytes.length }, () => `Wrote the letter (${bytes.length} bytes) to ${file}.`)
    }),
  )
  letter.command('verify <file>').description('check a letter with nothing but the file (no identity needed)').action(async (file: string) => {
    const v = verifyLetter(new Uint8Array(await readFile(file)))
    const r: LetterReport = {
      ok: v.ok, sha256: v.sha256, from: (v.statement?.from ?? null) as CommunityId | null, fromName: v.statement?.fromName ?? null, to: (v.statement?.to ?? null) as CommunityId | null,
      action: v.statement?.action ?? null, name: v.statement?.name ?? null, statement: v.statement?.statement ?? null, census: v.statement?.census ?? null,
      proposal: (v.statement?.proposal ?? null) as OpId | null, close: (v.statement?.close ?? null) as OpId | null, date: v.statement?.date ?? null, tally: v.statement?.tally ?? null,
      eligible: v.statement?.eligible ?? [], opCount: v.opCount, acknowledgedBy: v.acknowledgedBy as never, selfVouched: v.selfVouched, problems: v.problems,
    }
    print(r, () => formatLetter(r))
    if (!r.ok) process.exitCode = 1
  })
  letter.command('import <community> <file>').description('verify a letter addressed to this community and record it for every member').action((ref: string, file: string) =>
    withNode(async (node) => {
      const r = await node.importLetter({ community: await ctx.communityId(node, ref), bytes: new Uint8Array(await readFile(file)) })
      print(r, () => `Recorded: ${formatLetter(r)}`)
    }),
  )

  const statement = program.command('statement').description('statements signed by outside bodies (ed25519)')
  statement.command('verify <file>').description('check a statement file (with --community: addressed to it, by a body it knows)')
    .option('--community <community>', 'the community it should be addressed to')
    .action(async (file: string, o: { community?: string }) => {
      const bytes = new Uint8Array(await readFile(file))
      const r: StatementReport = o.community
        ? await withNode(async (node) => node.verifyStatement({ bytes, community: await ctx.communityId(node, o.community as string) }))
        : (() => {
            const v = verifyStatement(bytes)
            const s = v.statement
            return { ok: v.ok, sha256: v.sha256, body: s?.body ?? null, to: (s?.to ?? null) as CommunityId | null, action: s?.action ?? null, date: s?.date ?? null, text: s?.text ?? null, label: null, problems: v.problems }
          })()
      print(r, () => formatStatement(r))
      if (!r.ok) process.exitCode = 1
    })
  statement.command('import <community> <file>').description('verify a statement of a known body and record it').action((ref: string, file: string) =>
    withNode(async (node) => {
      const r = await node.importStatement({ community: await ctx.communityId(node, ref), bytes: new Uint8Array(await readFile(file)) })
      print(r, () => `Recorded: ${formatStatement(r)}`)
    }),
  )

  const body = program.command('body').description('outside bodies known by their ed25519 public keys (REL-6, REL-9)')
  body.command('add <community> <key> <label>').description('add an outside body by its ed25519 public key (64 hex digits)')
    .option('--source <text>', 'how the key was obtained', '')
    .action((ref: string, key: string, label: string, o: { source: string }) =>
      withNode(async (node) => {
        const op = await node.addOutsideBody({ community: await ctx.communityId(node, ref), body: key, label, source: o.source })
        print({ op }, () => `Added ${label}.`)
      }),
    )
  body.command('remove <community> <key>').description('mark an outside body removed (its statements stay, shown struck through)').action((ref: string, key: string) =>
    withNode(async (node) => {
      const op = await node.removeOutsideBody({ community: await ctx.communityId(node, ref), body: key })
      print({ op }, () => 'Removed.')
    }),
  )
}
