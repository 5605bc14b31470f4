/** @polity/ui — the React UI (built with Vite) and its API clients. */
export { createWsClient, type WsClient, type ConnectionListener } from './client/ws-client'
export { desktopClient, desktopDevice } from './client/desktop'
