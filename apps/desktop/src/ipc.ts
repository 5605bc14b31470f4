/** The IPC contract between main and preload: one channel per API method, plus events. */
export const INVOKE_PREFIX = 'polity:api:'
export const EVENT_CHANNEL = 'polity:event'
