/**
 * VIEW-1..5 while a community reloads behind its checkpoint (CHECKPOINT-1):
 * the same pages, read from the checkpointed state, marked `loading`. The
 * checkpoint holds no DAG, so VOTE-2's causal past cannot be asked: nobody
 * may act (canVote, canClose, canWithdraw, canRemove, roles, canInvite and
 * canPropose are all false) until the replica is whole; the node then emits
 * a `community` event naming every part, and the screens refetch.
 */
import { quorumNeeded, yesNeeded, type CommunityState, type MemberId, type OpId, type Page, type ProposalFilter, type ProposalRow, type ProposalView, type Tally, type VoteRow } from '@polity/protocol'
import type { Activity, CharterView, ForkLineage, HomeView, ProposalDetail, ProposalsPage, RosterPage } from '@polity/api'

const decided = (p: ProposalView): boolean => p.status !== 'open'

function tallyOf(p: ProposalView): { tally: Tally; cast: number } {
  const d = p.outcome?.detail
  if (d && 'yes' in d) return { tally: { type: 'yesno', yes: d.yes, no: d.no, abstain: d.abstain }, cast: d.yes + d.no + d.abstain }
  if (d && 'approvals' in d) return { tally: { type: 'options', counts: [...d.approvals] }, cast: d.ballots }
  if (d) return { tally: { type: 'options', counts: [...(d.rounds[d.rounds.length - 1]?.counts ?? [])] }, cast: d.ballots }
  if (p.method.type === 'yesno') {
    const c = { yes: 0, no: 0, abstain: 0 }
    for (const v of p.votes) if (v.ballot.type === 'yesno') c[v.ballot.choice]++
    return { tally: { type: 'yesno', ...c }, cast: p.votes.length }
  }
  const counts = p.method.options.map(() => 0)
  for (const v of p.votes) {
    if (v.ballot.type === 'approval') for (const i of v.ballot.approve) counts[i] = (counts[i] ?? 0) + 1
    if (v.ballot.type === 'irv' && v.ballot.rank[0] !== undefined) counts[v.ballot.rank[0]] = (counts[v.ballot.rank[0]] ?? 0) + 1
  }
  return { tally: { type: 'options', counts }, cast: p.votes.length }
}

function rowOf(s: CommunityState, p: ProposalView, me: MemberId): ProposalRow {
  const { tally, cast } = tallyOf(p)
  return {
    id: p.id, author: p.author, authorName: s.members.find((m) => m.id === p.author)?.name ?? s.former.find((m) => m.id === p.author)?.name ?? null,
    title: p.title, kind: p.action.type, method: p.method, created: p.created, deadline: p.deadline, status: p.status,
    votes: p.votes.length, comments: p.comments.length, eligible: p.eligible, required: p.required, tally, counted: p.outcome !== null, cast,
    quorumNeeded: quorumNeeded(p.eligible, p.required.quorum),
    yesNeeded: p.required.threshold && tally.type === 'yesno' ? yesNeeded(p.eligible, tally.abstain, p.required.threshold) : null,
    passed: p.outcome ? p.outcome.passed : null,
    // VIEW-6: nothing can be signed while the replica reloads; CLOSE-7 and staleness wait for it too.
    settled: null, stale: p.action.type === 'amend' && p.action.base < s.charter.versions.length - 1 && !s.charter.versions.some((v) => v.proposal === p.id),
    canVote: false, canClose: false, closeBlocked: null, canWithdraw: false,
    myBallot: p.votes.find((v) => v.member === me)?.ballot ?? null,
  }
}

export function homeFrom(s: CommunityState, me: MemberId, lineage: ForkLineage | null): HomeView {
  const activity: Activity[] = []
  const name = (m: MemberId): string | null => s.members.find((x) => x.id === m)?.name ?? null
  for (const m of s.members) activity.push({ key: `joined:${m.admittedBy}`, time: m.since, kind: m.seniority === 0 ? 'founded' : 'joined', member: m.id, name: m.name, title: null, version: null })
  for (const p of s.proposals) activity.push({ key: `proposed:${p.id}`, time: p.created, kind: 'proposed', member: p.author, name: name(p.author), title: p.title, version: null })
  activity.sort((a, b) => b.time - a.time)
  const open = s.proposals.filter((p) => !decided(p)).length
  return {
    name: s.name, purpose: s.purpose, members: s.members.length, former: s.former.length, open, decided: s.proposals.length - open,
    charterVersion: s.charter.versions.length - 1, role: s.members.find((m) => m.id === me)?.role ?? null,
    activity: activity.slice(0, 12), lineage, loading: true,
  }
}

export function proposalsFrom(s: CommunityState, o: { offset: number; limit: number; filter: ProposalFilter; me: MemberId }): ProposalsPage {
  const newest = (a: ProposalView, b: ProposalView): number => b.created - a.created || (a.id < b.id ? -1 : 1)
  const open = s.proposals.filter((p) => !decided(p)).sort(newest)
  const done = s.proposals.filter(decided).sort(newest)
  const list = o.filter === 'open' ? open : o.filter === 'decided' ? done : [...open, ...done]
  return { rows: list.slice(o.offset, o.offset + o.limit).map((p) => rowOf(s, p, o.me)), total: list.length, offset: o.offset, open: open.length, decided: done.length, loading: true }
}

export function proposalFrom(s: CommunityState, id: OpId, me: MemberId): ProposalDetail | undefined {
  const p = s.proposals.find((x) => x.id === id)
  if (!p) return undefined
  const { votes: _votes, ...proposal } = p
  return { proposal, row: rowOf(s, p, me) }
}

export function votesFrom(s: CommunityState, id: OpId, offset: number, limit: number): Page<VoteRow> | undefined {
  const p = s.proposals.find((x) => x.id === id)
  if (!p) return undefined
  const names = new Map(s.members.map((m) => [m.id as string, m.name]))
  const rows = p.votes.slice(offset, offset + limit).map((v) => ({ member: v.member, name: names.get(v.member) ?? null, ballot: v.ballot, op: v.op, time: v.time }))
  return { rows, total: p.votes.length, offset }
}

export function rosterFrom(s: CommunityState, o: { offset: number; limit: number; query: string; me: MemberId }): RosterPage {
  const q = o.query.trim().toLowerCase()
  const list = q === '' ? s.members : s.members.filter((m) => m.id.startsWith(q) || (m.name?.toLowerCase().includes(q) ?? false) || m.did.toLowerCase().includes(q))
  const mine = s.members.find((m) => m.id === o.me)
  const former = [...s.former].sort((a, b) => b.time - a.time)
  return {
    rows: list.slice(o.offset, o.offset + o.limit).map((m) => ({ ...m, canRemove: false, roles: [] })),
    total: list.length, offset: o.offset, former: former.slice(0, 50), formerTotal: former.length,
    contested: s.invites.filter((i) => i.contested.length > 0).slice(0, 50), rules: s.rules,
    me: { member: mine ? o.me : null, role: mine?.role ?? null, canInvite: false, canPropose: false }, loading: true,
  }
}

export function charterFrom(s: CommunityState, lineage: ForkLineage | null): CharterView {
  const titles = new Map(s.proposals.map((p) => [p.id as string, p.title]))
  return {
    community: s.community, name: s.name, purpose: s.purpose, rules: s.rules,
    parent: lineage?.status === 'verified' ? s.parent : null, lineage,
    charter: { draft: s.charter.draft, versions: s.charter.versions.map((v) => ({ ...v, title: v.proposal === null ? null : titles.get(v.proposal) ?? null })) },
  }
}

