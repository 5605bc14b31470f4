/**
 * BRIDGE-6: the contract every host of the API keeps, as one suite that each
 * host's test runs against a real node:
 *   - in process (`serve` called directly) and the browser-mode WebSocket
 *     bridge: apps/peer/test/api-contract.test.ts;
 *   - Electron IPC through the real preload and main bridge under the
 *     stand-in Electron: apps/desktop/test/main-smoke.test.ts.
 * Every reply is compared with the same reference — `serve` in process for
 * calls refused before the node (unknown methods, bad input: BRIDGE-5), the
 * node's own error classes for errors from the node — so all hosts answer the
 * same calls identically. The client over each host (`createClient`, as the UI
 * builds it) must throw exactly the reply's name, code and message.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { API_METHODS, serve, type ApiErrorInfo, type ApiReply, type CommunityId, type PolityApi, type PolityClient, type PolityEvent } from '../src/index'

export interface ContractHost {
  /** The host's transport, as a page reaches it: one call, one reply. */
  invoke(method: string, input: unknown): Promise<ApiReply>
  /** The client built on that transport the way the UI builds it. */
  readonly client: PolityClient
}

export interface ContractSetup {
  /** The host; its node has an unlocked identity. */
  readonly host: ContractHost
  /** A community made on another device (its member is not this node's), as a bundle. */
  readonly foreign: { readonly community: CommunityId; readonly name: string; readonly bundle: Uint8Array }
  /** The node's own errors as a reply must carry them (the host test builds these from the node's error classes). */
  readonly nodeErrors: { readonly notAMember: ApiErrorInfo; readonly unknownCommunity: (id: string) => ApiErrorInfo }
}

/** An API whose every method fails loudly: the reference for calls that must be refused before the node. */
const UNREACHABLE = Object.fromEntries(API_METHODS.map((m) => [m, () => Promise.reject(new Error(`${m} reached the node`))])) as unknown as PolityApi
const reference = (method: unknown, input: unknown): Promise<ApiReply> => serve(UNREACHABLE, { method, input })

/** Method names a page might try that are not API methods. */
export const NOT_METHODS: readonly unknown[] = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', 'subscribe', 'then', 'notAMethod', '', 42, null]

const YESNO = { type: 'yesno', quorum: [1, 2], threshold: [1, 2] }
/** Calls every host must refuse before the node sees them (BRIDGE-5); `c` is a community the node holds. */
export const BAD_INPUTS = (c: CommunityId): readonly [string, unknown][] => [
  ['setProfile', { community: c, name: 'Eve', extra: 1 }],
  ['lock', { force: true }],
  ['getCommunity', 'not a map'],
  ['getCommunity', [c]],
  ['getCommunity', null],
  ['createCommunity', { name: 'Evil', purpose: '', charter: '', rules: { superpowers: true } }],
  ['createProposal', { community: c, title: 't', text: '', action: { type: 'constructor' }, method: YESNO }],
  ['createProposal', { community: c, title: 't', text: '', action: { type: 'resolution' }, method: { ...YESNO, toString: 1 } }],
  ['vote', { community: c, proposal: c, ballot: { type: 'yesno', choice: 'yes', weight: 2 } }],
  ['importBundle', { bytes: new Uint8Array([1]), extra: new Uint8Array(0) }],
]

/** The fields a client's error must carry: exactly the reply's. */
const fields = (e: unknown): ApiErrorInfo => {
  const x = e as ApiErrorInfo
  return { name: x.name, code: x.code, message: x.message }
}

async function clientError(client: PolityClient, method: string, input: unknown): Promise<unknown> {
  const call = (client as unknown as Record<string, (i: unknown) => Promise<unknown>>)[method]
  if (!call) throw new Error(`the client has no method ${method}`)
  return call(input).then(() => new Error(`${method} should have failed`), (e: unknown) => e)
}

async function until<T>(what: string, probe: () => T | undefined): Promise<T> {
  for (let i = 0; i < 600; i++) {
    const v = probe()
    if (v !== undefined) return v
    await new Promise((r) => setTimeout(r, 25))
  }
  throw new Error(`still waiting for ${what}`)
}

export function apiContract(label: string, setup: () => ContractSetup): void {
  describe(`the API contract through ${label} (BRIDGE-6)`, () => {
    let s: ContractSetup
    let own: CommunityId

    beforeAll(async () => {
      s = setup()
      own = await s.host.client.createCommunity({ name: `Contract ${label}`, purpose: 'contract', charter: '# Contract\n', founderName: 'Ana' })
    })

    it(`BRIDGE-6 (${label}): a call that succeeds answers {ok: true, value}; one that returns nothing has no value; the client returns the same`, async () => {
      const status = await s.host.invoke('identityStatus', undefined)
      expect(status).toMatchObject({ ok: true, value: { state: 'unlocked' } })
      expect(await s.host.client.identityStatus()).toEqual((status as { value: unknown }).value)
      const set = await s.host.invoke('setProfile', { community: own, name: 'Ana B' })
      expect(set).toEqual({ ok: true })
      expect(await s.host.client.setProfile({ community: own, name: 'Ana C' })).toBeUndefined()
      expect((await s.host.client.getCommunity({ community: own })).members.map((m) => m.name)).toEqual(['Ana C'])
    })

    it(`BRIDGE-6 (${label}): bytes cross both ways intact`, async () => {
      const imported = await s.host.invoke('importBundle', { bytes: s.foreign.bundle })
      expect(imported.ok).toBe(true)
      expect((await s.host.client.getCommunity({ community: s.foreign.community })).name).toBe(s.foreign.name)
      const exported = await s.host.invoke('exportBundle', { community: own })
      const bytes = (exported as { value: unknown }).value
      expect(bytes).toBeInstanceOf(Uint8Array)
      const again = await s.host.client.importBundle({ bytes: bytes as Uint8Array })
      expect(again).toMatchObject({ applied: 0, rejected: 0, communities: [own] })
      expect(again.duplicates).toBeGreaterThan(0)
      expect(await s.host.client.exportBundle({ community: own })).toEqual(bytes)
    })

    it(`BRIDGE-6 (${label}): an error from the node arrives with its own name, code and message, in the reply and from the client`, async () => {
      await s.host.invoke('importBundle', { bytes: s.foreign.bundle })
      const missing = '00'.repeat(32)
      const cases: [string, unknown, ApiErrorInfo][] = [
        ['getDraft', { community: s.foreign.community }, s.nodeErrors.notAMember],
        ['webrtcRoom', { community: s.foreign.community }, s.nodeErrors.notAMember],
        ['setProfile', { community: s.foreign.community, name: 'Mallory' }, s.nodeErrors.notAMember],
        ['getCommunity', { community: missing }, s.nodeErrors.unknownCommunity(missing)],
      ]
      expect(s.nodeErrors.notAMember).toMatchObject({ name: 'NotAMemberError', code: 'ERR_NOT_A_MEMBER' })
      for (const [method, input, error] of cases) {
        expect(await s.host.invoke(method, input), method).toEqual({ ok: false, error })
        const thrown = await clientError(s.host.client, method, input)
        expect(thrown, method).toBeInstanceOf(Error)
        expect(fields(thrown), method).toEqual(error)
      }
      // A value the node itself refuses (not the bridge's check): the node's InvalidInputError, whole.
      const diff = await s.host.invoke('charterDiff', { community: own, from: 'constructor', to: 0 })
      expect(diff).toMatchObject({ ok: false, error: { name: 'InvalidInputError', code: 'ERR_INVALID_INPUT' } })
      expect(fields(await clientError(s.host.client, 'charterDiff', { community: own, from: 'constructor', to: 0 }))).toEqual((diff as { error: ApiErrorInfo }).error)
    })

    it(`BRIDGE-5/BRIDGE-6 (${label}): an unknown method is ERR_UNKNOWN_METHOD, exactly as serve answers it in process`, async () => {
      for (const method of NOT_METHODS) {
        const expected = await reference(method, {})
        expect(expected).toMatchObject({ ok: false, error: { name: 'BridgeError', code: 'ERR_UNKNOWN_METHOD' } })
        expect(await s.host.invoke(method as string, {}), String(method)).toEqual(expected)
      }
    })

    it(`BRIDGE-5/BRIDGE-6 (${label}): bad input is ERR_INVALID_INPUT naming the field, exactly as serve answers it in process, from the client too; nothing changes`, async () => {
      const before = [await s.host.client.getCommunity({ community: own }), await s.host.client.listCommunities()]
      for (const [method, input] of BAD_INPUTS(own)) {
        const expected = await reference(method, input)
        expect(expected, method).toMatchObject({ ok: false, error: { code: 'ERR_INVALID_INPUT' } })
        expect(await s.host.invoke(method, input), `${method} ${JSON.stringify(input)}`).toEqual(expected)
        expect(fields(await clientError(s.host.client, method, input)), method).toEqual((expected as { error: ApiErrorInfo }).error)
      }
      expect([await s.host.client.getCommunity({ community: own }), await s.host.client.listCommunities()]).toEqual(before)
    })

    it(`BRIDGE-6, BRIDGE-8 (${label}): events reach a subscriber until it unsubscribes, naming what changed`, async () => {
      const seen: PolityEvent[] = []
      const un = s.host.client.subscribe((e) => seen.push(e))
      const ops = (await s.host.client.listCommunities()).find((c) => c.id === own)?.opCount ?? 0
      await s.host.client.setProfile({ community: own, name: 'Ana D' })
      const event = await until('the community event', () => seen.find((e) => e.type === 'community' && e.community === own))
      // BRIDGE-8: the event names what changed: a profile name shows on the roster and beside proposals.
      expect(event).toEqual({ type: 'community', community: own, ops: ops + 1, parts: ['proposals', 'roster'], proposals: [] })
      un()
      const count = seen.length
      await s.host.client.setProfile({ community: own, name: 'Ana E' })
      await new Promise((r) => setTimeout(r, 200))
      expect(seen.length).toBe(count)
    })
  })
}
