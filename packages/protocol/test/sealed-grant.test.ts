/**
 * Grants (EPOCH-9, EPOCH-12) and published agree keys (KEY-6): who lacks an
 * epoch's key, how a grant repairs it, and how a member admitted by proposal
 * (no agree key in their admission, KEY-3) gets one on the record.
 */
import { describe, expect, it } from 'vitest'
import { GENESIS_CERT_COMMUNITY, KeyRing, Replica, certifyAgreeKey, fromHex, toHex, type OpId } from '../src/index'
import { Actor, TestKeys, close, flatRules, propose, refusal, sealedCommunity, vote } from './harness'
import { nodeCrypto } from './node-crypto'

const heads = (a: Actor): OpId[] => a.replica.heads()
const epochOf = (a: Actor): OpId => a.replica.sealedView()!.epochFor(heads(a))!
const lacking = (a: Actor): string[] => a.replica.sealedView()!.lacking(epochOf(a), heads(a), a.time).map(toHex).sort()
const grant = (a: Actor, wrapTo: Uint8Array[], agrees?: { member: Uint8Array; agree: Uint8Array; agreeCert: Uint8Array }[]) => {
  const op = a.makeSealed('epoch.grant', { agrees }, { wrapTo })
  const r = a.replica.receive(op)
  if (r.status !== 'applied') throw new Error(JSON.stringify(r, (_k, v) => (v instanceof Error ? v.message : v)))
  return op
}

/** A second device of `a`'s member: a fresh replica holding only the member's agree key (KEY-1: every device derives it). */
function newDevice(a: Actor): Actor {
  return new Actor(`${a.label}-device2`, new Replica({ crypto: nodeCrypto, keyRing: new KeyRing() }), a.identity)
}

describe('grants (EPOCH-12, KEY-6)', () => {
  it('EPOCH-12: members who joined by invite lack a wrap to their own agree key; a new device of theirs reads nothing until a grant, then everything', () => {
    const { founder, members } = sealedCommunity(2, {}, new TestKeys(901))
    const [m0, m1] = members as [Actor, Actor]
    m0.act('profile.set', { name: 'Amal' })
    founder.pull(m0)
    expect(lacking(founder)).toEqual([toHex(m0.agree.publicKey), toHex(m1.agree.publicKey)].sort())
    const d2 = newDevice(m0)
    d2.pull(founder)
    expect(d2.replica.size).toBe(0)
    expect(d2.replica.sealedView()?.missingKeys() ?? d2.replica.missing()).toBeDefined()
    grant(founder, [m0.agree.publicKey, m1.agree.publicKey])
    expect(lacking(founder)).toEqual([])
    const d3 = newDevice(m0)
    d3.pull(founder)
    expect(d3.replica.size).toBe(founder.replica.size)
    expect(d3.replica.state()).toEqual(founder.replica.state())
  })

  it('EPOCH-12: an invite made concurrently with a re-key has no wrap in the new epoch until a grant; its holder then joins', () => {
    const { founder, members } = sealedCommunity(1, { invite: 'member' }, new TestKeys(902))
    const m0 = members[0] as Actor
    m0.pull(founder)
    const inv = m0.invite() // under epoch 0, concurrently with …
    founder.rekey() // … a re-key that does not know it
    founder.pull(m0)
    m0.pull(founder)
    expect(lacking(founder)).toEqual([toHex(inv.agree!.publicKey)])
    grant(founder, [inv.agree!.publicKey])
    expect(lacking(founder)).toEqual([])
    const joiner = new Actor('joiner', undefined, undefined, new TestKeys(902, 'j'))
    joiner.replica.addAgreeKey(inv.agree!)
    joiner.pull(founder)
    expect(joiner.replica.size).toBe(founder.replica.size)
    joiner.join(inv)
  })

  it('KEY-6: a member admitted by proposal has no agree key; a grant publishes their certified key and wraps to it; re-keys then reach them', () => {
    const { founder } = sealedCommunity(0, flatRules([1, 2], [1, 2], 0), new TestKeys(903))
    const x = new Actor('x', undefined, undefined, new TestKeys(903, 'x'))
    const p = propose(founder, { type: 'admit', member: x.identity.publicKey })
    vote(founder, p, { type: 'yesno', choice: 'yes' })
    close(founder, p)
    expect(founder.replica.roster().members.has(x.member)).toBe(true)
    const view = founder.replica.sealedView()!
    expect(view.lacksAgreeKey(x.member, heads(founder))).toBe(true)
    expect(lacking(founder)).toEqual([])
    const cert = certifyAgreeKey(x.identity, fromHex(founder.community), x.agree.publicKey)
    // Not certified by the member: KEY-1. A member who has a key already, or a non-member: KEY-6. A wrap to an unpublished key: EPOCH-9.
    const other = new Actor('other', undefined, undefined, new TestKeys(903, 'o'))
    expect(refusal(founder, () => founder.makeSealed('epoch.grant', { agrees: [{ member: x.identity.publicKey, agree: x.agree.publicKey, agreeCert: certifyAgreeKey(other.identity, fromHex(founder.community), x.agree.publicKey) }] }, { wrapTo: [x.agree.publicKey] }))).toMatch(/^KEY-1/)
    expect(refusal(founder, () => founder.makeSealed('epoch.grant', { agrees: [{ member: other.identity.publicKey, agree: other.agree.publicKey, agreeCert: certifyAgreeKey(other.identity, fromHex(founder.community), other.agree.publicKey) }] }, { wrapTo: [other.agree.publicKey] }))).toMatch(/^KEY-6/)
    expect(refusal(founder, () => founder.makeSealed('epoch.grant', { agrees: [{ member: founder.identity.publicKey, agree: founder.agree.publicKey, agreeCert: certifyAgreeKey(founder.identity, GENESIS_CERT_COMMUNITY, founder.agree.publicKey) }] }, { wrapTo: [founder.agree.publicKey] }))).toMatch(/^KEY-6/)
    expect(refusal(founder, () => founder.makeSealed('epoch.grant', { agrees: undefined }, { wrapTo: [x.agree.publicKey] }))).toMatch(/^EPOCH-9/)
    grant(founder, [x.agree.publicKey], [{ member: x.identity.publicKey, agree: x.agree.publicKey, agreeCert: cert }])
    expect(view.lacksAgreeKey(x.member, heads(founder))).toBe(false)
    expect(view.isAgreeOf(x.member, x.agree.publicKey, heads(founder))).toBe(true)
    x.pull(founder)
    expect(x.replica.state()).toEqual(founder.replica.state())
    // EPOCH-7: the published key is a recipient of every later re-key; leaving it out is refused.
    const all = view.recipients(heads(founder), founder.time + 1000).map(toHex)
    expect(all).toContain(toHex(x.agree.publicKey))
    const without = view.recipients(heads(founder), founder.time + 1000).filter((a) => toHex(a) !== toHex(x.agree.publicKey))
    expect(refusal(founder, () => founder.makeRekey({ recipients: without })[0]!)).toMatch(/^EPOCH-7/)
    founder.rekey()
    x.pull(founder)
    expect(x.replica.state()).toEqual(founder.replica.state())
    x.act('device.link', { member: x.identity.publicKey, cert: x.cert() })
    x.act('profile.set', { name: 'X' })
  })
})
