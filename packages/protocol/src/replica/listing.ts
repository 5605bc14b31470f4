/**
 * What a screen shows, computed from the fold one page at a time (VIEW-1..4
 * in docs/PROTOCOL.md) instead of from the whole CommunityState: a page of
 * proposals (open first, then decided) with each one's eligible count, live
 * tally, what passing needs, and what the local member may do with it; a
 * proposal's votes, paged; the roster, paged and searchable. Display only:
 * nothing here decides an op's validity, but every "may" answers the rule the
 * replica will apply to the op (VOTE-2 by the causal past, CLOSE-2,
 * WITHDRAW-1, ROSTER-8/9), so the UI never re-derives them.
 */
import type { Op } from '../op/envelope'
import type { Ballot, Method, ProposalAction } from '../op/kinds'
import type { MemberId, OpId, Role } from '../op/ids'
import { roleRank, ROLES } from '../op/ids'
import { canonicalCompare, type DagEntry } from './dag'
import type { ContentFold, ProposalFold } from './content'
import type { ReplicaView } from './view'
import { proposalView, didOf, type FormerMemberView, type InviteView, type MemberView, type Outcomes, type ProposalView } from './snapshot'
import { contestedJoins } from './roster'
import { quorumNeeded, yesNeeded } from '../fraction'
import { ACTIVITY_WINDOW, recentActivity, type Activity } from './activity'
import { decideOutcome } from './outcome'
import { isSettled } from './settled'

/** The counts a proposal's bars show: live votes while open, the counted result once closed. */
export type Tally =
  | { readonly type: 'yesno'; readonly yes: number; readonly no: number; readonly abstain: number }
  /** Approval: approvals per option. Ranked choice: first choices while open, the last round's counts once closed. */
  | { readonly type: 'options'; readonly counts: readonly number[] }

/** What the local member may do with a proposal now, answered by the rules the node applies (VIEW-1). */
export interface ProposalAbilities {
  /** VOTE-2: in the roster at the proposal's causal past, active now, and the proposal open. */
  readonly canVote: boolean
  /**
   * CLOSE-2, CLOSE-3, CLOSE-7: holds the rules' `propose` role, the proposal
   * is open, and the deadline has passed (by the node's clock) or the outcome
   * is settled at everything this device holds.
   */
  readonly canClose: boolean
  /**
   * Why a member who may close cannot close yet: `deadline` — before the
   * deadline while the outcome can still change (CLOSE-7). Null otherwise.
   */
  readonly closeBlocked: 'deadline' | null
  /** WITHDRAW-1: the author, and the proposal open. */
  readonly canWithdraw: boolean
  /** This member's counted ballot, if any. */
  readonly myBallot: Ballot | null
}

export interface ProposalRow extends ProposalAbilities {
  readonly id: OpId
  readonly author: MemberId
  readonly authorName: string | null
  readonly title: string
  readonly kind: ProposalAction['type']
  readonly method: Method
  readonly created: number
  readonly deadline: number
  readonly status: ProposalView['status']
  /** Live ballots (one per member). */
  readonly votes: number
  readonly comments: number
  readonly eligible: number
  readonly required: ProposalView['required']
  readonly tally: Tally
  /** The tally is the close's count (true) or the live votes (false). */
  readonly counted: boolean
  /** Ballots in the tally's count (live, or counted by the close). */
  readonly cast: number
  /** TALLY-Q: ballots the quorum needs. */
  readonly quorumNeeded: number
  /** TALLY-YN: yes votes passing needs, for yes/no; null otherwise. */
  readonly yesNeeded: number | null
  readonly passed: boolean | null
  /** Open: CLOSE-7's verdict on the live votes — no ballot that may still count can change whether it passes. Null once decided. */
  readonly settled: boolean | null
  /** An amendment whose base version is no longer the current one (a later amendment was ratified), which did not ratify: it cannot ratify (CHARTER-V2, PROP-3). */
  readonly stale: boolean
}

export type ProposalFilter = 'all' | 'open' | 'decided'

export interface Page<T> {
  readonly rows: T[]
  /** Rows matching the filter or query (all pages). */
  readonly total: number
  readonly offset: number
}

export interface MemberAbilities {
  /** ROSTER-8: may remove this member directly. */
  readonly canRemove: boolean
  /** ROSTER-9: roles this member may be given directly by the local member (empty: none). */
  readonly roles: Role[]
}

export type RosterRow = MemberView & MemberAbilities

/** How many former members and contested invites the roster view lists. */
const SIDE_LIST = 50

export interface RosterListing extends Page<RosterRow> {
  /** Former members, most recent departure first (at most 50). */
  readonly former: FormerMemberView[]
  readonly formerTotal: number
  /** Invites whose joins were contested (ROSTER-13), at most 50. */
  readonly contested: InviteView[]
}

export interface HomeSummary {
  readonly name: string
  readonly purpose: string
  readonly members: number
  readonly former: number
  readonly open: number
  /** Closed or withdrawn. */
  readonly decided: number
  /** The latest ratified charter version. */
  readonly charterVersion: number
  /** The local member's role, or null when not a member. */
  readonly role: Role | null
  readonly activity: Activity[]
}

export interface VoteRow {
  readonly member: MemberId
  readonly name: string | null
  readonly ballot: Ballot
  readonly op: OpId
  readonly time: number
}

export class Listing {
  constructor(
    private readonly view: ReplicaView,
    private readonly governance: Outcomes,
    private readonly content: () => ContentFold,
    /** The last `n` ops this replica took in, oldest first. */
    private readonly latest: (n: number) => readonly DagEntry[],
  ) {}

  /** VIEW-4: what the home screen shows: counts, the local member's role, recent activity. */
  home(me: MemberId | null): HomeSummary {
    const roster = this.view.roster()
    const g = roster.genesis
    let open = 0
    for (const p of this.content().proposals.values()) if (!firstSettler(p)) open++
    const content = this.content()
    const activity = recentActivity(this.view, this.latest(ACTIVITY_WINDOW), {
      nameOf: (m) => this.nameOf(m),
      titleOf: (id) => this.proposalTitle(id),
      limit: 12,
    })
    return {
      name: g?.name ?? '', purpose: g?.purpose ?? '', members: roster.members.size, former: roster.departures.size,
      open, decided: content.proposals.size - open, charterVersion: roster.charterVersions.length - 1,
      role: me === null ? null : roster.members.get(me)?.role ?? null, activity,
    }
  }

  /** A member's profile name, or null. */
  nameOf(m: MemberId): string | null {
    const e = this.content().profiles.get(m)
    return e ? (e.op as Op<'profile.set'>).body.name : null
  }

  /** A held proposal's title, or null. */
  proposalTitle(id: OpId): string | null {
    const p = this.content().proposals.get(id)
    return p ? (p.entry.op as Op<'proposal.create'>).body.title : null
  }

  /** VIEW-1: proposals, open first then decided, newest first within each; `limit` rows from `offset`. */
  proposals(o: { offset: number; limit: number; filter: ProposalFilter; me: MemberId | null; now?: number }): Page<ProposalRow> & { open: number; decided: number } {
    const all = [...this.content().proposals.values()].map((p) => ({ p, first: firstSettler(p) }))
    const open = all.filter((x) => !x.first)
    const decided = all.filter((x) => x.first)
    const newest = (a: { p: ProposalFold }, b: { p: ProposalFold }): number => b.p.entry.op.time - a.p.entry.op.time || (a.p.entry.op.id < b.p.entry.op.id ? -1 : 1)
    const list = o.filter === 'open' ? open.sort(newest) : o.filter === 'decided' ? decided.sort(newest) : [...open.sort(newest), ...decided.sort(newest)]
    return {
      rows: list.slice(o.offset, o.offset + o.limit).map((x) => this.row(x.p, x.first, o.me, o.now ?? 0)),
      total: list.length, offset: o.offset, open: open.length, decided: decided.length,
    }
  }

  /** VIEW-3: one proposal as the proposal view shows it (its votes are paged by `votes`), with its row. */
  proposal(id: OpId, me: MemberId | null, now = 0): { view: Omit<ProposalView, 'votes'>; row: ProposalRow } | undefined {
    const p = this.content().proposals.get(id)
    if (!p) return undefined
    const { votes: _votes, ...view } = proposalView(this.view, this.governance, p.entry, p.votes, p.comments, p.settlers)
    return { view, row: this.row(p, firstSettler(p), me, now) }
  }

  /** VIEW-3: a proposal's live votes by member id; undefined when the proposal is not held. */
  votes(id: OpId, offset: number, limit: number): Page<VoteRow> | undefined {
    const p = this.content().proposals.get(id)
    if (!p) return undefined
    const members = [...p.votes.keys()].sort()
    const rows = members.slice(offset, offset + limit).map((member): VoteRow => {
      const e = p.votes.get(member) as DagEntry
      return { member, name: this.nameOf(member), ballot: (e.op as Op<'vote.cast'>).body.ballot, op: e.op.id, time: e.op.time }
    })
    return { rows, total: members.length, offset }
  }

  /**
   * VIEW-2: active members by seniority; `query` keeps those whose name or
   * did:key contains it (case-insensitive) or whose hex id starts with it.
   */
  roster(o: { offset: number; limit: number; query: string; me: MemberId | null }): RosterListing {
    const roster = this.view.roster()
    const q = o.query.trim().toLowerCase()
    let list = [...roster.members.values()].sort((a, b) => a.seniority - b.seniority)
    if (q !== '') list = list.filter((m) => m.id.startsWith(q) || (this.nameOf(m.id)?.toLowerCase().includes(q) ?? false) || didOf(m.id).toLowerCase().includes(q))
    const page = list.slice(o.offset, o.offset + o.limit)
    const wanted = new Set(page.map((m) => m.id))
    const devices = new Map<MemberId, string[]>()
    for (const [d, m] of roster.devices) if (wanted.has(m)) devices.set(m, [...(devices.get(m) ?? []), d])
    const me = o.me === null ? undefined : roster.members.get(o.me)
    const rules = roster.rules
    const rows = page.map((m): RosterRow => {
      const mine = me !== undefined && me.id !== m.id && rules !== null
      // ROSTER-8, ROSTER-7: the rules' role; a steward or founder only by a founder; never the last founder.
      const canRemove = mine && roster.hasRole(me, rules.remove) && (m.role === 'member' || me.role === 'founder') && !roster.isLastFounder(m.id)
      // ROSTER-9, ROSTER-7: the rules' role, no role above one's own, a founder's only by a founder, never demote the last founder.
      const roles = !mine || !roster.hasRole(me, rules.roles) || (m.role === 'founder' && me.role !== 'founder') ? []
        : ROLES.filter((r) => r !== m.role && roleRank(r) <= roleRank(me.role) && !(m.role === 'founder' && roster.isLastFounder(m.id)))
      return {
        id: m.id, did: didOf(m.id), name: this.nameOf(m.id), role: m.role, since: m.since, admittedBy: m.admittedBy,
        seniority: m.seniority, devices: ((devices.get(m.id) ?? []) as MemberView['devices']).sort(), canRemove, roles,
      }
    })
    const departures = [...roster.departures.entries()].sort((x, y) => y[1].time - x[1].time || (x[0] < y[0] ? -1 : 1))
    const former = departures.slice(0, SIDE_LIST).map(([id, d]): FormerMemberView => ({ id, name: this.nameOf(id), how: d.kind, by: d.by, time: d.time }))
    const contested: InviteView[] = []
    for (const i of roster.invites.values()) {
      if (i.contested === null || contested.length >= SIDE_LIST) continue
      contested.push({
        id: i.id, creator: i.creator, uses: i.uses, used: i.used, expires: i.expires, revoked: i.revoked, member: i.member,
        contested: contestedJoins(i.contested).map((c) => ({ join: c.join, member: c.member, did: didOf(c.member) })).sort((x, y) => (x.join < y.join ? -1 : 1)),
      })
    }
    return { rows, total: list.length, offset: o.offset, former, formerTotal: departures.length, contested: contested.sort((x, y) => (x.id < y.id ? -1 : 1)) }
  }

  private row(p: ProposalFold, first: DagEntry | undefined, me: MemberId | null, now: number): ProposalRow {
    const op = p.entry.op as Op<'proposal.create'>
    const status: ProposalRow['status'] = !first ? 'open' : first.op.kind === 'proposal.close' ? 'closed' : 'withdrawn'
    const outcome = status === 'closed' && first ? this.governance.outcomeOf(first) : null
    const info = this.governance.info
    const method = op.body.method
    let required: ProposalRow['required']
    if (outcome) {
      const d = outcome.detail
      required = { quorum: d.quorum, threshold: 'threshold' in d ? d.threshold : null, entrenched: 'entrenched' in d ? d.entrenched : false }
    } else required = info.requiredNow(p.entry)
    const eligible = outcome ? outcome.detail.eligible : info.eligibleCount(p.entry)
    const live = liveTally(method, p.votes.values())
    let tally = live
    let cast = p.votes.size
    if (outcome) {
      const d = outcome.detail
      if ('yes' in d) tally = { type: 'yesno', yes: d.yes, no: d.no, abstain: d.abstain }
      else if ('approvals' in d) tally = { type: 'options', counts: [...d.approvals] }
      else tally = { type: 'options', counts: [...(d.rounds[d.rounds.length - 1]?.counts ?? [])] }
      cast = 'ballots' in d ? d.ballots : d.yes + d.no + d.abstain
    }
    const roster = this.view.roster()
    const active = me === null ? undefined : roster.members.get(me)
    const mineEntry = me === null ? undefined : p.votes.get(me)
    const isOpen = status === 'open'
    const mayClose = isOpen && roster.rules !== null && roster.hasRole(active, roster.rules.propose)
    // CLOSE-7 on the live votes (one counted ballot per member, VOTE-5/6), the rules now (GOV-6).
    const settled = isOpen ? isSettled(decideOutcome({ proposal: op.body, eligible: this.view.rosterBefore(p.entry).members, ballots: liveBallots(p.votes), rulesAtClose: roster.rules, charterAtClose: roster.charterVersions })) : null
    // CLOSE-8: the latest deadline among the counted extensions.
    const deadline = this.governance.latestDeadline(p.entry)
    const early = now < deadline && settled !== true
    const a = op.body.action
    const stale = a.type === 'amend' && a.base < roster.charterVersions.length - 1 && !roster.charterVersions.some((v) => v.proposal === op.id)
    return {
      id: op.id, author: this.view.memberOf(p.entry), authorName: this.nameOf(this.view.memberOf(p.entry)), title: op.body.title, kind: op.body.action.type, method,
      created: op.time, deadline, status, votes: p.votes.size, comments: p.comments.length,
      eligible, required, tally, counted: outcome !== null, cast,
      quorumNeeded: quorumNeeded(eligible, required.quorum),
      yesNeeded: required.threshold && tally.type === 'yesno' ? yesNeeded(eligible, tally.abstain, required.threshold) : null,
      passed: outcome ? outcome.passed : null, settled, stale,
      canVote: isOpen && active !== undefined && me !== null && info.mayVote(p.entry, me),
      canClose: mayClose && !early,
      closeBlocked: mayClose && early ? 'deadline' : null,
      canWithdraw: isOpen && me !== null && this.view.memberOf(p.entry) === me,
      myBallot: mineEntry ? (mineEntry.op as Op<'vote.cast'>).body.ballot : null,
    }
  }
}

/** The counted close or withdraw that settles a proposal: the first in canonical order. */
function firstSettler(p: ProposalFold): DagEntry | undefined {
  let first: DagEntry | undefined
  for (const s of p.settlers) if (!first || canonicalCompare(s, first) < 0) first = s
  return first
}

function liveBallots(votes: ReadonlyMap<MemberId, DagEntry>): Map<MemberId, Ballot> {
  const out = new Map<MemberId, Ballot>()
  for (const [m, e] of votes) out.set(m, (e.op as Op<'vote.cast'>).body.ballot)
  return out
}

function liveTally(method: Method, votes: Iterable<DagEntry>): Tally {
  if (method.type === 'yesno') {
    const c = { yes: 0, no: 0, abstain: 0 }
    for (const e of votes) {
      const b = (e.op as Op<'vote.cast'>).body.ballot
      if (b.type === 'yesno') c[b.choice]++
    }
    return { type: 'yesno', ...c }
  }
  const counts = method.options.map(() => 0)
  for (const e of votes) {
    const b = (e.op as Op<'vote.cast'>).body.ballot
    if (b.type === 'approval') for (const i of b.approve) counts[i] = (counts[i] ?? 0) + 1
    if (b.type === 'irv' && b.rank[0] !== undefined) counts[b.rank[0]] = (counts[b.rank[0]] ?? 0) + 1
  }
  return { type: 'options', counts }
}
