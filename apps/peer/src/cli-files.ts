/**
 * `polity bundle export|import` (BUNDLE-*) and `polity dossier export|verify`
 * (DOSSIER-1..3, DOSSIER-R1..R3): files carried by hand, checked offline.
 */
import { readFile, writeFile } from 'node:fs/promises'
import type { Command } from 'commander'
import type { CommunityId } from '@polity/api'
import { dossierKind, verifyDossier, verifyRedactedDossier } from '@polity/protocol'
import type { PolityNode } from './lazy'

export interface FileCommandContext {
  withNode<T>(fn: (node: PolityNode) => Promise<T>): Promise<T>
  communityId(node: PolityNode, ref: string): Promise<CommunityId>
  print(value: unknown, human: () => string): void
}

export function registerFileCommands(program: Command, ctx: FileCommandContext): void {
  const { withNode, communityId, print } = ctx

  const bundle = program.command('bundle').description('carry ops on a USB stick: no network needed')
  bundle.command('export <community> <file>').description('write every op of a community to a file').action((ref: string, file: string) =>
    withNode(async (node) => {
      const bytes = await node.exportBundle({ community: await communityId(node, ref) })
      await writeFile(file, bytes)
      print({ file, bytes: bytes.length }, () => `Wrote ${bytes.length} bytes to ${file}.`)
    }),
  )
  bundle.command('import <file>').description('read ops from a bundle file (each is checked like ops from the network)').action((file: string) =>
    withNode(async (node) => {
      const r = await node.importBundle({ bytes: new Uint8Array(await readFile(file)) })
      print(r, () => [`Applied ${r.applied} ops (${r.duplicates} already here, ${r.pending} waiting for missing ops, ${r.dropped} not kept: too many waiting, ${r.rejected} rejected).`, ...r.errors.map((e) => `  rejected: ${e}`)].join('\n'))
    }),
  )

  const dossier = program.command('dossier').description('census, decisions and charter history anyone can verify offline')
  dossier.command('export <community> <file>').description('write the community\'s verifiable dossier to a file (a full disclosure: names, texts, the keys)')
    .option('--redacted', 'counts and decisions with member keys only: no names, titles, texts or keys (DOSSIER-R1)')
    .action((ref: string, file: string, o: { redacted?: boolean }) =>
      withNode(async (node) => {
        const bytes = await node.exportDossier({ community: await communityId(node, ref), redacted: o.redacted === true })
        await writeFile(file, bytes)
        print({ file, bytes: bytes.length, redacted: o.redacted === true }, () => `Wrote the ${o.redacted ? 'redacted ' : ''}dossier (${bytes.length} bytes) to ${file}.`)
      }),
    )
  dossier.command('verify <file>').description('check a dossier with nothing but the file (no identity needed)').action(async (file: string) => {
    const bytes = new Uint8Array(await readFile(file))
    if (dossierKind(bytes) === 'redacted') {
      const r = verifyRedactedDossier(bytes)
      const passed = r.census?.decisions.filter((d) => d.passed === true).length ?? 0
      print(r, () => (r.ok
        ? `OK (redacted): community ${r.community?.slice(0, 16)}… — ${r.opCount} signed ops (${r.unacknowledged} newest not yet acknowledged by another member, not counted); ${r.census?.members.length} members, ${r.census?.decisions.length} decisions (${passed} passed), ${r.census?.charter.length} charter versions, all consistent. No names or texts are in the file.`
        : `NOT VALID:\n${r.problems.map((p) => `  - ${p}`).join('\n')}`))
      if (!r.ok) process.exitCode = 1
      return
    }
    const r = verifyDossier(bytes)
    print(r, () => (r.ok
      ? `OK: "${r.name}" — ${r.opCount} signed ops; ${r.census?.members.length} members, ${r.census?.decisions.length} decisions, ${r.census?.charter.length} charter versions, all consistent.`
      : `NOT VALID:\n${r.problems.map((p) => `  - ${p}`).join('\n')}`))
    if (!r.ok) process.exitCode = 1
  })

}
