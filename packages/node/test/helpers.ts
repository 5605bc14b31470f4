import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PolityNode } from '../src/index'

export const PASS = 'correct horse battery staple'

/** A node in a fresh temp data directory with a cheap KDF (tests only). */
export async function freshNode(label = 'node'): Promise<{ node: PolityNode; dataDir: string }> {
  const dataDir = join(mkdtempSync(join(tmpdir(), `polity-${label}-`)), 'data')
  const node = await PolityNode.open({ dataDir, kdfLogN: 10, draftBatchMs: 20 })
  return { node, dataDir }
}

export async function withIdentity(label: string): Promise<{ node: PolityNode; dataDir: string }> {
  const n = await freshNode(label)
  await n.node.createIdentity({ passphrase: PASS })
  return n
}

/** Sneakernet: carry everything `from` holds for the community to `to`. */
export async function carry(from: PolityNode, to: PolityNode, community: string): Promise<void> {
  const bytes = await from.exportBundle({ community: community as never })
  await to.importBundle({ bytes })
}

/**
 * Sealed communities (§18): a node that is to read a community's bundle must
 * hold a key. `b` accepts an invite link of `a`'s (it waits: the ops are not
 * there yet); the bundle then opens with the link's invite key (EPOCH-8).
 */
export async function holdLink(a: PolityNode, b: PolityNode, community: string, name = ''): Promise<string> {
  const { link } = await a.createInvite({ community: community as never })
  await b.acceptInvite({ link, name })
  return link
}
