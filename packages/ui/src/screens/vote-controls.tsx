/**
 * Casting a ballot with a control that fits the method: yes/no buttons that
 * only move toward yes (VOTE-6), approval checkboxes, and a ranking that
 * works by keyboard and by dragging.
 */
import { useId, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { Ballot, Method } from '@polity/api'

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

export function VoteControl({ method, mine, onVote }: { method: Method; mine: Ballot | null; onVote: (b: Ballot) => void }): React.JSX.Element {
  const { t } = useTranslation()
  if (method.type === 'yesno') {
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
  if (method.type === 'approval') return <ApprovalControl options={method.options} initial={mine?.type === 'approval' ? mine.approve : []} onCast={(approve) => onVote({ type: 'approval', approve })} />
  return <RankControl options={method.options} initial={mine?.type === 'irv' ? mine.rank : []} onCast={(rank) => onVote({ type: 'irv', rank })} />
}

/** A ballot in words. */
export function ballotText(method: Method, b: Ballot, t: (k: string, o?: Record<string, unknown>) => string): string {
  const options = method.type === 'yesno' ? [] : method.options
  if (b.type === 'yesno') return t(`proposals.${b.choice}`)
  if (b.type === 'approval') return b.approve.length === 0 ? t('vote.none') : b.approve.map((i) => options[i] ?? '?').join(', ')
  return b.rank.map((i, n) => `${n + 1}. ${options[i] ?? '?'}`).join(' ')
}
