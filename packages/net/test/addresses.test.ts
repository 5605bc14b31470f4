/** NET-6 address checks, peer-key helpers and secret-derived names (no network). */
import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import {
  networkNames,
  webrtcRoom,
  TOPIC_LABEL,
  RENDEZVOUS_LABEL,
  WEBRTC_ROOM_LABEL,
  WEBRTC_PASSWORD_LABEL,
  communityTopic,
  generatePeerKey,
  InvalidAddressError,
  InvalidPeerKeyError,
  InvalidSecretError,
  parseAddress,
  parseAddresses,
  peerIdOfAddress,
  peerIdOfKey,
  peerKeyFromBytes,
  peerKeyToBytes,
  rendezvousKey,
} from '../src/index'

const ID = '12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA'

describe('parseAddress (NET-6)', () => {
  it('NET-6: accepts dialable addresses that end in a peer id', () => {
    for (const a of [`/ip4/127.0.0.1/tcp/4001/p2p/${ID}`, `/ip4/192.168.1.5/tcp/4002/ws/p2p/${ID}`, `/dns4/example.org/tcp/443/wss/p2p/${ID}`, `/ip4/10.0.0.1/tcp/1/p2p/${ID}/p2p-circuit/p2p/${ID}`]) {
      expect(parseAddress(a).toString()).toBe(a)
      expect(peerIdOfAddress(parseAddress(a))).toBe(ID)
    }
  })

  it('NET-6: refuses garbage with InvalidAddressError, never another error', () => {
    const bad: unknown[] = [
      '', 'hello', 42, null, undefined, {}, '/ip4/127.0.0.1/tcp/4001', `/ip4/999.1.1.1/tcp/1/p2p/${ID}`, `/ip4/127.0.0.1/tcp/0/p2p/${ID}`,
      `/ip4/0.0.0.0/tcp/4001/p2p/${ID}`, `/unix/tmp%2Fsock/p2p/${ID}`, `/memory/x/p2p/${ID}`, '/ip4/127.0.0.1/tcp/4001/p2p/notapeerid',
      `/ip4/127.0.0.1/udp/1/quic-v1/p2p/${ID}`, '/' + 'a'.repeat(600), `/ip4/127.0.0.1/tcp/4001/p2p/${ID}/garbage`,
    ]
    for (const b of bad) {
      let caught: unknown
      try {
        parseAddress(b)
      } catch (e) {
        caught = e
      }
      expect(caught, String(b)).toBeInstanceOf(InvalidAddressError)
      expect((caught as InvalidAddressError).code).toBe('ERR_INVALID_ADDRESS')
    }
  })

  it('NET-6: a list is refused whole if one entry is bad or it is too long', () => {
    expect(parseAddresses([`/ip4/127.0.0.1/tcp/1/p2p/${ID}`])).toHaveLength(1)
    expect(() => parseAddresses([`/ip4/127.0.0.1/tcp/1/p2p/${ID}`, 'junk'])).toThrow(InvalidAddressError)
    expect(() => parseAddresses(Array.from({ length: 17 }, () => `/ip4/127.0.0.1/tcp/1/p2p/${ID}`))).toThrow(InvalidAddressError)
    expect(() => parseAddresses('not a list')).toThrow(InvalidAddressError)
  })
})

describe('peer keys', () => {
  it('round-trips a generated key and refuses damaged bytes with InvalidPeerKeyError', async () => {
    const k = await generatePeerKey()
    const back = peerKeyFromBytes(peerKeyToBytes(k))
    expect(peerIdOfKey(back)).toBe(peerIdOfKey(k))
    expect(() => peerKeyFromBytes(new Uint8Array([1, 2, 3]))).toThrow(InvalidPeerKeyError)
    expect(() => peerKeyFromBytes(new Uint8Array())).toThrow(InvalidPeerKeyError)
  })
})

describe('secret-derived names (NET-2, NET-3)', () => {
  it('NET-2: rendezvous key and topic are stable per secret, distinct across secrets and from each other', () => {
    const s1 = new Uint8Array(32).fill(1)
    const s2 = new Uint8Array(32).fill(2)
    expect(rendezvousKey(s1).toString()).toBe(rendezvousKey(s1.slice()).toString())
    expect(rendezvousKey(s1).toString()).not.toBe(rendezvousKey(s2).toString())
    expect(communityTopic(s1)).toBe(communityTopic(s1.slice()))
    expect(communityTopic(s1)).not.toBe(communityTopic(s2))
    expect(communityTopic(s1)).not.toContain(Buffer.from(rendezvousKey(s1).multihash.digest).toString('hex'))
    expect(() => rendezvousKey(new Uint8Array(8))).toThrow(InvalidSecretError)
  })
})

describe('one source of network names (NET-G6)', () => {
  it('NET-G6: networkNames gives every v1 name of a secret — topic, rendezvous key, WebRTC room and password — as the v1 formulas do', () => {
    const secret = new Uint8Array(32).fill(5)
    const n = networkNames({ communitySecret: secret })
    const h = (label: string): string => createHash('sha256').update(Buffer.concat([Buffer.from(label), Buffer.from(secret)])).digest('hex')
    expect(n.topic).toBe(`/polity/ops/1/${h(TOPIC_LABEL)}`)
    expect(Buffer.from(n.rendezvous.multihash.digest).toString('hex')).toBe(h(RENDEZVOUS_LABEL))
    expect(n.webrtc).toEqual({ room: `polity-${h(WEBRTC_ROOM_LABEL)}`, password: h(WEBRTC_PASSWORD_LABEL) })
    expect(n.topic).toBe(communityTopic(secret))
    expect(n.webrtc).toEqual(webrtcRoom(secret))
    expect(() => networkNames({ communitySecret: new Uint8Array(8) })).toThrow(InvalidSecretError)
  })
})
