/**
 * The IPC contract between main and preload: one channel per API method and
 * per device-settings method (DEVICE_METHODS in @polity/api), the event
 * stream, and the signal that the UI listens (so deep links that arrived
 * before it are handed over, DESK-2). Every channel answers with an ApiReply
 * (BRIDGE-6).
 */
export const INVOKE_PREFIX = 'polity:api:'
export const DEVICE_PREFIX = 'polity:device:'
export const EVENT_CHANNEL = 'polity:event'
export const READY_CHANNEL = 'polity:ready'
