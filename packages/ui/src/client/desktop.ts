/**
 * The desktop app's clients (DESK-1, BRIDGE-6). The Electron preload exposes
 * transports, not clients: `window.polity` ({invoke, subscribe}) and
 * `window.polityDevice` ({invoke}), each answering with plain replies. The
 * clients are built here, in the page, because Electron's context bridge
 * copies an Error thrown across it as a bare Error with only its message —
 * an ApiError made in the preload would lose its name and code on the way.
 */
import { createClient, createDeviceClient, type DeviceTransport, type PolityClient, type PolityDevice, type PolityTransport } from '@polity/api'

type DesktopGlobals = { polity?: PolityTransport; polityDevice?: DeviceTransport }

/** The API client over the preload's transport, or undefined outside the desktop app. */
export function desktopClient(g: object = globalThis): PolityClient | undefined {
  const t = (g as DesktopGlobals).polity
  return t ? createClient(t.invoke, t.subscribe) : undefined
}

/** The device settings over the preload's transport, or undefined outside the desktop app (browser mode). */
export function desktopDevice(g: object = globalThis): PolityDevice | undefined {
  const t = (g as DesktopGlobals).polityDevice
  return t ? createDeviceClient(t.invoke) : undefined
}
