/** Proposals: create (resolution or amendment, yes/no), vote, close, see the outcome and tally. */
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { CommunityId, CommunityState, ProposalView } from '@polity/api'
import { messageOf, useApi } from '../api-context'
import { ErrorText, Field } from './widgets'

function tally(p: ProposalView): { yes: number; no: number; abstain: number } {
  const out = { yes: 0, no: 0, abstain: 0 }
  for (const v of p.votes) if (v.ballot.type === 'yesno') out[v.ballot.choice]++
  return out
}

export function Proposals({ id, state, onChange }: { id: CommunityId; state: CommunityState; onChange: () => void }): React.JSX.Element {
  const api = useApi()
  const { t } = useTranslation()
  const [title, setTitle] = useState('')
  const [text, setText] = useState('')
  const [kind, setKind] = useState<'resolution' | 'amend'>('resolution')
  const [hours, setHours] = useState('0')
  const [error, setError] = useState<string | null>(null)
  const run = async (f: () => Promise<unknown>): Promise<void> => {
    setError(null)
    try {
      await f()
      onChange()
    } catch (e) {
      setError(messageOf(e))
    }
  }
  const create = (): Promise<void> => run(() => api.createProposal({
    community: id, title, text,
    action: kind === 'amend' ? { type: 'amend', charter: state.charter.draft } : { type: 'resolution' },
    method: { type: 'yesno', quorum: state.rules.quorum, threshold: state.rules.threshold },
    deadlineInHours: Number(hours),
  }))
  return (
    <div>
      <h2>{t('proposals.title')}</h2>
      {state.proposals.length === 0 && <p>{t('proposals.empty')}</p>}
      <ul className="list" data-testid="proposals">
        {state.proposals.map((p) => {
          const c = tally(p)
          const max = Math.max(1, c.yes + c.no + c.abstain)
          return (
            <li key={p.id} data-testid="proposal">
              <h3>{p.title}</h3>
              <p className="muted">{t(`proposals.status.${p.status}`)} · {t('proposals.votes', { count: p.votes.length })}
                {p.outcome && <strong data-testid="outcome"> · {p.outcome.passed ? t('proposals.passed') : t('proposals.failed')}</strong>}
              </p>
              {p.text && <p>{p.text}</p>}
              <div className="bars" aria-label={t('proposals.tally', c)}>
                {(['yes', 'no', 'abstain'] as const).map((k) => <div key={k} className={`bar bar-${k}`} style={{ inlineSize: `${(c[k] / max) * 100}%` }}>{t(`proposals.${k}`)} {c[k]}</div>)}
              </div>
              {p.status === 'open' && (
                <div className="row">
                  {(['yes', 'no', 'abstain'] as const).map((k) => (
                    <button key={k} type="button" data-testid={`vote-${k}`} onClick={() => void run(() => api.vote({ community: id, proposal: p.id, ballot: { type: 'yesno', choice: k } }))}>{t(`proposals.${k}`)}</button>
                  ))}
                  <button type="button" data-testid="close-proposal" onClick={() => void run(() => api.closeProposal({ community: id, proposal: p.id }))}>{t('proposals.close')}</button>
                </div>
              )}
            </li>
          )
        })}
      </ul>
      <h2>{t('proposals.new')}</h2>
      <div className="form">
        <Field label={t('proposals.titleField')} testid="proposal-title" value={title} onChange={setTitle} />
        <Field label={t('proposals.text')} testid="proposal-text" value={text} onChange={setText} multiline />
        <div className="field">
          <label htmlFor="proposal-kind">{t('proposals.kind')}</label>
          <select id="proposal-kind" data-testid="proposal-kind" value={kind} onChange={(e) => setKind(e.target.value as 'resolution' | 'amend')}>
            <option value="resolution">{t('proposals.kind.resolution')}</option>
            <option value="amend">{t('proposals.kind.amend')}</option>
          </select>
        </div>
        <Field label={t('proposals.deadline')} testid="proposal-deadline" value={hours} onChange={setHours} type="number" />
        <button type="button" data-testid="create-proposal" onClick={() => void create()}>{t('proposals.submit')}</button>
      </div>
      <ErrorText error={error} />
    </div>
  )
}
