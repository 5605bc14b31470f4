/**
 * The browser-mode bridge (BRIDGE-1..4) against a real PolityNode: who may
 * open the API socket, and what a request that is not an API method gets.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { PolityNode } from '@polity/node'
import { decodeWire, encodeWire } from '@polity/api'
import { startUiServer, type UiServer } from '../src/ui-server'

let node: PolityNode
let server: UiServer
let origin: string

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'polity-bridge-'))
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>t</title>')
  node = await PolityNode.open({ dataDir: join(dir, 'data'), kdfLogN: 10 })
  server = await startUiServer({ api: node, uiDir: dir })
  origin = `http://127.0.0.1:${server.port}`
})

afterAll(async () => {
  await server.close()
  await node.close()
})

/** Open the API socket; resolves with the socket, or with the HTTP status it was refused with. */
function connect(path: string, headers: Record<string, string>): Promise<WebSocket | number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}${path}`, { headers })
    ws.once('open', () => resolve(ws))
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0))
    ws.once('error', () => resolve(-1))
  })
}

function request(ws: WebSocket, id: number, method: string, input?: unknown): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    const onMessage = (data: WebSocket.RawData): void => {
      const msg = decodeWire(String(data)) as unknown as Record<string, unknown>
      if (msg['kind'] === 'response' && msg['id'] === id) {
        ws.off('message', onMessage)
        resolve(msg)
      }
    }
    ws.on('message', onMessage)
    ws.send(encodeWire({ kind: 'request', id, method, input } as never))
  })
}

describe('browser-mode bridge (BRIDGE-*)', () => {
  it('BRIDGE-2: the socket opens only with the launch token, on /api, from our own origin — a missing Origin header is refused too', async () => {
    const good = await connect(`/api?token=${server.token}`, { origin })
    expect(good).toBeInstanceOf(WebSocket)
    ;(good as WebSocket).close()
    expect(await connect(`/api?token=${server.token}`, {})).toBe(401)
    expect(await connect(`/api?token=${server.token}`, { origin: 'http://evil.example' })).toBe(401)
    expect(await connect(`/api?token=${server.token}`, { origin: `http://localhost:${server.port}` })).toBe(401)
    expect(await connect(`/api?token=${server.token.slice(1)}x`, { origin })).toBe(401)
    expect(await connect(`/api`, { origin })).toBe(401)
    expect(await connect(`/other?token=${server.token}`, { origin })).toBe(401)
  })

  it('BRIDGE-3: only API methods are callable: inherited names and unknown methods get a clear error; a real call works', async () => {
    const ws = (await connect(`/api?token=${server.token}`, { origin })) as WebSocket
    let id = 1
    for (const name of [...Object.getOwnPropertyNames(Object.prototype), '__proto__', 'prototype', 'then', 'subscribe', 'close', 'notAMethod']) {
      const r = await request(ws, id++, name, {})
      expect(r['ok'], name).toBe(false)
      expect((r['error'] as { code: string }).code, name).toBe('ERR_UNKNOWN_METHOD')
    }
    const ok = await request(ws, id++, 'identityStatus')
    expect(ok).toMatchObject({ ok: true, value: { state: 'none' } })
    ws.close()
  })

  it('BRIDGE-3/BRIDGE-6: a frame that is not a request (binary, not JSON, no numeric id, another kind) gets an ERR_BRIDGE_MESSAGE reply with id -1; the socket keeps serving', async () => {
    const ws = (await connect(`/api?token=${server.token}`, { origin })) as WebSocket
    const replies: Record<string, unknown>[] = []
    ws.on('message', (data) => replies.push(decodeWire(String(data)) as unknown as Record<string, unknown>))
    ws.send(Buffer.from([1, 2, 3]))
    for (const text of ['{', '{"kind":"request","id":"1","method":"identityStatus"}', '{"kind":"event","event":{}}', '{"kind":"response","id":1,"ok":true}']) ws.send(text)
    const ok = await request(ws, 9, 'identityStatus')
    expect(ok).toMatchObject({ ok: true, value: { state: 'none' } })
    const errors = replies.filter((r) => r['id'] === -1)
    expect(errors).toHaveLength(5)
    for (const r of errors) expect(r).toMatchObject({ kind: 'response', ok: false, error: { name: 'BridgeError', code: 'ERR_BRIDGE_MESSAGE' } })
    ws.close()
  })
})
