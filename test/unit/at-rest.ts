/**
 * The at-rest grep (issue 15): a scripted session that writes names, a
 * proposal title, a charter sentence and a comment, then a search of every
 * file of the data directory, of every value LevelDB holds (decompressed:
 * LevelDB compresses its tables, so a plain file grep alone could miss a
 * string), of the bundle and of the checkpoint for those strings.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { ClassicLevel } from 'classic-level'
import type { PolityNode } from '@polity/node'

export const SECRETS = {
  community: 'Lighthouse Keepers of Vlore',
  founder: 'Ardita Kelmendi',
  title: 'Buy the old lighthouse',
  charter: 'Article 9. The lighthouse belongs to all who keep it.',
  comment: 'Meet at the harbour wall at dawn',
} as const

/** Found, name yourself, write the charter, propose, comment and vote; the bundle the node exports after. */
export async function scriptedSession(node: PolityNode): Promise<{ community: string; bundle: Uint8Array }> {
  const community = await node.createCommunity({
    name: SECRETS.community, purpose: '', charter: `# Charter\n\n${SECRETS.charter}\n`, founderName: SECRETS.founder,
    rules: { decisions: { resolution: { period: 0 } } },
  })
  await node.setProfile({ community, name: SECRETS.founder })
  const proposal = await node.createProposal({ community, title: SECRETS.title, text: SECRETS.charter, action: { type: 'resolution' }, method: { type: 'yesno', quorum: [1, 2], threshold: [1, 2] }, deadlineInHours: 0 })
  await node.comment({ community, proposal, text: SECRETS.comment })
  await node.vote({ community, proposal, ballot: { type: 'yesno', choice: 'yes' } })
  return { community, bundle: await node.exportBundle({ community }) }
}

/** Each secret string, with the places it was found in. */
export type Findings = Record<keyof typeof SECRETS, string[]>

function files(dir: string): string[] {
  const out: string[] = []
  for (const name of readdirSync(dir)) {
    const p = join(dir, name)
    if (statSync(p).isDirectory()) out.push(...files(p))
    else out.push(p)
  }
  return out
}

function hits(bytes: Uint8Array, place: string, found: Findings): void {
  const text = Buffer.from(bytes).toString('latin1')
  for (const [key, s] of Object.entries(SECRETS) as [keyof typeof SECRETS, string][]) {
    if (text.includes(Buffer.from(s, 'utf8').toString('latin1')) && !found[key].includes(place)) found[key].push(place)
  }
}

/** Search a (closed) data directory's files and LevelDB values, and any extra named blobs. */
export async function grepAtRest(dataDir: string, blobs: Record<string, Uint8Array> = {}): Promise<Findings> {
  const found = Object.fromEntries(Object.keys(SECRETS).map((k) => [k, [] as string[]])) as unknown as Findings
  for (const f of files(dataDir)) hits(readFileSync(f), relative(dataDir, f), found)
  const db = new ClassicLevel<Uint8Array, Uint8Array>(join(dataDir, 'ops'), { keyEncoding: 'view', valueEncoding: 'view' })
  await db.open()
  try {
    for await (const [k, v] of db.iterator()) hits(v, `LevelDB value (key prefix ${k[0]})`, found)
  } finally {
    await db.close()
  }
  for (const [name, bytes] of Object.entries(blobs)) hits(bytes, name, found)
  return found
}
