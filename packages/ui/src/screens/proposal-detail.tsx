/**
 * One proposal opened (VIEW-3): its text, what it would change (an
 * amendment's diff from the node, DIFF-1), the outcome with what it changed,
 * the discussion, and its votes a page at a time — fetched when opened and
 * again only when an event names this proposal (BRIDGE-8).
 */
import { useId, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { formatFraction, type CharterView, type CommunityId, type OpId, type ProposalDetail } from '@polity/api'
import { messageOf, useApi } from '../api-context'
import { ErrorText } from './widgets'
import { DiffView, displayName, Pager, useMemberNames, useTextDiff, useView, When } from './common'
import { RulesSummary } from './rules-form'
import { ballotText } from './vote-controls'
import { ExportLetter } from './relations/ExportLetter'
import { ExportVotes } from './exports'
import { ExtendDeadline } from './extend-deadline'
import { Identicon } from '../look/Identicon'

type Detail = ProposalDetail['proposal']

const nameIn = (names: ReadonlyMap<string, string>, id: string): string => names.get(id) ?? displayName(null, id)

function AmendDiff({ base, charter }: { base: string; charter: string }): React.JSX.Element {
  return <DiffView diff={useTextDiff(base, charter)} testid="amend-diff" />
}

function ActionDetails({ p, charter, names }: { p: Detail; charter: CharterView; names: ReadonlyMap<string, string> }): React.JSX.Element | null {
  const { t } = useTranslation()
  const a = p.action
  switch (a.type) {
    case 'resolution':
      return null
    case 'amend':
      return (
        <details data-testid="amend-details">
          <summary>{t('action.amend', { n: a.base })}</summary>
          <AmendDiff base={charter.charter.versions[a.base]?.text ?? ''} charter={a.charter} />
        </details>
      )
    case 'admit':
      return <p>{t('action.admit', { name: nameIn(names, a.member) })} <code>{a.member.slice(0, 16)}…</code></p>
    case 'remove':
      return <p>{t('action.remove', { name: nameIn(names, a.member) })}</p>
    case 'role':
      return <p>{t('action.role', { name: nameIn(names, a.member), role: t(`roster.role.${a.role}`) })}</p>
    case 'rules':
      return <div><p>{t('action.rules')}</p><RulesSummary rules={a.rules} /></div>
    case 'place':
      return <p data-testid="place-action">{t('action.place', { name: a.name, kind: t(`place.kind.${a.kind}`), status: t(`place.status.${a.status}`) })}</p>
    case 'placeStatus':
      return <p data-testid="place-action">{t('action.placeStatus', { status: t(`place.status.${a.status}`) })} <code>{a.place.slice(0, 16)}…</code></p>
    case 'recognize':
      return (
        <div data-testid="recognize-details">
          <p>{t('action.recognize', { name: a.name })} <code>{a.community.slice(0, 16)}…</code></p>
          <blockquote dir="auto">{a.statement}</blockquote>
          {a.census && <p className="muted">{t('action.census')} <code>{a.census.slice(0, 16)}…</code></p>}
        </div>
      )
    case 'unrecognize':
      return <p>{t('action.unrecognize')} <code>{a.community.slice(0, 16)}…</code></p>
  }
}

function OutcomeView({ p, charter, names }: { p: Detail; charter: CharterView; names: ReadonlyMap<string, string> }): React.JSX.Element | null {
  const { t } = useTranslation()
  const o = p.outcome
  if (!o) return null
  const d = o.detail
  const options = p.method.type === 'yesno' ? [] : p.method.options
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
        const v = charter.charter.versions.find((x) => x.proposal === p.id)
        effect = v ? t('effect.amend', { n: v.version }) : t('effect.amendStale')
        break
      }
      case 'admit':
        effect = t('effect.admit', { name: nameIn(names, a.member) })
        break
      case 'remove':
        effect = t('effect.remove', { name: nameIn(names, a.member) })
        break
      case 'role':
        effect = t('effect.role', { name: nameIn(names, a.member), role: t(`roster.role.${a.role}`) })
        break
      case 'rules':
        effect = t('effect.rules')
        break
      case 'recognize':
        effect = t('effect.recognize', { name: a.name })
        break
      case 'place':
        effect = t('effect.place', { name: a.name })
        break
      case 'placeStatus':
        effect = t('effect.placeStatus', { status: t(`place.status.${a.status}`) })
        break
      case 'unrecognize':
        effect = t('effect.unrecognize')
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

function Discussion({ id, p, names, onChange }: { id: CommunityId; p: Detail; names: ReadonlyMap<string, string>; onChange: () => void }): React.JSX.Element {
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
      <p className="muted small"><Identicon value={c.author} size={16} /> <strong>{nameIn(names, c.author)}</strong> · <When time={c.time} /></p>
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
        <label htmlFor={fieldId}>{replyTo ? t('discussion.replyTo', { name: nameIn(names, p.comments.find((c) => c.id === replyTo)?.author ?? '') }) : t('discussion.add')}</label>
        <textarea id={fieldId} data-testid="comment-input" rows={3} value={text} onChange={(e) => setText(e.target.value)} />
      </div>
      <button type="button" data-testid="post-comment" disabled={text.trim() === ''} onClick={() => void post()}>{t('discussion.post')}</button>
      {replyTo && <button type="button" className="secondary" onClick={() => setReplyTo(null)}>{t('common.cancel')}</button>}
      <ErrorText error={error} />
    </details>
  )
}

/** VIEW-3: the live votes, 50 to a page, by member. */
function Votes({ id, p }: { id: CommunityId; p: Detail }): React.JSX.Element {
  const api = useApi()
  const { t } = useTranslation()
  const [offset, setOffset] = useState(0)
  const { value: page, error } = useView(id, ['proposals'], () => api.votesView({ community: id, proposal: p.id, offset }), [p.id, offset], p.id)
  const headingId = useId()
  if (!page) return error ? <ErrorText error={error} /> : <p>{t('common.loading')}</p>
  return (
    <section aria-labelledby={headingId}>
      <h4 id={headingId}>{t('votes.title', { count: page.total })}</h4>
      <ul className="list" data-testid="votes">
        {page.rows.map((v) => <li key={v.member} data-testid="vote-row"><Identicon value={v.member} size={16} /> <strong>{displayName(v.name, v.member)}</strong> · {ballotText(p.method, v.ballot, t)} · <When time={v.time} /></li>)}
      </ul>
      <Pager offset={page.offset} shown={page.rows.length} total={page.total} onOffset={setOffset} testid="votes-pager" />
    </section>
  )
}

export function ProposalDetails({ id, proposal, charter, onChange }: { id: CommunityId; proposal: OpId; charter: CharterView | null; onChange: () => void }): React.JSX.Element {
  const api = useApi()
  const { t } = useTranslation()
  const { value, error, refetch } = useView(id, ['proposals'], () => api.proposalView({ community: id, proposal }), [proposal], proposal)
  const p = value?.proposal
  const a = p?.action
  const names = useMemberNames(id, p ? [...p.comments.map((c) => c.author), ...(a && 'member' in a ? [a.member] : [])] : [])
  if (!p || !charter) return error ? <ErrorText error={error} /> : <p>{t('common.loading')}</p>
  return (
    <div className="proposal-details" data-testid="proposal-details">
      {p.text && <p className="proposal-text">{p.text}</p>}
      <ActionDetails p={p} charter={charter} names={names} />
      {p.staleMembers.length > 0 && <p className="warning" role="note" data-testid="stale-members">{t('proposals.stale', { count: p.staleMembers.length })}</p>}
      {p.uncounted.length > 0 && <p className="warning" role="note" data-testid="uncounted">{t('proposals.uncounted', { count: p.uncounted.length })}</p>}
      <OutcomeView p={p} charter={charter} names={names} />
      {value?.row.canWithdraw && <ExtendDeadline id={id} proposal={p.id} onChange={() => {
        refetch()
        onChange()
      }} />}
      {(p.action.type === 'recognize' || p.action.type === 'unrecognize') && p.outcome?.passed === true && <ExportLetter id={id} proposal={p.id} />}
      <Votes id={id} p={p} />
      <ExportVotes id={id} proposal={p.id} ranked={p.method.type === 'irv'} />
      <Discussion id={id} p={p} names={names} onChange={() => {
        refetch()
        onChange()
      }} />
    </div>
  )
}

