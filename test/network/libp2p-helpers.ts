/** Shared helpers for the libp2p-*.test.ts files: loopback-only nodes that always stop. */
import { createPolityLibp2p, type PolityLibp2p, type PolityLibp2pOptions } from '@polity/net'

/** Only loopback, never any other address; mDNS off. */
export const LOOPBACK_LISTEN = ['/ip4/127.0.0.1/tcp/0', '/ip4/127.0.0.1/tcp/0/ws']

export class NodeSet {
  readonly nodes: PolityLibp2p[] = []

  async add(o: PolityLibp2pOptions = {}): Promise<PolityLibp2p> {
    const n = await createPolityLibp2p({ listen: LOOPBACK_LISTEN, mdns: false, maxInboundConnectionsPerSecondPerHost: 100, ...o })
    this.nodes.push(n)
    return n
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.nodes.splice(0).map((n) => n.stop()))
  }
}

/** The node's first loopback TCP address (with /p2p/). */
export function tcpAddress(n: PolityLibp2p): string {
  const a = n.getMultiaddrs().map(String).find((s) => s.startsWith('/ip4/127.0.0.1/tcp/') && !s.includes('/ws') && !s.includes('p2p-circuit'))
  if (!a) throw new Error('node has no loopback TCP address')
  return a
}

/** Poll until `check` passes or `ms` elapses (then throw naming `what`). */
export async function until(ms: number, check: () => Promise<boolean> | boolean, what: string): Promise<void> {
  const start = Date.now()
  for (;;) {
    if (await check()) return
    if (Date.now() - start > ms) throw new Error(`not within ${ms} ms: ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}
