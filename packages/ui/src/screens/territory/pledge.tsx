/**
 * This member's pledge: make, raise or lower it to a new amount, or withdraw
 * it (amount "0"), while the campaign is open (canPledge). For a participants
 * goal a pledge is taking part (1) or not (0).
 */
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { CommunityId } from '@polity/api'
import { messageOf } from '../../api-context'
import { ErrorText, Field } from '../widgets'
import { useTerritoryApi } from './api'
import { useAmountText } from './amounts'
import { minorDigits, minorToDecimal, parseMoney } from './money'
import type { CampaignDetail } from './types'

export function PledgeControl({ community, c, onDone }: { community: CommunityId; c: CampaignDetail; onDone: () => void }): React.JSX.Element {
  const api = useTerritoryApi()
  const { t } = useTranslation()
  const text = useAmountText(c.goal)
  const [amount, setAmount] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const mine = c.mine !== null && c.mine !== '0' ? c.mine : null
  const send = async (minor: string): Promise<void> => {
    setBusy(true)
    setError(null)
    try {
      await api.pledge({ community, campaign: c.id, amount: minor })
      setAmount('')
      onDone()
    } catch (e) {
      setError(messageOf(e))
    } finally {
      setBusy(false)
    }
  }
  const submit = (e: React.FormEvent): void => {
    e.preventDefault()
    if (c.goal.kind === 'participants') return void send('1')
    const minor = parseMoney(amount, c.goal.currency)
    if (minor === null || minor === '0') return setError(t('pledge.badAmount', { digits: minorDigits(c.goal.currency) }))
    void send(minor)
  }
  return (
    <section className="card inner" data-testid="my-pledge" data-amount={mine ?? '0'}>
      <h3>{t('pledge.title')}</h3>
      <p data-testid="my-pledge-text">{mine === null ? t('pledge.none') : t('pledge.current', { amount: text(mine) })}</p>
      {!c.canPledge ? <p className="muted">{c.status === 'closed' ? t('pledge.closed') : t('pledge.cannot')}</p> : (
        <form onSubmit={submit} noValidate>
          {c.goal.kind === 'amount' && (
            <Field label={t(mine === null ? 'pledge.amountNew' : 'pledge.amountChange', { currency: c.goal.currency })} value={amount} onChange={setAmount} testid="pledge-amount" />
          )}
          {c.goal.kind === 'amount' && mine !== null && <p className="muted small">{t('pledge.changeNote', { current: minorToDecimal(mine, minorDigits(c.goal.currency)) })}</p>}
          <ErrorText error={error} />
          <div className="row">
            {(c.goal.kind === 'amount' || mine === null) && (
              <button type="submit" data-testid="pledge-submit" disabled={busy}>
                {c.goal.kind === 'participants' ? t('pledge.join') : mine === null ? t('pledge.make') : t('pledge.change')}
              </button>
            )}
            {mine !== null && <button type="button" className="danger" data-testid="pledge-withdraw" disabled={busy} onClick={() => void send('0')}>{t('pledge.withdraw')}</button>}
          </div>
        </form>
      )}
    </section>
  )
}
