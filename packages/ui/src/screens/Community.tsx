/** One community: home, roster, proposals, charter, map, campaigns, census, fork, network and settings. */
import { lazy, Suspense, useCallback, useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { CommunityId, SyncStatus } from '@polity/api'
import { useApi } from '../api-context'
import { useView } from './common'
import { ErrorText } from './widgets'
import { ProgressBar } from './progress'
import { useRelayStatus } from '../relays'
import { Proposals } from './Proposals'
import { Charter } from './Charter'
import { Roster } from './Roster'
import { Settings } from './Settings'
import { Relations } from './relations/Relations'
import { Home } from './Home'
import { Fork } from './Fork'
import { LineageNote, parentLabel } from './lineage'
import { JoinBanner } from './join-status'
import { PeerList, SyncLine } from './sync-status'

// Territory, campaigns and census load on first use: the basemap and the chart code stay out of the first bundle.
const Places = lazy(() => import('./territory/Places').then((m) => ({ default: m.Places })))
const Campaigns = lazy(() => import('./territory/Campaigns').then((m) => ({ default: m.Campaigns })))
const Census = lazy(() => import('./territory/Census').then((m) => ({ default: m.Census })))

type Tab = 'home' | 'roster' | 'proposals' | 'charter' | 'map' | 'campaigns' | 'census' | 'relations' | 'fork' | 'network' | 'settings'
const TABS: Tab[] = ['home', 'roster', 'proposals', 'charter', 'map', 'campaigns', 'census', 'relations', 'fork', 'network', 'settings']

export function CommunityScreen({ id, onBack, onLock, onOpen }: { id: CommunityId; onBack: () => void; onLock: () => void; onOpen: (id: CommunityId) => void }): React.JSX.Element {
  const api = useApi()
  const { t } = useTranslation()
  const [tab, setTab] = useState<Tab>('home')
  const [sync, setSync] = useState<SyncStatus | null>(null)
  const relay = useRelayStatus(id)
  // VIEW-4, BRIDGE-8: the header and home read the home view, refetched when an event names a part it shows; no polling.
  const { value: home, error } = useView(id, ['roster', 'proposals', 'charter'], () => api.homeView({ community: id }), [id])
  const refreshSync = useCallback(() => {
    api.syncStatus({ community: id }).then(setSync, () => undefined)
  }, [api, id])
  useEffect(() => {
    refreshSync()
    // No event says a peer went away: only the small sync status is asked again, every 10 s.
    const timer = setInterval(refreshSync, 10_000)
    const un = api.subscribe((e) => {
      // BRIDGE-7: a completed sync session brings the status with it.
      if (e.type === 'sync' && e.community === id) setSync(e.status)
    })
    return () => {
      clearInterval(timer)
      un()
    }
  }, [api, id, refreshSync])
  return (
    <section className="card">
      <button type="button" className="link" data-testid="back" onClick={onBack}>← {t('nav.communities')}</button>
      <h1 data-testid="community-title">{home?.name ?? t('common.loading')}</h1>
      {home?.lineage && <p className={home.lineage.status === 'false' ? 'banner' : 'muted'}><LineageNote lineage={home.lineage} name={parentLabel(home.lineage)} /></p>}
      {home?.loading && <p role="status" className="muted" data-testid="reloading">{t('community.reloading')}</p>}
      <ProgressBar tasks={['replay', 'sync']} community={id} />
      <JoinBanner community={id} onCancelled={onBack} />
      <nav className="tabs" aria-label={home?.name ?? ''}>
        {TABS.map((x) => (
          <button key={x} type="button" aria-current={tab === x ? 'page' : undefined} data-testid={`tab-${x}`} onClick={() => setTab(x)}>{t(`nav.${x}`)}</button>
        ))}
      </nav>
      <ErrorText error={error} />
      {home && tab === 'home' && <Home home={home} sync={sync} />}
      {home && tab === 'roster' && <Roster id={id} />}
      {home && tab === 'proposals' && <Proposals id={id} />}
      {home && tab === 'charter' && <Charter id={id} />}
      {home && tab === 'relations' && <Relations id={id} />}
      <Suspense fallback={<p>{t('common.loading')}</p>}>
        {home && tab === 'map' && <Places id={id} />}
        {home && tab === 'campaigns' && <Campaigns id={id} />}
        {home && tab === 'census' && <Census id={id} />}
      </Suspense>
      {home && tab === 'fork' && <Fork id={id} onOpen={onOpen} />}
      {tab === 'network' && sync && (
        <div>
          <SyncLine sync={sync} />
          <label htmlFor="sync-progress">{t('network.progress', { received: sync.received, known: sync.known })}</label>
          <progress id="sync-progress" max={Math.max(1, sync.known)} value={sync.received} />
          <h2>{t('network.peers')}</h2>
          <PeerList sync={sync} />
          <h2>{t('relay.title')}</h2>
          <p data-testid="relay-status" data-peers={relay?.peers ?? 0}>
            {!relay || relay.state === 'starting' ? t('common.loading')
              : relay.state === 'off' ? t('relay.off')
              : relay.state === 'error' ? t('relay.error', { error: relay.error ?? '' })
              : t('relay.on', { peers: relay.peers, offered: relay.offered, applied: relay.applied, rejected: relay.rejected })}
          </p>
        </div>
      )}
      {tab === 'settings' && <Settings id={id} onLock={onLock} />}
    </section>
  )
}
