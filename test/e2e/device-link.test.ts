/**
 * E2E in Debian's Chromium (issue 19): linking a second device between two
 * data directories. A (a real `polity ui` peer on 127.0.0.1) founds a
 * community and shows a one-time device link in Settings; B, a fresh data
 * directory, chooses "Link from another device", pastes it, and ends up with
 * A's identity and A's community — no 24 words typed. The page on A only ever
 * holds the link (BRIDGE-4).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { axeSerious, launch, SHOTS, startPeer, stopPeer, type Peer } from './browser-mode'
import { found } from './territory-steps'

let browser: Browser
const peers: Peer[] = []
const pages: Page[] = []

beforeAll(async () => {
  browser = await launch()
  for (const label of ['link-a', 'link-b']) {
    const p = await startPeer(label)
    peers.push(p)
    const page = await browser.newPage({ bypassCSP: true, viewport: { width: 1100, height: 900 } })
    await page.goto(p.url)
    pages.push(page)
  }
}, 120_000)

afterAll(async () => {
  await browser?.close()
  for (const p of peers) await stopPeer(p)
})

describe('linking a second device in the browser (E2E)', () => {
  it('DEVLINK-1, DEVLINK-5, BRIDGE-4 (e2e): A shows a one-time link in Settings; B pastes it and gets the identity and the community', async () => {
    const [a, b] = pages as [Page, Page]
    await found(a, 'Two Screens', 'Ana')
    await a.getByTestId('tab-settings').click()
    await a.getByTestId('device-link-offer').click()
    const link = await a.getByTestId('device-link').inputValue()
    expect(link).toMatch(/^polity:\/\/device\?v=1&t=/)
    await a.screenshot({ path: `${SHOTS}device-link-offer.png`, fullPage: true })
    expect(await axeSerious(a)).toEqual([])
    // B: a fresh device; the phrase is not typed.
    await b.getByTestId('mode-link').click()
    await b.getByTestId('device-link-input').fill(`Here is the link: ${link}`)
    await b.getByTestId('link-passphrase').fill('second device pass')
    await b.getByTestId('link-passphrase-again').fill('second device pass')
    expect(await axeSerious(b)).toEqual([])
    await b.getByTestId('link-device').click()
    await b.getByTestId('community-list').getByText('Two Screens').waitFor({ timeout: 60_000 })
    await b.screenshot({ path: `${SHOTS}device-link-linked.png`, fullPage: true })
    // The link was used once: offering it again is A's choice; the same link now reaches nothing.
    const again = await browser.newPage({ viewport: { width: 1100, height: 900 } })
    const third = await startPeer('link-c')
    peers.push(third)
    await again.goto(third.url)
    await again.getByTestId('mode-link').click()
    await again.getByTestId('device-link-input').fill(link)
    await again.getByTestId('link-passphrase').fill('third device pass')
    await again.getByTestId('link-passphrase-again').fill('third device pass')
    await again.getByTestId('link-device').click()
    await again.getByRole('alert').or(again.locator('.error')).first().waitFor({ timeout: 60_000 })
    expect(await again.locator('body').textContent()).toMatch(/not offering a link any more|refused/)
  }, 240_000)
})
