/**
 * BRIDGE-6: the one error contract of the API's hosts, in process: what
 * `serve` answers for any thrown value, what `createClient` throws for any
 * reply, and that a value the node throws survives serve → the JSON wire →
 * createClient with the same name, code and message. The hosts themselves
 * run the contract suite (contract.ts) against a real node.
 */
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import {
  API_METHODS, ApiError, INTERNAL_ERROR_CODE, createClient, createDeviceClient, decodeWire, encodeWire, errorInfo, serve, unwrapReply,
  type ApiReply, type PolityApi,
} from '../src/index'

const SEED = 140_414
const RUNS = 2000
const NAME = /^[A-Za-z_$][A-Za-z0-9_$]{0,63}$/
const CODE = /^ERR_[A-Z0-9_]{1,60}$/

/** An API whose every method throws (or returns) what `behave` says. */
function apiThat(behave: (method: string, input: unknown) => unknown): PolityApi {
  return Object.fromEntries(API_METHODS.map((m) => [m, async (input: unknown) => behave(m, input)])) as unknown as PolityApi
}

/** The bridge between serve and a client, as the WebSocket carries it: JSON with bytes as $bytes. */
function overTheWire(api: PolityApi): (method: string, input: unknown) => Promise<ApiReply> {
  return async (method, input) => {
    const request = decodeWire(encodeWire({ kind: 'request', id: 1, method, input }))
    if (request.kind !== 'request') throw new Error('not a request')
    const reply = await serve(api, { method: request.method, input: request.input })
    const back = decodeWire(encodeWire({ kind: 'response', id: request.id, ...reply }))
    const { kind: _k, id: _i, ...rest } = back as unknown as Record<string, unknown>
    return rest as unknown as ApiReply
  }
}

class NodeLikeError extends Error {
  constructor(readonly code: string, message: string) {
    super(message)
    this.name = new.target.name
  }
}
class NotAMemberError extends NodeLikeError {}

describe('the error contract (BRIDGE-6)', () => {
  it('BRIDGE-6: our errors keep their name, code and message; anything else is ERR_INTERNAL with its message and no stack trace', () => {
    expect(errorInfo(new NotAMemberError('ERR_NOT_A_MEMBER', 'You are not a member.'))).toEqual({ name: 'NotAMemberError', code: 'ERR_NOT_A_MEMBER', message: 'You are not a member.' })
    expect(errorInfo(new ApiError('BridgeError', 'ERR_DISCONNECTED', 'Gone.'))).toEqual({ name: 'BridgeError', code: 'ERR_DISCONNECTED', message: 'Gone.' })
    expect(errorInfo(new TypeError('x is not a function'))).toEqual({ name: 'TypeError', code: INTERNAL_ERROR_CODE, message: 'x is not a function' })
    const enoent = Object.assign(new Error("ENOENT: no such file or directory, open '/x'"), { code: 'ENOENT', errno: -2 })
    expect(errorInfo(enoent)).toEqual({ name: 'Error', code: INTERNAL_ERROR_CODE, message: "ENOENT: no such file or directory, open '/x'" })
    const withStack = new Error('first line')
    const info = errorInfo(new Error(String(withStack.stack)))
    expect(info.message).toBe('Error: first line')
    expect(info.message).not.toMatch(/\n\s+at\s/)
    for (const odd of [undefined, null, 42, Symbol('s'), () => 1, {}, [], { name: 'Evil Name!', code: 'err_lower', message: 7 }]) {
      const i = errorInfo(odd)
      expect(i.code, String(typeof odd)).toBe(INTERNAL_ERROR_CODE)
      expect(i.name).toMatch(NAME)
      expect(i.message.length).toBeGreaterThan(0)
    }
    const hostile = { get name(): string { throw new Error('boom') } }
    expect(errorInfo(hostile)).toMatchObject({ name: 'Error', code: INTERNAL_ERROR_CODE })
    const { proxy, revoke } = Proxy.revocable({}, {})
    revoke()
    expect(errorInfo(proxy)).toMatchObject({ name: 'Error', code: INTERNAL_ERROR_CODE })
    expect(errorInfo('x'.repeat(5000)).message.length).toBe(2001)
  })

  it(`BRIDGE-6: any thrown value answers under the contract, and survives serve → JSON wire → createClient intact (seed ${SEED}, ${RUNS} runs)`, async () => {
    const name = fc.oneof(fc.constantFrom('Error', 'TypeError', 'NotAMemberError', 'BridgeError', '', 'a b', '__proto__'), fc.string({ maxLength: 80 }))
    const code = fc.oneof(fc.constantFrom('ERR_NOT_A_MEMBER', 'ERR_INVALID_INPUT', 'ENOENT', 'ERR_', 'err_x', ''), fc.string({ maxLength: 70 }), fc.stringMatching(/^ERR_[A-Z0-9_]{1,70}$/))
    const stackLine = fc.constantFrom('    at f (file:///x.js:1:2)', '\tat Object.<anonymous> (node:internal/x:9:9)', 'at the start is fine')
    const message = fc.array(fc.oneof(fc.string({ maxLength: 200 }), stackLine), { maxLength: 8 }).map((l) => l.join('\n'))
    const thrown = fc.oneof(
      fc.record({ name, code, message }).map((e) => Object.assign(new Error(e.message), { name: e.name, code: e.code })),
      fc.record({ name, code, message }).map((e) => new ApiError(e.name, e.code, e.message)),
      fc.anything(),
      message,
    )
    let cases = 0
    await fc.assert(fc.asyncProperty(thrown, async (t) => {
      cases++
      const i = errorInfo(t)
      expect(i.name).toMatch(NAME)
      expect(i.code === INTERNAL_ERROR_CODE || CODE.test(i.code)).toBe(true)
      expect(i.message.length).toBeGreaterThan(0)
      expect(i.message.length).toBeLessThanOrEqual(2001)
      expect(i.message.split('\n').some((l) => /^\s+at\s/.test(l))).toBe(false)
      const api = apiThat(() => {
        throw t
      })
      expect(await serve(api, { method: 'listCommunities' })).toEqual({ ok: false, error: i })
      const client = createClient(overTheWire(api), () => () => undefined)
      const e = await client.listCommunities().then(() => undefined, (x: unknown) => x)
      expect(e).toBeInstanceOf(ApiError)
      const got = e as ApiError
      expect({ name: got.name, code: got.code, message: got.message }).toEqual(i)
      // The client's error is already under the contract: carrying it again changes nothing.
      expect(errorInfo(got)).toEqual(i)
    }), { seed: SEED, numRuns: RUNS, endOnFailure: true })
    console.log(`BRIDGE-6: seed ${SEED}, ${cases} thrown values`)
  }, 120_000)

  it('BRIDGE-6: a value crosses serve and the wire whole; a method that returns nothing has no value', async () => {
    const api = apiThat((m) => (m === 'exportBundle' ? new Uint8Array([1, 2, 3]) : m === 'lock' ? undefined : { state: 'none' }))
    expect(await serve(api, { method: 'lock' })).toStrictEqual({ ok: true })
    expect(await serve(api, { method: 'identityStatus' })).toEqual({ ok: true, value: { state: 'none' } })
    const client = createClient(overTheWire(api), () => () => undefined)
    expect(await client.exportBundle({ community: 'ab' as never })).toEqual(new Uint8Array([1, 2, 3]))
    expect(await client.lock()).toBeUndefined()
  })

  it('BRIDGE-5/BRIDGE-6: serve refuses a request that is not {method, input}, and never reaches the API for a refused call', async () => {
    let reached = 0
    const api = apiThat(() => {
      reached++
      return null
    })
    for (const bad of [null, 'listCommunities', ['listCommunities'], 7, {}, { input: {} }]) {
      expect(await serve(api, bad), JSON.stringify(bad)).toMatchObject({ ok: false, error: { name: 'BridgeError', code: 'ERR_BRIDGE_MESSAGE' } })
    }
    const inherited = Object.create({ method: 'listCommunities' }) as object
    expect(await serve(api, inherited)).toMatchObject({ ok: false, error: { code: 'ERR_BRIDGE_MESSAGE' } })
    expect(await serve(api, { method: 'constructor', input: {} })).toMatchObject({ ok: false, error: { code: 'ERR_UNKNOWN_METHOD' } })
    expect(await serve(api, { method: 'getCommunity', input: { community: 'x', toString: 1 } })).toMatchObject({ ok: false, error: { code: 'ERR_INVALID_INPUT' } })
    expect(reached).toBe(0)
    expect(await serve(api, { method: 'listCommunities', input: null })).toEqual({ ok: true, value: null })
    expect(reached).toBe(1)
  })

  it('BRIDGE-6: a client refuses a malformed reply and reports a failed transport under the contract', async () => {
    for (const bad of [null, undefined, 'ok', {}, { ok: 'yes' }, []]) {
      expect(() => unwrapReply(bad), JSON.stringify(bad)).toThrow(expect.objectContaining({ name: 'BridgeError', code: 'ERR_BRIDGE_MESSAGE' }))
    }
    expect(() => unwrapReply({ ok: false })).toThrow(expect.objectContaining({ name: 'Error', code: INTERNAL_ERROR_CODE }))
    expect(() => unwrapReply({ ok: false, error: { name: '<b>', code: 'nope', message: 'm' } })).toThrow(expect.objectContaining({ name: 'Error', code: INTERNAL_ERROR_CODE, message: 'm' }))
    const down = createClient(() => Promise.reject(new ApiError('BridgeError', 'ERR_DISCONNECTED', 'Not connected.')), () => () => undefined)
    await expect(down.identityStatus()).rejects.toMatchObject({ name: 'BridgeError', code: 'ERR_DISCONNECTED', message: 'Not connected.' })
    const broken = createClient(() => {
      throw new TypeError('socket.send is not a function')
    }, () => () => undefined)
    await expect(broken.identityStatus()).rejects.toMatchObject({ name: 'TypeError', code: INTERNAL_ERROR_CODE })
    const device = createDeviceClient(async (method) => (method === 'setSettings' ? { ok: false, error: { name: 'InvalidInputError', code: 'ERR_INVALID_INPUT', message: 'unknown setting "x"' } } : { ok: true, value: 1 }))
    await expect(device.setSettings({})).rejects.toMatchObject({ name: 'InvalidInputError', code: 'ERR_INVALID_INPUT', message: 'unknown setting "x"' })
  })

  it('BRIDGE-6: a client has exactly the API methods and subscribe, and calls the transport with the method it was called as', async () => {
    const calls: string[] = []
    const client = createClient(async (method) => {
      calls.push(method)
      return { ok: true }
    }, () => () => undefined)
    expect(Object.keys(client).sort()).toEqual([...API_METHODS, 'subscribe'].sort())
    for (const m of API_METHODS) await (client[m] as (i?: unknown) => Promise<unknown>)()
    expect(calls).toEqual([...API_METHODS])
  })
})
