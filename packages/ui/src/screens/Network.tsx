/** A community's network: online or not, sync progress, the peers heard from, and the browser relay. */
import { useTranslation } from 'react-i18next'
import type { CommunityId, SyncStatus } from '@polity/api'
import { useRelayStatus } from '../relays'
import { PeerList, SyncLine } from './sync-status'

export function Network({ id, sync }: { id: CommunityId; sync: SyncStatus }): React.JSX.Element {
  const { t } = useTranslation()
  const relay = useRelayStatus(id)
  return (
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
  )
}
