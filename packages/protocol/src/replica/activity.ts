/**
 * VIEW-4: a community's recent activity for its home screen, from the ops
 * this replica took in last (not from every proposal and vote it holds), so
 * the cost does not grow with the community. Times are the authors' claimed
 * times; ops that do not count (ROSTER-10 cut) are left out.
 */
import type { Op } from '../op/envelope'
import type { MemberId, OpId } from '../op/ids'
import { toHex } from '../encoding/bytes'
import type { DagEntry } from './dag'
import type { ReplicaView } from './view'

export interface Activity {
  /** A key unique in the list (the op id, with the kind for ratifications). */
  readonly key: string
  readonly time: number
  readonly kind: 'founded' | 'joined' | 'left' | 'removed' | 'proposed' | 'voted' | 'commented' | 'ratified'
  /** Who did it (for `removed`: who was removed); null for `ratified`. */
  readonly member: MemberId | null
  readonly name: string | null
  /** The proposal's title for proposed, voted and commented. */
  readonly title: string | null
  /** The charter version for ratified. */
  readonly version: number | null
}

/** How many of the latest ops are read for the activity list. */
export const ACTIVITY_WINDOW = 400

export function recentActivity(
  view: ReplicaView,
  latest: readonly DagEntry[],
  o: { nameOf: (m: MemberId) => string | null; titleOf: (p: OpId) => string | null; limit: number },
): Activity[] {
  const out: Activity[] = []
  const versions = new Map(view.roster().charterVersions.map((v) => [v.ratifiedBy, v.version]))
  const by = (e: DagEntry): MemberId => view.memberOf(e)
  const item = (e: DagEntry, kind: Activity['kind'], member: MemberId | null, title: string | null = null, version: number | null = null): Activity => ({
    key: `${kind}:${e.op.id}`, time: e.op.time, kind, member, name: member === null ? null : o.nameOf(member), title, version,
  })
  for (const e of latest) {
    if (view.isCut(e)) continue
    const op = e.op
    switch (op.kind) {
      case 'genesis':
        out.push(item(e, 'founded', by(e)))
        break
      case 'member.join':
      case 'fork.join':
        out.push(item(e, 'joined', by(e)))
        break
      case 'member.leave':
        out.push(item(e, 'left', by(e)))
        break
      case 'member.remove':
        out.push(item(e, 'removed', toHex((op as Op<'member.remove'>).body.member) as MemberId))
        break
      case 'proposal.create':
        out.push(item(e, 'proposed', by(e), (op as Op<'proposal.create'>).body.title))
        break
      case 'vote.cast':
      case 'comment.add': {
        const p = toHex((op as Op<'vote.cast'>).body.proposal) as OpId
        out.push(item(e, op.kind === 'vote.cast' ? 'voted' : 'commented', by(e), o.titleOf(p)))
        break
      }
      case 'proposal.close': {
        const v = versions.get(op.id)
        if (v !== undefined) out.push(item(e, 'ratified', null, null, v))
        break
      }
      default:
        break
    }
  }
  return out.sort((a, b) => b.time - a.time || (a.key < b.key ? -1 : 1)).slice(0, o.limit)
}
