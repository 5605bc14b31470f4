/**
 * NET-P1 re-dialing of remembered peers: an address is dialed when its peer
 * is not connected and its backoff has passed; each dial doubles the backoff
 * (5 s → 5 min); an address whose peer is connected again leaves the table,
 * so its next absence starts at 5 s.
 */
export const KNOWN_PEER_BACKOFF_MIN_MS = 5_000
export const KNOWN_PEER_BACKOFF_MAX_MS = 300_000

export class RedialSchedule {
  private readonly next = new Map<string, { at: number; backoff: number }>()

  constructor(private readonly now: () => number = Date.now) {}

  /** Of `targets` (each ending in /p2p/<peer>), those to dial now; records the dial in the backoff. */
  due(targets: readonly string[], connected: ReadonlySet<string>): string[] {
    const now = this.now()
    const out: string[] = []
    const seen = new Set<string>()
    for (const a of targets) {
      if (seen.has(a)) continue
      seen.add(a)
      const peer = a.slice(a.lastIndexOf('/p2p/') + 5)
      if (connected.has(peer)) {
        this.next.delete(a)
        continue
      }
      const r = this.next.get(a) ?? { at: 0, backoff: KNOWN_PEER_BACKOFF_MIN_MS / 2 }
      if (r.at > now) continue
      const backoff = Math.min(r.backoff * 2, KNOWN_PEER_BACKOFF_MAX_MS)
      this.next.set(a, { at: now + backoff, backoff })
      out.push(a)
    }
    // Forget addresses no longer remembered, so the table stays as small as the host's list.
    for (const a of this.next.keys()) if (!seen.has(a)) this.next.delete(a)
    return out
  }
}
