/**
 * The preload: the renderer's only door to the node. It exposes
 * `window.polity` with one function per API method (each a single
 * ipcRenderer.invoke on its own channel) plus `subscribe`, and
 * `window.polityDevice` with the desktop settings (DESK-3..6). Nothing else —
 * no ipcRenderer, no Node — crosses into the page.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import { API_METHODS, ApiError } from '@polity/api'
import { DEVICE_METHODS, DEVICE_PREFIX, EVENT_CHANNEL, INVOKE_PREFIX, READY_CHANNEL } from './ipc'
import type { Reply } from './bridge'

async function call(channel: string, input: unknown): Promise<unknown> {
  const r = (await ipcRenderer.invoke(channel, input)) as Reply
  if (r.ok) return r.value
  throw new ApiError(r.error.name, r.error.code, r.error.message)
}

const api: Record<string, unknown> = {}
for (const method of API_METHODS) api[method] = (input?: unknown) => call(`${INVOKE_PREFIX}${method}`, input)
let told = false
api['subscribe'] = (listener: (event: unknown) => void) => {
  const handler = (_e: IpcRendererEvent, event: unknown): void => listener(event)
  ipcRenderer.on(EVENT_CHANNEL, handler)
  // The first listener means the UI is up: main hands over deep links that arrived before it (DESK-2).
  if (!told) {
    told = true
    ipcRenderer.send(READY_CHANNEL)
  }
  return () => {
    ipcRenderer.removeListener(EVENT_CHANNEL, handler)
  }
}

const device: Record<string, unknown> = {}
for (const method of DEVICE_METHODS) device[method] = (input?: unknown) => call(`${DEVICE_PREFIX}${method}`, input)

contextBridge.exposeInMainWorld('polity', Object.freeze(api))
contextBridge.exposeInMainWorld('polityDevice', Object.freeze(device))
