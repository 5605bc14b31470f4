/**
 * Ops as a replica holds them: without envelope bytes, and sharing one
 * string per distinct device key and member id, and one byte array per
 * referenced proposal, instead of each op carrying its own copies (at 200k
 * ops, ~5 hex strings per op were ~100 MB of the heap).
 */
import type { AnyOp, HeldOp } from '../op/envelope'
import type { CommunityId, OpId } from '../op/ids'
import { toHex } from '../encoding/bytes'
import type { Dag, DagEntry } from './dag'

export class HeldOps {
  private readonly strings = new Map<string, string>()
  private readonly proposals = new Map<string, Uint8Array>()

  constructor(private readonly dag: Dag) {}

  /** The one shared copy of a string. */
  intern<T extends string>(s: T): T {
    const known = this.strings.get(s)
    if (known !== undefined) return known as T
    this.strings.set(s, s)
    return s
  }

  /** The op as held (every dep is held): shared strings for its community, author and deps. */
  held(op: AnyOp, community: CommunityId): HeldOp {
    const deps = op.deps.map((d) => (this.dag.get(d) as DagEntry).op.id)
    let body = op.body
    const proposal = (body as { proposal?: unknown }).proposal
    if (proposal instanceof Uint8Array) {
      // Votes, closes, withdraws and comments name their proposal: 190k votes need not carry 190k copies of 32 bytes.
      const key = (this.dag.get(toHex(proposal) as OpId) as DagEntry).op.id
      let shared = this.proposals.get(key)
      if (!shared) this.proposals.set(key, (shared = proposal))
      body = { ...body, proposal: shared } as typeof body
    }
    return { id: op.id, community, author: this.intern(op.author), seq: op.seq, deps, time: op.time, kind: op.kind, body } as HeldOp
  }
}
