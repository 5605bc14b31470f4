/**
 * The key chain (KEY-3, KEY-4): a member who joins after many re-keys opens
 * the whole history from the one key its invite gave it. (The 10,000-member
 * re-key is in sealed-rekey-scale.test.ts, in the slow project.)
 */
import { describe, expect, it } from 'vitest'
import { Actor, TestKeys, sealedCommunity, syncAll } from './harness'

describe('re-keys at scale and the key chain', () => {
  it('KEY-3, KEY-4, EPOCH-4: a member who joins after three re-keys holds one key from its invite and opens the whole history by the chain', () => {
    const { founder, members, all } = sealedCommunity(4, {}, new TestKeys(9002))
    const [m0, m1, m2, m3] = members as [Actor, Actor, Actor, Actor]
    m0.act('profile.set', { name: 'Ana (epoch 0)' })
    syncAll(all)
    founder.act('member.remove', { member: m1.identity.publicKey, reason: '' })
    founder.rekey()
    m2.pull(founder)
    m2.act('member.leave', {})
    founder.pull(m2)
    founder.rekey()
    m0.pull(founder)
    m0.act('profile.set', { name: 'Ana (epoch 2)' })
    founder.pull(m0)
    founder.rekey()
    m3.pull(founder)
    m3.act('profile.set', { name: 'Dee' })
    founder.pull(m3)
    const epochs = founder.replica.sealedView()!.live(founder.replica.heads())
    expect(epochs).toHaveLength(1)
    const inv = founder.invite()
    const late = new Actor('late', undefined, undefined, new TestKeys(9002, 'late'))
    late.replica.addAgreeKey(inv.agree!)
    late.pull(founder)
    // From the invite's one wrap (the current epoch), then each re-key's superseded keys: every epoch.
    expect(late.replica.keyRing.epochs()).toEqual(founder.replica.keyRing.epochs().filter((e) => founder.replica.has(e)).sort())
    expect(late.replica.keyRing.epochs()).toHaveLength(4)
    expect(late.replica.size).toBe(founder.replica.size)
    late.join(inv)
    founder.pull(late)
    const s = founder.replica.state()
    expect(s.members.map((m) => m.name).sort()).toContain('Ana (epoch 2)')
    expect(late.replica.state()).toEqual(s)
    // The removed member and the one who left hold none of the new keys.
    m1.pull(founder)
    m2.pull(founder)
    for (const gone of [m1, m2]) {
      expect(gone.replica.keyRing.has(epochs[0]!)).toBe(false)
      expect(gone.replica.size).toBeLessThan(founder.replica.size)
    }
  })
})
