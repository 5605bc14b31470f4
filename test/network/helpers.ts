import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PolityNode, type NetworkOptions } from '@polity/node'

export const PASS = 'network test passphrase'
/** Only loopback, never any other address. */
export const LOOPBACK: NetworkOptions = { listen: ['/ip4/127.0.0.1/tcp/0', '/ip4/127.0.0.1/tcp/0/ws'], syncIntervalMs: 1000, mdns: false }

export async function netNode(label: string, opts: { phrase?: string; network?: NetworkOptions } = {}): Promise<{ node: PolityNode; dataDir: string }> {
  const dataDir = join(mkdtempSync(join(tmpdir(), `polity-net-${label}-`)), 'data')
  const node = await PolityNode.open({ dataDir, kdfLogN: 10, network: opts.network ?? LOOPBACK })
  if (opts.phrase) await node.restoreIdentity({ phrase: opts.phrase, passphrase: PASS })
  else await node.createIdentity({ passphrase: PASS })
  return { node, dataDir }
}

/** Poll until `check` passes or the bound elapses; returns the time it took. */
export async function within(ms: number, check: () => Promise<boolean> | boolean, what: string): Promise<number> {
  const start = Date.now()
  for (;;) {
    if (await check()) return Date.now() - start
    if (Date.now() - start > ms) throw new Error(`not within ${ms} ms: ${what}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

export const stateOf = async (n: PolityNode, c: string): Promise<string> => JSON.stringify(await n.getCommunity({ community: c as never }))
