/**
 * DESK-2: which polity:// links the desktop app acts on, and that links which
 * arrive before the UI listens wait for it (deep-links.ts, pure).
 */
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { DeepLinks, joinLink, joinLinkIn, MAX_LINK_LENGTH, MAX_WAITING_LINKS } from '../src/deep-links'
import { seeded } from '../../../packages/protocol/test/seeds'

describe('deep links (DESK-2)', () => {
  it('DESK-2: join links are taken (as launchers pass them), everything else is ignored', () => {
    expect(joinLink('polity://join?c=1&n=Free%20Town')).toBe('polity://join?c=1&n=Free%20Town')
    expect(joinLink('polity://join/?c=1')).toBe('polity://join?c=1')
    expect(joinLink('POLITY://JOIN?c=1')).toBe('polity://join?c=1')
    for (const bad of ['polity://join?', 'polity://join', 'polity://settings?c=1', 'https://x/join?c=1', 'polity://join?c=1 2', 'polity://join?c=\u0000', 'polity://join?c=\u202e', `polity://join?c=${'x'.repeat(MAX_LINK_LENGTH)}`, 42, null]) {
      expect(joinLink(bad), String(bad).slice(0, 40)).toBeUndefined()
    }
    expect(joinLinkIn(['/usr/bin/polity', '--no-sandbox', 'polity://join?c=2', 'polity://join?c=3'])).toBe('polity://join?c=2')
    expect(joinLinkIn(['/usr/bin/polity', '--hidden'])).toBeUndefined()
  })

  seeded('DESK-2: an accepted link has no whitespace or control characters and stays within the bound', { fixed: [20261217] }, (run) => run.each(({ seed }) => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 200 }), fc.boolean(), (tail, prefixed) => {
      const link = joinLink(prefixed ? `polity://join?${tail}` : tail)
      if (link === undefined) return
      expect(link.startsWith('polity://join?')).toBe(true)
      expect(link).not.toMatch(/[\s\p{Cc}\p{Cf}]/u)
      expect(link.length).toBeLessThanOrEqual(MAX_LINK_LENGTH)
    }), { seed, numRuns: 1000 })
  }))

  it('DESK-2: links wait until the UI listens, at most a few; after a reload they wait again', () => {
    const got: string[] = []
    const links = new DeepLinks((u) => got.push(u))
    for (let i = 0; i < MAX_WAITING_LINKS + 2; i++) expect(links.accept(`polity://join?c=${i}`)).toBe(true)
    expect(links.accept('polity://other?c=1')).toBe(false)
    expect(got).toEqual([])
    links.uiListening()
    expect(got).toEqual(Array.from({ length: MAX_WAITING_LINKS }, (_, i) => `polity://join?c=${i + 2}`))
    links.accept('polity://join?c=live')
    expect(got.at(-1)).toBe('polity://join?c=live')
    links.uiGone()
    links.accept('polity://join?c=later')
    expect(got.at(-1)).toBe('polity://join?c=live')
    links.uiListening()
    expect(got.at(-1)).toBe('polity://join?c=later')
  })
})
