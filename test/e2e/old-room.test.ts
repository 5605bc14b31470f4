/**
 * SEAL-5, NET-RTC-1 (issue 15): a browser left in the OLD WebRTC room
 * receives nothing readable. Ana, Ben and Xan are real PolityNodes (no
 * libp2p: their ops cross between them only by bundle during setup and by
 * the WebRTC relay afterwards); Ana's and Ben's relays are the UI's own
 * `EnvelopeRelay` in real Chromium pages, following the room as the UI does,
 * through the real signaling server of `polity serve`. A third page joins
 * the room Xan's node named (room and password) and stays there. Ana removes
 * Xan (the node re-keys at once) and the room moves; Ana and Ben go on
 * writing, and Ben receives Ana's new ops over WebRTC (the control). Every
 * envelope the old-room page received is checked against the keys Xan's
 * node holds: none made after the removal opens, and none of the new ops
 * arrives at all.
 */
import { createServer, type Server } from 'node:http'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { decodeSealedOp, openOp, type CommunityId, type OpId } from '@polity/protocol'
import { decodeWire, encodeWire, serve } from '@polity/api'
import { PolityNode } from '@polity/node'
import { launch, startSignaling, stopPeer } from './browser-mode'

const root = fileURLToPath(new URL('../../', import.meta.url))
const PASS = 'old room passphrase'

let browser: Browser
let signaling: Awaited<ReturnType<typeof startSignaling>>
let http: Server
let origin = ''
const nodes: PolityNode[] = []

/** The page harness (packages/ui/test/relay-harness.ts), bundled for the browser. */
async function bundle(): Promise<string> {
  type Build = (o: Record<string, unknown>) => Promise<{ outputFiles: { text: string }[] }>
  const esbuild = createRequire(join(root, 'apps/peer/package.json'))('esbuild') as { build: Build }
  const r = await esbuild.build({
    entryPoints: [join(root, 'packages/ui/test/relay-harness.ts')], bundle: true, format: 'iife', platform: 'browser', write: false,
    nodePaths: [join(root, 'packages/ui/node_modules')], logLevel: 'error',
  })
  return (r.outputFiles[0] as { text: string }).text
}

beforeAll(async () => {
  browser = await launch(['--allow-loopback-in-peer-connection', '--disable-features=WebRtcHideLocalIpsWithMdns'])
  signaling = await startSignaling()
  const js = await bundle()
  // Served from 127.0.0.1: a secure context (y-webrtc seals signaling with WebCrypto), an Origin the signaling server admits (NET-RTC-7).
  http = createServer((req, res) => {
    if (req.url === '/harness.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(js)
    else res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><meta charset="utf-8"><title>relay</title><script src="/harness.js"></script>')
  })
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r))
  origin = `http://127.0.0.1:${(http.address() as { port: number }).port}/`
}, 120_000)

afterAll(async () => {
  await browser?.close()
  for (const n of nodes) await n.close().catch(() => undefined)
  if (signaling) await stopPeer(signaling)
  await new Promise((r) => http?.close(r))
})

async function node(label: string): Promise<PolityNode> {
  const n = await PolityNode.open({ dataDir: join(mkdtempSync(join(tmpdir(), `polity-e2e-${label}-`)), 'data'), kdfLogN: 10, signaling: [signaling.url] })
  await n.createIdentity({ passphrase: PASS })
  nodes.push(n)
  return n
}

async function carry(from: PolityNode, to: PolityNode, c: CommunityId): Promise<void> {
  await to.importBundle({ bytes: await from.exportBundle({ community: c }) })
}

/** A page whose relay carries `n`'s ops for the community, as the UI's would. */
async function relayPage(n: PolityNode, c: CommunityId): Promise<Page> {
  const page = await (await browser.newContext()).newPage()
  await page.exposeFunction('__invoke', async (text: string) => {
    const req = decodeWire(text) as { method: string; input: unknown }
    return encodeWire({ kind: 'response', reply: await serve(n, { method: req.method, input: req.input }) } as never)
  })
  await page.goto(origin)
  n.subscribe((e) => {
    void page.evaluate((t) => (window as unknown as { __event(t: string): void }).__event(t), encodeWire({ kind: 'event', event: e })).catch(() => undefined)
  })
  await page.evaluate((community) => (window as unknown as { startRelay(c: string): Promise<void> }).startRelay(community), c)
  return page
}

const relayRoom = (p: Page): Promise<string | undefined> => p.evaluate(() => (window as unknown as { relayRoom(): string | undefined }).relayRoom())
const sniffed = (p: Page): Promise<{ id: string; bytes: string }[]> => p.evaluate(() => (window as unknown as { sniffed: { id: string; bytes: string }[] }).sniffed)
const idsOf = (n: PolityNode, c: CommunityId): OpId[] => {
  const r = n.replicaOf(c)
  return r.idsFrom(0, r.size)
}

async function until(ms: number, what: string, check: () => Promise<boolean> | boolean): Promise<void> {
  const end = Date.now() + ms
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`not within ${ms} ms: ${what}`)
    await new Promise((r) => setTimeout(r, 200))
  }
}

describe('a browser left in the old WebRTC room (SEAL-5, NET-RTC-1)', () => {
  it('SEAL-5, NET-RTC-1 (e2e): after Xan\'s removal and the re-key, a page in the old room receives none of the new ops and nothing Xan\'s keys open beyond the removal', async () => {
    const [ana, ben, xan] = [await node('old-ana'), await node('old-ben'), await node('old-xan')]
    const c = await ana.createCommunity({ name: 'Lighthouse', purpose: 'Keep the light', charter: '# Lighthouse\n\nTrim the wick.\n', founderName: 'Ana' })
    for (const [n, name] of [[ben, 'Ben'], [xan, 'Xan']] as const) {
      const { link } = await ana.createInvite({ community: c })
      await carry(ana, n, c)
      expect((await n.acceptInvite({ link, name })).status).toBe('joined')
      await new Promise((r) => setTimeout(r, 300)) // the joiner's own grant (EPOCH-12) is signed and stored
      await carry(n, ana, c)
    }
    await carry(ana, ben, c)
    await carry(ana, xan, c)
    const old = await xan.webrtcRoom({ community: c })
    expect((await ana.webrtcRoom({ community: c })).room).toBe(old.room)

    const pageA = await relayPage(ana, c)
    const pageB = await relayPage(ben, c)
    const pageOld = await (await browser.newContext()).newPage()
    await pageOld.goto(origin)
    await pageOld.evaluate(([r, p, s]) => (window as unknown as { sniff(r: string, p: string, s: string[]): void }).sniff(r, p, s), [old.room, old.password, old.signaling] as [string, string, string[]])
    // The control for the old room: while the members are still in it, the page gets the history.
    const history = new Set(idsOf(ana, c))
    await until(60_000, 'the old-room page received the history', async () => (await sniffed(pageOld)).length >= history.size)

    const xanMember = (await xan.identityStatus()).member as string
    await ana.removeMember({ community: c, member: xanMember, reason: 'suspected informant' })
    const removal = idsOf(ana, c).find((id) => !history.has(id) && (ana.replicaOf(c).entry(id)?.op as { kind: string }).kind === 'member.remove') as OpId
    expect(removal).toBeDefined()
    const moved = (await ana.webrtcRoom({ community: c })).room
    expect(moved).not.toBe(old.room)
    await carry(ana, ben, c) // Ben learns of the re-key as libp2p would tell him; his relay follows the room
    await until(30_000, 'both relays moved to the new room', async () => (await relayRoom(pageA)) === moved && (await relayRoom(pageB)) === moved)

    // The honest members go on: Ana's new ops reach Ben over WebRTC alone (the control for the new room).
    const before = new Set(idsOf(ana, c))
    await ana.setProfile({ community: c, name: 'Ana, keeper' })
    await ana.setProfile({ community: c, name: 'Ana of the harbour plan' })
    await ben.setProfile({ community: c, name: 'Ben, keeper' })
    const fresh = idsOf(ana, c).filter((id) => !before.has(id))
    await until(60_000, 'Ana\'s new ops reached Ben over WebRTC', () => fresh.every((id) => ben.replicaOf(c).has(id)))
    await new Promise((r) => setTimeout(r, 3_000))

    // What the old-room page holds, judged with every key Xan's node has.
    const got = await sniffed(pageOld)
    const ring = xan.replicaOf(c).keyRing
    expect(ring.epochs().length).toBeGreaterThan(0)
    const after = new Set([...idsOf(ana, c), ...idsOf(ben, c)].filter((id) => !history.has(id) && id !== removal))
    for (const { id, bytes } of got) {
      expect(after.has(id as OpId), `a post-removal op ${id.slice(0, 8)} reached the old room`).toBe(false)
      const sealed = decodeSealedOp(Uint8Array.from(Buffer.from(bytes, 'hex')))
      if (openOp(sealed, ring).ok) expect(history.has(sealed.id) || sealed.id === removal).toBe(true)
    }
    expect(got.some(({ bytes }) => Buffer.from(bytes, 'hex').includes(Buffer.from('harbour plan')))).toBe(false)
  }, 240_000)
})
