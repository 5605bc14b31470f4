/** Human-readable renderings of the state for the terminal. */
import type { CommunityState, CommunityView, ForkLineage, OpId, ProposalView } from '@polity/api'

const short = (id: string): string => id.slice(0, 12)
const pct = ([n, d]: readonly [number, number]): string => `${Math.round((n / d) * 1000) / 10}%`

/** FORK-5: a fork's lineage in words; a false one is a warning, never "forked from". */
export function formatLineage(l: ForkLineage): string {
  const parent = l.parentName ? `"${l.parentName}" (${short(l.parent)})` : short(l.parent)
  if (l.status === 'verified') return `fork of ${parent} at charter version ${l.version} — lineage verified`
  if (l.status === 'false') return `WARNING: false lineage — claims to fork ${parent}, but ${l.problems.map((p) => p.message).join(' ')}`
  const why = l.unchecked === 'parent-not-held' ? 'this device does not hold the parent community'
    : l.unchecked === 'parent-ops-missing' ? `${l.missingHeads} of the parent ops it cites are not on this device yet`
    : 'this device is still loading'
  return `claims to fork ${parent} at charter version ${l.version} — cannot be checked yet (${why})`
}

export function formatCommunity(s: CommunityView): string {
  const lines = [
    `${s.name}  (${s.community})`,
    s.purpose ? `  ${s.purpose}` : '',
    s.lineage ? `  ${formatLineage(s.lineage)}` : '',
    '',
    `Members (${s.members.length}):`,
    ...s.members.map((m) => `  ${(m.name ?? '(no name)').padEnd(20)} ${m.role.padEnd(8)} ${short(m.id)}  since ${new Date(m.since).toISOString().slice(0, 10)}`),
    ...(s.former.length ? ['', 'Former members:', ...s.former.map((f) => `  ${(f.name ?? short(f.id)).padEnd(20)} ${f.how}`)] : []),
    '',
    `Charter: ${s.charter.versions.length} ratified version(s); draft ${s.charter.draft.length} characters.`,
    '',
    // GOV-1: what every proposal of each kind needs at least.
    `Rules: invite ${s.rules.invite}, remove ${s.rules.remove}, roles ${s.rules.roles}, propose ${s.rules.propose}, edit draft ${s.rules.editDraft}; entrenched clauses ${pct(s.rules.entrenchedThreshold)}`,
    ...(['resolution', 'roster', 'rules', 'charter'] as const).map((c) => {
      const d = s.rules.decisions[c]
      return `  ${c.padEnd(10)} quorum ≥ ${pct(d.quorum)}, more yes than ${pct(d.threshold)} of those not abstaining, ≥ ${Math.round((d.period / 86_400_000) * 100) / 100} days`
    }),
    '',
    formatProposals(s),
  ]
  return lines.filter((l, i) => l !== '' || lines[i - 1] !== '').join('\n')
}

export function formatProposals(s: CommunityState): string {
  if (s.proposals.length === 0) return 'No proposals yet.'
  return ['Proposals:', ...s.proposals.map((p) => `  ${short(p.id)}  ${p.status.padEnd(9)} ${outcomeWord(p).padEnd(8)} ${p.title}`)].join('\n')
}

function outcomeWord(p: ProposalView): string {
  if (p.status !== 'closed' || !p.outcome) return ''
  return p.outcome.passed ? 'passed' : 'failed'
}

export function formatProposal(s: CommunityState, id: OpId): string {
  const p = s.proposals.find((x) => x.id === id)
  if (!p) return 'No such proposal.'
  const name = (m: string): string => s.members.find((x) => x.id === m)?.name ?? short(m)
  const method = p.method.type === 'yesno'
    ? `yes/no, quorum ${pct(p.method.quorum)}, threshold ${pct(p.method.threshold)}`
    : `${p.method.type === 'irv' ? 'ranked choice' : 'approval'}: ${p.method.options.map((o, i) => `${i}=${o}`).join(', ')}`
  return [
    `${p.title}  (${p.id})`,
    `  ${p.action.type} · ${method} · deadline ${new Date(p.deadline).toISOString()} · ${p.status}`,
    p.text ? `\n${p.text}\n` : '',
    `Votes (${p.votes.length}):`,
    ...p.votes.map((v) => `  ${name(v.member).padEnd(20)} ${JSON.stringify(v.ballot)}`),
    ...(p.comments.length ? ['Discussion:', ...p.comments.map((c) => `  ${name(c.author)}: ${c.text}`)] : []),
    ...(p.outcome ? [`Outcome: ${p.outcome.passed ? 'PASSED' : 'FAILED'}  ${JSON.stringify(p.outcome.detail)}`] : []),
  ].join('\n')
}
