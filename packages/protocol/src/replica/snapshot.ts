/**
 * The folded state as plain, deterministic data: what the API serves and what
 * convergence tests compare. Arrays are sorted by stable keys so two replicas
 * holding the same ops produce deep-equal snapshots (I1).
 */
import type { Op } from '../op/envelope'
import type { Ballot, Method, ProposalAction, Rules } from '../op/kinds'
import type { CommunityId, DeviceKey, MemberId, OpId, Role } from '../op/ids'
import { toHex } from '../encoding/bytes'
import { didKeyOf } from '../crypto/identity'
import { fromHex } from '../encoding/bytes'
import { canonicalCompare, type DagEntry } from './dag'
import type { ContentFold } from './content'
import type { ReplicaView } from './view'
import type { Governance } from './governance'
import type { ForkProof } from './verdict'
import { contestedJoins } from './roster'
import type { Outcome } from './outcome'
import type { TerritoryState } from './territory-fold'
import type { Geometry, PlacePrecision, PlaceStatus } from '../op/territory-kinds'

export interface MemberView {
  id: MemberId
  did: string
  name: string | null
  role: Role
  since: number
  admittedBy: OpId
  seniority: number
  devices: DeviceKey[]
}

export interface FormerMemberView {
  id: MemberId
  name: string | null
  how: 'removed' | 'left'
  by: OpId
  time: number
}

export type ActionView =
  | { type: 'resolution' }
  | { type: 'amend'; charter: string; base: number }
  | { type: 'admit' | 'remove'; member: MemberId }
  | { type: 'role'; member: MemberId; role: Role }
  | { type: 'rules'; rules: Rules }
  | { type: 'recognize'; community: CommunityId; name: string; statement: string; census: string | null }
  | { type: 'unrecognize'; community: CommunityId }
  | {
    type: 'place'; name: string; kind: string; status: PlaceStatus; precision: PlacePrecision
    geometry: Geometry | null; area: number; country: string | null; docs: string[]
  }
  | { type: 'placeStatus'; place: OpId; status: PlaceStatus }

export interface ProposalView {
  id: OpId
  author: MemberId
  title: string
  text: string
  action: ActionView
  method: Method
  deadline: number
  created: number
  status: 'open' | 'closed' | 'withdrawn'
  /** Latest counted ballot per member, live (before or without a close). */
  votes: { member: MemberId; ballot: Ballot; op: OpId; time: number }[]
  comments: { id: OpId; author: MemberId; text: string; time: number; replyTo: OpId | null }[]
  /** The op that settled it (first counted close or withdraw in canonical order). */
  settledBy: OpId | null
  outcome: Outcome | null
  /** Members in the roster at the proposal's causal past: who may vote (VOTE-2). */
  eligible: number
  /** What passing needs (GOV-6): the stricter of its own values and the rules' floor — now if open, at the close if closed. */
  required: { quorum: readonly [number, number]; threshold: readonly [number, number] | null; entrenched: boolean }
  /** Closed: live votes that are not in the close's causal past, so the close did not count them. */
  uncounted: OpId[]
  /** Open: members active now who were admitted concurrently with the proposal, so cannot vote on it (an old view of the roster). */
  staleMembers: MemberId[]
}

export interface InviteView {
  id: OpId
  creator: MemberId
  uses: number
  /** Uses claimed (ROSTER-13). */
  used: number
  expires: number
  revoked: boolean
  /** The only member who may join with it, or null for anyone holding the link (ROSTER-3). */
  member: MemberId | null
  /**
   * Joins voided because they used the invite concurrently beyond its uses
   * (ROSTER-13), sorted by op id. Non-empty: the invite is closed, and the
   * inviter should invite the right person again (best bound to their key).
   */
  contested: { join: OpId; member: MemberId; did: string }[]
}

export interface CommunityState {
  community: CommunityId
  name: string
  purpose: string
  created: number
  rules: Rules
  parent: { community: CommunityId; heads: OpId[]; version: number; charterHash: string } | null
  members: MemberView[]
  former: FormerMemberView[]
  invites: InviteView[]
  proposals: ProposalView[]
  charter: {
    draft: string
    versions: { version: number; text: string; ratifiedBy: OpId; proposal: OpId | null; time: number }[]
  }
  forkProofs: { device: DeviceKey; seq: number; ops: OpId[] }[]
  heads: OpId[]
  opCount: number
  /** Places and campaigns (PLACE-*, FUND-*; sealed communities only, empty otherwise). */
  territory: TerritoryState
}

/** What a snapshot shows beside the folds: the held ops' heads and count, and the equivocations seen. */
export interface HeldSummary {
  readonly heads: OpId[]
  readonly opCount: number
  readonly forkProofs: readonly ForkProof[]
}

export type Outcomes = Pick<Governance, 'outcomeOf' | 'info' | 'latestDeadline'>

/**
 * did:key strings by member id, memoized: a snapshot lists every member and
 * every contested joiner, and base58 made half the cost of reading a state
 * with 2,000 contested joins. Bounded; a pure function's cache.
 */
const dids = new Map<MemberId, string>()
export function didOf(m: MemberId): string {
  let d = dids.get(m)
  if (d === undefined) {
    if (dids.size >= 100_000) dids.clear()
    dids.set(m, (d = didKeyOf(fromHex(m, 32))))
  }
  return d
}

export function snapshotOf(view: ReplicaView, governance: Outcomes, content: ContentFold, held: HeldSummary): Omit<CommunityState, 'territory'> {
  const roster = view.roster()
  const g = roster.genesis
  if (!g || !roster.rules) throw new Error('The replica has no genesis op yet.')
  const nameOf = (m: MemberId): string | null => {
    const e = content.profiles.get(m)
    return e ? (e.op as Op<'profile.set'>).body.name : null
  }
  const devicesOf = new Map<MemberId, DeviceKey[]>()
  for (const [d, m] of roster.devices) {
    // Appended, not copied per device: a member with N devices costs O(N), not O(N²) (FOLD-4's links).
    const list = devicesOf.get(m)
    if (list) list.push(d)
    else devicesOf.set(m, [d])
  }
  const members: MemberView[] = [...roster.members.values()]
    .map((m) => ({
      id: m.id,
      did: didOf(m.id),
      name: nameOf(m.id),
      role: m.role,
      since: m.since,
      admittedBy: m.admittedBy,
      seniority: m.seniority,
      devices: (devicesOf.get(m.id) ?? []).sort(),
    }))
    .sort((a, b) => a.seniority - b.seniority)
  const former: FormerMemberView[] = [...roster.departures.entries()]
    .map(([id, d]) => ({ id, name: nameOf(id), how: d.kind, by: d.by, time: d.time }))
    .sort((a, b) => (a.id < b.id ? -1 : 1))
  const proposals: ProposalView[] = [...content.proposals.values()]
    .map((p) => proposalView(view, governance, p.entry, p.votes, p.comments, p.settlers))
    .sort((a, b) => (a.id < b.id ? -1 : 1))
  return {
    community: g.id,
    name: g.name,
    purpose: g.purpose,
    created: g.time,
    rules: roster.rules,
    parent: g.parent
      ? { community: g.parent.community, heads: [...g.parent.heads], version: g.parent.version, charterHash: g.parent.charterHash }
      : null,
    members,
    former,
    invites: [...roster.invites.values()]
      .map((i): InviteView => ({
        id: i.id, creator: i.creator, uses: i.uses, used: i.used, expires: i.expires, revoked: i.revoked, member: i.member,
        contested: contestedJoins(i.contested)
          .map((c) => ({ join: c.join, member: c.member, did: didOf(c.member) }))
          .sort((a, b) => (a.join < b.join ? -1 : 1)),
      }))
      .sort((a, b) => (a.id < b.id ? -1 : 1)),
    proposals,
    charter: { draft: content.draftText(), versions: roster.charterVersions.map((v) => ({ ...v })) },
    forkProofs: held.forkProofs
      .map((f) => ({ device: f.device, seq: f.seq, ops: [...f.ops] }))
      .sort((a, b) => (a.device < b.device ? -1 : a.device > b.device ? 1 : a.seq - b.seq)),
    heads: held.heads,
    opCount: held.opCount,
  }
}

function actionView(a: ProposalAction): ActionView {
  switch (a.type) {
    case 'resolution':
      return { type: 'resolution' }
    case 'amend':
      return { type: 'amend', charter: a.charter, base: a.base }
    case 'admit':
    case 'remove':
      return { type: a.type, member: toHex(a.member) as MemberId }
    case 'role':
      return { type: 'role', member: toHex(a.member) as MemberId, role: a.role }
    case 'rules':
      return { type: 'rules', rules: a.rules }
    case 'recognize':
      return { type: 'recognize', community: toHex(a.community) as CommunityId, name: a.name, statement: a.statement, census: a.census ? toHex(a.census) : null }
    case 'unrecognize':
      return { type: 'unrecognize', community: toHex(a.community) as CommunityId }
    case 'place':
      return {
        type: 'place', name: a.placeName, kind: a.kind, status: a.status, precision: a.precision,
        geometry: a.geometry ?? null, area: a.area, country: a.country ?? null, docs: a.docs.map((d) => toHex(d)),
      }
    case 'placeStatus':
      return { type: 'placeStatus', place: toHex(a.place) as OpId, status: a.status }
  }
}

export function proposalView(
  view: ReplicaView,
  governance: Outcomes,
  entry: DagEntry,
  votes: Map<MemberId, DagEntry>,
  comments: DagEntry[],
  settlers: DagEntry[],
): ProposalView {
  const op = entry.op as Op<'proposal.create'>
  const first = [...settlers].sort(canonicalCompare)[0]
  let status: ProposalView['status'] = 'open'
  let outcome: Outcome | null = null
  if (first) {
    status = first.op.kind === 'proposal.close' ? 'closed' : 'withdrawn'
    if (status === 'closed') outcome = governance.outcomeOf(first)
  }
  const info = governance.info
  let required: ProposalView['required']
  if (outcome) {
    const d = outcome.detail
    required = { quorum: d.quorum, threshold: 'threshold' in d ? d.threshold : null, entrenched: 'entrenched' in d ? d.entrenched : false }
  } else required = info.requiredNow(entry)
  if (status !== 'open') info.settled(op.id)
  return {
    id: op.id,
    author: view.memberOf(entry),
    title: op.body.title,
    text: op.body.text,
    action: actionView(op.body.action),
    method: op.body.method,
    deadline: governance.latestDeadline(entry),
    created: op.time,
    status,
    votes: [...votes.entries()]
      .map(([member, e]) => ({ member, ballot: (e.op as Op<'vote.cast'>).body.ballot, op: e.op.id, time: e.op.time }))
      .sort((a, b) => (a.member < b.member ? -1 : 1)),
    comments: [...comments].sort(canonicalCompare).map((e) => {
      const c = e.op as Op<'comment.add'>
      return {
        id: c.id,
        author: view.memberOf(e),
        text: c.body.text,
        time: c.time,
        replyTo: c.body.replyTo ? (toHex(c.body.replyTo) as OpId) : null,
      }
    }),
    settledBy: first ? first.op.id : null,
    outcome,
    eligible: outcome ? outcome.detail.eligible : info.eligibleCount(entry),
    required,
    uncounted: status === 'closed' && first ? info.uncounted(first, votes.values()) : [],
    staleMembers: status === 'open' ? info.staleMembers(entry) : [],
  }
}
