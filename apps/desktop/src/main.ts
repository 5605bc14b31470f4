/**
 * Electron main process: window, menu, polity:// deep links, single instance.
 * The Polity node runs here; the renderer is the sandboxed UI with no Node
 * access, reaching the node only through the preload's one-function-per-call
 * bridge. Private keys never reach the renderer.
 */
import { app, BrowserWindow, ipcMain, Menu, session, shell, type IpcMainInvokeEvent } from 'electron'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { PolityNode } from '@polity/node'
import { API_METHODS, checkApiInput } from '@polity/api'
import { EVENT_CHANNEL, INVOKE_PREFIX } from './ipc'

const CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'"
const uiIndex = (): string =>
  app.isPackaged ? join(process.resourcesPath, 'ui', 'index.html') : join(__dirname, '..', '..', '..', 'packages', 'ui', 'dist', 'index.html')

let win: BrowserWindow | undefined
let node: PolityNode | undefined
const pendingLinks: string[] = []

function dataDir(): string {
  return process.env['POLITY_HOME'] ?? join(app.getPath('userData'), 'data')
}

function createWindow(): BrowserWindow {
  const w = new BrowserWindow({
    width: 1200,
    height: 820,
    title: 'Polity',
    webPreferences: {
      preload: join(__dirname, 'preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: true,
    },
  })
  // No new windows, no navigation away from the app; external links open in the browser.
  w.webContents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https://')) void shell.openExternal(url)
    return { action: 'deny' }
  })
  w.webContents.on('will-navigate', (e) => e.preventDefault())
  void w.loadFile(uiIndex())
  return w
}

/**
 * Only our own window's main frame, showing our own UI file, may call the
 * API: not a subframe (an iframe's senderFrame differs from mainFrame even
 * when its URL is a file:// URL too) and not any other file.
 */
function trusted(e: IpcMainInvokeEvent): boolean {
  if (win === undefined || e.sender !== win.webContents) return false
  const frame = e.senderFrame
  if (!frame || frame !== win.webContents.mainFrame) return false
  return frame.url.split('#')[0] === pathToFileURL(uiIndex()).href
}

function registerIpc(n: PolityNode): void {
  for (const method of API_METHODS) {
    ipcMain.handle(`${INVOKE_PREFIX}${method}`, async (e, input: unknown) => {
      if (!trusted(e)) throw new Error('Refused: this window may not call Polity.')
      // BRIDGE-5: every input key is one the method takes (checked as own names) before the node sees it.
      checkApiInput(method, input)
      return (n[method] as (x: unknown) => Promise<unknown>).call(n, input)
    })
  }
  n.subscribe((event) => {
    win?.webContents.send(EVENT_CHANNEL, event)
  })
}

/** polity://join?... opens the join flow in the UI (the link is handed over as an event). */
function handleLink(url: string): void {
  if (!url.startsWith('polity://')) return
  if (!win) {
    pendingLinks.push(url)
    return
  }
  win.webContents.send(EVENT_CHANNEL, { type: 'deepLink', url })
  if (win.isMinimized()) win.restore()
  win.focus()
}

if (!app.requestSingleInstanceLock()) {
  app.quit()
} else {
  app.setAsDefaultProtocolClient('polity')
  app.on('second-instance', (_e, argv) => {
    const link = argv.find((a) => a.startsWith('polity://'))
    if (link) handleLink(link)
    else if (win) win.focus()
  })
  app.on('open-url', (e, url) => {
    e.preventDefault()
    handleLink(url)
  })
  app.whenReady().then(async () => {
    session.defaultSession.webRequest.onHeadersReceived((details, cb) => {
      cb({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CSP] } })
    })
    session.defaultSession.setPermissionRequestHandler((_wc, _perm, cb) => cb(false))
    Menu.setApplicationMenu(Menu.buildFromTemplate([
      { role: 'appMenu' as const, visible: process.platform === 'darwin' },
      { role: 'fileMenu' as const },
      { role: 'editMenu' as const },
      { role: 'viewMenu' as const },
      { role: 'windowMenu' as const },
    ].filter((m) => m.visible !== false)))
    node = await PolityNode.open({ dataDir: dataDir() })
    registerIpc(node)
    win = createWindow()
    win.webContents.once('did-finish-load', () => {
      for (const l of pendingLinks.splice(0)) handleLink(l)
      const link = process.argv.find((a) => a.startsWith('polity://'))
      if (link) handleLink(link)
    })
  }).catch((e: unknown) => {
    console.error('Polity could not start:', e)
    app.exit(1)
  })
  app.on('window-all-closed', () => {
    void node?.close().finally(() => app.quit())
  })
}
