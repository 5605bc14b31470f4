/**
 * The sidebar, as in a chat app: your communities (emblem, name, a badge with
 * the proposals new since this device last looked), and under the open one
 * its sections (home, roster, proposals, charter, map, …) as links.
 */
import { useCallback, useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Link } from 'wouter'
import type { CommunityId, CommunitySummary, MemberId } from '@polity/api'
import { useApi } from './api-context'
import { Emblem } from './look/Identicon'
import { useUnreadCount } from './look/unread'
import { communityPath, SECTIONS, type Place } from './routes'

function UnreadBadge({ id, me }: { id: CommunityId; me: MemberId | null }): React.JSX.Element | null {
  const { t } = useTranslation()
  const n = useUnreadCount(id, me)
  if (n === 0) return null
  return <span className="badge unread" data-testid="unread-badge" title={t('unread.newProposals', { count: n })}><span aria-hidden="true">{n}</span><span className="visually-hidden">{t('unread.newProposals', { count: n })}</span></span>
}

export function Sidebar({ place, me }: { place: Place; me: MemberId | null }): React.JSX.Element {
  const api = useApi()
  const { t } = useTranslation()
  const [list, setList] = useState<CommunitySummary[] | null>(null)
  const refresh = useCallback(() => {
    api.listCommunities().then(setList, () => undefined)
  }, [api])
  useEffect(() => {
    refresh()
    const un = api.subscribe((e) => {
      if (e.type === 'communities' || (e.type === 'community' && e.parts.includes('roster'))) refresh()
    })
    const onConn = (api as { onConnection?: (l: (c: boolean) => void) => () => void }).onConnection
    const un2 = onConn?.((c) => {
      if (c) refresh()
    })
    return () => {
      un()
      un2?.()
    }
  }, [api, refresh])
  const active = list?.find((c) => c.id === place.community)
  // The open community is listed even before the list catches up (just founded, joined or forked).
  const shown: { id: CommunityId; name: string; pendingJoin: boolean }[] = [...(list ?? [])]
  if (place.community && !active) shown.push({ id: place.community, name: '', pendingJoin: false })
  return (
    <nav className="sidebar" aria-label={t('nav.sidebar')} data-testid="sidebar">
      <h2 className="sidebar-title">{t('nav.sidebar')}</h2>
      <ul className="side-list" data-testid="sidebar-communities">
        {shown.map((c) => (
          <li key={c.id}>
            <Link href={communityPath(c.id)} className="side-item" aria-current={c.id === place.community ? 'page' : undefined} data-testid="sidebar-community">
              <Emblem id={c.id} size={28} />
              <span className="side-name">{c.name || `${c.id.slice(0, 12)}…`}</span>
              {!c.pendingJoin && <UnreadBadge id={c.id} me={me} />}
            </Link>
            {c.id === place.community && (
              <ul className="sections" aria-label={active?.name || t('nav.sections')}>
                {SECTIONS.map((s) => (
                  <li key={s}>
                    <Link href={communityPath(c.id, s)} className="section-link" aria-current={place.section === s ? 'page' : undefined} data-testid={`tab-${s}`}>{t(`nav.${s}`)}</Link>
                  </li>
                ))}
              </ul>
            )}
          </li>
        ))}
      </ul>
      <Link href="/" className="side-item side-add" aria-current={place.community === null ? 'page' : undefined} data-testid="sidebar-home">
        <span className="side-plus" aria-hidden="true">+</span>
        <span className="side-name">{t('nav.foundOrJoin')}</span>
      </Link>
    </nav>
  )
}
