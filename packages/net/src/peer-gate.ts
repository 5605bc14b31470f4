/**
 * Which peers may exchange a community's ops with us (NET-G1, NET-G2): a peer
 * is *proven* for a community once it passed SYNC-3 for it (its proof
 * verified, in a session either side opened), and stays proven only while
 * the key it proved with still admits it in our roster — an active member's
 * identity key, or an invite that is still open. The host judges that on
 * every look-up (`admission`), so a roster change takes effect at once.
 *
 * A peer that failed SYNC-3, or whose member departed, is *blocked* for the
 * community for a while (NET-G3): no session either way, no gossip. A block
 * lifts early once the key it last claimed admits it again (a member whose
 * join we had not seen yet, a removed member invited back).
 *
 * Bounded: proofs are dropped when their peer disconnects; blocks are capped
 * (the oldest goes first), like the ban list.
 */
import type { CommunityId } from '@polity/protocol'

/** What a peer proved with (SYNC-3): a member's identity key, or an invite (its op id). */
export interface PeerProof {
  readonly kind: 'member' | 'invite'
  readonly key: Uint8Array
}

/**
 * How our roster judges a proof now: `admitted`; `departed` (the member was
 * removed or left, the invite revoked: cut off); `lapsed` (the invite was
 * used up, contested or expired — its holder may have joined and can prove
 * again as a member).
 */
export type Admission = 'admitted' | 'departed' | 'lapsed'

export interface PeerGateOptions {
  readonly admission: (c: CommunityId, proof: PeerProof) => Admission
  /** How long a block lasts. Default 10 min. */
  readonly blockMs?: number
  readonly maxBlocks?: number
  readonly now?: () => number
}

export const PEER_GATE_DEFAULTS = { blockMs: 10 * 60_000, maxBlocks: 4096 } as const

export class PeerGate {
  private readonly proven = new Map<CommunityId, Map<string, PeerProof>>()
  private readonly blocks = new Map<string, { until: number; claim: PeerProof | undefined }>()
  private readonly now: () => number

  constructor(private readonly o: PeerGateOptions) {
    this.now = o.now ?? Date.now
  }

  /** Record a proof that passed SYNC-3; true when the peer was not proven for `c` before. */
  prove(c: CommunityId, peer: string, proof: PeerProof): boolean {
    let m = this.proven.get(c)
    if (!m) this.proven.set(c, (m = new Map()))
    const had = m.has(peer)
    m.set(peer, proof)
    this.blocks.delete(blockKey(c, peer))
    return !had
  }

  /** What `peer` proved with for `c` (SYNC-3), while it is proven. */
  proofOf(c: CommunityId, peer: string): PeerProof | undefined {
    return this.proven.get(c)?.get(peer)
  }

  /** May `peer` exchange `c`'s ops with us now (NET-G1)? */
  allows(c: CommunityId, peer: string): boolean {
    const p = this.proven.get(c)?.get(peer)
    return p !== undefined && this.o.admission(c, p) === 'admitted' && !this.isBlocked(c, peer)
  }

  /** Proven for some community other than `except` (disconnecting it would cut that one off too). */
  provenElsewhere(peer: string, except: CommunityId): boolean {
    for (const [c, m] of this.proven) if (c !== except && m.has(peer) && this.allows(c, peer)) return true
    return false
  }

  /** Peers proven for `c` whose proof no longer admits them; they are no longer proven (NET-G2). */
  review(c: CommunityId): Array<{ peer: string; proof: PeerProof; admission: Exclude<Admission, 'admitted'> }> {
    const m = this.proven.get(c)
    if (!m) return []
    const out: Array<{ peer: string; proof: PeerProof; admission: Exclude<Admission, 'admitted'> }> = []
    for (const [peer, proof] of m) {
      const a = this.o.admission(c, proof)
      if (a !== 'admitted') {
        m.delete(peer)
        out.push({ peer, proof, admission: a })
      }
    }
    return out
  }

  /** Cut `peer` off from `c` for blockMs (NET-G3); `claim` is what it proved (or tried to) with. */
  block(c: CommunityId, peer: string, claim: PeerProof | undefined): void {
    this.proven.get(c)?.delete(peer)
    const k = blockKey(c, peer)
    this.blocks.delete(k)
    this.blocks.set(k, { until: this.now() + (this.o.blockMs ?? PEER_GATE_DEFAULTS.blockMs), claim })
    if (this.blocks.size > (this.o.maxBlocks ?? PEER_GATE_DEFAULTS.maxBlocks)) {
      const oldest = this.blocks.keys().next().value
      if (oldest !== undefined) this.blocks.delete(oldest)
    }
  }

  isBlocked(c: CommunityId, peer: string): boolean {
    const k = blockKey(c, peer)
    const b = this.blocks.get(k)
    if (!b) return false
    if (b.until < this.now() || (b.claim !== undefined && this.o.admission(c, b.claim) === 'admitted')) {
      this.blocks.delete(k)
      return false
    }
    return true
  }

  /** The peer disconnected: its proofs end with the connection (the next one proves again). */
  dropPeer(peer: string): void {
    for (const m of this.proven.values()) m.delete(peer)
  }

  /** Peers proven for `c` right now (for tests and status). */
  provenPeers(c: CommunityId): string[] {
    return [...(this.proven.get(c)?.keys() ?? [])].filter((p) => this.allows(c, p))
  }

  get blockCount(): number {
    return this.blocks.size
  }
}

const blockKey = (c: CommunityId, peer: string): string => `${c} ${peer}`
