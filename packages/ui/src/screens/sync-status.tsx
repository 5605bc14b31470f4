/**
 * The sync status, truthful (SYNC-10, SYNC-11): one online state (offline,
 * looking for members, or how many members' devices are connected), peers
 * by the member they proved to be, heard times that refresh, and the count
 * against what the peers said they hold.
 */
import { useTranslation } from 'react-i18next'
import type { SyncStatus } from '@polity/api'
import { When } from './common'

/** SYNC-11: the one line that says whether this community is reachable now. */
export function syncLineOf(t: (k: string, o?: Record<string, unknown>) => string, sync: SyncStatus | null): string {
  if (!sync) return t('common.loading')
  if (sync.state === 'offline') return t('sync.offline')
  if (sync.state === 'searching') return t('sync.searching')
  return t('sync.connected', { count: sync.connected })
}

export function SyncLine({ sync }: { sync: SyncStatus }): React.JSX.Element {
  const { t } = useTranslation()
  return <p role="status" data-testid="sync-state" data-state={sync.state} className={sync.state === 'offline' ? 'banner' : ''}>{syncLineOf(t, sync)}</p>
}

/** SYNC-10: each peer by its member's name (or as an invitee's device), when it was last heard, what the last session moved. */
export function PeerList({ sync }: { sync: SyncStatus }): React.JSX.Element {
  const { t } = useTranslation()
  if (sync.peers.length === 0) return <p>{t('network.noPeers')}</p>
  return (
    <ul className="list" data-testid="peer-list">
      {sync.peers.map((p) => (
        <li key={p.peer} title={p.peer}>
          <bdi data-testid="peer-name">{p.memberName ?? (p.member ? t('network.unnamedMember') : t('network.invitee'))}</bdi>
          {' · '}{p.transport}{' · '}{t('network.heard')} <When time={p.lastHeard} />
          {' · '}{t('network.lastSync', { received: p.weLack, sent: p.theyLack, total: p.total })}
        </li>
      ))}
    </ul>
  )
}
