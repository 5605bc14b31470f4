/**
 * One campaign: what it is for, its progress, the outcome once closed, this
 * member's pledge, close (canClose), the ledger with export, and a
 * treasurer's receipts (canRecord). Everything as the node computed it.
 */
import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { CommunityId, OpId } from '@polity/api'
import { messageOf } from '../../api-context'
import { ErrorText } from '../widgets'
import { CAMPAIGN_PARTS, useTerritoryApi } from './api'
import { useView } from '../common'
import { useAmountText } from './amounts'
import { formatDateTime } from './format'
import { Ledger, ReceiptForm } from './ledger'
import { PledgeControl } from './pledge'
import { CampaignProgress } from './Progress'
import { displayName } from '../common'
import type { CampaignDetail } from './types'

function Outcome({ c }: { c: CampaignDetail }): React.JSX.Element | null {
  const { t } = useTranslation()
  const text = useAmountText(c.goal)
  if (c.status !== 'closed') return null
  const key = c.met ? `campaign.outcome.met.${c.model}` : `campaign.outcome.notMet.${c.model}`
  return (
    <div className={`outcome ${c.met ? 'passed' : 'failed'}`} data-testid="campaign-outcome" data-met={String(c.met)}>
      <h4>{c.met ? t('campaign.met') : t('campaign.notMet')}</h4>
      <p>{t(key, { pledged: text(c.pledged) })}</p>
    </div>
  )
}

function CloseControl({ community, c, onDone }: { community: CommunityId; c: CampaignDetail; onDone: () => void }): React.JSX.Element | null {
  const api = useTerritoryApi()
  const { t } = useTranslation()
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  if (c.status === 'closed') return null
  if (!c.canClose) return <p className="muted small" data-testid="close-later">{c.deadline > Date.now() ? t('campaign.closeAfter') : t('campaign.closeNotYou')}</p>
  const close = async (): Promise<void> => {
    setBusy(true)
    setError(null)
    try {
      await api.closeCampaign({ community, campaign: c.id })
      onDone()
    } catch (e) {
      setError(messageOf(e))
    } finally {
      setBusy(false)
    }
  }
  return (
    <div>
      <button type="button" data-testid="close-campaign" disabled={busy} onClick={() => void close()}>{t('campaign.close')}</button>
      <ErrorText error={error} />
    </div>
  )
}

export function CampaignPage({ community, campaign, onBack }: { community: CommunityId; campaign: OpId; onBack: () => void }): React.JSX.Element {
  const api = useTerritoryApi()
  const { t, i18n } = useTranslation()
  const { value: c, error, refetch } = useView(community, CAMPAIGN_PARTS, () => api.campaignView({ community, campaign }), [campaign])
  // No event marks the deadline passing: ask again just after it, so pledging stops and closing opens on time.
  const wait = c && c.status === 'open' ? c.deadline - Date.now() + 1000 : -1
  useEffect(() => {
    if (wait < 0 || wait > 2 ** 31 - 1) return
    const timer = setTimeout(refetch, wait)
    return () => clearTimeout(timer)
  }, [wait > 0, c?.deadline, refetch])
  return (
    <article data-testid="campaign-page">
      <button type="button" className="link" data-testid="campaign-back" onClick={onBack}>← {t('campaign.all')}</button>
      <ErrorText error={error} />
      {!c ? (!error && <p>{t('common.loading')}</p>) : (
        <>
          <h2 data-testid="campaign-title"><bdi>{c.title}</bdi></h2>
          <p className="muted">
            {t(`campaign.model.${c.model}`)} · {t('campaign.deadline', { date: formatDateTime(c.deadline, i18n.language) })} · {t(`campaign.status.${c.status}`)} · {t('campaign.openedBy', { name: displayName(c.ledger.find((r) => r.member === c.createdBy)?.name ?? null, c.createdBy) })}
          </p>
          {c.text !== '' && <p className="proposal-text">{c.text}</p>}
          <p className="muted small">{t(`campaign.modelNote.${c.model}`)}</p>
          <CampaignProgress c={c} />
          <Outcome c={c} />
          <CloseControl community={community} c={c} onDone={refetch} />
          <PledgeControl community={community} c={c} onDone={refetch} />
          <Ledger community={community} c={c} />
          {c.canRecord && <ReceiptForm community={community} c={c} onDone={refetch} />}
        </>
      )}
    </article>
  )
}
