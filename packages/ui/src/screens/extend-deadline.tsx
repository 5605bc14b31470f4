/**
 * Extending a deadline (EXTEND-1..3): the author of an open proposal moves
 * its deadline some hours later; shown only when the node says the member is
 * its author and it is open (the row's `canWithdraw`: the same two
 * conditions). The replica has the last word; a refusal names the rule.
 */
import { useId, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { CommunityId, OpId } from '@polity/api'
import { messageOf, useApi } from '../api-context'
import { ErrorText } from './widgets'

export function ExtendDeadline({ id, proposal, onChange }: { id: CommunityId; proposal: OpId; onChange: () => void }): React.JSX.Element {
  const api = useApi()
  const { t } = useTranslation()
  const fieldId = useId()
  const helpId = useId()
  const [hours, setHours] = useState('24')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const n = Number(hours)
  const valid = hours.trim() !== '' && Number.isFinite(n) && n > 0 && n <= 366 * 24
  const extend = async (): Promise<void> => {
    setError(null)
    setBusy(true)
    try {
      await api.extendProposal({ community: id, proposal, hours: n })
      onChange()
    } catch (e) {
      setError(messageOf(e))
    } finally {
      setBusy(false)
    }
  }
  return (
    <form className="row extend" data-testid="extend-deadline" onSubmit={(e) => {
      e.preventDefault()
      if (valid && !busy) void extend()
    }}>
      <div className="field">
        <label htmlFor={fieldId}>{t('proposals.extendHours')}</label>
        <input id={fieldId} type="number" min={1} max={366 * 24} step={1} data-testid="extend-hours" aria-describedby={helpId} value={hours} onChange={(e) => setHours(e.target.value)} />
      </div>
      <button type="submit" className="secondary" data-testid="extend-submit" disabled={!valid || busy}>{t('proposals.extend')}</button>
      <p id={helpId} className="muted small">{t('proposals.extendHelp')}</p>
      <ErrorText error={error} />
    </form>
  )
}
