/**
 * Crowdfunding (issue 17 §2): the community's campaigns with their progress,
 * one campaign's page, and the form to open one. Polity moves no money: the
 * screen says so, and records pledges and receipts that any payment rail fulfils.
 */
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { CommunityId, OpId } from '@polity/api'
import { ErrorText } from '../widgets'
import { CAMPAIGN_PARTS, useTerritoryApi } from './api'
import { useView } from '../common'
import { CampaignPage } from './campaign-detail'
import { CampaignForm } from './campaign-form'
import { formatDateTime } from './format'
import { CampaignProgress } from './Progress'
import type { PlaceView } from './types'

export function Campaigns({ id }: { id: CommunityId }): React.JSX.Element {
  const api = useTerritoryApi()
  const { t, i18n } = useTranslation()
  const [open, setOpen] = useState<OpId | null>(null)
  const [creating, setCreating] = useState(false)
  const list = useView(id, CAMPAIGN_PARTS, () => api.campaignsView({ community: id }), [id])
  const places = useView(id, CAMPAIGN_PARTS, () => api.placesView({ community: id }), [id])
  const placeName = (p: OpId | null): string | null => (p === null ? null : places.value?.places.find((x) => x.id === p)?.name ?? null)
  return (
    <div data-testid="campaigns-screen">
      <p className="banner" role="note" data-testid="no-money-note">{t('campaign.noMoney')}</p>
      {open !== null ? <CampaignPage community={id} campaign={open} onBack={() => setOpen(null)} /> : (
        <>
          <ErrorText error={list.error} />
          {creating
            ? <>
                <CampaignForm community={id} places={places.value?.places ?? ([] as PlaceView[])} onDone={(c) => {
                  setCreating(false)
                  list.refetch()
                  setOpen(c)
                }} />
                <button type="button" className="secondary" onClick={() => setCreating(false)}>{t('common.cancel')}</button>
              </>
            : <button type="button" data-testid="show-open-campaign" onClick={() => setCreating(true)}>{t('campaign.new')}</button>}
          <h2>{t('campaign.list')}</h2>
          {!list.value ? (!list.error && <p>{t('common.loading')}</p>) : list.value.length === 0 ? <p className="muted" data-testid="no-campaigns">{t('campaign.none')}</p> : (
            <ul className="proposals">
              {list.value.map((c) => (
                <li key={c.id} className="proposal" data-testid="campaign" data-campaign={c.id} data-status={c.status}>
                  <h3><button type="button" className="link" data-testid="campaign-open" onClick={() => setOpen(c.id)}><bdi>{c.title}</bdi></button></h3>
                  <p className="muted small">
                    {t(`campaign.model.${c.model}`)} · {t(`campaign.status.${c.status}`)} · {t('campaign.deadline', { date: formatDateTime(c.deadline, i18n.language) })}
                    {placeName(c.place) !== null && <> · {t('campaign.forPlace', { name: placeName(c.place) })}</>}
                    {c.met !== null && <> · <strong>{c.met ? t('campaign.met') : t('campaign.notMet')}</strong></>}
                  </p>
                  <CampaignProgress c={c} />
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </div>
  )
}
