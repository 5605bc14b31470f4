/** Entry: pick the API host (Electron preload or browser mode), set up i18n, render. */
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import type { PolityClient } from '@polity/api'
import { createWsClient } from './client/ws-client'
import { serverKnowsToken } from './client/hello'
import { desktopClient } from './client/desktop'
import { setupI18n } from './i18n/index'
import { ApiContext } from './api-context'
import { App } from './App'
import './theme.css'
import './styles.css'
import './layout.css'

function browserModeClient(): PolityClient & { onConnection?: (l: (c: boolean) => void) => () => void } {
  const fromHash = new URLSearchParams(location.hash.slice(1)).get('token')
  if (fromHash) {
    sessionStorage.setItem('polity.token', fromHash)
    history.replaceState(null, '', location.pathname)
  }
  const token = sessionStorage.getItem('polity.token') ?? ''
  // BRIDGE-10: the token goes only to a server that proves it knows it.
  return createWsClient(`ws://${location.host}/api?token=${encodeURIComponent(token)}`, { verify: () => serverKnowsToken(location.origin, token) })
}

const client = desktopClient() ?? browserModeClient()
await setupI18n()
createRoot(document.getElementById('root') as HTMLElement).render(
  <StrictMode>
    <ApiContext.Provider value={client}>
      <App />
    </ApiContext.Provider>
  </StrictMode>,
)
