/** Top level: onboarding, unlock, or the communities and one community's screens. */
import { useCallback, useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { CommunityId, IdentityStatus } from '@polity/api'
import { useApi } from './api-context'
import { Onboarding, Unlock } from './screens/Onboarding'
import { Communities } from './screens/Communities'
import { CommunityScreen } from './screens/Community'
import { RelayHost } from './relays'

export function App(): React.JSX.Element {
  const api = useApi()
  const { t } = useTranslation()
  const [status, setStatus] = useState<IdentityStatus | null>(null)
  const [open, setOpen] = useState<CommunityId | null>(null)
  const [connected, setConnected] = useState(true)
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
  useEffect(() => {
    refresh()
    const un = api.subscribe((e) => {
      if (e.type === 'identity') setStatus(e.status)
      else if (e.type === 'deepLink') {
        setJoinLink(e.url)
        setOpen(null)
      }
    })
    const onConn = (api as { onConnection?: (l: (c: boolean) => void) => () => void }).onConnection
    const un2 = onConn?.((c) => {
      setConnected(c)
      if (c) refresh()
    })
    return () => {
      un()
      un2?.()
    }
  }, [api, refresh])
  return (
    <div className="app">
      <header className="topbar">
        <span className="brand">{t('app.name')}</span>
        <span className="tagline">{t('app.tagline')}</span>
      </header>
      {!connected && <div role="alert" className="banner">{t('app.disconnected')}</div>}
      <RelayHost active={status?.state === 'unlocked'}>
      <main>
        {status === null && <p>{t('common.loading')}</p>}
        {onboarding && <Onboarding onDone={() => {
          setOnboarding(false)
          refresh()
        }} />}
        {!onboarding && status?.state === 'locked' && <Unlock onDone={refresh} />}
        {!onboarding && status?.state === 'unlocked' && (open
          ? <CommunityScreen key={open} id={open} onBack={() => setOpen(null)} onLock={refresh} onOpen={setOpen} />
          : <Communities onOpen={setOpen} joinLink={joinLink} onJoinLinkShown={() => setJoinLink(null)} />)}
      </main>
      </RelayHost>
    </div>
  )
}
