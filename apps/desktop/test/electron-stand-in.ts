/**
 * A small stand-in for the `electron` module, for loading the built
 * dist/main.cjs and dist/preload.cjs under Node (no Electron binary here). It
 * records what the app asks of Electron — windows, IPC handlers, protocol
 * registration, session hooks, tray, notifications, keychain and login-item
 * calls — and carries IPC between main and a "renderer" that loads the real
 * preload: invoke reaches the recorded handler with our window's main frame as
 * sender, webContents.send reaches the preload's listeners, and values are
 * structured-cloned both ways as Electron does. What the preload exposes
 * crosses into the page as Electron's context bridge passes it (acrossWorlds).
 */
import { EventEmitter } from 'node:events'
import { pathToFileURL } from 'node:url'

type Handler = (e: unknown, input: unknown) => unknown

/**
 * A value crossing Electron's context bridge between the preload's world and
 * the page's (docs/api/context-bridge.md, electron_api_context_bridge.cc):
 * functions and promises are proxied, their arguments and results crossing
 * too; an Error arrives as a bare Error carrying only its message (its name,
 * code and other fields are lost); plain objects and arrays are copied;
 * anything else is structured-cloned.
 */
export function acrossWorlds(v: unknown, depth = 0): unknown {
  if (depth > 1000) throw new TypeError('Electron contextBridge recursion depth exceeded.')
  if (typeof v === 'function') {
    const fn = v as (...args: unknown[]) => unknown
    return (...args: unknown[]): unknown => {
      let result: unknown
      try {
        result = fn(...args.map((a) => acrossWorlds(a)))
      } catch (e) {
        throw new Error(e instanceof Error ? e.message : 'An unknown exception occurred in the isolated context.')
      }
      return acrossWorlds(result)
    }
  }
  if (v === null || typeof v !== 'object') return v
  if (v instanceof Promise) return v.then((x) => acrossWorlds(x), (e: unknown) => Promise.reject(acrossWorlds(e)))
  if (v instanceof Error) return new Error(v.message)
  if (Array.isArray(v)) return v.map((x) => acrossWorlds(x, depth + 1))
  const proto = Object.getPrototypeOf(v) as unknown
  if (proto === Object.prototype || proto === null) {
    return Object.fromEntries(Object.keys(v).map((k) => [k, acrossWorlds((v as Record<string, unknown>)[k], depth + 1)]))
  }
  return structuredClone(v)
}
type Listener = (e: unknown, ...args: unknown[]) => void

export class PreventableEvent {
  prevented = false
  preventDefault(): void {
    this.prevented = true
  }
}

export class FakeWebContents extends EventEmitter {
  mainFrame: { url: string } = { url: 'about:blank' }
  openHandler: ((d: { url: string }) => { action: string }) | undefined
  readonly sent: { channel: string; payload: unknown }[] = []
  constructor(private readonly world: StandIn) {
    super()
  }
  send(channel: string, payload: unknown): void {
    this.sent.push({ channel, payload })
    for (const l of this.world.rendererListeners.get(this) ?? []) if (l.channel === channel) l.fn({}, structuredClone(payload))
  }
  setWindowOpenHandler(h: (d: { url: string }) => { action: string }): void {
    this.openHandler = h
  }
}

export class FakeWindow extends EventEmitter {
  readonly webContents: FakeWebContents
  loaded: string | undefined
  destroyed = false
  visible: boolean
  constructor(readonly options: { show?: boolean; icon?: string; webPreferences: Record<string, unknown> }, private readonly world: StandIn) {
    super()
    this.webContents = new FakeWebContents(world)
    this.visible = options.show !== false
    world.windows.push(this)
  }
  loadFile(path: string): Promise<void> {
    this.loaded = path
    this.webContents.mainFrame = { url: pathToFileURL(path).href }
    this.webContents.emit('did-start-loading')
    return Promise.resolve()
  }
  isDestroyed(): boolean {
    return this.destroyed
  }
  isMinimized(): boolean {
    return false
  }
  restore(): void {}
  show(): void {
    this.visible = true
  }
  focus(): void {}
  /** The member closes the window (not a quit). */
  close(): void {
    this.destroy()
    if (this.world.windows.every((w) => w.destroyed)) this.world.app.emit('window-all-closed')
  }
  destroy(): void {
    if (this.destroyed) return
    this.destroyed = true
    this.emit('closed')
  }
}

export interface KeychainMode {
  available: boolean
  backend: string
}

export class StandIn {
  readonly windows: FakeWindow[] = []
  readonly handlers = new Map<string, Handler>()
  readonly mainListeners = new Map<string, Listener[]>()
  readonly rendererListeners = new Map<FakeWebContents, { channel: string; fn: Listener }[]>()
  readonly protocolClients: string[] = []
  readonly trays: { icon: { path: string }; tooltip?: string; menu?: { template: { label?: string; click?: () => void }[] }; destroyed: boolean }[] = []
  readonly notifications: { title: string; body: string }[] = []
  readonly loginItems: unknown[] = []
  readonly errorBoxes: [string, string][] = []
  readonly keychainCalls: string[] = []
  headersHook: ((d: { responseHeaders: Record<string, string[]> }, cb: (r: { responseHeaders: Record<string, string[]> }) => void) => void) | undefined
  permissionRequest: ((wc: unknown, permission: string, cb: (ok: boolean) => void, details?: unknown) => void) | undefined
  permissionCheck: ((wc?: unknown, permission?: string, origin?: string, details?: unknown) => boolean) | undefined
  appMenu: unknown
  quitCalls = 0
  quit = false
  exitCode: number | undefined
  singleInstanceRequests = 0
  private readyResolve!: () => void
  private readonly readyPromise = new Promise<void>((r) => (this.readyResolve = r))
  readonly keychain: KeychainMode = { available: true, backend: 'gnome_libsecret' }

  readonly app = Object.assign(new EventEmitter(), {
    isPackaged: false,
    requestSingleInstanceLock: (): boolean => {
      this.singleInstanceRequests++
      return true
    },
    setAsDefaultProtocolClient: (scheme: string): boolean => {
      this.protocolClients.push(scheme)
      return true
    },
    whenReady: (): Promise<void> => this.readyPromise,
    getPreferredSystemLanguages: (): string[] => ['en-US'],
    getAppPath: (): string => process.cwd(),
    getPath: (): string => process.cwd(),
    setAppUserModelId: (): void => undefined,
    setLoginItemSettings: (s: unknown): void => {
      this.loginItems.push(s)
    },
    getLoginItemSettings: () => ({ openAtLogin: false, wasOpenedAtLogin: false }),
    quit: (): void => {
      this.quitCalls++
      const before = new PreventableEvent()
      this.app.emit('before-quit', before)
      if (before.prevented) return
      for (const w of this.windows) w.destroy()
      const will = new PreventableEvent()
      this.app.emit('will-quit', will)
      if (will.prevented) return
      this.quit = true
    },
    exit: (code: number): void => {
      this.exitCode = code
    },
  })

  ready(): void {
    this.readyResolve()
  }

  /** The page in `win` reloads: its listeners are gone with it until a new page subscribes. */
  reload(win: FakeWindow): void {
    this.rendererListeners.delete(win.webContents)
    win.webContents.emit('did-start-loading')
  }

  /** What `require('electron')` gives main (and, with a renderer, the preload loaded for `win`). */
  module(win?: FakeWindow): Record<string, unknown> {
    const world = this
    const mainModule = {
      app: this.app,
      BrowserWindow: class extends FakeWindow {
        constructor(o: { show?: boolean; webPreferences: Record<string, unknown> }) {
          super(o, world)
        }
      },
      ipcMain: {
        handle: (channel: string, fn: Handler) => this.handlers.set(channel, fn),
        on: (channel: string, fn: Listener) => this.mainListeners.set(channel, [...(this.mainListeners.get(channel) ?? []), fn]),
      },
      Menu: {
        buildFromTemplate: (template: unknown) => ({ template }),
        setApplicationMenu: (m: unknown) => (this.appMenu = m),
      },
      session: {
        defaultSession: {
          webRequest: { onHeadersReceived: (fn: StandIn['headersHook']) => (this.headersHook = fn) },
          setPermissionRequestHandler: (fn: StandIn['permissionRequest']) => (this.permissionRequest = fn),
          setPermissionCheckHandler: (fn: StandIn['permissionCheck']) => (this.permissionCheck = fn),
        },
      },
      shell: { openExternal: async () => undefined },
      dialog: { showErrorBox: (title: string, message: string) => this.errorBoxes.push([title, message]) },
      nativeImage: { createFromPath: (path: string) => ({ path }) },
      Tray: class {
        destroyed = false
        tooltip: string | undefined
        menu: unknown
        constructor(readonly icon: { path: string }) {
          world.trays.push(this as never)
        }
        setToolTip(s: string): void {
          this.tooltip = s
        }
        setContextMenu(m: unknown): void {
          this.menu = m
        }
        on(): void {}
        destroy(): void {
          this.destroyed = true
        }
      },
      Notification: class extends EventEmitter {
        static isSupported(): boolean {
          return true
        }
        constructor(readonly options: { title: string; body: string }) {
          super()
        }
        show(): void {
          world.notifications.push(this.options)
        }
      },
      safeStorage: {
        isAsyncEncryptionAvailable: async () => {
          this.keychainCalls.push('available?')
          return this.keychain.available
        },
        getSelectedStorageBackend: () => this.keychain.backend,
        encryptStringAsync: async (s: string) => {
          this.keychainCalls.push('encrypt')
          return Buffer.concat([Buffer.from('SEALED:'), Buffer.from(s, 'utf8').map((b) => b ^ 0x5a)])
        },
        decryptStringAsync: async (b: Buffer) => {
          this.keychainCalls.push('decrypt')
          if (!b.subarray(0, 7).equals(Buffer.from('SEALED:'))) throw new Error('not sealed here')
          return { result: Buffer.from(b.subarray(7).map((x) => x ^ 0x5a)).toString('utf8'), shouldReEncrypt: false }
        },
      },
    }
    if (!win) return mainModule
    const wc = win.webContents
    const event = (): unknown => ({ sender: wc, senderFrame: wc.mainFrame })
    return {
      ...mainModule,
      contextBridge: { exposeInMainWorld: (key: string, value: unknown) => (this.exposed.set(win, { ...(this.exposed.get(win) ?? {}), [key]: acrossWorlds(value) })) },
      ipcRenderer: {
        invoke: async (channel: string, input: unknown) => {
          const h = this.handlers.get(channel)
          if (!h) throw new Error(`No handler registered for '${channel}'`)
          return structuredClone(await h(event(), structuredClone(input)))
        },
        send: (channel: string, ...args: unknown[]) => {
          for (const l of this.mainListeners.get(channel) ?? []) l(event(), ...structuredClone(args))
        },
        on: (channel: string, fn: Listener) => this.rendererListeners.set(wc, [...(this.rendererListeners.get(wc) ?? []), { channel, fn }]),
        removeListener: (channel: string, fn: Listener) => this.rendererListeners.set(wc, (this.rendererListeners.get(wc) ?? []).filter((l) => l.fn !== fn || l.channel !== channel)),
      },
    }
  }

  readonly exposed = new Map<FakeWindow, Record<string, unknown>>()
}
