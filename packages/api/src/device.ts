/**
 * The desktop app's settings for this device (DESK-3..6). The Electron
 * preload exposes them as `window.polityDevice`, next to `window.polity`;
 * browser mode has no such object, and the UI shows these settings only where
 * it exists. They live in `<data dir>/desktop.json`.
 */
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
