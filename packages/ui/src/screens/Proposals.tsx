/**
 * Proposals (VIEW-1): a page of 50 at a time, open first then decided, each
 * with the live tally, quorum progress and what passing needs, and the vote,
 * close and withdraw controls the node says this member may use (canVote by
 * VOTE-2's causal past, canClose, canWithdraw) — nothing re-derived here.
 * Opening one fetches its details (proposal-detail.tsx); one opened by a link
 * that is not on the shown page is fetched by id and shown above it (NAV-1);
 * a new proposal is
 * made in new-proposal.tsx. Each part refetches only on the events naming it.
 */
import { useEffect, useId, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { useLocation } from 'wouter'
import { formatFraction, type CharterView, type CommunityId, type OpId, type ProposalRow } from '@polity/api'
import { messageOf, useApi } from '../api-context'
import { ErrorText } from './widgets'
import { displayName, Pager, useMe, useView, When } from './common'
import { isNew, markSeen, seenIds } from '../look/unread'
import { Identicon } from '../look/Identicon'
import { proposalPath } from '../routes'
import { ballotText, VoteControl } from './vote-controls'
import { ProposalDetails } from './proposal-detail'
import { NewProposal } from './new-proposal'

interface Bar { readonly label: string; readonly count: number; readonly tone: string }

function barsOf(p: ProposalRow, t: (k: string) => string): Bar[] {
  const tally = p.tally
  if (tally.type === 'yesno') return (['yes', 'no', 'abstain'] as const).map((k) => ({ label: t(`proposals.${k}`), count: tally[k], tone: k }))
  const options = p.method.type === 'yesno' ? [] : p.method.options
  return options.map((label, i) => ({ label, count: tally.counts[i] ?? 0, tone: 'option' }))
}

/** The tally as a bar chart with the numbers in text, quorum progress, and what passing needs — all as the node counted them (TALLY-Q, TALLY-YN, GOV-6). */
function Tally({ p }: { p: ProposalRow }): React.JSX.Element {
  const { t } = useTranslation()
  const id = useId()
  const bars = barsOf(p, t)
  const max = Math.max(1, ...bars.map((r) => r.count))
  const total = bars.reduce((s, r) => s + r.count, 0)
  const threshold = p.required.threshold
  const yes = p.tally.type === 'yesno' ? p.tally.yes : 0
  return (
    <div className="tally">
      <figure className="chart" data-testid="tally">
        <figcaption>{p.counted ? t('tally.counted') : t('tally.live')} · {p.method.type === 'irv' ? (p.counted ? t('tally.lastRound') : t('tally.firstChoices')) : t('tally.total', { count: total })}</figcaption>
        <ul>
          {bars.map((r, i) => (
            <li key={i} className="chart-row" data-testid="tally-row">
              <span className="chart-label">{r.label}</span>
              <span className="chart-track" aria-hidden="true"><span className={`chart-bar bar-${r.tone}`} style={{ inlineSize: `${(r.count / max) * 100}%` }} /></span>
              <span className="chart-value">{r.count}</span>
            </li>
          ))}
        </ul>
      </figure>
      <div className="field quorum" data-testid="quorum" data-cast={p.cast} data-needed={p.quorumNeeded}>
        <label htmlFor={`${id}-q`}>{t('tally.quorum', { cast: p.cast, count: p.quorumNeeded, eligible: p.eligible, fraction: formatFraction(p.required.quorum) })}</label>
        <progress id={`${id}-q`} max={Math.max(1, p.quorumNeeded)} value={Math.min(p.cast, Math.max(1, p.quorumNeeded))} />
      </div>
      {threshold && p.yesNeeded !== null && (
        <p className="muted" data-testid="yes-needed" data-needed={p.yesNeeded} data-yes={yes}>
          {t('tally.yesNeeded', { needed: p.yesNeeded, yes, fraction: formatFraction(threshold) })}
          {p.required.entrenched ? ` ${t('outcome.entrenched')}` : ''}
        </p>
      )}
    </div>
  )
}

function ProposalItem({ id, p, charter, onChange, open, fresh }: { id: CommunityId; p: ProposalRow; charter: CharterView | null; onChange: () => void; open: boolean; fresh: boolean }): React.JSX.Element {
  const api = useApi()
  const { t } = useTranslation()
  const [, navigate] = useLocation()
  const [error, setError] = useState<string | null>(null)
  const item = useRef<HTMLLIElement | null>(null)
  // Opened by a link or a reload: bring it into view once.
  useEffect(() => {
    if (open) item.current?.scrollIntoView({ block: 'start' })
  }, [])
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
      // The event for the new op refetches the page too; this makes the change show at once.
      onChange()
    } catch (e) {
      setError(messageOf(e))
    }
  }
  const headingId = useId()
  const detailsId = useId()
  return (
    <li ref={item} data-testid="proposal" data-status={p.status} data-id={p.id}>
      <article className={fresh ? 'proposal fresh' : 'proposal'} aria-labelledby={headingId}>
        <h3 id={headingId}>{fresh && <span className="badge new" data-testid="new-badge">{t('unread.new')}</span>}{p.title}</h3>
        <p className="muted">
          {t(`proposals.status.${p.status}`)} · {t(`proposals.kind.${p.kind}`)} · {t(`method.${p.method.type}`)} · <Identicon value={p.author} size={16} /> {t('proposals.by', { name: displayName(p.authorName, p.author) })} · <When time={p.created} /> · <span data-testid="vote-count">{t('proposals.votes', { count: p.votes })}</span>
          {p.passed !== null && <strong data-testid="outcome"> · {p.passed ? t('proposals.passed') : t('proposals.failed')}</strong>}
        </p>
        <Tally p={p} />
        {p.myBallot && <p className="muted" data-testid="my-vote">{t('vote.yours', { ballot: ballotText(p.method, p.myBallot, t) })}{p.method.type !== 'yesno' && p.status === 'open' ? ` ${t('vote.changeable')}` : ''}</p>}
        {p.canVote && <VoteControl method={p.method} mine={p.myBallot} onVote={(ballot) => void run(() => api.vote({ community: id, proposal: p.id, ballot }))} />}
        {p.stale && <p className="warning" data-testid="proposal-stale">{t('proposals.staleAmend')}</p>}
        {p.status === 'open' && (
          <div className="row">
            {/* CLOSE-3, CLOSE-7: the node's canClose (deadline passed, or the outcome settled); a deadline passing while shown enables it too. */}
            {(p.canClose || (p.closeBlocked === 'deadline' && now >= p.deadline)) && <button type="button" data-testid="close-proposal" onClick={() => void run(() => api.closeProposal({ community: id, proposal: p.id }))}>{t('proposals.close')}</button>}
            <span className="muted" data-testid="proposal-ends">{now < p.deadline ? <>{t('proposals.ends')} <When time={p.deadline} /></> : t('proposals.ended')}</span>
            {now < p.deadline && p.closeBlocked === 'deadline' && <span className="muted" data-testid="close-why">{t('proposals.outcomeCanChange')}</span>}
            {now < p.deadline && p.canClose && <span className="muted" data-testid="close-why">{t('proposals.settledEarly')}</span>}
            {p.canWithdraw && <button type="button" className="secondary" data-testid="withdraw-proposal" onClick={() => void run(() => api.withdrawProposal({ community: id, proposal: p.id }))}>{t('proposals.withdraw')}</button>}
          </div>
        )}
        {p.status === 'withdrawn' && <p className="muted">{t('proposals.withdrawnNote')}</p>}
        <button type="button" className="link" data-testid="proposal-open" aria-expanded={open} aria-controls={detailsId} onClick={() => navigate(open ? `/c/${id}/proposals` : proposalPath(id, p.id))}>
          {open ? t('proposals.hideDetails') : t('proposals.details', { count: p.comments })}
        </button>
        <div id={detailsId}>{open && <ProposalDetails id={id} proposal={p.id} charter={charter} onChange={onChange} />}</div>
        <ErrorText error={error} />
      </article>
    </li>
  )
}

export function Proposals({ id, open = null }: { id: CommunityId; open?: string | null }): React.JSX.Element {
  const api = useApi()
  const { t } = useTranslation()
  const me = useMe()
  // What was seen before this visit: proposals new since then keep their badge while the screen is shown.
  const [seenBefore] = useState(() => seenIds(id))
  const [offset, setOffset] = useState(0)
  // VIEW-1, BRIDGE-8: one page; refetched on proposal events and roster ones (names, who may vote).
  const { value: page, error, refetch } = useView(id, ['proposals', 'roster'], () => api.proposalsView({ community: id, offset }), [offset])
  // VIEW-5: the rules and charter the new-proposal form and amendment diffs need.
  const { value: charter } = useView(id, ['charter', 'draft'], () => api.charterView({ community: id }), [])
  // NAV-1: a link to a proposal that is not on this page (VIEW-1: pages of 50) still opens it, fetched by id (VIEW-3).
  const offPage = open !== null && page !== null && !page.rows.some((p) => p.id === open)
  const { value: linked, error: linkedError } = useView(id, ['proposals', 'roster'], () => (offPage ? api.proposalView({ community: id, proposal: open as OpId }).then((d) => d.row) : Promise.resolve(null)), [open, offPage], (open ?? undefined) as OpId | undefined)
  // Shown now, so seen from now on (the sidebar's badge for this community goes down).
  useEffect(() => {
    if (page) markSeen(id, [...page.rows.map((p) => p.id), ...(offPage && linked ? [linked.id] : [])])
  }, [id, page, offPage, linked])
  return (
    <div>
      <h2>{t('proposals.title')}</h2>
      {!page && (error ? <ErrorText error={error} /> : <p>{t('common.loading')}</p>)}
      {page && page.total === 0 && <p>{t('proposals.empty')}</p>}
      {page && page.total > 0 && <p className="muted" data-testid="proposal-counts">{t('proposals.counts', { open: page.open, decided: page.decided })}</p>}
      {offPage && (linked && linked.id === open
        ? <ul className="proposals" data-testid="proposal-linked"><ProposalItem id={id} p={linked} charter={charter} onChange={refetch} open fresh={false} /></ul>
        : <ErrorText error={linkedError} />)}
      <ul className="proposals" data-testid="proposals">
        {page?.rows.map((p) => <ProposalItem key={p.id} id={id} p={p} charter={charter} onChange={refetch} open={open === p.id} fresh={isNew(p, seenBefore, me)} />)}
      </ul>
      {page && <Pager offset={page.offset} shown={page.rows.length} total={page.total} onOffset={setOffset} testid="proposals-pager" />}
      {charter && <NewProposal id={id} state={charter} onChange={refetch} />}
    </div>
  )
}
