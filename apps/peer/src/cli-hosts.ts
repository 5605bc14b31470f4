/**
 * The long-running commands — `polity ui` (browser mode) and `polity serve`
 * (an always-on peer and signaling host) — apart from the one-shot commands
 * in cli.ts: they open a node (or only a signaling server) and run until
 * SIGINT/SIGTERM.
 */
import { fileURLToPath } from 'node:url'
import type { Command } from 'commander'
import { PolityNode, startSignalingServer, startUiServer } from './lazy'
import { readPeerConfig } from './config'
import { UsageError } from './parse'
import { loadUiSession, saveUiSession } from './ui-session'

export interface HostCommandContext {
  /** The global options (data dir, KDF cost for tests). */
  options(): { dataDir: string; kdfLogN?: string }
  /** Open the node in the data dir, unlocked, for the length of `fn`. */
  withNode<T>(fn: (node: PolityNode) => Promise<T>): Promise<T>
}

export function registerHostCommands(program: Command, ctx: HostCommandContext): void {
  program.command('ui').description('browser mode: serve the app on 127.0.0.1 and print the address to open')
    .option('--port <n>', 'port (default: the one the last start used, when free; else any free port)')
    .option('--new-token', 'make a new session token: addresses printed before stop working (`polity lock` does this too)', false)
    .option('--ui-dir <dir>', 'the built UI (default: packages/ui/dist)')
    .option('--listen <addr...>', 'libp2p listen addresses (/p2p-circuit: reserve a slot on a relay, so peers that cannot dial this device reach it through one)', ['/ip4/0.0.0.0/tcp/0', '/ip4/0.0.0.0/tcp/0/ws', '/p2p-circuit'])
    .option('--no-network', 'stay offline (bundles only)')
    .option('--mdns', 'find peers on the local network', false)
    .option('--signaling <url...>', 'y-webrtc signaling servers for the browser relay (e.g. ws://127.0.0.1:4444 from `polity serve`)', [])
    .option('--bootstrap <addr...>', 'libp2p peers to dial at start (added to config.json\'s "bootstrap")', [])
    .action(async (opts: { port?: string; newToken: boolean; uiDir?: string; listen: string[]; network: boolean; mdns: boolean; signaling: string[]; bootstrap: string[] }) => {
      const o = ctx.options()
      const config = await readPeerConfig(o.dataDir)
      const bootstrap = withPeerIds([...config.bootstrap, ...opts.bootstrap])
      const signaling = [...config.signaling, ...opts.signaling].map(signalingUrl)
      const node = await PolityNode.open({
        dataDir: o.dataDir,
        ...(o.kdfLogN ? { kdfLogN: Number(o.kdfLogN) } : {}),
        ...(opts.network ? { network: { listen: opts.listen, mdns: opts.mdns, syncIntervalMs: 5000, bootstrap } } : {}),
        signaling,
      })
      const connectSrc = signaling
      const uiDir = opts.uiDir ?? fileURLToPath(new URL('../../../packages/ui/dist', import.meta.url))
      // BRIDGE-10: the same token and, when free, the same port as the last start, so an open tab reconnects.
      const session = await loadUiSession(o.dataDir, opts.newToken)
      const where = opts.port ? { port: Number(opts.port) } : session.port !== undefined ? { preferPort: session.port } : {}
      const server = await startUiServer({ api: node, uiDir, connectSrc, token: session.token, ...where })
      await saveUiSession(o.dataDir, { token: server.token, port: server.port })
      process.stdout.write(`Polity is running in browser mode.\nOpen: ${server.url}\n`)
      await new Promise<void>((done) => {
        const stop = (): void => done()
        process.once('SIGINT', stop)
        process.once('SIGTERM', stop)
      })
      await server.close()
      await node.close()
    })

  program.command('serve').description('an always-on peer: keeps your communities online, relays for others')
    .option('--listen <addr...>', 'libp2p listen addresses', ['/ip4/0.0.0.0/tcp/4001', '/ip4/0.0.0.0/tcp/4002/ws'])
    .option('--peer <addr...>', 'peers to dial at start (added to config.json\'s "bootstrap")', [])
    .option('--mdns', 'find peers on the local network', false)
    .option('--signaling-port <n>', 'host a y-webrtc signaling server for browser relays on this port', '4444')
    .option('--signaling-host <addr>', 'interface the signaling server binds', '127.0.0.1')
    .option('--no-signaling', 'do not host a signaling server')
    .option('--no-network', 'no libp2p: host only the signaling server (needs no identity)')
    .action(async (opts: { listen: string[]; peer: string[]; mdns: boolean; signaling: boolean; signalingPort: string; signalingHost: string; network: boolean }) => {
      const config = await readPeerConfig(ctx.options().dataDir)
      const port = Number(opts.signalingPort)
      if (opts.signaling && !(Number.isInteger(port) && port >= 0 && port < 65536)) throw new UsageError('--signaling-port must be a port number (0 to 65535).')
      const signaling = opts.signaling ? await startSignalingServer({ host: opts.signalingHost, port }) : undefined
      if (signaling) process.stdout.write(`Signaling server for browser relays: ${signaling.url}\n`)
      // On a signal the signaling server closes first, at once (NET-RTC-6): its sockets must not wait for libp2p's shutdown.
      const untilStopped = async (): Promise<void> => {
        await new Promise<void>((done) => {
          process.once('SIGINT', () => done())
          process.once('SIGTERM', () => done())
        })
        await signaling?.close()
      }
      try {
        if (!opts.network) {
          if (!signaling) throw new UsageError('With --no-network and --no-signaling there is nothing to serve.')
          process.stdout.write('libp2p is off (--no-network).\n')
          await untilStopped()
          return
        }
        const peers = [...config.bootstrap, ...opts.peer]
        await ctx.withNode(async (node) => {
          const addrs = await node.startNetwork({ listen: opts.listen, relayServer: true, mdns: opts.mdns, bootstrap: withPeerIds(peers) })
          if (peers.length > 0) await node.connectPeers(peers)
          process.stdout.write(`Polity peer online. Addresses:\n${addrs.map((a) => `  ${a}`).join('\n')}\n`)
          await untilStopped()
        })
      } finally {
        await signaling?.close()
      }
    })
}

/** Bootstrap peers must name their peer id; others are dialed (serve) or reported, never silently dropped. */
function withPeerIds(addrs: readonly string[]): string[] {
  const ok = addrs.filter((a) => /\/p2p\/[1-9A-HJ-NP-Za-km-z]+$/.test(a))
  for (const a of addrs) if (!ok.includes(a)) process.stderr.write(`note: "${a.slice(0, 80)}" has no /p2p/<peer id>, so it is not kept as a bootstrap peer.\n`)
  return ok
}

/** A signaling server address as y-webrtc takes it: ws:// or wss:// with a host. */
function signalingUrl(v: string): string {
  let u: URL
  try {
    u = new URL(v)
  } catch {
    throw new UsageError(`"${v}" is not a signaling server address (expected ws://host:port).`)
  }
  if ((u.protocol !== 'ws:' && u.protocol !== 'wss:') || u.hostname === '') throw new UsageError(`"${v}" is not a signaling server address (expected ws://host:port).`)
  return v
}
