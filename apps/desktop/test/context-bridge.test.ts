/**
 * DESK-1/BRIDGE-6: why the preload exposes transports and the page builds the
 * clients. The stand-in's model of Electron's context bridge (acrossWorlds,
 * after electron_api_context_bridge.cc) turns an Error that crosses it into a
 * bare Error with only its message; a reply — plain data — crosses whole, so
 * a client built in the page throws the node's name and code.
 */
import { describe, expect, it } from 'vitest'
import { ApiError, createClient, errorReply, type PolityTransport } from '@polity/api'
import { acrossWorlds } from './electron-stand-in'

describe("the stand-in's context bridge (DESK-1, BRIDGE-6)", () => {
  it('BRIDGE-6: an ApiError thrown in the preload reaches the page without its name and code; a reply keeps them', async () => {
    const inPreload = { fail: async () => Promise.reject(new ApiError('NotAMemberError', 'ERR_NOT_A_MEMBER', 'You are not a member.')) }
    const page = acrossWorlds(inPreload) as typeof inPreload
    const lost = await page.fail().then(() => undefined, (e: unknown) => e as ApiError)
    expect(lost).toBeInstanceOf(Error)
    expect(lost?.message).toBe('You are not a member.')
    expect(lost?.name).toBe('Error')
    expect(lost?.code).toBeUndefined()

    const transport: PolityTransport = {
      invoke: async () => errorReply(new ApiError('NotAMemberError', 'ERR_NOT_A_MEMBER', 'You are not a member.')),
      subscribe: () => () => undefined,
    }
    const crossed = acrossWorlds(Object.freeze(transport)) as PolityTransport
    const client = createClient(crossed.invoke, crossed.subscribe)
    await expect(client.webrtcRoom({ community: 'ab' as never })).rejects.toMatchObject({ name: 'NotAMemberError', code: 'ERR_NOT_A_MEMBER', message: 'You are not a member.' })
  })

  it('DESK-1: values are copied, not shared: functions are proxied, bytes arrive as bytes, listeners get copies', () => {
    const seen: unknown[] = []
    const bytes = new Uint8Array([1, 2, 3])
    const preload = { echo: (x: unknown) => x, listen: (l: (e: unknown) => void) => l({ update: bytes }) }
    const page = acrossWorlds(preload) as typeof preload
    const obj = { a: [1, { b: 2 }] }
    const back = page.echo(obj)
    expect(back).toEqual(obj)
    expect(back).not.toBe(obj)
    page.listen((e) => seen.push(e))
    expect(seen).toEqual([{ update: bytes }])
    expect((seen[0] as { update: Uint8Array }).update).not.toBe(bytes)
  })
})
