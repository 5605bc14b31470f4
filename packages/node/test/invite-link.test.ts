/**
 * LINK-1: an invite link carries the community, the invite op, the invite
 * secret (which signs the join proof), the community secret and the
 * inviter's addresses; it round-trips whatever the name holds, and a damaged
 * link is refused with what is wrong.
 */
import { describe, expect, it } from 'vitest'
import { inviteKeysFromSecret, toHex, type CommunityId, type OpId } from '@polity/protocol'
import { decodeInviteLink, encodeInviteLink, InvalidInviteError, type InviteLinkData } from '../src/index'
import { seeded } from '../../protocol/test/seeds'
import type { Rng } from '../../protocol/test/random'
import { carry, withIdentity } from './helpers'

const bytes = (rng: Rng, n: number): Uint8Array => Uint8Array.from({ length: n }, () => rng.int(256))
const hex64 = (rng: Rng): string => toHex(bytes(rng, 32))
const ALPHABET = ['a', 'Z', ' ', '&', '=', '?', '#', '%', '+', '/', 'é', '漢', '🙂', '\u202e']

function randomLink(rng: Rng): InviteLinkData {
  return {
    community: hex64(rng) as CommunityId,
    invite: hex64(rng) as OpId,
    inviteSecret: bytes(rng, 32),
    communitySecret: bytes(rng, 32),
    name: Array.from({ length: rng.int(40) }, () => rng.pick(ALPHABET)).join(''),
    addresses: Array.from({ length: rng.int(4) }, (_, i) => `/ip4/127.0.0.${1 + i}/tcp/${1024 + rng.int(60_000)}/p2p/12D3KooW${hex64(rng).slice(0, 20)}`),
  }
}

describe('invite links (LINK-1)', () => {
  seeded('LINK-1: a link round-trips every field, whatever characters the name holds', { fixed: [20261205] }, (run) => run.each((rng) => {
    for (let i = 0; i < 200; i++) {
      const d = randomLink(rng)
      const link = encodeInviteLink(d)
      expect(link.startsWith('polity://join?')).toBe(true)
      expect(link).not.toMatch(/\s/)
      const back = decodeInviteLink(link)
      expect({ ...back, inviteSecret: toHex(back.inviteSecret), communitySecret: toHex(back.communitySecret) })
        .toEqual({ ...d, inviteSecret: toHex(d.inviteSecret), communitySecret: toHex(d.communitySecret) })
    }
  }))

  it('LINK-1: a damaged link is refused with what is wrong', () => {
    const good = encodeInviteLink({
      community: 'ab'.repeat(32) as CommunityId, invite: 'cd'.repeat(32) as OpId, inviteSecret: new Uint8Array(32).fill(1),
      communitySecret: new Uint8Array(32).fill(2), name: 'Free Town', addresses: ['/ip4/127.0.0.1/tcp/4001'],
    })
    expect(decodeInviteLink(`  ${good}\n`).name).toBe('Free Town')
    const set = (key: string, value: string | null): string => {
      const u = new URL(good.replace('polity://join?', 'http://x/?'))
      if (value === null) u.searchParams.delete(key)
      else u.searchParams.set(key, value)
      return `polity://join?${u.searchParams.toString()}`
    }
    const cases: [string, RegExp][] = [
      ['https://example.com/join?c=1', /start with polity:\/\/join\?/],
      ['not a link', /start with polity:\/\/join\?/],
      [`${good}&${'x'.repeat(8200)}`, /not an invite link/],
      [set('c', null), /cut short: the community id is missing/],
      [set('c', 'ab'.repeat(31)), /community id is missing or damaged/],
      [set('i', 'zz'.repeat(32)), /invite id is missing or damaged/],
      [set('k', null), /cut short: the invite secret is missing/],
      [set('k', 'AQ'), /invite secret is missing or damaged/],
      [set('s', `${'A'.repeat(42)}!`), /community secret is missing or damaged/],
    ]
    for (const [link, message] of cases) {
      expect(() => decodeInviteLink(link), link.slice(0, 60)).toThrow(InvalidInviteError)
      expect(() => decodeInviteLink(link), link.slice(0, 60)).toThrow(message)
    }
    // Addresses that are not multiaddrs are dropped, and at most 16 are kept (a link from before LINK-2: no checksum).
    const legacy = set('x', null).replace('v=2&', '')
    const many = `${legacy}${'&a=%2Fip4%2F127.0.0.1%2Ftcp%2F1'.repeat(20)}&a=http%3A%2F%2Fevil`
    expect(decodeInviteLink(many).addresses).toHaveLength(16)
    expect(decodeInviteLink(many).addresses.every((a) => a.startsWith('/'))).toBe(true)
  })

  seeded('LINK-2: a link with any one character changed, or cut anywhere, is refused with what is wrong', { fixed: [20261219] }, (run) => run.each((rng) => {
    for (let n = 0; n < 40; n++) {
      const link = encodeInviteLink(randomLink(rng))
      expect(link).toMatch(/^polity:\/\/join\?v=2&c=/)
      expect(link).toMatch(/&x=[A-Za-z0-9_-]{16}$/)
      const start = 'polity://join?'.length
      // One character replaced by another of the same alphabet (so the link still parses as a URL).
      const at = start + rng.int(link.length - start)
      const ch = link[at]!
      if (/[A-Za-z0-9]/.test(ch)) {
        const other = ch === 'A' ? 'B' : 'A'
        const changed = `${link.slice(0, at)}${other}${link.slice(at + 1)}`
        expect(() => decodeInviteLink(changed), `${changed} (at ${at})`).toThrow(InvalidInviteError)
      }
      // Cut anywhere before the end: refused, and a cut one says it is cut short or which field is damaged.
      const cut = link.slice(0, start + rng.int(link.length - start - 1))
      expect(() => decodeInviteLink(cut), cut).toThrow(InvalidInviteError)
    }
  }))

  it('LINK-2: a link cut before &n= names what is missing; an old link (no v, no x) is still read', () => {
    const d: InviteLinkData = {
      community: 'ab'.repeat(32) as CommunityId, invite: 'cd'.repeat(32) as OpId, inviteSecret: new Uint8Array(32).fill(1),
      communitySecret: new Uint8Array(32).fill(2), name: 'Free Town', addresses: ['/ip4/127.0.0.1/tcp/4001'],
    }
    const link = encodeInviteLink(d)
    const cut = link.slice(0, link.indexOf('&n='))
    expect(() => decodeInviteLink(cut)).toThrow(/cut short: the community name and the checksum are missing \(rule LINK-2\)/)
    expect(() => decodeInviteLink(link.slice(0, link.indexOf('&x=')))).toThrow(/cut short: the checksum is missing/)
    expect(() => decodeInviteLink(link.replace('v=2', 'v=3'))).toThrow(/newer version/)
    const s = Buffer.alloc(32, 2).toString('base64url')
    const k = Buffer.alloc(32, 1).toString('base64url')
    const old = `polity://join?c=${d.community}&i=${d.invite}&k=${k}&s=${s}&n=Free+Town&a=%2Fip4%2F127.0.0.1%2Ftcp%2F4001`
    expect(decodeInviteLink(old).name).toBe('Free Town')
    expect(() => decodeInviteLink(old.slice(0, old.indexOf('&n=')))).toThrow(/cut short: the community name and what follows it are missing/)
    // The community secret with one character changed: refused (the checksum), where before it was accepted.
    const sAt = link.indexOf('&s=') + 3
    const bad = `${link.slice(0, sAt)}${link[sAt] === 'A' ? 'B' : 'A'}${link.slice(sAt + 1)}`
    expect(() => decodeInviteLink(bad)).toThrow(/checksum does not match \(rule LINK-2\)/)
  })

  it('LINK-1, SEAL-4: a node\'s link names its community and invite op, and its invite secret gives the invite\'s keys', async () => {
    const a = await withIdentity('link-a')
    const community = await a.node.createCommunity({ name: 'Link Town', purpose: '', charter: '' })
    const { link } = await a.node.createInvite({ community, uses: 2 })
    const d = decodeInviteLink(link)
    expect(d.community).toBe(community)
    expect(d.name).toBe('Link Town')
    const state = await a.node.getCommunity({ community })
    const invite = state.invites.find((i) => i.id === d.invite)
    expect(invite?.uses).toBe(2)
    // The op that created the invite (sealed: opened here) carries both public keys the link's secret gives (SEAL-4).
    const op = a.node.replicaOf(community).entry(d.invite)?.op as unknown as { body: { key: Uint8Array; agree: Uint8Array } }
    const keys = inviteKeysFromSecret(d.inviteSecret)
    expect(Buffer.from(op.body.key).equals(Buffer.from(keys.sign.publicKey))).toBe(true)
    expect(Buffer.from(op.body.agree).equals(Buffer.from(keys.agree.publicKey))).toBe(true)
    // Sealed: the bundle shows neither in the clear.
    const exported = await a.node.exportBundle({ community })
    expect(Buffer.from(exported).includes(Buffer.from(keys.sign.publicKey))).toBe(false)
    // The link admits: a second node joins with it.
    const b = await withIdentity('link-b')
    expect((await b.node.acceptInvite({ link })).status).toBe('waiting')
    await carry(a.node, b.node, community)
    expect((await b.node.listCommunities())[0]?.role).toBe('member')
    await carry(b.node, a.node, community)
    expect((await a.node.getCommunity({ community })).invites.find((i) => i.id === d.invite)?.used).toBe(1)
    await a.node.close()
    await b.node.close()
  })
})
