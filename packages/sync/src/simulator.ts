/**
 * A deterministic in-memory network simulator (tested by SYNC-4 in test/unit/sync-simulator.test.ts): replicas connected by
 * frame pipes, sessions between seeded random pairs, frames dropped at a
 * seeded rate (a drop breaks the session, like a lost connection), and
 * partitions that allow sessions only within a side until they heal.
 */
import { dialSync, listenSync, type AccessControl, type SessionStats, type SyncTarget } from './session'
import { memoryPipe } from './memory-pipe'

export interface SimPeer {
  readonly name: string
  readonly target: SyncTarget
  /** Access control for a session with the named remote peer. */
  access(remote: string): AccessControl
}

export interface SimulatorOptions {
  readonly seed: number
  readonly community: string
  readonly peers: readonly SimPeer[]
  /** Chance that any one frame is lost (breaking that session). */
  readonly dropRate?: number
}

export interface SimRound {
  readonly sessions: number
  readonly failed: number
  readonly stats: SessionStats[]
}

export class Simulator {
  private state: number
  private partition: ((a: string, b: string) => boolean) | undefined
  readonly log: string[] = []

  constructor(private readonly o: SimulatorOptions) {
    this.state = o.seed >>> 0
  }

  random(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0
    let t = this.state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }

  /** Only pairs for which `sameSide` is true may talk until `heal()`. */
  split(sameSide: (a: string, b: string) => boolean): void {
    this.partition = sameSide
  }

  heal(): void {
    this.partition = undefined
  }

  private nonce = (): Uint8Array => {
    const out = new Uint8Array(32)
    for (let i = 0; i < 32; i++) out[i] = Math.floor(this.random() * 256)
    return out
  }

  /** One session between two peers; resolves to its stats or undefined when it broke. */
  async session(a: SimPeer, b: SimPeer, dropRate = this.o.dropRate ?? 0): Promise<SessionStats | undefined> {
    if (this.partition && !this.partition(a.name, b.name)) return undefined
    const [da, db] = memoryPipe({ deliver: () => this.random() >= dropRate })
    const results = await Promise.allSettled([
      dialSync({ duplex: da, community: this.o.community, target: a.target, access: a.access(b.name), randomNonce: this.nonce, limits: { idleMs: 2_000 } }),
      listenSync({ duplex: db, resolve: (c) => (c === this.o.community ? { target: b.target, access: b.access(a.name) } : undefined), randomNonce: this.nonce, limits: { idleMs: 2_000 } }),
    ])
    const ok = results.every((r) => r.status === 'fulfilled')
    this.log.push(`${a.name}→${b.name}: ${ok ? 'ok' : 'broken'}`)
    return ok ? (results[0] as PromiseFulfilledResult<SessionStats>).value : undefined
  }

  /** `count` sessions between seeded random pairs, one after another. */
  async round(count: number, dropRate?: number): Promise<SimRound> {
    const stats: SessionStats[] = []
    let failed = 0
    const peers = this.o.peers
    for (let i = 0; i < count; i++) {
      const a = peers[Math.floor(this.random() * peers.length)] as SimPeer
      let b = peers[Math.floor(this.random() * peers.length)] as SimPeer
      if (a === b) b = peers[(peers.indexOf(a) + 1) % peers.length] as SimPeer
      const s = await this.session(a, b, dropRate)
      if (s) stats.push(s)
      else failed++
    }
    return { sessions: count, failed, stats }
  }

  /** Sync along a ring until every peer has the same heads (or `maxRounds` is reached). */
  async converge(maxRounds = 10): Promise<boolean> {
    const peers = this.o.peers
    for (let r = 0; r < maxRounds; r++) {
      if (this.converged()) return true
      for (let i = 0; i < peers.length; i++) await this.session(peers[i] as SimPeer, peers[(i + 1) % peers.length] as SimPeer, 0)
    }
    return this.converged()
  }

  converged(): boolean {
    const key = (p: SimPeer): string => p.target.replica.heads().join()
    const first = key(this.o.peers[0] as SimPeer)
    return this.o.peers.every((p) => key(p) === first)
  }
}
