/**
 * What a member takes to a spreadsheet or an election tool (EXPORT-1..3 in
 * docs/PROTOCOL.md): the roster and a proposal's votes as CSV (RFC 4180) and
 * JSON, ranked ballots as BLT (the ERS / OpenSTV format). Pure functions of a
 * CommunityState; nothing here signs or changes anything.
 */
import type { Ballot, CommunityState } from '@polity/protocol'

type ProposalState = CommunityState['proposals'][number]

/**
 * EXPORT-2: one CSV cell. Quoted when it holds a comma, quote or line break;
 * a cell starting with = + - @ (or a tab / carriage return) gets a leading
 * apostrophe, so a spreadsheet shows it as text instead of running it as a
 * formula (CSV injection).
 */
export function csvCell(v: string | number | boolean | null): string {
  let s = v === null ? '' : String(v)
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

export const csv = (rows: readonly (readonly (string | number | boolean | null)[])[]): string => rows.map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n'

/** EXPORT-1: active members by seniority. */
export function rosterRows(s: CommunityState): { member: string; did: string; name: string | null; role: string; since: string }[] {
  return [...s.members].sort((a, b) => a.seniority - b.seniority).map((m) => ({ member: m.id, did: m.did, name: m.name, role: m.role, since: new Date(m.since).toISOString() }))
}

export function rosterCsv(s: CommunityState): string {
  return csv([['member', 'did', 'name', 'role', 'since'], ...rosterRows(s).map((r) => [r.member, r.did, r.name, r.role, r.since])])
}

/** The votes a proposal's count holds: the live votes, less those a close did not count (CLOSE-6). */
export function countedVotes(p: ProposalState): ProposalState['votes'] {
  const out = new Set(p.uncounted)
  return p.votes.filter((v) => !out.has(v.op)).sort((a, b) => (a.member < b.member ? -1 : 1))
}

const options = (p: ProposalState): readonly string[] => (p.method.type === 'yesno' ? [] : p.method.options)

/** EXPORT-1: one row per member: yes/no their choice; approval 1/0 per option; ranked choice the option names in rank order. */
export function votesCsv(s: CommunityState, p: ProposalState): string {
  const name = (m: string): string | null => s.members.find((x) => x.id === m)?.name ?? s.former.find((x) => x.id === m)?.name ?? null
  const opts = options(p)
  const head = p.method.type === 'yesno' ? ['choice'] : p.method.type === 'approval' ? [...opts] : opts.map((_, i) => `rank ${i + 1}`)
  const cells = (b: Ballot): string[] => {
    if (b.type === 'yesno') return [b.choice]
    if (b.type === 'approval') return opts.map((_, i) => (b.approve.includes(i) ? '1' : '0'))
    return opts.map((_, i) => (b.rank[i] === undefined ? '' : (opts[b.rank[i] as number] as string)))
  }
  return csv([['member', 'name', 'time', ...head], ...countedVotes(p).map((v) => [v.member, name(v.member), new Date(v.time).toISOString(), ...cells(v.ballot)])])
}

export function votesJson(s: CommunityState, p: ProposalState): string {
  return JSON.stringify({
    proposal: p.id, title: p.title, method: p.method, status: p.status, eligible: p.eligible, outcome: p.outcome,
    votes: countedVotes(p).map((v) => ({ member: v.member, name: s.members.find((x) => x.id === v.member)?.name ?? null, time: v.time, ballot: v.ballot })),
  }, null, 2) + '\n'
}

/**
 * EXPORT-3: ranked ballots as BLT — "candidates seats", one line per ballot
 * ("1 c1 c2 … 0", candidates numbered from 1), "0", each candidate's name in
 * quotes, then the title. One seat: instant runoff (TALLY-IRV). Empty rankings
 * are written as "1 0" (counted toward quorum, exhausted at once).
 */
export function votesBlt(p: ProposalState): string {
  const opts = options(p)
  const q = (t: string): string => `"${t.replace(/["\r\n]/g, ' ')}"`
  const lines = [`${opts.length} 1`]
  for (const v of countedVotes(p)) if (v.ballot.type === 'irv') lines.push(['1', ...v.ballot.rank.map((i) => String(i + 1)), '0'].join(' '))
  lines.push('0', ...opts.map(q), q(p.title))
  return lines.join('\n') + '\n'
}
