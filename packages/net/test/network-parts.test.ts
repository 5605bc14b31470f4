/** The pieces of PolityNetwork that need no network: ban list, NET-P1 re-dial backoff, breach classification, status. */
import { describe, expect, it } from 'vitest'
import { SyncAccessError, SyncClosedError, SyncLimitError, SyncProtocolError, type SessionStats } from '@polity/sync'
import { BanList, breaksProtocol, FrameTooLargeError, KNOWN_PEER_BACKOFF_MAX_MS, MAX_STATUS_PEERS, NETWORK_DEFAULTS, NetAbortedError, ProtocolDialError, RedialSchedule, StreamClosedError, StreamIdleTimeoutError } from '../src/index'
import { PeerStatusBook } from '../src/peer-status'

const ID = '12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA'

describe('ban list (NET-7)', () => {
  it('NET-7: a banned peer is refused until its ban expires, then forgiven', () => {
    let now = 1000
    const bans = new BanList(600_000, 10, () => now)
    bans.ban('p')
    expect(bans.isBanned('p')).toBe(true)
    expect(bans.isBanned('q')).toBe(false)
    now += 600_001
    expect(bans.isBanned('p')).toBe(false)
    expect(bans.size).toBe(0)
  })

  it('NET-7: a flood of distinct peer ids cannot grow the list past its bound (the oldest ban goes first)', () => {
    const bans = new BanList(600_000, 100)
    for (let i = 0; i < 10_000; i++) bans.ban(`peer-${i}`)
    expect(bans.size).toBe(100)
    expect(bans.isBanned('peer-9999')).toBe(true)
    expect(bans.isBanned('peer-0')).toBe(false)
  })

  it('NET-7: the network bans for 10 minutes and holds at most 4,096 bans', () => {
    expect(NETWORK_DEFAULTS.banMs).toBe(10 * 60_000)
    let now = 0
    const bans = new BanList(NETWORK_DEFAULTS.banMs, undefined, () => now)
    for (let i = 0; i <= 4096; i++) bans.ban(`peer-${i}`)
    expect(bans.size).toBe(4096)
    expect(bans.isBanned('peer-0')).toBe(false)
    expect(bans.isBanned('peer-1')).toBe(true)
    now = 10 * 60_000
    expect(bans.isBanned('peer-4096')).toBe(true)
    now += 1
    expect(bans.isBanned('peer-4096')).toBe(false)
  })
})

describe('re-dialing remembered peers (NET-P1)', () => {
  const a = `/ip4/127.0.0.1/tcp/4001/p2p/${ID}`
  it('NET-P1: an absent peer is dialed at once, then after 5 s, 10 s, 20 s … up to 5 min; a connected one is not', () => {
    let now = 0
    const r = new RedialSchedule(() => now)
    const dials: number[] = []
    for (; now <= 30 * 60_000; now += 1000) if (r.due([a], new Set()).length > 0) dials.push(now / 1000)
    expect(dials.slice(0, 6)).toEqual([0, 5, 15, 35, 75, 155])
    const gaps = dials.slice(1).map((t, i) => t - dials[i]!)
    expect(Math.max(...gaps)).toBe(KNOWN_PEER_BACKOFF_MAX_MS / 1000)
    expect(r.due([a], new Set([ID]))).toEqual([])
  })

  it('NET-P1: once reconnected, the next absence starts again at 5 s; forgotten addresses leave the table', () => {
    let now = 0
    const r = new RedialSchedule(() => now)
    for (let i = 0; i < 8; i++, now += 400_000) r.due([a], new Set())
    r.due([a], new Set([ID])) // connected again
    expect(r.due([a], new Set())).toEqual([a])
    now += 4_999
    expect(r.due([a], new Set())).toEqual([])
    now += 1
    expect(r.due([a], new Set())).toEqual([a])
    expect(r.due([], new Set())).toEqual([])
    expect(r.due([a, a], new Set())).toEqual([a]) // forgotten, then due at once; listed twice, dialed once
  })
})

describe('which session failures are breaches (NET-7: SYNC-2, SYNC-5, SYNC-6, NET-4, NET-5)', () => {
  it('SYNC-6: protocol, limit and frame-size violations ban; refusals, closed or reset streams, relay cuts and cancellations do not', () => {
    for (const e of [new SyncProtocolError('x'), new SyncLimitError('x'), new FrameTooLargeError(10)]) expect(breaksProtocol(e)).toBe(true)
    const relayCut = Object.assign(new Error('data limit of 1048576 bytes exceeded'), { name: 'TransferLimitError' })
    for (const e of [new SyncAccessError('x'), new SyncClosedError(), new StreamClosedError(), new StreamIdleTimeoutError(1), new NetAbortedError('x'), new ProtocolDialError('/p', 'peer', new Error('x')), relayCut, undefined, null, 'text', 42]) {
      expect(breaksProtocol(e)).toBe(false)
    }
  })
})

describe('per-peer status (SYNC-7)', () => {
  const stats = (theyLacked: number, weLacked: number, peerTotal = 0): SessionStats => ({ community: 'c', opsSent: 0, opsReceived: 0, applied: 0, rejected: 0, bytesIn: 0, bytesOut: 0, rounds: 0, durationMs: 0, theyLacked, weLacked, peerTotal })
  const conn = (peer: string, addr: string): never => ({ remotePeer: { toString: () => peer }, remoteAddr: { toString: () => addr } }) as never

  it('SYNC-7, SYNC-10: the last completed session per peer is kept, with its transport, the peer\'s total and the member it proved; at most MAX_STATUS_PEERS per community', () => {
    let now = 5
    const book = new PeerStatusBook(() => now)
    book.record('c', stats(2, 3), conn('p1', `/ip4/1.2.3.4/tcp/1/p2p/${ID}/p2p-circuit/p2p/p1`))
    now = 6
    book.record('c', stats(0, 1, 40), conn('p1', '/ip4/1.2.3.4/tcp/1/ws'), 'ab'.repeat(32))
    expect(book.peers('c')).toEqual([{ peer: 'p1', transport: 'websocket', lastHeard: 6, theyLack: 0, weLack: 1, total: 40, member: 'ab'.repeat(32) }])
    book.record('c', stats(0, 0), conn('p2', `/ip4/1.2.3.4/tcp/1/p2p/${ID}/p2p-circuit/p2p/p2`))
    expect(book.peers('c').map((p) => p.transport)).toEqual(['websocket', 'relay'])
    expect(book.peers('other')).toEqual([])
    for (let i = 0; i < MAX_STATUS_PEERS + 50; i++) book.record('c', stats(0, 0), conn(`x${i}`, '/ip4/1.2.3.4/tcp/1'))
    expect(book.peers('c')).toHaveLength(MAX_STATUS_PEERS)
  })
})
