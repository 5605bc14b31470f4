/**
 * Per-device network settings in `<data dir>/config.json`, read by `polity ui`
 * and `polity serve` (command-line flags add to them):
 *
 *   { "bootstrap": ["/ip4/203.0.113.7/tcp/4001/p2p/12D3Koo…"],
 *     "signaling": ["ws://127.0.0.1:4444"] }
 *
 * A missing file means no settings; a malformed one is an error that names
 * the field, so a typo never silently leaves a member offline.
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'

export interface PeerConfig {
  /** libp2p addresses dialed at start and kept as bootstrap peers. */
  readonly bootstrap: string[]
  /** y-webrtc signaling servers for the browser relay. */
  readonly signaling: string[]
}

export class ConfigError extends Error {
  constructor(file: string, problem: string) {
    super(`${file}: ${problem}`)
    this.name = 'ConfigError'
  }
}

const MAX_ENTRIES = 64

export async function readPeerConfig(dataDir: string): Promise<PeerConfig> {
  const file = join(dataDir, 'config.json')
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { bootstrap: [], signaling: [] }
    throw new ConfigError(file, `cannot be read (${(e as Error).message})`)
  }
  let v: unknown
  try {
    v = JSON.parse(text)
  } catch {
    throw new ConfigError(file, 'is not valid JSON')
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ConfigError(file, 'must hold a JSON object')
  const o = v as Record<string, unknown>
  for (const k of Object.keys(o)) {
    if (k !== 'bootstrap' && k !== 'signaling') throw new ConfigError(file, `unknown setting "${k.slice(0, 40)}" (known: bootstrap, signaling)`)
  }
  const list = (key: 'bootstrap' | 'signaling'): string[] => {
    const x = o[key] ?? []
    if (!Array.isArray(x) || x.length > MAX_ENTRIES || !x.every((s) => typeof s === 'string' && s.length > 0 && s.length <= 1024)) {
      throw new ConfigError(file, `"${key}" must be a list of at most ${MAX_ENTRIES} addresses (text)`)
    }
    return x
  }
  return { bootstrap: list('bootstrap'), signaling: list('signaling') }
}
