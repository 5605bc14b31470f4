/**
 * Electron main process (DESK-1..7): the node runs here and keeps running in
 * the tray when the window closes; the renderer is the sandboxed UI, reaching
 * the node only through the preload's one-function-per-call bridge. Private
 * keys never reach the renderer.
 */
import { app, BrowserWindow, dialog, Menu, Notification, safeStorage, session, type Tray } from 'electron'
import { PolityNode, type NetworkOptions } from '@polity/node'
import { ApiError, DEFAULT_DEVICE_SETTINGS, type ApiMethod, type DeviceInfo, type DeviceSettings, type PolityDevice, type PolityEvent } from '@polity/api'
import { defaultDataDir, readPeerConfig } from '@polity/peer'
import { EVENT_CHANNEL } from './ipc'
import { createWindow, isTrusted, secureSession, uiIndex } from './window'
import { registerBridge } from './bridge'
import { DeepLinks, joinLinkIn } from './deep-links'
import { checkPatch, readSettings, writeSettings } from './settings'
import { RememberedPassphrase } from './remember'
import { applyOpenAtLogin, HIDDEN_FLAG, type LoginHost } from './login'
import { createTray } from './tray'
import { startNotifier } from './notifier'
import { languageOf, translator, type Translate } from './strings'
import type { Notice } from './notices'

const ui = uiIndex(app.isPackaged)
let t: Translate = translator('en')
let win: BrowserWindow | undefined
let node: PolityNode | undefined
let tray: Tray | undefined
let settings: DeviceSettings = { ...DEFAULT_DEVICE_SETTINGS }
let quitting = false
let shutDown = false
let hinted = false
let wantWindow = false
const stops: (() => void)[] = []
const shown = new Set<Notification>()

const send = (event: PolityEvent): void => {
  if (win && !win.isDestroyed()) win.webContents.send(EVENT_CHANNEL, event)
}
const links = new DeepLinks((url) => send({ type: 'deepLink', url }))

function showWindow(): void {
  if (!node) {
    wantWindow = true
    return
  }
  if (!win || win.isDestroyed()) {
    const w = createWindow(ui, true)
    win = w
    w.webContents.on('did-start-loading', () => links.uiGone())
    w.on('closed', () => {
      if (win === w) win = undefined
      links.uiGone()
    })
  }
  if (win.isMinimized()) win.restore()
  win.show()
  win.focus()
}

function notify(title: string, body: string): void {
  if (!Notification.isSupported()) return
  const n = new Notification({ title, body })
  shown.add(n)
  n.on('click', showWindow)
  n.on('close', () => shown.delete(n))
  n.show()
}

function noticeText(n: Notice): [string, string] {
  if (n.kind === 'proposal') return [t('desktop.notify.proposal.title', { name: n.name }), n.title]
  if (n.kind === 'closing') return [t('desktop.notify.closing.title', { name: n.name }), t('desktop.notify.closing.body', { title: n.title, hours: n.hours })]
  return [t('desktop.notify.synced.title', { name: n.name }), t('desktop.notify.synced.body')]
}

function networkOptions(bootstrap: string[]): NetworkOptions {
  const listen = process.env['POLITY_LISTEN']?.split(',').filter(Boolean)
  return { listen: listen ?? ['/ip4/0.0.0.0/tcp/0', '/ip4/0.0.0.0/tcp/0/ws'], mdns: process.env['POLITY_MDNS'] !== '0', syncIntervalMs: 5000, bootstrap }
}

const loginHost = (): LoginHost => ({
  platform: process.platform,
  env: process.env,
  command: app.isPackaged ? [process.env['APPIMAGE'] ?? process.execPath] : [process.execPath, app.getAppPath()],
  setLoginItemSettings: (s) => app.setLoginItemSettings(s),
})

/** The passphrase a successful call carried, if any (DESK-5 remembers it when the member chose so). */
function passphraseOf(method: ApiMethod, input: unknown): string | undefined {
  const i = (input ?? {}) as Record<string, unknown>
  const p = method === 'changePassphrase' ? i['next'] : ['unlock', 'createIdentity', 'restoreIdentity'].includes(method) ? i['passphrase'] : undefined
  return typeof p === 'string' ? p : undefined
}

async function start(): Promise<void> {
  t = translator(languageOf(app.getPreferredSystemLanguages()))
  if (process.platform === 'win32') app.setAppUserModelId('org.polity.desktop')
  secureSession(session.defaultSession, ui)
  Menu.setApplicationMenu(Menu.buildFromTemplate([
    { role: 'appMenu' as const, visible: process.platform === 'darwin' },
    { role: 'fileMenu' as const },
    { role: 'editMenu' as const },
    { role: 'viewMenu' as const },
    { role: 'windowMenu' as const },
  ].filter((m) => m.visible !== false)))
  const dataDir = defaultDataDir()
  let bootstrap: string[] = []
  try {
    bootstrap = (await readPeerConfig(dataDir)).bootstrap.filter((a) => /\/p2p\/[1-9A-HJ-NP-Za-km-z]+$/.test(a))
  } catch (e) {
    dialog.showErrorBox(t('desktop.configError'), (e as Error).message)
  }
  const n = await PolityNode.open({ dataDir, ...(process.env['POLITY_NO_NETWORK'] === '1' ? {} : { network: networkOptions(bootstrap) }) })
  node = n
  settings = await readSettings(dataDir)
  const remembered = new RememberedPassphrase(dataDir, safeStorage, process.platform)
  if (!settings.rememberPassphrase) await remembered.forget()
  else if ((await n.identityStatus()).state === 'locked') {
    const pass = await remembered.load()
    if (pass !== undefined) await n.unlock({ passphrase: pass }).catch(() => remembered.forget())
  }
  const info = async (): Promise<DeviceInfo> => ({ settings, canRemember: await remembered.available(), remembered: await remembered.exists() })
  const device: PolityDevice = {
    getSettings: info,
    async setSettings(patch) {
      const change = checkPatch(patch)
      if (change.rememberPassphrase && !(await remembered.available())) throw new ApiError('KeychainError', 'ERR_NO_KEYCHAIN', t('desktop.noKeychain'))
      if (change.openAtLogin !== undefined) await applyOpenAtLogin(change.openAtLogin, loginHost())
      settings = { ...settings, ...change }
      await writeSettings(dataDir, settings)
      if (change.rememberPassphrase === false) await remembered.forget()
      return info()
    },
  }
  registerBridge({
    node: n,
    device,
    trusted: (e) => isTrusted(win, ui, e),
    uiListening: () => links.uiListening(),
    after: async (method, input) => {
      const pass = passphraseOf(method, input)
      if (pass !== undefined && settings.rememberPassphrase) await remembered.save(pass)
    },
  })
  stops.push(n.subscribe((e) => {
    send(e)
    if (e.type === 'identity' && e.status.state === 'locked') void remembered.forget()
  }))
  stops.push(remembered.watch(() => void n.lock()))
  stops.push(startNotifier(n, { enabled: () => settings.notifications, show: (x) => notify(...noticeText(x)) }).stop)
  tray = createTray(t, { open: showWindow, quit: () => app.quit() })
  if (settings.openAtLogin) await applyOpenAtLogin(true, loginHost()).catch((e: unknown) => console.warn((e as Error).message))
  const link = joinLinkIn(process.argv)
  if (link) links.accept(link)
  const hidden = process.argv.includes(HIDDEN_FLAG) || (process.platform === 'darwin' && app.getLoginItemSettings().wasOpenedAtLogin)
  if (!hidden || link || wantWindow) showWindow()
}

async function shutdown(): Promise<void> {
  for (const stop of stops.splice(0)) stop()
  tray?.destroy()
  await node?.close()
}

if (!app.requestSingleInstanceLock()) {
  app.quit()
} else {
  app.setAsDefaultProtocolClient('polity')
  app.on('second-instance', (_e, argv) => {
    const link = joinLinkIn(argv)
    if (argv.includes(HIDDEN_FLAG) && !link) return
    showWindow()
    if (link) links.accept(link)
  })
  app.on('open-url', (e, url) => {
    e.preventDefault()
    if (links.accept(url)) showWindow()
  })
  app.on('activate', showWindow)
  // DESK-3: closing the window keeps the node (and sync) running in the tray, unless the member turned that off.
  app.on('window-all-closed', () => {
    if (quitting) return
    if (!settings.keepRunning) {
      app.quit()
      return
    }
    if (!hinted && settings.notifications) notify(t('desktop.trayHint.title'), t(tray ? 'desktop.trayHint.body' : 'desktop.trayHint.noTray'))
    hinted = true
  })
  app.on('before-quit', () => {
    quitting = true
  })
  app.on('will-quit', (e) => {
    if (shutDown) return
    e.preventDefault()
    void shutdown().catch((err: unknown) => console.error('Polity did not close cleanly:', err)).finally(() => {
      shutDown = true
      app.quit()
    })
  })
  app.whenReady().then(start).catch((e: unknown) => {
    console.error('Polity could not start:', e)
    dialog.showErrorBox(t('desktop.startError'), (e as Error).message)
    app.exit(1)
  })
}
