/**
 * The honest per-peer status of each community (SYNC-7): when we last
 * completed a session with a peer, over which transport, and what each side
 * lacked. Only completed sessions count; a refused or broken one leaves the
 * record as it was.
 */
import type { Connection } from '@libp2p/interface'
import type { SessionStats } from '@polity/sync'

export type PeerTransport = 'relay' | 'websocket' | 'tcp' | 'other'

/** One peer of one community (structurally the API's PeerStatus). */
export interface PeerSyncStatus {
  readonly peer: string
  readonly transport: PeerTransport
  readonly lastHeard: number
  /** From the last completed session: ops of ours they lacked, ops of theirs we lacked. */
  readonly theyLack: number
  readonly weLack: number
  /** SYNC-10: the ops the peer held at the start of that session (its hello's total). */
  readonly total: number
  /** SYNC-10: the member key (hex) the peer proved with (SYNC-3), or null (an invite's holder, or not known). */
  readonly member: string | null
}

/** Most peers kept per community (the most recently heard). */
export const MAX_STATUS_PEERS = 256

export function transportOf(c: Connection): PeerTransport {
  const s = c.remoteAddr.toString()
  return s.includes('/p2p-circuit') ? 'relay' : s.includes('/ws') ? 'websocket' : s.includes('/tcp') ? 'tcp' : 'other'
}

export class PeerStatusBook {
  private readonly byCommunity = new Map<string, Map<string, PeerSyncStatus>>()

  constructor(private readonly now: () => number = Date.now) {}

  record(community: string, s: SessionStats, connection: Connection, member: string | null = null): void {
    let m = this.byCommunity.get(community)
    if (!m) this.byCommunity.set(community, (m = new Map()))
    const peer = connection.remotePeer.toString()
    m.delete(peer)
    m.set(peer, { peer, transport: transportOf(connection), lastHeard: this.now(), theyLack: s.theyLacked, weLack: s.weLacked, total: s.peerTotal, member })
    if (m.size > MAX_STATUS_PEERS) {
      const oldest = m.keys().next().value
      if (oldest !== undefined) m.delete(oldest)
    }
  }

  peers(community: string): PeerSyncStatus[] {
    return [...(this.byCommunity.get(community)?.values() ?? [])]
  }
}
