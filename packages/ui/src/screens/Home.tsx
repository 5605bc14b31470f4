/** Home: purpose, members, open proposals, sync at a glance, and recent activity (VIEW-4: the node's home view, refetched on events). */
import { useTranslation } from 'react-i18next'
import type { Activity, HomeView, SyncStatus } from '@polity/api'
import { displayName, When } from './common'
import { syncLineOf } from './sync-status'
import { Identicon } from '../look/Identicon'

function activityText(a: Activity, t: (k: string, o?: Record<string, unknown>) => string): string {
  const name = a.member === null ? '' : displayName(a.name, a.member)
  return a.kind === 'ratified' ? t('activity.ratified', { n: a.version }) : t(`activity.${a.kind}`, { name, title: a.title ?? '' })
}

export function Home({ home, sync }: { home: HomeView; sync: SyncStatus | null }): React.JSX.Element {
  const { t } = useTranslation()
  return (
    <div>
      <dl className="facts">
        <dt>{t('home.purpose')}</dt><dd>{home.purpose}</dd>
        <dt>{t('home.members')}</dt><dd data-testid="member-count">{home.members}</dd>
        <dt>{t('home.open')}</dt><dd data-testid="open-count">{home.open}</dd>
        <dt>{t('home.decisions')}</dt><dd>{home.decided}</dd>
        <dt>{t('home.charter')}</dt><dd>{t('charter.version', { n: home.charterVersion })}</dd>
        <dt>{t('home.sync')}</dt><dd>{syncLineOf(t, sync ?? null)}</dd>
      </dl>
      <h2>{t('home.activity')}</h2>
      {home.activity.length === 0 ? <p className="muted">{t('home.noActivity')}</p> : (
        <ol className="activity" data-testid="activity">
          {home.activity.map((a) => <li key={a.key}>{a.member !== null && <><Identicon value={a.member} size={16} /> </>}<When time={a.time} /> · {activityText(a, t)}</li>)}
        </ol>
      )}
    </div>
  )
}
