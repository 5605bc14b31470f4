import { expect, it } from 'vitest'
import { Actor, sealedCommunity, syncAll, TestKeys } from './harness'

it('smoke', () => {
  const { founder, members, all } = sealedCommunity(3, {}, new TestKeys(1))
  expect(founder.replica.sealed).toBe(true)
  for (const a of all) expect(a.replica.state().members.length).toBe(4)
  members[0]!.act('profile.set', { name: 'x' })
  founder.pull(members[0]!)
  founder.act('member.remove', { member: members[1]!.identity.publicKey, reason: '' })
  expect(() => founder.act('profile.set', { name: 'y' })).toThrow(/re-key first/)
  founder.rekey()
  founder.act('profile.set', { name: 'y' })
  syncAll(all)
  const s = founder.replica.state()
  expect(members[0]!.replica.state()).toEqual(s)
  expect(members[2]!.replica.state()).toEqual(s)
  // the removed member holds only what it could open
  console.log(members[1]!.replica.size, founder.replica.size, members[1]!.replica.sealedView()!.missingKeys())
  const late = new Actor('late', undefined, undefined, new TestKeys(1, 'late'))
  const inv = founder.invite()
  late.pull(founder)
  late.join(inv)
  expect(late.replica.size).toBe(founder.replica.size + 1)
  expect(founder.replica.refoldedState()).toEqual(founder.replica.state())
})
