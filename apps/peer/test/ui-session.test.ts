/**
 * BRIDGE-10: a restarted `polity ui` on the same data directory comes back on
 * the same port (when free) with the same token, and the page's own client
 * reconnects to it; the token is kept owner-only and forgotten by
 * `polity lock`; the page sends it only to a server that proves it knows it,
 * so a program squatting the port while the node is down never learns it.
 */
import { mkdtempSync, statSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { PolityNode } from '@polity/node'
import { startUiServer } from '../src/ui-server'
import { forgetUiSession, loadUiSession, saveUiSession, uiSessionPath } from '../src/ui-session'
import { createWsClient } from '../../../packages/ui/src/client/ws-client'
import { serverKnowsToken } from '../../../packages/ui/src/client/hello'

const dir = mkdtempSync(join(tmpdir(), 'polity-ui-session-'))
const dataDir = join(dir, 'data')
let node: PolityNode

beforeAll(async () => {
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>t</title>')
  node = await PolityNode.open({ dataDir, kdfLogN: 10 })
})

afterAll(async () => {
  await node.close()
})

const until = async (cond: () => boolean, ms = 15_000): Promise<void> => {
  const end = Date.now() + ms
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out')
    await new Promise((r) => setTimeout(r, 50))
  }
}

const listenOn = (server: Server, port: number): Promise<void> =>
  new Promise((ok, fail) => {
    server.once('error', fail)
    server.listen(port, '127.0.0.1', () => ok())
  })

describe('browser-mode session across restarts (BRIDGE-10)', () => {
  it('BRIDGE-10: the session is kept owner-only and reused; a damaged file, --new-token or `polity lock` make a new token (the port stays)', async () => {
    const first = await loadUiSession(dataDir)
    expect(first.token).toMatch(/^[A-Za-z0-9_-]{32}$/)
    expect(first.port).toBeUndefined()
    await saveUiSession(dataDir, { token: first.token, port: 41234 })
    expect(statSync(uiSessionPath(dataDir)).mode & 0o777).toBe(0o600)
    expect(await loadUiSession(dataDir)).toEqual({ token: first.token, port: 41234 })
    expect(await loadUiSession(dataDir, true)).toEqual({ token: expect.not.stringMatching(first.token) as unknown as string, port: 41234 })
    writeFileSync(uiSessionPath(dataDir), '{"token":"short","port":"x"}')
    const fresh = await loadUiSession(dataDir)
    expect(fresh.token).not.toBe('short')
    expect(fresh.port).toBeUndefined()
    await saveUiSession(dataDir, { token: first.token, port: 41234 })
    // `polity lock`: the token goes, the port stays.
    expect(await forgetUiSession(dataDir)).toBe(true)
    expect(await forgetUiSession(dataDir)).toBe(false)
    expect(statSync(uiSessionPath(dataDir)).mode & 0o777).toBe(0o600)
    const after = await loadUiSession(dataDir)
    expect(after.token).not.toBe(first.token)
    expect(after.port).toBe(41234)
  })

  it('BRIDGE-10: a restart on the kept port and token: the page\'s client reconnects by itself and its calls work; a taken port falls back to a free one', async () => {
    const token = (await loadUiSession(dataDir)).token
    let server = await startUiServer({ api: node, uiDir: dir, token })
    const port = server.port
    const origin = `http://127.0.0.1:${port}`
    class PageSocket extends WebSocket {
      constructor(u: string) {
        super(u, { headers: { origin } })
      }
    }
    const seen: boolean[] = []
    const client = createWsClient(`ws://127.0.0.1:${port}/api?token=${token}`, {
      WebSocketImpl: PageSocket as unknown as typeof globalThis.WebSocket,
      verify: () => serverKnowsToken(origin, token),
    })
    client.onConnection((c) => seen.push(c))
    try {
      await until(() => seen.includes(true))
      expect((await client.identityStatus()).state).toBe('none')
      await server.close()
      await until(() => seen.at(-1) === false)
      server = await startUiServer({ api: node, uiDir: dir, token, preferPort: port })
      expect(server.port).toBe(port)
      await until(() => seen.at(-1) === true)
      expect((await client.identityStatus()).state).toBe('none')
      // The port is taken by someone else: the server still starts, elsewhere.
      const other = await startUiServer({ api: node, uiDir: dir, token, preferPort: port })
      expect(other.port).not.toBe(port)
      await other.close()
    } finally {
      client.close()
      await server.close()
    }
  }, 60_000)

  it('BRIDGE-10: a program squatting the port cannot prove the token, so the page never sends it there', async () => {
    const token = (await loadUiSession(dataDir)).token
    const server = await startUiServer({ api: node, uiDir: dir, token })
    const port = server.port
    const origin = `http://127.0.0.1:${port}`
    expect(await serverKnowsToken(origin, token)).toBe(true)
    expect(await serverKnowsToken(origin, `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`)).toBe(false)
    await server.close()
    // The squatter answers every hello (with a proof relayed from the real server on another port, even).
    const real = await startUiServer({ api: node, uiDir: dir, token })
    const heard: string[] = []
    const squatter = createServer((req, res) => {
      heard.push(req.url ?? '')
      void fetch(`http://127.0.0.1:${real.port}${req.url ?? '/'}`).then(async (r) => res.writeHead(200, { 'content-type': 'application/json' }).end(await r.text()))
    })
    squatter.on('upgrade', (req, socket) => {
      heard.push(req.url ?? '')
      socket.destroy()
    })
    await listenOn(squatter, port)
    class PageSocket extends WebSocket {
      constructor(u: string) {
        super(u, { headers: { origin } })
      }
    }
    const client = createWsClient(`ws://127.0.0.1:${port}/api?token=${token}`, {
      WebSocketImpl: PageSocket as unknown as typeof globalThis.WebSocket,
      verify: () => serverKnowsToken(origin, token),
    })
    try {
      await until(() => heard.length >= 2)
      expect(await serverKnowsToken(origin, token)).toBe(false)
      expect(heard.every((u) => u.startsWith('/api/hello?nonce=') && !u.includes(token))).toBe(true)
      expect((await client.identityStatus().catch((e: { code?: string }) => e)) as { code?: string }).toMatchObject({ code: 'ERR_DISCONNECTED' })
    } finally {
      client.close()
      await new Promise<void>((ok) => squatter.close(() => ok()))
      squatter.closeAllConnections()
      await real.close()
    }
  }, 60_000)
})
