/**
 * DESK-1: the window and what its page may do. The renderer is the sandboxed
 * UI with contextIsolation and no Node; a strict CSP; no navigation, no new
 * windows, no webviews; every permission request denied but one: the camera
 * (video only), asked by our own UI file's main frame, to scan a QR code
 * (JOIN-QR-1). Only our window's main frame showing our own UI file may call
 * the node.
 */
import { BrowserWindow, shell, type IpcMainEvent, type IpcMainInvokeEvent, type Session } from 'electron'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { permissionAllowed } from './permissions'

export const CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'"

/** The built UI: inside the package's resources, or packages/ui/dist in a checkout. */
export function uiIndex(packaged: boolean): string {
  return packaged ? join(process.resourcesPath, 'ui', 'index.html') : join(__dirname, '..', '..', '..', 'packages', 'ui', 'dist', 'index.html')
}

export function secureSession(ses: Session, ui: string): void {
  const uiUrl = pathToFileURL(ui).href
  ses.webRequest.onHeadersReceived((details, cb) => {
    cb({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CSP] } })
  })
  ses.setPermissionRequestHandler((_wc, permission, cb, details) => {
    const d = (details ?? {}) as { requestingUrl?: string; isMainFrame?: boolean; mediaTypes?: string[] }
    cb(permissionAllowed({ permission, url: d.requestingUrl, mainFrame: d.isMainFrame, mediaTypes: d.mediaTypes }, uiUrl))
  })
  ses.setPermissionCheckHandler((_wc, permission, _origin, details) => {
    const d = (details ?? {}) as { requestingUrl?: string; isMainFrame?: boolean; mediaType?: string }
    return permissionAllowed({ permission, url: d.requestingUrl, mainFrame: d.isMainFrame, mediaTypes: d.mediaType ? [d.mediaType] : undefined }, uiUrl)
  })
}

export function createWindow(ui: string, show: boolean): BrowserWindow {
  const w = new BrowserWindow({
    width: 1200,
    height: 820,
    title: 'Polity',
    show,
    icon: join(__dirname, 'icon.png'),
    webPreferences: {
      preload: join(__dirname, 'preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
      spellcheck: true,
    },
  })
  // No new windows, no navigation away from the app; https links open in the browser.
  w.webContents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https://')) void shell.openExternal(url)
    return { action: 'deny' }
  })
  w.webContents.on('will-navigate', (e) => e.preventDefault())
  w.webContents.on('will-attach-webview', (e) => e.preventDefault())
  void w.loadFile(ui)
  return w
}

/**
 * Our window's main frame showing our UI file: not a subframe (an iframe's
 * senderFrame differs from mainFrame even when its URL is a file:// URL too)
 * and not any other file.
 */
export function isTrusted(win: BrowserWindow | undefined, ui: string, e: IpcMainInvokeEvent | IpcMainEvent): boolean {
  if (win === undefined || win.isDestroyed() || e.sender !== win.webContents) return false
  const frame = e.senderFrame
  if (!frame || frame !== win.webContents.mainFrame) return false
  return frame.url.split('#')[0] === pathToFileURL(ui).href
}
