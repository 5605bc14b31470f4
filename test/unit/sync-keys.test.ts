/**
 * SYNC-8: key-carrying ops go first. A newcomer whose only key is carried by
 * the newest op (a member's agree key reached only by the closing re-key)
 * cold-syncs the whole history in one session, even when the history is far
 * bigger than its buffer of waiting ops (DAG-5, KEY-5): without SYNC-8 the
 * sender's causal order puts that op last, everything before it waits for
 * the key, and what does not fit the buffer is dropped.
 */
import { describe, expect, it } from 'vitest'
import { KeyRing, Replica, toHex, type AgreeKeyPair, type KeyPair } from '@polity/protocol'
import { SyncProtocolError, keysFirst, opsOutside, readMessage, writeMessage } from '@polity/sync'
import { generateCommunity, sizesFor } from '../bench/generate'
import { crypto, peer, syncPair, type Peer } from './sync-helpers'

const g = generateCommunity({ seed: 11, ...sizesFor(3000), rekey: true })

/** A replica holding nothing but `agree`, with a buffer of at most `cap` waiting ops. */
function newcomer(identity: KeyPair, agree: AgreeKeyPair, cap: number): Peer {
  const replica = new Replica({ crypto, keyRing: new KeyRing([agree]), community: g.community, limits: { maxPendingOps: cap } })
  return {
    name: 'newcomer', replica, identity,
    target: {
      replica,
      ingest: async (envs) => {
        let applied = 0
        let rejected = 0
        for (const e of envs) {
          const r = replica.receive(e)
          if (r.status === 'applied' || r.status === 'pending') applied += r.applied?.length ?? 0
          if (r.status === 'rejected') rejected++
        }
        return { applied, rejected }
      },
    },
  }
}

describe('sync of a sealed community (SYNC-8)', () => {
  it('SYNC-8: a newcomer whose only key comes with the last op gets the whole history in one session, past a small buffer', async () => {
    expect(g.ops.at(-1)?.kind).toBe('epoch.rekey') // the only op that wraps a key to member 1's agree key
    const founder = peer('founder', g.founder, g.ops, undefined, g.agreeKeys.slice(0, 1))
    const b = newcomer(g.memberKeys[0] as KeyPair, g.agreeKeys[1] as AgreeKeyPair, 500)
    const [sb] = await syncPair(b, founder, g.community)
    expect(b.replica.size).toBe(g.ops.length)
    expect(b.replica.state()).toEqual(founder.replica.state())
    expect(sb.opsReceived).toBe(g.ops.length) // each op once
    expect(b.replica.missing()).toEqual([])
  })

  it('SYNC-8: the key-carrying ops lead, in causal order, and every op is sent once', () => {
    const founder = peer('founder', g.founder, g.ops, undefined, g.agreeKeys.slice(0, 1))
    const all = opsOutside(founder.replica, [])
    const ordered = keysFirst(founder.replica, all)
    expect([...ordered].sort()).toEqual([...all].sort())
    const kinds = ordered.map((id) => (founder.replica.entry(id)?.op as { kind: string }).kind)
    const keyKinds = new Set(['genesis', 'invite.create', 'epoch.rekey', 'epoch.grant'])
    const lead = kinds.findIndex((k) => !keyKinds.has(k))
    expect(lead).toBeGreaterThan(1)
    expect(kinds.slice(lead).some((k) => keyKinds.has(k))).toBe(false)
    expect(kinds[0]).toBe('genesis')
  })
})

describe('asking for a key in a sync session (SYNC-9)', () => {
  it('SYNC-9: a device whose ops wait for a key sends its agree key once the peer\'s ops are in; the peer hears it with the member key the device proved with', async () => {
    const founder = peer('founder', g.founder, g.ops.slice(0, -1), undefined, g.agreeKeys.slice(0, 1)) // no closing re-key: member 1 has no wrap
    const b = newcomer(g.memberKeys[0] as KeyPair, g.agreeKeys[1] as AgreeKeyPair, 20_000)
    const asks: { member: string; agree: string }[] = []
    const cert = new Uint8Array(64).fill(9)
    const asker = { ...b, target: { ...b.target, keyAsk: () => (b.replica.isPending(g.community as never) ? { agree: (g.agreeKeys[1] as AgreeKeyPair).publicKey, cert } : undefined) } }
    const listener = { ...founder, target: { ...founder.target, keyRequest: (member: Uint8Array, agree: Uint8Array, c: Uint8Array) => {
      expect(c).toEqual(cert)
      asks.push({ member: toHex(member), agree: toHex(agree) })
    } } }
    await syncPair(asker, listener, g.community)
    expect(b.replica.size).toBe(0) // everything waits for a key
    expect(asks).toEqual([{ member: toHex((g.memberKeys[0] as KeyPair).publicKey), agree: toHex((g.agreeKeys[1] as AgreeKeyPair).publicKey) }])
  })

  it('SYNC-9: the keys message is exactly an agree key and a certificate; anything else is a SyncProtocolError', () => {
    const m = { type: 'keys' as const, agree: new Uint8Array(32).fill(1), cert: new Uint8Array(64).fill(2) }
    expect(readMessage(writeMessage(m))).toEqual(m)
    const frame = writeMessage(m)
    expect(() => readMessage(frame.slice(0, -1))).toThrow(SyncProtocolError)
    expect(() => readMessage(Uint8Array.from([...frame, 0]))).toThrow(SyncProtocolError)
  })
})
