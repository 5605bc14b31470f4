/**
 * DESK-1: the IPC side of the preload's bridge. One channel per API method and
 * per device-settings method, each refusing any sender but our own window's
 * main frame. An API call is answered by `serve` (the same checks, dispatch
 * and error contract as every host: BRIDGE-5, BRIDGE-6), so the reply carries
 * the node's own name, code and message — `ipcMain.handle` would drop a thrown
 * error's name and code and prefix its message.
 */
import { ipcMain, type IpcMainEvent, type IpcMainInvokeEvent } from 'electron'
import {
  API_METHODS, ApiError, DEVICE_METHODS, errorReply, serve, settle,
  type ApiMethod, type ApiReply, type DeviceSettings, type PolityClient, type PolityDevice,
} from '@polity/api'
import { DEVICE_PREFIX, INVOKE_PREFIX, READY_CHANNEL } from './ipc'

export interface BridgeOptions {
  readonly node: PolityClient
  readonly device: PolityDevice
  readonly trusted: (e: IpcMainInvokeEvent | IpcMainEvent) => boolean
  /** After a call succeeded: the remembered passphrase follows unlock, lock and passphrase changes (DESK-5). */
  readonly after: (method: ApiMethod, input: unknown) => Promise<void>
  /** The UI subscribed to events (deep links that waited are handed over, DESK-2). */
  readonly uiListening: () => void
}

const REFUSED: ApiReply = errorReply(new ApiError('RefusedError', 'ERR_UNTRUSTED_SENDER', 'Refused: this window may not call Polity.'))

export function registerBridge(o: BridgeOptions): void {
  for (const method of API_METHODS) {
    ipcMain.handle(`${INVOKE_PREFIX}${method}`, async (e, input: unknown): Promise<ApiReply> => {
      if (!o.trusted(e)) return REFUSED
      const reply = await serve(o.node, { method, input })
      if (reply.ok) await o.after(method, input).catch((err: unknown) => console.warn(`after ${method}: ${(err as Error).message}`))
      return reply
    })
  }
  for (const method of DEVICE_METHODS) {
    ipcMain.handle(`${DEVICE_PREFIX}${method}`, async (e, input: unknown): Promise<ApiReply> => {
      if (!o.trusted(e)) return REFUSED
      return settle(() => (method === 'getSettings' ? o.device.getSettings() : o.device.setSettings(input as Partial<DeviceSettings>)))
    })
  }
  ipcMain.on(READY_CHANNEL, (e) => {
    if (o.trusted(e)) o.uiListening()
  })
}
