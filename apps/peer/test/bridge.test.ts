/**
 * BRIDGE-5 through the real browser-mode bridge: a real PolityNode behind
 * startUiServer, a real WebSocket with the launch token. Every name on
 * Object.prototype, `__proto__`, `prototype` and seeded random strings, as a
 * method name, an input key or a nested key, gets a named error and changes
 * nothing on the node.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { WebSocket } from 'ws'
import { PolityNode } from '@polity/node'
import { decodeWire, type CommunityId, type WireResponse } from '@polity/api'
import { startUiServer, type UiServer } from '../src/ui-server'
import { seeded } from '../../../packages/protocol/test/seeds'

function seededNames(seed: number, n: number): string[] {
  let s = seed
  const next = (): number => ((s = (s * 48271) % 2147483647) / 2147483647)
  const alphabet = 'abcdefghijklmnopqrstuvwxyz_$ABC0123456789-.é漢'
  return Array.from({ length: n }, () => Array.from({ length: 1 + Math.floor(next() * 12) }, () => alphabet[Math.floor(next() * alphabet.length)]).join(''))
}
const namesFor = (seed: number): string[] => [...new Set([...Object.getOwnPropertyNames(Object.prototype), '__proto__', 'prototype', ...seededNames(seed, 8)])]

let node: PolityNode
let server: UiServer
let ws: WebSocket
let community: CommunityId
let nextId = 1
const waiting = new Map<number, (r: WireResponse) => void>()

/** Send raw JSON text (so `__proto__` stays an own key, as a page could send it). */
function call(json: (id: number) => string): Promise<WireResponse> {
  const id = nextId++
  return new Promise((resolve) => {
    waiting.set(id, resolve)
    ws.send(json(id))
  })
}
const request = (method: string, inputJson: string | undefined) =>
  call((id) => `{"kind":"request","id":${id},"method":${JSON.stringify(method)}${inputJson === undefined ? '' : `,"input":${inputJson}`}}`)

beforeAll(async () => {
  node = await PolityNode.open({ dataDir: join(mkdtempSync(join(tmpdir(), 'polity-bridge-')), 'd'), kdfLogN: 10 })
  await node.createIdentity({ passphrase: 'bridge passphrase' })
  community = await node.createCommunity({ name: 'Bridge Town', purpose: '', charter: '# C\n', founderName: 'Ana' })
  server = await startUiServer({ api: node, uiDir: mkdtempSync(join(tmpdir(), 'polity-ui-')) })
  ws = new WebSocket(`ws://127.0.0.1:${server.port}/api?token=${server.token}`, { headers: { origin: `http://127.0.0.1:${server.port}` } })
  ws.on('message', (data) => {
    const m = decodeWire(String(data))
    if (m.kind === 'response') waiting.get(m.id)?.(m)
  })
  await new Promise<void>((ok, fail) => {
    ws.once('open', () => ok())
    ws.once('error', fail)
  })
}, 60_000)

afterAll(async () => {
  ws?.close()
  await server?.close()
  await node?.close()
})

describe('the browser-mode bridge (BRIDGE-5)', () => {
  it('BRIDGE-5: the control: a well-formed call goes through', async () => {
    const r = await request('setProfile', JSON.stringify({ community, name: 'Ana B' }))
    expect(r.ok).toBe(true)
    expect((await node.getCommunity({ community })).members[0]?.name).toBe('Ana B')
  })

  seeded('BRIDGE-5: built-in and random names as a method, an input key or a nested key get a named error and change nothing', { fixed: [99173], timeout: 120_000 }, (run) => run.eachAsync(async ({ seed: SEED }) => {
    const NAMES = namesFor(SEED)
    const before = await node.getCommunity({ community })
    const C = JSON.stringify(community)
    const yesno = '{"type":"yesno","quorum":[1,2],"threshold":[1,2]}'
    let cases = 0
    for (const name of NAMES) {
      const k = JSON.stringify(name)
      const unknown = await request(name, '{}')
      expect(unknown.error?.code, `method ${name}`).toBe('ERR_UNKNOWN_METHOD')
      const inputs: [string, string][] = [
        ['setProfile', `{${k}:1,"community":${C},"name":"Eve"}`],
        ['createCommunity', `{${k}:1,"name":"Evil","purpose":"","charter":""}`],
        ['createCommunity', `{"name":"Evil","purpose":"","charter":"","rules":{${k}:1}}`],
        ['createProposal', `{"community":${C},"title":"t","text":"","action":{"type":${k}},"method":${yesno}}`],
        ['createProposal', `{"community":${C},"title":"t","text":"","action":{"type":"resolution",${k}:1},"method":${yesno}}`],
        ['createProposal', `{"community":${C},"title":"t","text":"","action":{"type":"rules","rules":{${k}:1}},"method":${yesno}}`],
        ['createProposal', `{"community":${C},"title":"t","text":"","action":{"type":"resolution"},"method":{"type":${k},"quorum":[1,2]}}`],
        ['createProposal', `{"community":${C},"title":"t","text":"","action":{"type":"resolution"},"method":{"type":"yesno","quorum":[1,2],"threshold":[1,2],${k}:1}}`],
        ['vote', `{"community":${C},"proposal":${C},"ballot":{"type":"yesno","choice":"yes",${k}:1}}`],
        ['lock', `{${k}:1}`],
      ]
      for (const [method, input] of inputs) {
        const r = await request(method, input)
        expect(r.ok, `${method} ${input}`).toBe(false)
        expect(r.error?.code, `${method} ${input}`).toBe('ERR_INVALID_INPUT')
        cases++
      }
    }
    console.log(`BRIDGE-5 bridge: seed ${SEED}, ${NAMES.length} names, ${cases + NAMES.length} calls refused`)
    expect(await node.getCommunity({ community })).toEqual(before)
    expect((await node.listCommunities()).map((c) => c.name)).toEqual(['Bridge Town'])
    expect((await node.identityStatus()).state).toBe('unlocked')
  }))

  it('BRIDGE-5: the node itself refuses what the bridge would (for in-process callers): a proposal kind "constructor", a method with an extra field', async () => {
    const before = await node.getCommunity({ community })
    await expect(node.createProposal({ community, title: 't', text: '', action: { type: 'constructor' } as never, method: { type: 'yesno', quorum: [1, 2], threshold: [1, 2] } })).rejects.toThrow(/Unknown proposal kind/)
    const method = JSON.parse('{"type":"yesno","quorum":[1,2],"threshold":[1,2],"toString":1}') as never
    await expect(node.createProposal({ community, title: 't', text: '', action: { type: 'resolution' }, method })).rejects.toMatchObject({ code: 'ERR_INVALID_INPUT' })
    await expect(node.charterDiff({ community, from: 'constructor' as never, to: 0 })).rejects.toMatchObject({ code: 'ERR_INVALID_INPUT' })
    await expect(node.forkCommunity({ community, name: 'F', version: 'length' as never })).rejects.toMatchObject({ code: 'ERR_INVALID_INPUT' })
    expect(await node.getCommunity({ community })).toEqual(before)
  })
})
