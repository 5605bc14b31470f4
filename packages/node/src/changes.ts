/**
 * BRIDGE-8: what a batch of applied ops changed, named for the `community`
 * event so each screen refetches only its own view: the parts (roster,
 * proposals, charter, draft) and the proposals whose rows changed (null when
 * more than MAX_LISTED: a screen then refetches whatever it shows).
 */
import { toHex, type AnyOp, type OpId } from '@polity/protocol'
import type { ChangedPart } from '@polity/api'

const MAX_LISTED = 64

const PARTS: ReadonlyMap<string, readonly ChangedPart[]> = new Map<string, readonly ChangedPart[]>([
  ['genesis', ['roster', 'proposals', 'charter', 'draft']],
  ['device.link', ['roster']],
  ['invite.create', ['roster']],
  ['invite.revoke', ['roster']],
  ['member.join', ['roster']],
  ['fork.join', ['roster']],
  ['member.leave', ['roster']],
  ['member.remove', ['roster']],
  ['member.role', ['roster']],
  // Names show beside proposals and votes too.
  ['profile.set', ['roster', 'proposals']],
  ['charter.bind', ['draft']],
  ['charter.edit', ['draft']],
  ['proposal.create', ['proposals']],
  ['proposal.withdraw', ['proposals']],
  ['proposal.extend', ['proposals']],
  ['vote.cast', ['proposals']],
  ['comment.add', ['proposals']],
  // A passed close may admit, remove, change a role, the rules or the charter, or decide a recognition (REL-3).
  ['proposal.close', ['proposals', 'roster', 'charter', 'relations']],
  // Places, campaigns, pledges, receipts (issue 17); roster changes move the ledger and census too.
  ['place.add', ['territory']],
  ['place.status', ['territory']],
  ['campaign.open', ['territory']],
  ['pledge.set', ['territory']],
  ['campaign.close', ['territory']],
  ['receipt.record', ['territory']],
  // Letters recorded, outside bodies added or removed, their statements (issue 18).
  ['relation.letter', ['relations']],
  ['relation.body', ['relations']],
  ['relation.statement', ['relations']],
])

export function changesOf(ops: readonly AnyOp[]): { parts: ChangedPart[]; proposals: OpId[] | null } {
  const parts = new Set<ChangedPart>()
  const proposals = new Set<OpId>()
  let tooMany = false
  for (const op of ops) {
    for (const p of PARTS.get(op.kind) ?? []) parts.add(p)
    let id: OpId | undefined
    if (op.kind === 'proposal.create') id = op.id
    else if (op.kind === 'vote.cast' || op.kind === 'comment.add' || op.kind === 'proposal.close' || op.kind === 'proposal.withdraw' || (op.kind as string) === 'proposal.extend') {
      id = toHex((op as AnyOp & { body: { proposal: Uint8Array } }).body.proposal) as OpId
    }
    if (id !== undefined && !tooMany) {
      proposals.add(id)
      if (proposals.size > MAX_LISTED) tooMany = true
    }
  }
  return { parts: [...parts].sort(), proposals: tooMany ? null : [...proposals].sort() }
}
