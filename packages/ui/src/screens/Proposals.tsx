/**
 * Proposals: create each kind (resolution, amendment, admission, removal,
 * role change, rules change) with each method the protocol allows for it;
 * vote with a control fitting the method; discuss; watch the live tally and
 * quorum; close; read the outcome and what it changed.
 */
import { useEffect, useId, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { Ballot, CommunityId, CommunityState, MemberId, OpId, ProposalActionInput, ProposalView, Role } from '@polity/api'
import { messageOf, useApi } from '../api-context'
import { ErrorText, Field } from './widgets'
import { DiffView, formatFraction, lineDiff, nameOf, quorumNeeded, roleRank, ROLES, useMe, When, yesNeeded } from './common'
import {
  floorOf, MethodFields, methodDraftOf, methodOf, rulesDraftOf, RulesFields, rulesOf, RulesSummary, touchesEntrenched,
  type MethodDraft, type RulesDraft,
} from './rules-form'

type Kind = ProposalActionInput['type']
const KINDS: readonly Kind[] = ['resolution', 'amend', 'admit', 'remove', 'role', 'rules']

interface Row { readonly label: string; readonly count: number; readonly tone: string }

function optionsOfMethod(p: ProposalView): readonly string[] {
  return p.method.type === 'yesno' ? [] : p.method.options
}

/** The bars to draw: the counted result after a close, the live votes before. */
function rowsOf(p: ProposalView, t: (k: string) => string): Row[] {
  const o = p.outcome
  if (p.method.type === 'yesno') {
    const c = { yes: 0, no: 0, abstain: 0 }
    if (o && 'yes' in o.detail) Object.assign(c, { yes: o.detail.yes, no: o.detail.no, abstain: o.detail.abstain })
    else for (const v of p.votes) if (v.ballot.type === 'yesno') c[v.ballot.choice]++
    return (['yes', 'no', 'abstain'] as const).map((k) => ({ label: t(`proposals.${k}`), count: c[k], tone: k }))
  }
  const options = optionsOfMethod(p)
  let counts = options.map(() => 0)
  if (o && 'approvals' in o.detail) counts = [...o.detail.approvals]
  else if (o && 'rounds' in o.detail) counts = [...(o.detail.rounds[o.detail.rounds.length - 1]?.counts ?? counts)]
  else {
    for (const v of p.votes) {
      if (v.ballot.type === 'approval') for (const i of v.ballot.approve) counts[i] = (counts[i] ?? 0) + 1
      if (v.ballot.type === 'irv' && v.ballot.rank[0] !== undefined) counts[v.ballot.rank[0]] = (counts[v.ballot.rank[0]] ?? 0) + 1
    }
  }
  return options.map((label, i) => ({ label, count: counts[i] ?? 0, tone: 'option' }))
}

/** Live (or counted) tally as a bar chart with the numbers in text, quorum progress, and what passing needs (GOV-6, TALLY-YN). */
function Tally({ p }: { p: ProposalView }): React.JSX.Element {
  const { t } = useTranslation()
  const id = useId()
  const rows = rowsOf(p, t)
  const max = Math.max(1, ...rows.map((r) => r.count))
  const total = rows.reduce((s, r) => s + r.count, 0)
  // Eligibility is frozen at the proposal (VOTE-2); the view counts it exactly.
  const eligible = p.eligible
  const cast = p.outcome ? ('ballots' in p.outcome.detail ? p.outcome.detail.ballots : p.outcome.detail.yes + p.outcome.detail.no + p.outcome.detail.abstain) : p.votes.length
  const needed = Math.max(quorumNeeded(eligible, p.required.quorum), 0)
  const count = (c: 'yes' | 'abstain'): number => (p.outcome && 'yes' in p.outcome.detail ? p.outcome.detail[c] : p.votes.filter((v) => v.ballot.type === 'yesno' && v.ballot.choice === c).length)
  const threshold = p.required.threshold
  return (
    <div className="tally">
      <figure className="chart" data-testid="tally">
        <figcaption>{p.outcome ? t('tally.counted') : t('tally.live')} · {p.method.type === 'irv' ? (p.outcome ? t('tally.lastRound') : t('tally.firstChoices')) : t('tally.total', { count: total })}</figcaption>
        <ul>
          {rows.map((r, i) => (
            <li key={i} className="chart-row" data-testid="tally-row">
              <span className="chart-label">{r.label}</span>
              <span className="chart-track" aria-hidden="true"><span className={`chart-bar bar-${r.tone}`} style={{ inlineSize: `${(r.count / max) * 100}%` }} /></span>
              <span className="chart-value">{r.count}</span>
            </li>
          ))}
        </ul>
      </figure>
      <div className="field quorum" data-testid="quorum" data-cast={cast} data-needed={needed}>
        <label htmlFor={`${id}-q`}>{t('tally.quorum', { cast, needed, eligible, fraction: formatFraction(p.required.quorum) })}</label>
        <progress id={`${id}-q`} max={Math.max(1, needed)} value={Math.min(cast, Math.max(1, needed))} />
      </div>
      {threshold && (
        <p className="muted" data-testid="yes-needed" data-needed={yesNeeded(eligible, count('abstain'), threshold)} data-yes={count('yes')}>
          {t('tally.yesNeeded', { needed: yesNeeded(eligible, count('abstain'), threshold), yes: count('yes'), fraction: formatFraction(threshold) })}
          {p.required.entrenched ? ` ${t('outcome.entrenched')}` : ''}
        </p>
      )}
      {p.staleMembers.length > 0 && <p className="warning" role="note" data-testid="stale-members">{t('proposals.stale', { count: p.staleMembers.length })}</p>}
      {p.uncounted.length > 0 && <p className="warning" role="note" data-testid="uncounted">{t('proposals.uncounted', { count: p.uncounted.length })}</p>}
    </div>
  )
}

/** A ranking that works by keyboard (move buttons) and by dragging. */
function RankControl({ options, initial, onCast }: { options: readonly string[]; initial: readonly number[]; onCast: (rank: number[]) => void }): React.JSX.Element {
  const { t } = useTranslation()
  const [order, setOrder] = useState<number[]>(() => [...initial, ...options.map((_, i) => i).filter((i) => !initial.includes(i))])
  const [dragging, setDragging] = useState<number | null>(null)
  const [announce, setAnnounce] = useState('')
  const move = (from: number, to: number): void => {
    if (to < 0 || to >= order.length || from === to) return
    const next = [...order]
    const [x] = next.splice(from, 1)
    next.splice(to, 0, x as number)
    setOrder(next)
    setAnnounce(t('vote.moved', { option: options[x as number] ?? '', position: to + 1 }))
  }
  return (
    <div className="rank">
      <p id="rank-help" className="muted">{t('vote.rankHelp')}</p>
      <ol className="rank-list" data-testid="rank-list" aria-describedby="rank-help">
        {order.map((o, i) => (
          <li
            key={o}
            data-testid="rank-item"
            draggable
            className={dragging === i ? 'dragging' : ''}
            onDragStart={(e) => {
              setDragging(i)
              e.dataTransfer.effectAllowed = 'move'
              e.dataTransfer.setData('text/plain', String(i))
            }}
            onDragOver={(e) => e.preventDefault()}
            onDrop={(e) => {
              e.preventDefault()
              const from = dragging ?? Number(e.dataTransfer.getData('text/plain'))
              setDragging(null)
              move(from, i)
            }}
            onDragEnd={() => setDragging(null)}
          >
            <span className="rank-pos" aria-hidden="true">{i + 1}</span>
            <span className="rank-text">{options[o]}</span>
            <button type="button" className="small secondary" data-testid="rank-up" disabled={i === 0} aria-label={t('vote.moveUp', { option: options[o] ?? '' })} onClick={() => move(i, i - 1)}>↑</button>
            <button type="button" className="small secondary" data-testid="rank-down" disabled={i === order.length - 1} aria-label={t('vote.moveDown', { option: options[o] ?? '' })} onClick={() => move(i, i + 1)}>↓</button>
          </li>
        ))}
      </ol>
      <p className="visually-hidden" aria-live="polite">{announce}</p>
      <button type="button" data-testid="cast-ranking" onClick={() => onCast(order)}>{t('vote.castRanking')}</button>
    </div>
  )
}

function ApprovalControl({ options, initial, onCast }: { options: readonly string[]; initial: readonly number[]; onCast: (approve: number[]) => void }): React.JSX.Element {
  const { t } = useTranslation()
  const id = useId()
  const [picked, setPicked] = useState<ReadonlySet<number>>(() => new Set(initial))
  return (
    <fieldset className="fieldset">
      <legend>{t('vote.approveLegend')}</legend>
      {options.map((o, i) => (
        <div key={i} className="check">
          <input id={`${id}-${i}`} type="checkbox" data-testid={`approve-${i}`} checked={picked.has(i)} onChange={(e) => {
            const next = new Set(picked)
            if (e.target.checked) next.add(i)
            else next.delete(i)
            setPicked(next)
          }} />
          <label htmlFor={`${id}-${i}`}>{o}</label>
        </div>
      ))}
      <button type="button" data-testid="cast-approval" onClick={() => onCast([...picked].sort((a, b) => a - b))}>{t('vote.castApproval')}</button>
    </fieldset>
  )
}

function VoteControl({ p, mine, onVote }: { p: ProposalView; mine: Ballot | undefined; onVote: (b: Ballot) => void }): React.JSX.Element {
  const { t } = useTranslation()
  if (p.method.type === 'yesno') {
    const choice = mine?.type === 'yesno' ? mine.choice : null
    // VOTE-6: a yes/no vote only moves toward yes (no → abstain → yes).
    const rank = (c: string | null): number => (c === 'yes' ? 2 : c === 'abstain' ? 1 : c === 'no' ? 0 : -1)
    return (
      <div>
        <div className="row" role="group" aria-label={t('vote.yourVote')}>
          {(['yes', 'no', 'abstain'] as const).map((k) => (
            <button key={k} type="button" className={choice === k ? '' : 'secondary'} aria-pressed={choice === k} disabled={rank(k) < rank(choice)} data-testid={`vote-${k}`} onClick={() => onVote({ type: 'yesno', choice: k })}>{t(`proposals.${k}`)}</button>
          ))}
        </div>
        <p className="muted small">{t('vote.raiseOnly')}</p>
      </div>
    )
  }
  if (p.method.type === 'approval') return <ApprovalControl options={p.method.options} initial={mine?.type === 'approval' ? mine.approve : []} onCast={(approve) => onVote({ type: 'approval', approve })} />
  return <RankControl options={p.method.options} initial={mine?.type === 'irv' ? mine.rank : []} onCast={(rank) => onVote({ type: 'irv', rank })} />
}

function ballotText(p: ProposalView, b: Ballot, t: (k: string, o?: Record<string, unknown>) => string): string {
  const options = optionsOfMethod(p)
  if (b.type === 'yesno') return t(`proposals.${b.choice}`)
  if (b.type === 'approval') return b.approve.length === 0 ? t('vote.none') : b.approve.map((i) => options[i] ?? '?').join(', ')
  return b.rank.map((i, n) => `${n + 1}. ${options[i] ?? '?'}`).join(' ')
}

function ActionDetails({ p, state }: { p: ProposalView; state: CommunityState }): React.JSX.Element | null {
  const { t } = useTranslation()
  const a = p.action
  switch (a.type) {
    case 'resolution':
      return null
    case 'amend': {
      const base = state.charter.versions[a.base]?.text ?? ''
      return (
        <details data-testid="amend-details">
          <summary>{t('action.amend', { n: a.base })}</summary>
          <DiffView lines={lineDiff(base, a.charter)} testid="amend-diff" />
        </details>
      )
    }
    case 'admit':
      return <p>{t('action.admit', { name: nameOf(state, a.member) })} <code>{a.member.slice(0, 16)}…</code></p>
    case 'remove':
      return <p>{t('action.remove', { name: nameOf(state, a.member) })}</p>
    case 'role':
      return <p>{t('action.role', { name: nameOf(state, a.member), role: t(`roster.role.${a.role}`) })}</p>
    case 'rules':
      return <div><p>{t('action.rules')}</p><RulesSummary rules={a.rules} /></div>
  }
}

function OutcomeView({ p, state }: { p: ProposalView; state: CommunityState }): React.JSX.Element | null {
  const { t } = useTranslation()
  const o = p.outcome
  if (!o) return null
  const d = o.detail
  const options = optionsOfMethod(p)
  let detail: React.ReactNode
  if ('yes' in d) {
    detail = (
      <p>{t('outcome.yesno', { yes: d.yes, no: d.no, abstain: d.abstain, eligible: d.eligible })} {d.quorumMet ? t('outcome.quorumMet') : t('outcome.quorumMissed')} {t('outcome.threshold', { threshold: formatFraction(d.threshold) })}{d.entrenched ? ` ${t('outcome.entrenched')}` : ''}</p>
    )
  } else if ('approvals' in d) {
    detail = (
      <p>{t('outcome.ballots', { ballots: d.ballots, eligible: d.eligible })} {d.quorumMet ? t('outcome.quorumMet') : t('outcome.quorumMissed')} {d.winners.length === 1 ? t('outcome.winner', { option: options[d.winners[0] as number] ?? '' }) : d.winners.length > 1 ? t('outcome.tie', { options: d.winners.map((i) => options[i]).join(', ') }) : ''}</p>
    )
  } else {
    detail = (
      <div>
        <p>{t('outcome.ballots', { ballots: d.ballots, eligible: d.eligible })} {d.quorumMet ? t('outcome.quorumMet') : t('outcome.quorumMissed')} {d.winner !== null ? t('outcome.winner', { option: options[d.winner] ?? '' }) : d.tie.length > 0 ? t('outcome.tie', { options: d.tie.map((i) => options[i]).join(', ') }) : ''}</p>
        <table className="rounds">
          <caption>{t('outcome.rounds')}</caption>
          <thead>
            <tr><th scope="col">{t('outcome.round')}</th>{options.map((x, i) => <th key={i} scope="col">{x}</th>)}<th scope="col">{t('outcome.exhausted')}</th></tr>
          </thead>
          <tbody>
            {d.rounds.map((r, n) => (
              <tr key={n}>
                <th scope="row">{n + 1}</th>
                {r.counts.map((c, i) => <td key={i} className={r.eliminated === i ? 'eliminated' : ''}>{c}{r.eliminated === i ? ` (${t('outcome.eliminated')})` : ''}</td>)}
                <td>{r.exhausted}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    )
  }
  let effect: string
  if (!o.passed) effect = t('effect.none')
  else {
    const a = p.action
    switch (a.type) {
      case 'resolution':
        effect = t('effect.resolution')
        break
      case 'amend': {
        const v = state.charter.versions.find((x) => x.proposal === p.id)
        effect = v ? t('effect.amend', { n: v.version }) : t('effect.amendStale')
        break
      }
      case 'admit':
        effect = t('effect.admit', { name: nameOf(state, a.member) })
        break
      case 'remove':
        effect = t('effect.remove', { name: nameOf(state, a.member) })
        break
      case 'role':
        effect = t('effect.role', { name: nameOf(state, a.member), role: t(`roster.role.${a.role}`) })
        break
      case 'rules':
        effect = t('effect.rules')
        break
    }
  }
  return (
    <div className={`outcome ${o.passed ? 'passed' : 'failed'}`} data-testid="outcome-detail">
      <h4>{t('outcome.title')}</h4>
      {detail}
      <p data-testid="outcome-effect"><strong>{t('outcome.changed')}</strong> {effect}</p>
    </div>
  )
}

function Discussion({ id, p, state, onChange }: { id: CommunityId; p: ProposalView; state: CommunityState; onChange: () => void }): React.JSX.Element {
  const api = useApi()
  const { t } = useTranslation()
  const fieldId = useId()
  const [text, setText] = useState('')
  const [replyTo, setReplyTo] = useState<OpId | null>(null)
  const [error, setError] = useState<string | null>(null)
  const roots = p.comments.filter((c) => c.replyTo === null || !p.comments.some((x) => x.id === c.replyTo))
  const repliesOf = (root: string): typeof p.comments => {
    // Every reply under its thread's first comment, in order.
    const inThread = new Set([root])
    const out: typeof p.comments = []
    for (const c of p.comments) if (c.replyTo && inThread.has(c.replyTo)) {
      inThread.add(c.id)
      out.push(c)
    }
    return out
  }
  const post = async (): Promise<void> => {
    setError(null)
    try {
      await api.comment({ community: id, proposal: p.id, text, ...(replyTo ? { replyTo } : {}) })
      setText('')
      setReplyTo(null)
      onChange()
    } catch (e) {
      setError(messageOf(e))
    }
  }
  const one = (c: (typeof p.comments)[number]): React.JSX.Element => (
    <div className="comment" data-testid="comment">
      <p className="muted small"><strong>{nameOf(state, c.author)}</strong> · <When time={c.time} /></p>
      <p>{c.text}</p>
      <button type="button" className="link small" onClick={() => setReplyTo(c.id)}>{t('discussion.reply')}</button>
    </div>
  )
  return (
    <details className="discussion" open={p.comments.length > 0 && p.status === 'open'}>
      <summary>{t('discussion.title', { count: p.comments.length })}</summary>
      <ul className="comments">
        {roots.map((c) => (
          <li key={c.id}>
            {one(c)}
            {repliesOf(c.id).length > 0 && <ul className="replies">{repliesOf(c.id).map((r) => <li key={r.id}>{one(r)}</li>)}</ul>}
          </li>
        ))}
      </ul>
      <div className="field">
        <label htmlFor={fieldId}>{replyTo ? t('discussion.replyTo', { name: nameOf(state, p.comments.find((c) => c.id === replyTo)?.author ?? '') }) : t('discussion.add')}</label>
        <textarea id={fieldId} data-testid="comment-input" rows={3} value={text} onChange={(e) => setText(e.target.value)} />
      </div>
      <button type="button" data-testid="post-comment" disabled={text.trim() === ''} onClick={() => void post()}>{t('discussion.post')}</button>
      {replyTo && <button type="button" className="secondary" onClick={() => setReplyTo(null)}>{t('common.cancel')}</button>}
      <ErrorText error={error} />
    </details>
  )
}

function ProposalItem({ id, p, state, me, onChange }: { id: CommunityId; p: ProposalView; state: CommunityState; me: MemberId | null; onChange: () => void }): React.JSX.Element {
  const api = useApi()
  const { t } = useTranslation()
  const [error, setError] = useState<string | null>(null)
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    if (p.status !== 'open' || p.deadline <= Date.now()) return
    const timer = setTimeout(() => setNow(Date.now()), Math.min(p.deadline - Date.now() + 50, 2 ** 31 - 1))
    return () => clearTimeout(timer)
  }, [p.status, p.deadline])
  const run = async (f: () => Promise<unknown>): Promise<void> => {
    setError(null)
    try {
      await f()
      onChange()
    } catch (e) {
      setError(messageOf(e))
    }
  }
  const mine = p.votes.find((v) => v.member === me)?.ballot
  const myRole = state.members.find((m) => m.id === me)?.role ?? null
  // The node refuses a vote from someone admitted after the proposal (VOTE-2) and says so.
  const eligible = me !== null && state.members.some((m) => m.id === me)
  const canClose = roleRank(myRole) >= roleRank(state.rules.propose)
  const headingId = useId()
  return (
    <li data-testid="proposal" data-status={p.status}>
      <article className="proposal" aria-labelledby={headingId}>
        <h3 id={headingId}>{p.title}</h3>
        <p className="muted">
          {t(`proposals.status.${p.status}`)} · {t(`proposals.kind.${p.action.type}`)} · {t(`method.${p.method.type}`)} · {t('proposals.by', { name: nameOf(state, p.author) })} · <When time={p.created} /> · <span data-testid="vote-count">{t('proposals.votes', { count: p.votes.length })}</span>
          {p.outcome && <strong data-testid="outcome"> · {p.outcome.passed ? t('proposals.passed') : t('proposals.failed')}</strong>}
        </p>
        {p.text && <p className="proposal-text">{p.text}</p>}
        <ActionDetails p={p} state={state} />
        <Tally p={p} />
        {mine && <p className="muted" data-testid="my-vote">{t('vote.yours', { ballot: ballotText(p, mine, t) })}{p.method.type !== 'yesno' && p.status === 'open' ? ` ${t('vote.changeable')}` : ''}</p>}
        {p.status === 'open' && eligible && <VoteControl p={p} mine={mine} onVote={(ballot) => void run(() => api.vote({ community: id, proposal: p.id, ballot }))} />}
        {p.status === 'open' && (
          <div className="row">
            {canClose && <button type="button" data-testid="close-proposal" disabled={now < p.deadline} onClick={() => void run(() => api.closeProposal({ community: id, proposal: p.id }))}>{t('proposals.close')}</button>}
            {now < p.deadline && <span className="muted">{t('proposals.closesFrom')} <When time={p.deadline} /></span>}
            {p.author === me && <button type="button" className="secondary" data-testid="withdraw-proposal" onClick={() => void run(() => api.withdrawProposal({ community: id, proposal: p.id }))}>{t('proposals.withdraw')}</button>}
          </div>
        )}
        {p.status === 'withdrawn' && <p className="muted">{t('proposals.withdrawnNote')}</p>}
        <OutcomeView p={p} state={state} />
        <Discussion id={id} p={p} state={state} onChange={onChange} />
        <ErrorText error={error} />
      </article>
    </li>
  )
}

function NewProposal({ id, state, onChange }: { id: CommunityId; state: CommunityState; onChange: () => void }): React.JSX.Element {
  const api = useApi()
  const { t } = useTranslation()
  const [title, setTitle] = useState('')
  const [text, setText] = useState('')
  const [kind, setKind] = useState<Kind>('resolution')
  const [member, setMember] = useState('')
  const [role, setRole] = useState<Role>('steward')
  const [rules, setRules] = useState<RulesDraft>(() => rulesDraftOf(state.rules))
  const current = state.charter.versions[state.charter.versions.length - 1]?.text ?? ''
  // GOV-1: the floor for this kind under the rules in force; the form starts there and refuses less.
  const floorFor = (k: Kind): ReturnType<typeof floorOf> => floorOf(state.rules, k, { entrenchedAmend: k === 'amend' && touchesEntrenched(current, state.charter.draft), newRules: k === 'rules' ? rulesOf(rules) : null })
  const floor = floorFor(kind)
  const [method, setMethod] = useState<MethodDraft>(() => methodDraftOf(floorOf(state.rules, 'resolution')))
  const [note, setNote] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)
  const others = state.members
  const create = async (): Promise<void> => {
    setError(null)
    setNote(null)
    const m = methodOf(kind === 'resolution' ? method : { ...method, type: 'yesno' }, floor)
    if ('problem' in m) return setError(t(m.problem, m.values))
    let action: ProposalActionInput
    switch (kind) {
      case 'resolution':
        action = { type: 'resolution' }
        break
      case 'amend':
        await api.flushDraft({ community: id }).catch(() => undefined)
        action = { type: 'amend', charter: (await api.getCommunity({ community: id })).charter.draft }
        break
      case 'admit':
      case 'remove':
        if (member.trim() === '') return setError(t('proposals.needMember'))
        action = { type: kind, member: member.trim() }
        break
      case 'role':
        if (member.trim() === '') return setError(t('proposals.needMember'))
        action = { type: 'role', member: member.trim(), role }
        break
      case 'rules': {
        const r = rulesOf(rules)
        if (!r) return setError(t('rules.invalid'))
        action = { type: 'rules', rules: r }
        break
      }
    }
    try {
      await api.createProposal({ community: id, title, text, action, method: m.method, deadlineInHours: Number(method.hours) })
      setTitle('')
      setText('')
      setNote(t('proposals.created'))
      onChange()
    } catch (e) {
      setError(messageOf(e))
    }
  }
  return (
    <div className="form">
      <h2>{t('proposals.new')}</h2>
      <Field label={t('proposals.titleField')} testid="proposal-title" value={title} onChange={setTitle} />
      <Field label={t('proposals.text')} testid="proposal-text" value={text} onChange={setText} multiline />
      <div className="field">
        <label htmlFor="proposal-kind">{t('proposals.kind')}</label>
        <select id="proposal-kind" data-testid="proposal-kind" value={kind} onChange={(e) => {
          const k = e.target.value as Kind
          setKind(k)
          setMember('')
          setMethod(methodDraftOf(floorFor(k)))
        }}>
          {KINDS.map((k) => <option key={k} value={k}>{t(`proposals.kind.${k}`)}</option>)}
        </select>
      </div>
      {kind === 'amend' && (
        <div>
          <p className="muted">{t('proposals.amendHelp')}</p>
          <DiffView lines={lineDiff(current, state.charter.draft)} testid="new-amend-diff" />
        </div>
      )}
      {kind === 'admit' && <Field label={t('proposals.memberInput')} testid="proposal-member-input" value={member} onChange={setMember} />}
      {(kind === 'remove' || kind === 'role') && (
        <div className="field">
          <label htmlFor="proposal-member">{t('proposals.member')}</label>
          <select id="proposal-member" data-testid="proposal-member" value={member} onChange={(e) => setMember(e.target.value)}>
            <option value="">{t('proposals.chooseMember')}</option>
            {others.map((m) => <option key={m.id} value={m.id}>{m.name ?? m.id.slice(0, 12)} ({t(`roster.role.${m.role}`)})</option>)}
          </select>
        </div>
      )}
      {kind === 'role' && (
        <div className="field">
          <label htmlFor="proposal-role">{t('proposals.newRole')}</label>
          <select id="proposal-role" data-testid="proposal-role" value={role} onChange={(e) => setRole(e.target.value as Role)}>
            {ROLES.map((r) => <option key={r} value={r}>{t(`roster.role.${r}`)}</option>)}
          </select>
        </div>
      )}
      {kind === 'rules' && <RulesFields value={rules} onChange={setRules} />}
      <MethodFields value={method} onChange={setMethod} allowChoice={kind === 'resolution'} floor={floor} />
      <button type="button" data-testid="create-proposal" disabled={title.trim() === ''} onClick={() => void create()}>{t('proposals.submit')}</button>
      {note && <p role="status">{note}</p>}
      <ErrorText error={error} />
    </div>
  )
}

export function Proposals({ id, state, onChange }: { id: CommunityId; state: CommunityState; onChange: () => void }): React.JSX.Element {
  const { t } = useTranslation()
  const me = useMe()
  const order = (p: ProposalView): number => (p.status === 'open' ? 0 : 1)
  const list = [...state.proposals].sort((a, b) => order(a) - order(b) || b.created - a.created)
  return (
    <div>
      <h2>{t('proposals.title')}</h2>
      {list.length === 0 && <p>{t('proposals.empty')}</p>}
      <ul className="proposals" data-testid="proposals">
        {list.map((p) => <ProposalItem key={p.id} id={id} p={p} state={state} me={me} onChange={onChange} />)}
      </ul>
      <NewProposal id={id} state={state} onChange={onChange} />
    </div>
  )
}
