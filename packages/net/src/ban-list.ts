/**
 * Peers cut off for breaking a protocol (SYNC-6, NET-4): refused by the
 * connection gater for `banMs`, then forgiven. Bounded: a flood of distinct
 * peer ids cannot grow it past `max` (the oldest ban is dropped first).
 */
export class BanList {
  private readonly until = new Map<string, number>()

  constructor(
    private readonly banMs: number,
    private readonly max = 4096,
    private readonly now: () => number = Date.now,
  ) {}

  isBanned(peer: string): boolean {
    const t = this.until.get(peer)
    if (t === undefined) return false
    if (t < this.now()) {
      this.until.delete(peer)
      return false
    }
    return true
  }

  ban(peer: string): void {
    this.until.delete(peer)
    this.until.set(peer, this.now() + this.banMs)
    if (this.until.size > this.max) {
      const oldest = this.until.keys().next().value
      if (oldest !== undefined) this.until.delete(oldest)
    }
  }

  get size(): number {
    return this.until.size
  }
}
