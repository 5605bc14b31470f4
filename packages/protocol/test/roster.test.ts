import { describe, expect, it } from 'vitest'
import { Actor, community, memberIds, syncAll } from './harness'
import { fromHex } from '../src/encoding/bytes'
import { Replica } from '../src/index'
import { nodeCrypto } from './node-crypto'
import { canonicalCompare } from '../src/replica/dag'

describe('roster', () => {
  it('ROSTER-1/5: a founder creates a community and members join by invite', () => {
    const { founder, members } = community(3)
    const s = founder.replica.state()
    expect(s.members).toHaveLength(4)
    expect(s.members[0]?.role).toBe('founder')
    expect(s.members.map((m) => m.id)).toEqual([founder.member, ...members.map((m) => m.member)])
    for (const m of members) expect(m.replica.state()).toEqual(s)
  })

  it('ROSTER-9: a founder promotes a member to steward, who may then invite', () => {
    const { founder, members } = community(2)
    const [a, b] = members as [Actor, Actor]
    founder.act('member.role', { member: a.identity.publicKey, role: 'steward' })
    a.pull(founder)
    const inv = a.invite()
    const c = new Actor('c')
    c.pull(a)
    c.join(inv)
    b.pull(c)
    expect(b.replica.state().members.map((m) => m.role)).toEqual(['founder', 'steward', 'member', 'member'])
  })

  it('ROSTER-8: a removed member is gone from the roster and listed as former', () => {
    const { founder, members, all } = community(2)
    founder.act('member.remove', { member: members[0]!.identity.publicKey, reason: 'spam' })
    syncAll(all)
    const s = members[1]!.replica.state()
    expect(s.members.map((m) => m.id)).not.toContain(members[0]!.member)
    expect(s.former.map((f) => f.id)).toEqual([members[0]!.member])
  })

  it('ROSTER-6: a member may leave', () => {
    const { founder, members } = community(1)
    members[0]!.act('member.leave', {})
    founder.pull(members[0]!)
    expect(memberIds(founder.replica)).toEqual([founder.member])
  })

  it('ROSTER-2: a member links a second device whose ops count as theirs', () => {
    const { founder, members } = community(1)
    const m = members[0]!
    const laptop = new Actor('m-laptop', undefined, m.identity)
    laptop.pull(m)
    laptop.act('device.link', { member: m.identity.publicKey, cert: laptop.cert() })
    laptop.act('profile.set', { name: 'Ada' })
    founder.pull(laptop)
    const s = founder.replica.state()
    const view = s.members.find((x) => x.id === m.member)!
    expect(view.devices).toHaveLength(2)
    expect(view.name).toBe('Ada')
  })

  it('ROSTER-2: a device link left concurrent while 600 roster ops follow keeps ancestry right (regression: quadratic walk)', () => {
    // The 219k-op bench had one device link on a branch beside thousands of joins; ancestry is now kept as
    // the list of earlier roster ops NOT in each op's past, and must still answer exactly.
    const { founder, members } = community(1)
    const m = members[0]!
    const laptop = new Actor('m-laptop', undefined, m.identity)
    laptop.pull(m)
    laptop.act('device.link', { member: m.identity.publicKey, cert: laptop.cert() })
    laptop.act('profile.set', { name: 'Ada on the branch' })
    for (let i = 0; i < 600; i++) founder.invite()
    laptop.pull(founder)
    laptop.act('profile.set', { name: 'Ada merged' })
    founder.invite()
    founder.pull(laptop)
    const s = founder.replica.state()
    const view = s.members.find((x) => x.id === m.member)!
    expect(view.devices).toHaveLength(2)
    expect(view.name).toBe('Ada merged')
    expect(founder.replica.refoldedState()).toEqual(s)
    const reversed = new Replica({ community: founder.community, crypto: nodeCrypto })
    for (const op of founder.replica.ops().reverse()) reversed.receive(op)
    expect(reversed.size).toBe(founder.replica.size)
    expect(reversed.state()).toEqual(s)
  })

  it('ROSTER-12/ROSTER-7: concurrent mutual removals both apply, unless together they would leave no founder: then the first in canonical order applies', () => {
    for (const founders of [3, 2]) {
      const { founder, members, all } = community(2)
      const [a, b] = members as [Actor, Actor]
      founder.act('member.role', { member: a.identity.publicKey, role: 'founder' })
      founder.act('member.role', { member: b.identity.publicKey, role: 'founder' })
      if (founders === 2) founder.act('member.leave', {})
      syncAll(all)
      const ra = a.make('member.remove', { member: b.identity.publicKey, reason: '' })
      const rb = b.make('member.remove', { member: a.identity.publicKey, reason: '' })
      const x = new Replica({ crypto: nodeCrypto })
      const y = new Replica({ crypto: nodeCrypto })
      for (const op of founder.replica.ops()) {
        x.receive(op)
        y.receive(op)
      }
      for (const op of [ra, rb]) x.receive(op)
      for (const op of [rb, ra]) y.receive(op)
      expect(y.state()).toEqual(x.state())
      expect(x.refoldedState()).toEqual(y.state())
      if (founders === 3) {
        // Both apply: each removal counts though its author is removed concurrently.
        expect(memberIds(x)).toEqual([founder.member])
        expect(x.state().former.map((f) => f.id).sort()).toEqual([a.member, b.member].sort())
      } else {
        // Only a and b are founders: the removal first in canonical order applies, the other would leave none.
        const first = canonicalCompare(x.entry(ra.id)!, x.entry(rb.id)!) < 0 ? ra : rb
        const survivor = first === ra ? a : b
        expect(memberIds(x)).toEqual([survivor.member])
        expect(x.state().members[0]!.role).toBe('founder')
      }
    }
  })

  it('PROFILE-1: the latest profile in causal order wins', () => {
    const { founder, members } = community(1)
    const m = members[0]!
    m.act('profile.set', { name: 'First' })
    m.act('profile.set', { name: 'Second' })
    founder.pull(m)
    expect(founder.replica.state().members[1]?.name).toBe('Second')
  })

  it('ROSTER-4: a revoked invite admits no one', () => {
    const founder = new Actor('f')
    founder.found()
    const inv = founder.invite(5)
    founder.act('invite.revoke', { invite: fromHex(inv.op.id) })
    const x = new Actor('x')
    x.pull(founder)
    expect(() => x.join(inv)).toThrow(/ROSTER-5.*revoked/)
  })
})
