/**
 * Open a campaign: a title and text, a goal (an exact amount in a currency,
 * or a number of participants), a deadline, the model (all-or-nothing: an
 * assurance contract; keep what you raise) and optionally the place it is for.
 */
import { useId, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { CommunityId, OpId } from '@polity/api'
import { messageOf } from '../../api-context'
import { ErrorText, Field } from '../widgets'
import { useTerritoryApi } from './api'
import { SelectField } from './fields'
import { parseMoney } from './money'
import type { CampaignGoal, CampaignModel, PlaceView } from './types'

const MODELS: readonly CampaignModel[] = ['all-or-nothing', 'keep']

/** A datetime-local value (local time) a week from now, to the minute. */
function inAWeek(): string {
  const d = new Date(Date.now() + 7 * 86_400_000)
  d.setSeconds(0, 0)
  return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16)
}

export function CampaignForm({ community, places, onDone }: { community: CommunityId; places: readonly PlaceView[]; onDone: (id: OpId) => void }): React.JSX.Element {
  const api = useTerritoryApi()
  const { t } = useTranslation()
  const uid = useId()
  const [title, setTitle] = useState('')
  const [text, setText] = useState('')
  const [goalKind, setGoalKind] = useState<'amount' | 'participants'>('amount')
  const [amount, setAmount] = useState('')
  const [currency, setCurrency] = useState('EUR')
  const [count, setCount] = useState('')
  const [deadline, setDeadline] = useState(inAWeek)
  const [model, setModel] = useState<CampaignModel>('all-or-nothing')
  const [place, setPlace] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  const check = (): { goal: CampaignGoal; deadline: number } | string => {
    if (title.trim() === '') return t('campaignForm.needTitle')
    let goal: CampaignGoal
    if (goalKind === 'amount') {
      const cur = currency.trim().toUpperCase()
      if (!/^[A-Z]{3}$/.test(cur)) return t('campaignForm.badCurrency')
      const minor = parseMoney(amount, cur)
      if (minor === null || minor === '0') return t('campaignForm.badAmount')
      goal = { kind: 'amount', amount: minor, currency: cur }
    } else {
      if (!/^[1-9]\d*$/.test(count.trim()) || !Number.isSafeInteger(Number(count.trim()))) return t('campaignForm.badCount')
      goal = { kind: 'participants', count: Number(count.trim()) }
    }
    const when = new Date(deadline).getTime()
    if (!Number.isFinite(when)) return t('campaignForm.badDeadline')
    return { goal, deadline: when }
  }

  const submit = async (e: React.FormEvent): Promise<void> => {
    e.preventDefault()
    const c = check()
    if (typeof c === 'string') return setError(c)
    setBusy(true)
    setError(null)
    try {
      const id = await api.openCampaign({ community, title: title.trim(), text, goal: c.goal, model, deadline: c.deadline, place: place === '' ? null : (place as OpId) })
      onDone(id)
    } catch (err) {
      setError(messageOf(err))
    } finally {
      setBusy(false)
    }
  }

  return (
    <form className="card inner" data-testid="campaign-form" onSubmit={(e) => void submit(e)} noValidate>
      <h3>{t('campaignForm.title')}</h3>
      <Field label={t('campaignForm.name')} value={title} onChange={setTitle} testid="campaign-title-input" />
      <Field label={t('campaignForm.text')} value={text} onChange={setText} testid="campaign-text" multiline />
      <fieldset className="fieldset">
        <legend>{t('campaignForm.goal')}</legend>
        <label className="check"><input type="radio" name="goal-kind" data-testid="goal-amount" checked={goalKind === 'amount'} onChange={() => setGoalKind('amount')} />{t('campaignForm.goalAmount')}</label>
        <label className="check"><input type="radio" name="goal-kind" data-testid="goal-participants" checked={goalKind === 'participants'} onChange={() => setGoalKind('participants')} />{t('campaignForm.goalParticipants')}</label>
        {goalKind === 'amount'
          ? <div className="grid">
              <Field label={t('campaignForm.amount')} value={amount} onChange={setAmount} testid="goal-amount-input" />
              <Field label={t('campaignForm.currency')} value={currency} onChange={setCurrency} testid="goal-currency" />
            </div>
          : <Field label={t('campaignForm.count')} value={count} onChange={setCount} testid="goal-count" />}
      </fieldset>
      <div className="grid">
        <div className="field">
          <label htmlFor={`${uid}-deadline`}>{t('campaignForm.deadline')}</label>
          <input id={`${uid}-deadline`} type="datetime-local" step={1} data-testid="campaign-deadline" value={deadline} onChange={(e) => setDeadline(e.target.value)} />
        </div>
        <SelectField label={t('campaignForm.model')} value={model} options={MODELS} text={(m) => t(`campaign.model.${m}`)} onChange={setModel} testid="campaign-model" />
        <div className="field">
          <label htmlFor={`${uid}-place`}>{t('campaignForm.place')}</label>
          <select id={`${uid}-place`} data-testid="campaign-place" value={place} onChange={(e) => setPlace(e.target.value)}>
            <option value="">{t('campaignForm.noPlace')}</option>
            {places.map((p) => <option key={p.id} value={p.id}>{p.name}</option>)}
          </select>
        </div>
      </div>
      <p className="muted small">{t(`campaign.modelNote.${model}`)}</p>
      <ErrorText error={error} />
      <button type="submit" data-testid="open-campaign" disabled={busy}>{t('campaignForm.open')}</button>
    </form>
  )
}
