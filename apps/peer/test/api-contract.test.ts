/**
 * BRIDGE-6: the API contract suite (packages/api/test/contract.ts) run by two
 * hosts of one real PolityNode — in process (`serve` called directly, the
 * client `createClient` over it) and the browser-mode WebSocket bridge
 * (startUiServer, a real socket with the launch token, the UI's own
 * createWsClient) — and then the same read calls through both, compared
 * reply for reply.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import WebSocket from 'ws'
import { NotAMemberError, PolityNode, UnknownCommunityError, decodeInviteLink, encodeInviteLink } from '@polity/node'
import { createClient, decodeWire, encodeWire, errorInfo, serve, type ApiReply, type CommunityId, type OpId, type PolityClient } from '@polity/api'
import { startUiServer, type UiServer } from '../src/ui-server'
import { createWsClient, type WsClient } from '../../../packages/ui/src/client/ws-client'
import { apiContract, type ContractHost, type ContractSetup } from '../../../packages/api/test/contract'

const tmp = mkdtempSync(join(tmpdir(), 'polity-contract-'))
let node: PolityNode
let server: UiServer
let raw: WebSocket
let wsClient: WsClient
let foreign: ContractSetup['foreign']
const waiting = new Map<number, (r: ApiReply) => void>()
let nextId = 1

/** The bridge's raw transport: one request frame, its response frame without kind and id. */
function wsInvoke(method: string, input: unknown): Promise<ApiReply> {
  const id = nextId++
  return new Promise((resolve) => {
    waiting.set(id, resolve)
    raw.send(encodeWire({ kind: 'request', id, method, input }))
  })
}

const inProcess = (): ContractHost => {
  const invoke = (method: string, input: unknown): Promise<ApiReply> => serve(node, { method, input })
  return { invoke, client: createClient(invoke, (l) => node.subscribe(l)) }
}
const nodeErrors: ContractSetup['nodeErrors'] = {
  notAMember: errorInfo(new NotAMemberError()),
  unknownCommunity: (id) => errorInfo(new UnknownCommunityError(id)),
}

beforeAll(async () => {
  const other = await PolityNode.open({ dataDir: join(tmp, 'other'), kdfLogN: 10 })
  await other.createIdentity({ passphrase: 'other device passphrase' })
  const community = await other.createCommunity({ name: 'Elsewhere', purpose: '', charter: '# Elsewhere\n' })
  // Sealed (§18): a bundle opens only with a key. This node holds the invite's secret (it reads the community) from a link
  // naming an invite that never arrives (it never joins, so it stays no member).
  const d = decodeInviteLink((await other.createInvite({ community })).link)
  const readLink = encodeInviteLink({ ...d, invite: 'ab'.repeat(32) as OpId })
  foreign = { community, name: 'Elsewhere', bundle: await other.exportBundle({ community }) }
  await other.close()

  node = await PolityNode.open({ dataDir: join(tmp, 'node'), kdfLogN: 10 })
  await node.createIdentity({ passphrase: 'contract passphrase' })
  await node.acceptInvite({ link: readLink })
  server = await startUiServer({ api: node, uiDir: tmp })
  const origin = `http://127.0.0.1:${server.port}`
  const url = `ws://127.0.0.1:${server.port}/api?token=${server.token}`
  raw = new WebSocket(url, { headers: { origin } })
  raw.on('message', (data) => {
    const m = decodeWire(String(data))
    if (m.kind !== 'response') return
    const { kind: _kind, id, ...reply } = m
    waiting.get(id)?.(reply as ApiReply)
    waiting.delete(id)
  })
  await new Promise<void>((ok, fail) => {
    raw.once('open', () => ok())
    raw.once('error', fail)
  })
  // The UI's own client, over a socket that sends our origin as a page would.
  class PageSocket extends WebSocket {
    constructor(u: string) {
      super(u, { headers: { origin } })
    }
  }
  wsClient = createWsClient(url, { WebSocketImpl: PageSocket as unknown as typeof globalThis.WebSocket })
}, 60_000)

afterAll(async () => {
  wsClient?.close()
  raw?.close()
  await server?.close()
  await node?.close()
})

apiContract('in process', () => ({ host: inProcess(), foreign, nodeErrors }))
apiContract('the WebSocket bridge', () => ({ host: { invoke: wsInvoke, client: wsClient as PolityClient }, foreign, nodeErrors }))

/** A value as any transport delivers it: a Node Buffer (what the node hands in process) arrives as a plain Uint8Array. */
function plain(v: unknown): unknown {
  if (v instanceof Uint8Array) return new Uint8Array(v)
  if (Array.isArray(v)) return v.map(plain)
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]))
  return v
}

describe('one node, two hosts (BRIDGE-6)', () => {
  it('BRIDGE-6: the same calls through the WebSocket bridge and in process get equal replies, values and errors alike', async () => {
    const [own] = (await node.listCommunities()).filter((c) => c.name.startsWith('Contract')).map((c) => c.id)
    const c = own as CommunityId
    const calls: [string, unknown][] = [
      ['identityStatus', undefined], ['listCommunities', undefined], ['getCommunity', { community: c }],
      ['getDraft', { community: c }], ['charterDiff', { community: c, from: 0, to: 0 }], ['syncStatus', { community: c }],
      ['exportBundle', { community: c }], ['envelopesSince', { community: c, after: 0 }], ['webrtcRoom', { community: c }],
      ['getDraft', { community: foreign.community }], ['charterDiff', { community: c, from: 0, to: 99 }],
      ['vote', { community: c, proposal: '00'.repeat(32), ballot: { type: 'yesno', choice: 'yes' } }],
    ]
    for (const [method, input] of calls) {
      const here = await serve(node, { method, input })
      expect(await wsInvoke(method, input), method).toStrictEqual(plain(here))
    }
  })

  it('BRIDGE-6: when the bridge goes away, the UI\'s client fails every call with ERR_DISCONNECTED under the same contract', async () => {
    const gone = server
    server = undefined as unknown as UiServer
    await gone.close()
    await expect(wsClient.identityStatus()).rejects.toMatchObject({ name: 'BridgeError', code: 'ERR_DISCONNECTED' })
  })
})
