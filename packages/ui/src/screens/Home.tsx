/** Home: purpose, members, open proposals, sync at a glance, and recent activity from the community's state. */
import { useTranslation } from 'react-i18next'
import type { CommunityState, SyncStatus } from '@polity/api'
import { nameOf, When } from './common'

interface Activity {
  readonly time: number
  readonly key: string
  readonly text: string
}

/** What happened, newest first, from the folded state (times are the authors' claimed times). */
function activityOf(state: CommunityState, t: (k: string, o?: Record<string, unknown>) => string): Activity[] {
  const out: Activity[] = []
  for (const m of state.members) {
    out.push({ time: m.since, key: `m${m.id}`, text: m.seniority === 0 ? t('activity.founded', { name: m.name ?? '?' }) : t('activity.joined', { name: m.name ?? `${m.id.slice(0, 8)}…` }) })
  }
  for (const f of state.former) out.push({ time: f.time, key: `f${f.id}`, text: t(f.how === 'left' ? 'activity.left' : 'activity.removed', { name: f.name ?? `${f.id.slice(0, 8)}…` }) })
  for (const p of state.proposals) {
    out.push({ time: p.created, key: `p${p.id}`, text: t('activity.proposed', { name: nameOf(state, p.author), title: p.title }) })
    for (const v of p.votes) out.push({ time: v.time, key: `v${v.op}`, text: t('activity.voted', { name: nameOf(state, v.member), title: p.title }) })
    for (const c of p.comments) out.push({ time: c.time, key: `c${c.id}`, text: t('activity.commented', { name: nameOf(state, c.author), title: p.title }) })
  }
  for (const v of state.charter.versions) {
    if (v.version > 0) out.push({ time: v.time, key: `r${v.version}`, text: t('activity.ratified', { n: v.version }) })
  }
  return out.sort((a, b) => b.time - a.time).slice(0, 12)
}

export function Home({ state, sync }: { state: CommunityState; sync: SyncStatus | null }): React.JSX.Element {
  const { t } = useTranslation()
  const activity = activityOf(state, t)
  const settled = state.proposals.filter((p) => p.outcome).length
  return (
    <div>
      <dl className="facts">
        <dt>{t('home.purpose')}</dt><dd>{state.purpose}</dd>
        <dt>{t('home.members')}</dt><dd data-testid="member-count">{state.members.length}</dd>
        <dt>{t('home.open')}</dt><dd data-testid="open-count">{state.proposals.filter((p) => p.status === 'open').length}</dd>
        <dt>{t('home.decisions')}</dt><dd>{settled}</dd>
        <dt>{t('home.charter')}</dt><dd>{t('charter.version', { n: state.charter.versions.length - 1 })}</dd>
        <dt>{t('home.sync')}</dt><dd>{sync?.online ? t('sync.online', { peers: sync.peers.length }) : t('sync.offline')}</dd>
      </dl>
      <h2>{t('home.activity')}</h2>
      {activity.length === 0 ? <p className="muted">{t('home.noActivity')}</p> : (
        <ol className="activity" data-testid="activity">
          {activity.map((a) => <li key={a.key}><When time={a.time} /> · {a.text}</li>)}
        </ol>
      )}
    </div>
  )
}
