/**
 * The IPC contract between main and preload: one channel per API method and
 * per device-settings method, the event stream, and the signal that the UI
 * listens (so deep links that arrived before it are handed over, DESK-2).
 */
export const INVOKE_PREFIX = 'polity:api:'
export const DEVICE_PREFIX = 'polity:device:'
export const DEVICE_METHODS = ['getSettings', 'setSettings'] as const
export const EVENT_CHANNEL = 'polity:event'
export const READY_CHANNEL = 'polity:ready'
