/**
 * NAV-1: the UI's place lives in the address's hash; a path is parsed back
 * into the same place, and anything malformed is the communities list.
 * UNREAD-1: what counts as new on a device.
 */
import { describe, expect, it } from 'vitest'
import type { CommunityId, MemberId } from '@polity/api'
import { charterVersionPath, communityPath, placeOf, proposalPath, SECTIONS } from '../src/routes'
import { isNew } from '../src/look/unread'

const C = 'ab'.repeat(32) as CommunityId
const P = 'cd'.repeat(32)

describe('routes', () => {
  it('NAV-1: every section, a proposal and a charter version round-trip through their paths', () => {
    for (const s of SECTIONS) expect(placeOf(communityPath(C, s))).toEqual({ community: C, section: s, proposal: null, version: null })
    expect(placeOf(proposalPath(C, P))).toEqual({ community: C, section: 'proposals', proposal: P, version: null })
    expect(placeOf(charterVersionPath(C, 3))).toEqual({ community: C, section: 'charter', proposal: null, version: 3 })
    expect(placeOf(charterVersionPath(C, 0)).version).toBe(0)
  })

  it('NAV-1: malformed paths fall back (unknown section to home, bad ids and versions ignored, anything else to the list)', () => {
    const list = { community: null, section: 'home', proposal: null, version: null }
    for (const p of ['/', '', '/x', '/c', '/c/not-hex', '/token=abc', `/c/${C}<script>`]) expect(placeOf(p)).toEqual(list)
    expect(placeOf(`/c/${C}/nowhere`).section).toBe('home')
    expect(placeOf(`/c/${C}/proposals/zz`).proposal).toBeNull()
    expect(placeOf(`/c/${C}/charter/v/-1`).version).toBeNull()
    expect(placeOf(`/c/${C}/charter/v/1.5`).version).toBeNull()
  })
})

describe('unread', () => {
  const me = 'ee'.repeat(32) as MemberId
  const other = 'ff'.repeat(32) as MemberId
  it('UNREAD-1: an open proposal by someone else that this device has not shown is new; seen, own or decided ones are not', () => {
    const seen = new Set(['1'])
    expect(isNew({ id: '2', status: 'open', author: other }, seen, me)).toBe(true)
    expect(isNew({ id: '1', status: 'open', author: other }, seen, me)).toBe(false)
    expect(isNew({ id: '2', status: 'open', author: me }, seen, me)).toBe(false)
    expect(isNew({ id: '2', status: 'closed', author: other }, seen, me)).toBe(false)
  })
})
