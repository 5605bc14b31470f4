/**
 * Top level: onboarding, unlock, or the shell — the sidebar of communities and
 * the open place, which lives in the address's hash (routes.ts) so Back,
 * Forward, reload and links work.
 */
import { useCallback, useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Router, useLocation } from 'wouter'
import { useHashLocation } from 'wouter/use-hash-location'
import type { IdentityStatus } from '@polity/api'
import { useApi } from './api-context'
import { Onboarding, Unlock } from './screens/Onboarding'
import { Communities } from './screens/Communities'
import { CommunityScreen } from './screens/Community'
import { RelayHost } from './relays'
import { Sidebar } from './Sidebar'
import { ThemeSelect } from './look/ThemeSelect'
import { useTheme } from './look/theme'
import { communityPath, placeOf } from './routes'

/** After this long without the node, the banner says it stopped or restarted instead of "Reconnecting…". */
const LOST_AFTER_MS = 8000

export function App(): React.JSX.Element {
  return (
    <Router hook={useHashLocation}>
      <Shell />
    </Router>
  )
}

function useConnection(onBack: () => void): { connected: boolean; lost: boolean } {
  const api = useApi()
  const [connected, setConnected] = useState(true)
  const [lost, setLost] = useState(false)
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined
    const onConn = (api as { onConnection?: (l: (c: boolean) => void) => () => void }).onConnection
    const un = onConn?.((c) => {
      setConnected(c)
      if (c) {
        if (timer) clearTimeout(timer)
        timer = undefined
        setLost(false)
        onBack()
      } else timer ??= setTimeout(() => setLost(true), LOST_AFTER_MS)
    })
    return () => {
      un?.()
      if (timer) clearTimeout(timer)
    }
  }, [api, onBack])
  return { connected, lost }
}

function Shell(): React.JSX.Element {
  const api = useApi()
  const { t } = useTranslation()
  useTheme()
  const [path, navigate] = useLocation()
  const place = placeOf(path)
  const [status, setStatus] = useState<IdentityStatus | null>(null)
  // Once onboarding starts it stays until the recovery phrase is confirmed, even though the node
  // reports the new identity as unlocked as soon as it exists.
  const [onboarding, setOnboarding] = useState(false)
  // DESK-2: a polity://join link the desktop app was opened with, shown on the Join screen once unlocked.
  const [joinLink, setJoinLink] = useState<string | null>(null)
  useEffect(() => {
    if (status?.state === 'none') setOnboarding(true)
  }, [status])
  const refresh = useCallback(() => {
    api.identityStatus().then(setStatus, () => setStatus(null))
  }, [api])
  const { connected, lost } = useConnection(refresh)
  useEffect(() => {
    refresh()
    return api.subscribe((e) => {
      if (e.type === 'identity') setStatus(e.status)
      else if (e.type === 'deepLink') {
        setJoinLink(e.url)
        navigate('/')
      }
    })
  }, [api, refresh, navigate])
  const open = (id: string): void => navigate(communityPath(id as never))
  const unlocked = !onboarding && status?.state === 'unlocked'
  return (
    <div className="app">
      <header className="topbar">
        <span className="brand">{t('app.name')}</span>
        <span className="tagline">{t('app.tagline')}</span>
        <ThemeSelect />
      </header>
      {!connected && <div role="alert" className="banner" data-testid="connection-banner">{lost ? t('app.lost') : t('app.disconnected')}</div>}
      <RelayHost active={status?.state === 'unlocked'}>
        {unlocked ? (
          <div className="shell">
            <Sidebar place={place} me={status?.member ?? null} />
            <main className="main">
              {place.community
                ? <CommunityScreen key={place.community} id={place.community} place={place} onBack={() => navigate('/')} onLock={refresh} onOpen={open} />
                : <Communities onOpen={open} joinLink={joinLink} onJoinLinkShown={() => setJoinLink(null)} />}
            </main>
          </div>
        ) : (
          <main className="main narrow">
            {status === null && <p>{t('common.loading')}</p>}
            {onboarding && <Onboarding onDone={() => {
              setOnboarding(false)
              refresh()
            }} />}
            {!onboarding && status?.state === 'locked' && <Unlock onDone={refresh} />}
          </main>
        )}
      </RelayHost>
    </div>
  )
}
