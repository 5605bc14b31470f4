/**
 * NET-ID-1: this device's place on the network stays the same across locks
 * and restarts. The libp2p key (its PeerId) is generated once and kept in the
 * store's metadata sealed under the data key; the ports a `…/tcp/0` listen
 * address was given are remembered and asked for again next time (falling
 * back to any free port when one is taken), so the addresses in an invite
 * link made before a restart still reach this device.
 */
import { generatePeerKey, peerKeyFromBytes, peerKeyToBytes, type PolityNetworkInit } from '@polity/net'
import type { CborValue } from '@polity/protocol'
import type { NodeContext } from './context'
import { seal, unseal } from './secrets'

const META_KEY = 'net/peer'

type Kind = 'tcp' | 'ws'

interface Stored {
  readonly key: Uint8Array
  readonly ports: Partial<Record<Kind, number>>
}

/** `…/tcp/0` (tcp) or `…/tcp/0/ws` (ws): a listen address whose port the system picks. */
function kindOf(listen: string): Kind | undefined {
  if (/\/tcp\/0\/ws$/.test(listen)) return 'ws'
  if (/\/tcp\/0$/.test(listen)) return 'tcp'
  return undefined
}

async function load(ctx: NodeContext): Promise<Stored | undefined> {
  const raw = await ctx.store.getMeta(META_KEY)
  if (!raw) return undefined
  try {
    const o = unseal(ctx.vault.require().dataKey, META_KEY, raw) as Record<string, CborValue>
    const key = o['key']
    const ports = o['ports'] as Record<string, CborValue> | undefined
    if (!(key instanceof Uint8Array)) return undefined
    peerKeyFromBytes(key)
    const port = (v: CborValue | undefined): number | undefined => (typeof v === 'number' && Number.isInteger(v) && v > 0 && v < 65536 ? v : undefined)
    const tcp = port(ports?.['tcp'])
    const ws = port(ports?.['ws'])
    return { key, ports: { ...(tcp ? { tcp } : {}), ...(ws ? { ws } : {}) } }
  } catch {
    // Written by another identity or damaged: a new key (the device gets a new network name, nothing else is lost).
    return undefined
  }
}

async function save(ctx: NodeContext, s: Stored): Promise<void> {
  const ports: Record<string, CborValue> = {}
  if (s.ports.tcp) ports['tcp'] = s.ports.tcp
  if (s.ports.ws) ports['ws'] = s.ports.ws
  await ctx.store.putMeta(META_KEY, seal(ctx.vault.require().dataKey, META_KEY, { key: s.key, ports }))
}

/** The stored key (made and saved the first time). */
async function stored(ctx: NodeContext): Promise<Stored> {
  const s = await load(ctx)
  if (s) return s
  const fresh: Stored = { key: peerKeyToBytes(await generatePeerKey()), ports: {} }
  await save(ctx, fresh)
  return fresh
}

/** The network options with this device's stable key and, when `withPorts`, its remembered ports in place of `/tcp/0`. */
export async function stableNetworkOptions(ctx: NodeContext, options: PolityNetworkInit, withPorts: boolean): Promise<PolityNetworkInit> {
  if (options.privateKey) return options
  const s = await stored(ctx)
  const seen = new Set<Kind>()
  const listen = withPorts
    ? options.listen?.map((a) => {
      const k = kindOf(a)
      const port = k && !seen.has(k) ? s.ports[k] : undefined
      if (k) seen.add(k)
      return port ? a.replace(/\/tcp\/0(\/ws)?$/, `/tcp/${port}$1`) : a
    })
    : options.listen
  return { ...options, privateKey: peerKeyFromBytes(s.key), ...(listen ? { listen } : {}) }
}

/** After a start: remember the ports the system gave the `/tcp/0` listen addresses. */
export async function rememberPorts(ctx: NodeContext, listen: readonly string[] | undefined, addresses: readonly string[]): Promise<void> {
  const kinds = new Set((listen ?? []).map(kindOf).filter((k): k is Kind => k !== undefined))
  if (kinds.size === 0) return
  const s = await stored(ctx)
  const ports: Partial<Record<Kind, number>> = { ...s.ports }
  for (const a of addresses) {
    const m = /\/tcp\/(\d+)(\/ws)?(\/|$)/.exec(a)
    if (!m || a.includes('/p2p-circuit')) continue
    const k: Kind = m[2] ? 'ws' : 'tcp'
    if (kinds.has(k)) ports[k] = Number(m[1])
  }
  if (ports.tcp !== s.ports.tcp || ports.ws !== s.ports.ws) await save(ctx, { key: s.key, ports })
}
