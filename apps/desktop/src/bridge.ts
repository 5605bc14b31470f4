/**
 * DESK-1: the IPC side of the preload's bridge. One channel per API method and
 * per device-settings method, each refusing any sender but our own window's
 * main frame. Results travel as `{ok, value}` or `{ok: false, error}` so the
 * UI sees the node's own message and code (Electron would prefix them).
 */
import { ipcMain, type IpcMainEvent, type IpcMainInvokeEvent } from 'electron'
import { API_METHODS, checkApiInput, type ApiMethod, type DeviceSettings, type PolityClient, type PolityDevice } from '@polity/api'
import { DEVICE_METHODS, DEVICE_PREFIX, INVOKE_PREFIX, READY_CHANNEL } from './ipc'

export type Reply = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: { readonly name: string; readonly code: string; readonly message: string } }

export interface BridgeOptions {
  readonly node: PolityClient
  readonly device: PolityDevice
  readonly trusted: (e: IpcMainInvokeEvent | IpcMainEvent) => boolean
  /** After a call succeeded: the remembered passphrase follows unlock, lock and passphrase changes (DESK-5). */
  readonly after: (method: ApiMethod, input: unknown) => Promise<void>
  /** The UI subscribed to events (deep links that waited are handed over, DESK-2). */
  readonly uiListening: () => void
}

const REFUSED: Reply = { ok: false, error: { name: 'RefusedError', code: 'ERR_UNTRUSTED_SENDER', message: 'Refused: this window may not call Polity.' } }

async function reply(work: () => Promise<unknown>): Promise<Reply> {
  try {
    return { ok: true, value: await work() }
  } catch (e) {
    const err = e as { name?: unknown; code?: unknown; message?: unknown }
    return { ok: false, error: { name: String(err.name ?? 'Error'), code: typeof err.code === 'string' ? err.code : 'ERR_FAILED', message: String(err.message ?? e) } }
  }
}

export function registerBridge(o: BridgeOptions): void {
  for (const method of API_METHODS) {
    ipcMain.handle(`${INVOKE_PREFIX}${method}`, async (e, input: unknown) => {
      if (!o.trusted(e)) return REFUSED
      return reply(async () => {
        // BRIDGE-5: every input key is one the method takes (checked as own names) before the node sees it.
        checkApiInput(method, input)
        const fn = o.node[method] as (x: unknown) => Promise<unknown>
        const value = await fn.call(o.node, input)
        await o.after(method, input).catch((err: unknown) => console.warn(`after ${method}: ${(err as Error).message}`))
        return value
      })
    })
  }
  for (const method of DEVICE_METHODS) {
    ipcMain.handle(`${DEVICE_PREFIX}${method}`, async (e, input: unknown) => {
      if (!o.trusted(e)) return REFUSED
      return reply(() => (method === 'getSettings' ? o.device.getSettings() : o.device.setSettings(input as Partial<DeviceSettings>)))
    })
  }
  ipcMain.on(READY_CHANNEL, (e) => {
    if (o.trusted(e)) o.uiListening()
  })
}
