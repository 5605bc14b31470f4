/**
 * Relations inside the fold (REL-5..9 in docs/PROTOCOL.md §20): who may
 * record a letter, an outside body or a body's statement, checked at the
 * op's causal past like every other rule. A statement's signature is checked
 * again by every member (and by a redacted verifier: its fields are
 * structure, SEAL-7), so a member can record only what the body signed.
 */
import { toHex } from '../encoding/bytes'
import { isAcceptablePublicKey } from '../crypto/ed25519'
import type { AnyOp } from '../op/envelope'
import type { MemberId, OpId } from '../op/ids'
import { RELATIONS_DEFAULTS } from '../op/kinds'
import { STATEMENT_DATE } from '../op/relations-kinds'
import { statementSignatureValid } from '../statement'
import type { DagEntry } from './dag'
import type { RosterState } from './roster'
import { violation } from './roster-rules'
import type { ReplicaView } from './view'

interface RelationOp {
  readonly kind: string
  readonly community: string
  readonly deps: readonly OpId[]
  readonly body: Record<string, unknown>
}

export class RelationRules {
  /** REL-7: the relation.body ops by body key. */
  private readonly bodiesOf = new Map<string, DagEntry[]>()

  constructor(private readonly view: ReplicaView) {}

  check(anyOp: AnyOp, past: RosterState, member: MemberId): void {
    const op = anyOp as unknown as RelationOp
    const b = op.body
    switch (op.kind) {
      case 'relation.letter': {
        if (toHex(b['from'] as Uint8Array) === op.community) violation('REL-5', 'a community does not record a letter from itself')
        const t = b['tally'] as { eligible: number; yes: number; no: number; abstain: number }
        if (t.yes + t.no + t.abstain > t.eligible) violation('REL-5', 'a tally counts at most its eligible members')
        return
      }
      case 'relation.body': {
        const need = past.rules?.bodies ?? RELATIONS_DEFAULTS.bodies
        const removing = b['status'] === 'removed'
        if (!past.hasRole(past.members.get(member), need)) violation(removing ? 'REL-9' : 'REL-6', `${removing ? 'removing' : 'adding'} an outside body needs the ${need} role`)
        if (removing && !this.bodyBefore(toHex(b['body'] as Uint8Array), op.deps)) violation('REL-9', 'only a body added in the op\'s causal past can be removed')
        if (!isAcceptablePublicKey(b['body'] as Uint8Array)) violation('REL-6', 'the body\'s key is not a usable ed25519 public key')
        return
      }
      case 'relation.statement': {
        const key = toHex(b['body'] as Uint8Array)
        if (!this.bodyBefore(key, op.deps)) violation('REL-7', 'the statement\'s body must be added (relation.body) in the op\'s causal past')
        const s = { to: op.community, action: b['action'] as string, date: b['date'] as string, text: b['text'] as string }
        if (!STATEMENT_DATE.test(s.date)) violation('REL-8', 'the date must be YYYY-MM-DD')
        if (!statementSignatureValid(s, b['body'] as Uint8Array, b['signature'] as Uint8Array)) violation('REL-8', 'the body\'s signature does not verify for this community')
        return
      }
      default:
        return
    }
  }

  inserted(entry: DagEntry): void {
    const op = entry.op as unknown as RelationOp
    if (op.kind !== 'relation.body') return
    const k = toHex(op.body['body'] as Uint8Array)
    const l = this.bodiesOf.get(k)
    if (l) l.push(entry)
    else this.bodiesOf.set(k, [entry])
  }

  /** Is a relation.body for this key in the causal past of an op with these deps? */
  private bodyBefore(key: string, deps: readonly OpId[]): boolean {
    const adds = this.bodiesOf.get(key) ?? []
    return deps.some((d) => {
      const de = this.view.entry(d) as DagEntry
      return adds.some((a) => a === de || this.view.isAncestor(a, de))
    })
  }
}
