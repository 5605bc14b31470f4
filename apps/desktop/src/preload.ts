/**
 * The preload: the renderer's only door to the node. It exposes
 * `window.polity` with one function per API method (each a single
 * ipcRenderer.invoke on its own channel) plus `subscribe`. Nothing else —
 * no ipcRenderer, no Node — crosses into the page.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import { API_METHODS } from '@polity/api'
import { EVENT_CHANNEL, INVOKE_PREFIX } from './ipc'

const api: Record<string, unknown> = {}
for (const method of API_METHODS) {
  api[method] = (input?: unknown) => ipcRenderer.invoke(`${INVOKE_PREFIX}${method}`, input)
}
api['subscribe'] = (listener: (event: unknown) => void) => {
  const handler = (_e: IpcRendererEvent, event: unknown): void => listener(event)
  ipcRenderer.on(EVENT_CHANNEL, handler)
  return () => {
    ipcRenderer.removeListener(EVENT_CHANNEL, handler)
  }
}

contextBridge.exposeInMainWorld('polity', Object.freeze(api))
