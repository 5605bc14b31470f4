/**
 * E2E in Debian's Chromium through playwright-core: three peers in browser
 * mode (real `polity ui` processes, real libp2p on 127.0.0.1). Screenshots
 * are saved under test/e2e/screenshots/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { axeSerious, launch, onboard, SHOTS, startPeer, stopPeer, type Peer } from './browser-mode'

let browser: Browser
const peers: Peer[] = []
const pages: Page[] = []

beforeAll(async () => {
  browser = await launch()
  for (const label of ['a', 'b', 'c']) {
    const p = await startPeer(label)
    peers.push(p)
    // bypassCSP only lets the test inject axe-core; the app's own CSP is unchanged.
    const page = await browser.newPage({ bypassCSP: true })
    await page.goto(p.url)
    pages.push(page)
  }
}, 120_000)

afterAll(async () => {
  await browser?.close()
  for (const p of peers) await stopPeer(p)
})

async function invite(a: Page): Promise<string> {
  await a.getByTestId('tab-roster').click()
  const link = a.getByTestId('invite-link')
  const previous = (await link.count()) > 0 ? await link.inputValue() : ''
  await a.getByTestId('create-invite').click()
  // Each invite is single-use: wait for the new link, not the one already shown.
  await a.waitForFunction((prev) => {
    const el = document.querySelector('[data-testid="invite-link"]') as HTMLTextAreaElement | null
    return el !== null && el.value !== '' && el.value !== prev
  }, previous, { timeout: 30_000 })
  return link.inputValue()
}

async function join(page: Page, link: string, name: string): Promise<void> {
  await page.getByTestId('show-join').click()
  await page.getByTestId('invite-input').fill(link)
  await page.getByTestId('my-name').fill(name)
  await page.getByTestId('join-community').click()
  // Online the join usually completes at once; if the inviter was busy it completes on a later sync
  // and the community becomes openable from the list.
  const deadline = Date.now() + 90_000
  while (Date.now() < deadline && !(await page.getByTestId('community-title').isVisible())) {
    const items = page.getByTestId('community-list').locator('li')
    if ((await items.count()) > 0 && !((await items.first().textContent()) ?? '').includes('Joining')) await page.getByTestId('open-community').first().click()
    else await page.waitForTimeout(500)
  }
  await page.getByTestId('community-title').waitFor({ timeout: 30_000 })
}

describe('browser mode, three peers (E2E)', () => {
  it('E2E-1: A founds a community and invites B and C by link; all three see the same roster', async () => {
    const [a, b, c] = pages as [Page, Page, Page]
    expect(await axeSerious(a), 'onboarding screen').toEqual([])
    await a.screenshot({ path: `${SHOTS}01-onboarding.png` })
    await onboard(a)
    expect(await axeSerious(a), 'communities screen').toEqual([])
    await a.getByTestId('show-create').click()
    await a.getByTestId('community-name').fill('Harbor Commons')
    await a.getByTestId('community-purpose').fill('A shared harbor, governed together')
    await a.getByTestId('my-name').fill('Ana')
    await a.getByTestId('create-community').click()
    await a.getByTestId('community-title').waitFor()
    await onboard(b)
    await join(b, await invite(a), 'Ben')
    await onboard(c)
    await join(c, await invite(a), 'Cai')
    for (const [i, p] of [a, b, c].entries()) {
      await p.getByTestId('tab-roster').click()
      await p.waitForFunction(() => document.querySelectorAll('[data-testid="member"]').length === 3, undefined, { timeout: 30_000 })
      const names = await p.getByTestId('member').locator('strong').allTextContents()
      expect(names.sort()).toEqual(['Ana', 'Ben', 'Cai'])
      await p.screenshot({ path: `${SHOTS}02-roster-${'abc'[i]}.png` })
    }
  }, 180_000)

  it('E2E-3: B proposes, all vote, A closes; every peer shows the same outcome', async () => {
    const [a, b, c] = pages as [Page, Page, Page]
    await b.getByTestId('tab-proposals').click()
    await b.getByTestId('proposal-title').fill('Open the harbor on Sundays')
    await b.getByTestId('create-proposal').click()
    for (const p of [a, b, c]) {
      await p.getByTestId('tab-proposals').click()
      await p.getByTestId('proposal').first().waitFor({ timeout: 30_000 })
    }
    await a.getByTestId('vote-yes').click()
    await b.getByTestId('vote-yes').click()
    await c.getByTestId('vote-no').click()
    await a.waitForFunction(() => /3/.test(document.querySelector('[data-testid="proposal"] .muted')?.textContent ?? ''), undefined, { timeout: 30_000 })
    expect(await axeSerious(a), 'proposals screen').toEqual([])
    await a.getByTestId('close-proposal').click()
    for (const [i, p] of [a, b, c].entries()) {
      await p.getByTestId('outcome').waitFor({ timeout: 30_000 })
      expect(await p.getByTestId('outcome').textContent()).toContain('Passed')
      await p.screenshot({ path: `${SHOTS}03-outcome-${'abc'[i]}.png` })
    }
  }, 180_000)

  it('E2E-5/6: Arabic renders the community screen right-to-left; axe finds no serious violations on any screen', async () => {
    const a = pages[0] as Page
    for (const tab of ['home', 'roster', 'charter', 'network', 'settings']) {
      await a.getByTestId(`tab-${tab}`).click()
      expect(await axeSerious(a), `${tab} screen`).toEqual([])
    }
    await a.getByTestId('language-select').selectOption('ar')
    expect(await a.evaluate(() => document.documentElement.dir)).toBe('rtl')
    await a.getByTestId('tab-home').click()
    expect(await a.getByTestId('tab-home').textContent()).toBe('الرئيسية')
    const [title, nav] = await Promise.all([a.getByTestId('community-title').boundingBox(), a.getByTestId('tab-home').boundingBox()])
    // Mirrored: the first tab now sits at the inline start, which is the right-hand side.
    expect((nav?.x ?? 0) + (nav?.width ?? 0)).toBeGreaterThan((title?.x ?? 0) + 100)
    expect(await axeSerious(a), 'Arabic home').toEqual([])
    await a.screenshot({ path: `${SHOTS}05-arabic-rtl.png` })
  }, 120_000)
})
