/**
 * One community: a header with its emblem and name, then the section the
 * address names (home, roster, proposals, charter, map, campaigns, census,
 * relations, fork, network, settings); the sections are linked from the sidebar.
 */
import { lazy, Suspense, useCallback, useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { CommunityId, SyncStatus } from '@polity/api'
import { useApi } from '../api-context'
import { useView } from './common'
import { ErrorText } from './widgets'
import { ProgressBar } from './progress'
import { Proposals } from './Proposals'
import { Charter } from './Charter'
import { Roster } from './Roster'
import { Settings } from './Settings'
import { Relations } from './relations/Relations'
import { Home } from './Home'
import { Fork } from './Fork'
import { Network } from './Network'
import { LineageNote, parentLabel } from './lineage'
import { JoinBanner } from './join-status'
import { Emblem } from '../look/Identicon'
import type { Place } from '../routes'

// Territory, campaigns and census load on first use: the basemap and the chart code stay out of the first bundle.
const Places = lazy(() => import('./territory/Places').then((m) => ({ default: m.Places })))
const Campaigns = lazy(() => import('./territory/Campaigns').then((m) => ({ default: m.Campaigns })))
const Census = lazy(() => import('./territory/Census').then((m) => ({ default: m.Census })))

export function CommunityScreen({ id, place, onBack, onLock, onOpen }: { id: CommunityId; place: Place; onBack: () => void; onLock: () => void; onOpen: (id: CommunityId) => void }): React.JSX.Element {
  const api = useApi()
  const { t } = useTranslation()
  const tab = place.section
  const [sync, setSync] = useState<SyncStatus | null>(null)
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
    <section className="card community" aria-labelledby="community-title">
      <button type="button" className="link back" data-testid="back" onClick={onBack}><span aria-hidden="true" className="flip">←</span> {t('nav.communities')}</button>
      <header className="community-header">
        <Emblem id={id} size={48} />
        <div>
          <h1 id="community-title" data-testid="community-title">{home?.name ?? t('common.loading')}</h1>
          <p className="muted small">{t(`nav.${tab}`)}</p>
        </div>
      </header>
      {home?.lineage && <p className={home.lineage.status === 'false' ? 'banner' : 'muted'}><LineageNote lineage={home.lineage} name={parentLabel(home.lineage)} /></p>}
      {home?.loading && <p role="status" className="muted" data-testid="reloading">{t('community.reloading')}</p>}
      <ProgressBar tasks={['replay', 'sync']} community={id} />
      <JoinBanner community={id} onCancelled={onBack} />
      <ErrorText error={error} />
      {home && tab === 'home' && <Home home={home} sync={sync} />}
      {home && tab === 'roster' && <Roster id={id} />}
      {home && tab === 'proposals' && <Proposals id={id} open={place.proposal} />}
      {home && tab === 'charter' && <Charter id={id} version={place.version} />}
      {home && tab === 'relations' && <Relations id={id} />}
      <Suspense fallback={<p>{t('common.loading')}</p>}>
        {home && tab === 'map' && <Places id={id} />}
        {home && tab === 'campaigns' && <Campaigns id={id} />}
        {home && tab === 'census' && <Census id={id} />}
      </Suspense>
      {home && tab === 'fork' && <Fork id={id} onOpen={onOpen} />}
      {tab === 'network' && sync && <Network id={id} sync={sync} />}
      {tab === 'settings' && <Settings id={id} onLock={onLock} />}
    </section>
  )
}
