/**
 * The preload: the renderer's only door to the node (DESK-1). It exposes two
 * transports — `window.polity` ({invoke, subscribe}) and
 * `window.polityDevice` ({invoke}) — whose calls are answered with plain
 * replies (BRIDGE-6); the page builds its clients on them
 * (packages/ui/src/client/desktop.ts), because an Error crossing Electron's
 * context bridge keeps only its message. Each call is one ipcRenderer.invoke
 * on its method's own channel; a method or input the API does not take is
 * answered here by the same check main runs (BRIDGE-5) and never crosses IPC.
 * Nothing else — no ipcRenderer, no Node — crosses into the page.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import { API_METHODS, ApiError, DEVICE_METHODS, checkApiInput, errorReply, type ApiReply, type PolityEvent } from '@polity/api'
import { DEVICE_PREFIX, EVENT_CHANNEL, INVOKE_PREFIX, READY_CHANNEL } from './ipc'

const apiChannels = new Map<string, string>(API_METHODS.map((m) => [m, `${INVOKE_PREFIX}${m}`]))
const deviceChannels = new Map<string, string>(DEVICE_METHODS.map((m) => [m, `${DEVICE_PREFIX}${m}`]))

async function overIpc(channel: string, input: unknown): Promise<ApiReply> {
  try {
    return (await ipcRenderer.invoke(channel, input)) as ApiReply
  } catch (e) {
    // IPC itself failed (an input structured clone cannot copy, main gone): still a reply.
    return errorReply(new ApiError('BridgeError', 'ERR_BRIDGE_MESSAGE', `The call did not reach Polity: ${(e as Error).message}`))
  }
}

async function invoke(method: string, input: unknown): Promise<ApiReply> {
  try {
    checkApiInput(method, input)
  } catch (e) {
    return errorReply(e)
  }
  return overIpc(apiChannels.get(method) as string, input)
}

async function invokeDevice(method: string, input: unknown): Promise<ApiReply> {
  const channel = typeof method === 'string' ? deviceChannels.get(method) : undefined
  if (channel === undefined) return errorReply(new ApiError('BridgeError', 'ERR_UNKNOWN_METHOD', 'Unknown device method.'))
  return overIpc(channel, input)
}

let told = false
function subscribe(listener: (event: PolityEvent) => void): () => void {
  const handler = (_e: IpcRendererEvent, event: PolityEvent): void => listener(event)
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

contextBridge.exposeInMainWorld('polity', Object.freeze({ invoke, subscribe }))
contextBridge.exposeInMainWorld('polityDevice', Object.freeze({ invoke: invokeDevice }))
