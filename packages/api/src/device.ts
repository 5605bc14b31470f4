/**
 * The desktop app's settings for this device (DESK-3..6). The Electron
 * preload exposes them as `window.polityDevice`, next to `window.polity`;
 * browser mode has no such object, and the UI shows these settings only where
 * it exists. They live in `<data dir>/desktop.json`.
 */
import { toApiError, unwrapReply, type ApiReply } from './reply'

export interface DeviceSettings {
  /** DESK-3: closing the window keeps Polity running in the system tray, still syncing. Default on. */
  readonly keepRunning: boolean
  /** DESK-6: start Polity (in the tray, without a window) when this account logs in. Default off. */
  readonly openAtLogin: boolean
  /** DESK-4: native notifications (new proposals, votes closing soon, first sync done). Default on. */
  readonly notifications: boolean
  /** DESK-5: keep the passphrase in the operating system's keychain and unlock at start. Default off. */
  readonly rememberPassphrase: boolean
}

export interface DeviceInfo {
  readonly settings: DeviceSettings
  /** The OS keychain can seal a passphrase here (false on Linux without a secret service). */
  readonly canRemember: boolean
  /** A passphrase is remembered on this device right now. */
  readonly remembered: boolean
}

export interface PolityDevice {
  getSettings(): Promise<DeviceInfo>
  /** Change some settings; returns them all as they are now. Unknown keys or non-boolean values are refused. */
  setSettings(patch: Partial<DeviceSettings>): Promise<DeviceInfo>
}

export const DEVICE_SETTING_KEYS = ['keepRunning', 'openAtLogin', 'notifications', 'rememberPassphrase'] as const satisfies readonly (keyof DeviceSettings)[]

export const DEFAULT_DEVICE_SETTINGS: DeviceSettings = { keepRunning: true, openAtLogin: false, notifications: true, rememberPassphrase: false }

/** The device methods, for the preload's IPC channels; the check below fails to compile when PolityDevice gains one. */
export const DEVICE_METHODS = ['getSettings', 'setSettings'] as const satisfies readonly (keyof PolityDevice)[]
const allDeviceMethods: [Exclude<keyof PolityDevice, (typeof DEVICE_METHODS)[number]>] extends [never] ? true : false = true
void allDeviceMethods

/** What the Electron preload exposes as `window.polityDevice`: one call, answered with a reply (BRIDGE-6). */
export interface DeviceTransport {
  readonly invoke: (method: string, input: unknown) => Promise<ApiReply>
}

/** The page's PolityDevice over the preload's transport: error replies become ApiErrors with their name, code and message. */
export function createDeviceClient(invoke: DeviceTransport['invoke']): PolityDevice {
  const call = async (method: string, input: unknown): Promise<DeviceInfo> => {
    let reply: unknown
    try {
      reply = await invoke(method, input)
    } catch (e) {
      throw toApiError(e)
    }
    return unwrapReply(reply) as DeviceInfo
  }
  return { getSettings: () => call('getSettings', undefined), setSettings: (patch) => call('setSettings', patch) }
}
