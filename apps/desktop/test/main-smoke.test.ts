/**
 * Smoke test of the built Electron main process (DESK-1..6): dist/main.cjs and
 * dist/preload.cjs, freshly bundled, loaded under Node with a stand-in for the
 * `electron` module (electron-stand-in.ts). The real node starts on a temp
 * data directory (listening on 127.0.0.1 only); API calls go through the real
 * preload and the recorded IPC handlers; deep links, the tray, notifications,
 * the keychain and login items are driven the way Electron would drive them.
 * This catches missing modules and broken wiring without the Electron binary.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import Module, { createRequire } from 'node:module'
import { execFile } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { API_METHODS, errorInfo, type OpId, type DeviceInfo, type PolityClient, type PolityDevice, type PolityEvent, type PolityTransport } from '@polity/api'
import { NotAMemberError, PolityNode, UnknownCommunityError, decodeInviteLink, encodeInviteLink } from '@polity/node'
import { buildDesktop } from '../build'
import { autostartFile } from '../src/login'
import { PreventableEvent, StandIn, type FakeWindow } from './electron-stand-in'
import { desktopClient, desktopDevice } from '../../../packages/ui/src/client/desktop'
import { apiContract, type ContractSetup } from '../../../packages/api/test/contract'

const dist = fileURLToPath(new URL('../dist/', import.meta.url))
const mainPath = join(dist, 'main.cjs')
const cli = fileURLToPath(new URL('../../peer/bin/polity.mjs', import.meta.url))
const require = createRequire(import.meta.url)
const loader = Module as unknown as { _load: (request: string, parent: { filename?: string } | null, isMain: boolean) => unknown }
const originalLoad = loader._load
let current: { standIn: StandIn; renderer?: FakeWindow } | undefined

const PASS = 'smoke test passphrase'
const tmp = mkdtempSync(join(tmpdir(), 'polity-desktop-'))
const dataDir = join(tmp, 'data')
const env = { POLITY_HOME: dataDir, POLITY_LISTEN: '/ip4/127.0.0.1/tcp/0', POLITY_MDNS: '0', XDG_CONFIG_HOME: join(tmp, 'config') }
const saved: Record<string, string | undefined> = {}
const cold = 'polity://join?c=cold&i=start&k=k&s=s&n=Cold%20Start'

async function until<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, waitMs = 60_000): Promise<T> {
  const end = Date.now() + waitMs
  for (;;) {
    const v = await probe()
    if (v) return v
    if (Date.now() > end) throw new Error(`still waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 25))
  }
}

function loadMain(standIn: StandIn): void {
  current = { standIn }
  delete require.cache[mainPath]
  require(mainPath)
}

/**
 * The page in `win`: the real preload, loaded as Electron would, exposing its transports window.polity and
 * window.polityDevice across the (modelled) context bridge; the clients are the UI's own (client/desktop.ts).
 */
function renderer(win: FakeWindow): { polity: PolityClient; device: PolityDevice; transport: PolityTransport } {
  const standIn = (current as { standIn: StandIn }).standIn
  ;(current as { renderer?: FakeWindow }).renderer = win
  const preload = win.options.webPreferences['preload'] as string
  delete require.cache[preload]
  require(preload)
  const page = standIn.exposed.get(win) as { polity: PolityTransport }
  return { polity: desktopClient(page) as PolityClient, device: desktopDevice(page) as PolityDevice, transport: page.polity }
}

function menuItem(standIn: StandIn, label: string): () => void {
  const item = standIn.trays.at(-1)?.menu?.template.find((i) => i.label === label)
  if (!item?.click) throw new Error(`no tray menu item "${label}"`)
  return item.click
}

const polityCli = (...args: string[]): Promise<string> => new Promise((resolve, reject) => {
  execFile(process.execPath, [cli, '--data-dir', dataDir, ...args], (err, stdout, stderr) => (err ? reject(new Error(stderr)) : resolve(stdout)))
})

let a: StandIn
let win: FakeWindow
let polity: PolityClient
let device: PolityDevice
let transport: PolityTransport
let foreign: ContractSetup['foreign']
/** A link to the foreign community naming an invite that never arrives: it opens the sealed bundle (§18), and its holder never joins. */
let readLink: string
const events: PolityEvent[] = []
let community = ''

beforeAll(async () => {
  await buildDesktop(true)
  for (const [k, v] of Object.entries(env)) {
    saved[k] = process.env[k]
    process.env[k] = v
  }
  loader._load = function (request, parent, isMain) {
    if (request === 'electron' && current) return current.standIn.module(parent?.filename?.endsWith('preload.cjs') ? current.renderer : undefined)
    return originalLoad.call(this, request, parent, isMain)
  }
  process.argv.push(cold)
  a = new StandIn()
  loadMain(a)
  a.ready()
  win = await until('the window', () => a.windows[0])
  process.argv.pop()
  ;({ polity, device, transport } = renderer(win))
  // Another device's community, for the API contract (its member is not this app's).
  const other = await PolityNode.open({ dataDir: join(tmp, 'elsewhere'), kdfLogN: 10 })
  await other.createIdentity({ passphrase: 'elsewhere passphrase' })
  const c = await other.createCommunity({ name: 'Elsewhere', purpose: '', charter: '# Elsewhere\n' })
  const d = decodeInviteLink((await other.createInvite({ community: c })).link)
  readLink = encodeInviteLink({ ...d, invite: 'ab'.repeat(32) as OpId })
  foreign = { community: c, name: 'Elsewhere', bundle: await other.exportBundle({ community: c }) }
  await other.close()
}, 120_000)

afterAll(() => {
  loader._load = originalLoad
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k]
    else process.env[k] = v
  }
})

describe('the built desktop main process (dist/main.cjs) under a stand-in Electron', () => {
  it('DESK-1: loads without Electron; the window is sandboxed with a CSP, permissions denied, no navigation; one IPC handler per API method; polity:// registered; one instance', () => {
    expect(a.errorBoxes).toEqual([])
    const prefs = win.options.webPreferences
    expect(prefs).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, webviewTag: false })
    expect(existsSync(prefs['preload'] as string)).toBe(true)
    expect(existsSync(win.options.icon as string)).toBe(true)
    expect(win.loaded).toMatch(/packages[/\\]ui[/\\]dist[/\\]index\.html$/)
    let headers: Record<string, string[]> = {}
    a.headersHook?.({ responseHeaders: {} }, (r) => (headers = r.responseHeaders))
    expect(headers['Content-Security-Policy']?.[0]).toMatch(/default-src 'self'; script-src 'self'/)
    let granted: boolean | undefined
    a.permissionRequest?.(win.webContents, 'notifications', (ok) => (granted = ok))
    expect(granted).toBe(false)
    expect(a.permissionCheck?.()).toBe(false)
    // The one grant (DESK-1, JOIN-QR-1): the camera, video only, for our UI file's main frame.
    const own = pathToFileURL(win.loaded as string).href
    let camera: boolean | undefined
    a.permissionRequest?.(win.webContents, 'media', (ok) => (camera = ok), { requestingUrl: own, isMainFrame: true, mediaTypes: ['video'] })
    expect(camera).toBe(true)
    a.permissionRequest?.(win.webContents, 'media', (ok) => (camera = ok), { requestingUrl: own, isMainFrame: true, mediaTypes: ['video', 'audio'] })
    expect(camera).toBe(false)
    expect(a.permissionCheck?.(win.webContents, 'media', 'file://', { requestingUrl: own, isMainFrame: true, mediaType: 'video' })).toBe(true)
    expect(a.permissionCheck?.(win.webContents, 'media', 'file://', { requestingUrl: own, isMainFrame: false, mediaType: 'video' })).toBe(false)
    expect(win.webContents.openHandler?.({ url: 'https://example.org/' })).toEqual({ action: 'deny' })
    const nav = new PreventableEvent()
    win.webContents.emit('will-navigate', nav, 'https://evil.example/')
    expect(nav.prevented).toBe(true)
    expect([...a.handlers.keys()].sort()).toEqual([...API_METHODS.map((m) => `polity:api:${m}`), 'polity:device:getSettings', 'polity:device:setSettings'].sort())
    expect(a.protocolClients).toEqual(['polity'])
    expect(a.singleInstanceRequests).toBe(1)
    expect(a.trays).toHaveLength(1)
    expect(existsSync(a.trays[0]?.icon.path as string)).toBe(true)
    expect(a.trays[0]?.menu?.template.map((i) => i.label).filter(Boolean)).toEqual(['Open Polity', 'Quit Polity'])
  })

  it('DESK-1: API calls through the real preload and the recorded IPC handlers reach the real node; other senders are refused', async () => {
    expect((await polity.identityStatus()).state).toBe('none')
    const created = await polity.createIdentity({ passphrase: PASS })
    expect(created.did).toMatch(/^did:key:z/)
    community = await polity.createCommunity({ name: 'Free Town', purpose: 'Self-rule', charter: '# Free Town\n', rules: { decisions: { resolution: { period: 0 } } } })
    expect((await polity.listCommunities()).map((c) => c.name)).toEqual(['Free Town'])
    await expect(polity.unlock({ passphrase: 'not the passphrase' })).rejects.toThrow(/^(?!Error invoking).*does not unlock/)
    // Name and code too (BRIDGE-6): they cross IPC in the reply and the context bridge as plain data, not as a thrown Error.
    await expect(polity.unlock({ passphrase: 'not the passphrase' })).rejects.toMatchObject({ name: 'WrongPassphraseError', code: 'ERR_WRONG_PASSPHRASE' })
    const handler = a.handlers.get('polity:api:listCommunities') as (e: unknown, i: unknown) => Promise<{ ok: boolean; error?: { code: string } }>
    const other = { sender: {}, senderFrame: win.webContents.mainFrame }
    expect((await handler(other, undefined)).error?.code).toBe('ERR_UNTRUSTED_SENDER')
    const iframe = { sender: win.webContents, senderFrame: { url: win.webContents.mainFrame.url } }
    expect((await handler(iframe, undefined)).error?.code).toBe('ERR_UNTRUSTED_SENDER')
  }, 120_000)

  it('DESK-2: polity://join links reach the UI as typed deepLink events — cold start, second instance, macOS open-url, after a reload — and nothing else does', async () => {
    polity.subscribe((e) => events.push(e))
    const links = (): string[] => events.flatMap((e) => (e.type === 'deepLink' ? [e.url] : []))
    await until('the cold-start link', () => links().includes(cold))
    a.app.emit('second-instance', {}, ['/opt/Polity/polity', '--no-sandbox', 'polity://join/?c=second&n=B'])
    const mac = new PreventableEvent()
    a.app.emit('open-url', mac, 'polity://join?c=mac&n=C')
    expect(mac.prevented).toBe(true)
    a.app.emit('open-url', new PreventableEvent(), 'polity://settings?x=1')
    a.app.emit('open-url', new PreventableEvent(), 'https://polity.invalid/join?c=x')
    a.app.emit('open-url', new PreventableEvent(), `polity://join?c=${'x'.repeat(9000)}`)
    a.app.emit('open-url', new PreventableEvent(), 'polity://join?c=a b')
    await until('the second-instance and open-url links', () => links().length >= 3)
    // A reload: links that come while the page loads wait until the new page listens.
    a.reload(win)
    a.app.emit('second-instance', {}, ['polity', 'polity://join?c=reload'])
    const reloaded = renderer(win)
    const after: PolityEvent[] = []
    reloaded.polity.subscribe((e) => after.push(e))
    await until('the link that waited for the reload', () => after.some((e) => e.type === 'deepLink' && e.url === 'polity://join?c=reload'))
    expect(links()).toEqual([cold, 'polity://join?c=second&n=B', 'polity://join?c=mac&n=C'])
    polity = reloaded.polity
    device = reloaded.device
    transport = reloaded.transport
  }, 120_000)

  // BRIDGE-6 (after DESK-2: the contract's first subscriber would take the deep links that waited for the UI): the same contract suite the in-process host and the WebSocket bridge run (apps/peer/test/api-contract.test.ts).
  it('LINK-1 (sealed, §18): the app holding a link to the foreign community waits for its invite, and so can open that community\'s sealed bundle without joining', async () => {
    expect((await polity.acceptInvite({ link: readLink })).status).toBe('waiting')
  })

  apiContract('Electron IPC (the real preload and main bridge)', () => ({
    host: { invoke: (method, input) => transport.invoke(method, input), client: polity },
    foreign,
    nodeErrors: { notAMember: errorInfo(new NotAMemberError()), unknownCommunity: (id) => errorInfo(new UnknownCommunityError(id)) },
  }))

  it('DESK-4: notifications for a proposal closing within 24 h you have not voted on, a join whose first sync finished, and a new proposal by another member', async () => {
    await polity.createProposal({ community: community as never, title: 'Paint the hall', text: '', action: { type: 'resolution' }, method: { type: 'yesno', quorum: [1, 2], threshold: [1, 2] }, deadlineInHours: 3 })
    await until('the closing-soon notice', () => a.notifications.find((n) => n.title === 'Vote soon in Free Town' && n.body.includes('Paint the hall')))
    // Another member's device: a real node in this process, its ops carried as bundles.
    const b = await PolityNode.open({ dataDir: join(tmp, 'b'), kdfLogN: 10 })
    try {
      await b.createIdentity({ passphrase: 'b passphrase 123' })
      const other = await b.createCommunity({ name: 'Other\u202eTown', purpose: '', charter: '# Other\n' })
      const invite = await b.createInvite({ community: other })
      expect((await polity.acceptInvite({ link: invite.link, name: 'A' })).status).toBe('waiting')
      await polity.importBundle({ bytes: await b.exportBundle({ community: other }) })
      const synced = await until('the first-sync notice', () => a.notifications.find((n) => n.title.startsWith('You are in')))
      expect(synced.title).toBe('You are in Other Town') // the bidi override a member put in the name is not shown
      // The app looks at a newly joined community once, right after that notice; give it that moment.
      await new Promise((r) => setTimeout(r, 2000))
      await b.createProposal({ community: other, title: 'Open the gate', text: '', action: { type: 'resolution' }, method: { type: 'yesno', quorum: [1, 2], threshold: [1, 2] } })
      await polity.importBundle({ bytes: await b.exportBundle({ community: other }) })
      await until('the new-proposal notice', () => a.notifications.find((n) => n.title === 'New proposal in Other Town' && n.body === 'Open the gate'))
    } finally {
      await b.close()
    }
    expect(a.notifications.filter((n) => n.title === 'Vote soon in Free Town')).toHaveLength(1)
  }, 180_000)

  it('DESK-5: remembering the passphrase is opt-in through the keychain, sealed at rest, and forgotten by Lock; bad settings change nothing', async () => {
    const before = await device.getSettings()
    expect(before).toEqual({ settings: { keepRunning: true, openAtLogin: false, notifications: true, rememberPassphrase: false }, canRemember: true, remembered: false })
    await expect(device.setSettings({ rememberPassphrase: 'yes' } as never)).rejects.toThrow(/must be true or false/)
    await expect(device.setSettings({ sneaky: true } as never)).rejects.toThrow(/unknown setting/)
    a.keychain.backend = 'basic_text'
    expect((await device.getSettings()).canRemember).toBe(false)
    await expect(device.setSettings({ rememberPassphrase: true })).rejects.toThrow(/no keychain/)
    a.keychain.backend = 'gnome_libsecret'
    expect(await device.getSettings()).toEqual(before)
    await device.setSettings({ rememberPassphrase: true })
    await polity.unlock({ passphrase: PASS }) // checks the passphrase (KEYS-3); the app then keeps it
    const file = join(dataDir, 'remembered-passphrase')
    expect(((await device.getSettings()) as DeviceInfo).remembered).toBe(true)
    expect(readFileSync(file).includes(Buffer.from(PASS))).toBe(false)
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(a.keychainCalls).toContain('encrypt')
    await polity.lock()
    await until('the remembered passphrase to be forgotten by Lock', () => !existsSync(file))
    await polity.unlock({ passphrase: PASS })
    await until('the passphrase remembered again', () => existsSync(file))
  }, 120_000)

  it('DESK-6: start at login writes an autostart entry that starts hidden, and turning it off removes it', async () => {
    const entry = autostartFile(process.env)
    await device.setSettings({ openAtLogin: true })
    expect(readFileSync(entry, 'utf8')).toMatch(/^Exec=".+" ".+" "--hidden"$/m)
    await device.setSettings({ openAtLogin: false })
    expect(existsSync(entry)).toBe(false)
  })

  it('DESK-3: closing the window keeps the node running in the tray; Open brings it back; Quit in the tray closes the node', async () => {
    const held = (await polity.listCommunities()).length
    win.close()
    expect(a.quitCalls).toBe(0)
    expect(a.notifications.at(-1)?.title).toBe('Polity is still running')
    menuItem(a, 'Open Polity')()
    const again = await until('a new window', () => a.windows.find((w) => !w.destroyed))
    const page = renderer(again)
    expect((await page.polity.listCommunities()).length).toBe(held)
    menuItem(a, 'Quit Polity')()
    await until('the app to quit', () => a.quit)
    expect(a.trays[0]?.destroyed).toBe(true)
  }, 120_000)

  it('DESK-5/DESK-3: started hidden at login, the app unlocks itself with the remembered passphrase; `polity lock` locks it; with keep-running off, closing the window quits', async () => {
    process.argv.push('--hidden')
    const b = new StandIn()
    loadMain(b)
    b.ready()
    await until('the tray', () => b.trays[0])
    process.argv.pop()
    expect(b.windows).toHaveLength(0)
    expect(b.keychainCalls).toContain('decrypt')
    menuItem(b, 'Open Polity')()
    const w = await until('the window', () => b.windows[0])
    const page = renderer(w)
    expect((await page.polity.identityStatus()).state).toBe('unlocked')
    const seen: PolityEvent[] = []
    page.polity.subscribe((e) => seen.push(e))
    expect(await polityCli('lock')).toMatch(/forgotten/)
    await until('the app to lock after `polity lock`', () => seen.some((e) => e.type === 'identity' && e.status.state === 'locked'))
    expect((await page.polity.identityStatus()).state).toBe('locked')
    await page.device.setSettings({ keepRunning: false })
    w.close()
    await until('the app to quit', () => b.quit)
    const reopened = await PolityNode.open({ dataDir })
    await reopened.close()
  }, 120_000)
})
