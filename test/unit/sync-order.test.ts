/**
 * SYNC-1: the dialer opens, the listener challenges, the dialer proves, and
 * only then does the listener prove; nothing about the community — not even
 * its heads — goes to a peer that has not proven access. Checked on the
 * frames of a real session and against peers that skip their proof.
 */
import { describe, expect, it } from 'vitest'
import { fromHex } from '@polity/protocol'
import { SyncProtocolError, dialSync, listenSync, memoryPipe, readMessage, rosterAccess, writeMessage, type FrameDuplex } from '@polity/sync'
import { generateCommunity, sizesFor } from '../bench/generate'
import { crypto, nonce, peersOf, syncPair } from './sync-helpers'

const small = generateCommunity({ seed: 13, ...sizesFor(400) })
const peer = peersOf(small)

/** Record what an end sends, by message type. */
function tap(end: FrameDuplex): string[] {
  const seen: string[] = []
  const send = end.send.bind(end)
  end.send = (f) => {
    seen.push(readMessage(f).type)
    return send(f)
  }
  return seen
}

describe('sync message order (SYNC-1)', () => {
  it('SYNC-1: open, challenge, the dialer\'s proof, the listener\'s proof — and only then heads and ops', async () => {
    const a = peer('a', small.founder, small.ops)
    const b = peer('b', small.memberKeys[0]!, small.ops.slice(0, 40))
    const log: [string, string][] = []
    await syncPair(b, a, small.community, { deliver: (frame, from) => (log.push([from === 'a' ? 'dialer' : 'listener', readMessage(frame).type]), true) })
    expect(b.replica.state()).toEqual(a.replica.state())
    expect(log.slice(0, 4)).toEqual([['dialer', 'open'], ['listener', 'challenge'], ['dialer', 'proof'], ['listener', 'proof']])
    const firstData = log.findIndex(([, type]) => ['hello', 'ops', 'want', 'done', 'received'].includes(type))
    expect(firstData).toBe(4)
    expect(log.filter(([, type]) => type === 'open' || type === 'challenge' || type === 'proof')).toHaveLength(4)
  })

  it('SYNC-1: a dialer that sends its heads instead of a proof gets a refusal and nothing else', async () => {
    const a = peer('a', small.founder, small.ops)
    const [raw, listener] = memoryPipe()
    const sent = tap(listener)
    const access = rosterAccess({ replica: a.replica, community: small.community, identity: a.identity, localBinding: new Uint8Array([1]), remoteBinding: new Uint8Array([2]), verify: crypto.verify })
    const served = listenSync({ duplex: listener, resolve: () => ({ target: a.target, access }), randomNonce: nonce })
    const frames = raw.frames[Symbol.asyncIterator]()
    await raw.send(writeMessage({ type: 'open', version: 1, community: fromHex(small.community, 32), nonce: nonce() }))
    expect(readMessage((await frames.next()).value as Uint8Array).type).toBe('challenge')
    await raw.send(writeMessage({ type: 'hello', heads: [], probes: [], total: 0 }))
    await expect(served).rejects.toThrow(SyncProtocolError)
    expect(sent).toEqual(['challenge', 'error'])
  })

  it('SYNC-1: a listener that sends its heads instead of its proof learns nothing from the dialer beyond its proof', async () => {
    const b = peer('b', small.memberKeys[0]!, small.ops)
    const [dialer, raw] = memoryPipe()
    const sent = tap(dialer)
    const access = rosterAccess({ replica: b.replica, community: small.community, identity: b.identity, localBinding: new Uint8Array([2]), remoteBinding: new Uint8Array([1]), verify: crypto.verify })
    const dialed = dialSync({ duplex: dialer, community: small.community, target: b.target, access, randomNonce: nonce })
    const frames = raw.frames[Symbol.asyncIterator]()
    expect(readMessage((await frames.next()).value as Uint8Array).type).toBe('open')
    await raw.send(writeMessage({ type: 'challenge', nonce: nonce() }))
    expect(readMessage((await frames.next()).value as Uint8Array).type).toBe('proof')
    await raw.send(writeMessage({ type: 'hello', heads: [], probes: [], total: 0 }))
    await expect(dialed).rejects.toThrow(SyncProtocolError)
    expect(sent).toEqual(['open', 'proof', 'error'])
  })
})
