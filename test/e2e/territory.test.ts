/**
 * E2E in Debian's Chromium (issue 17): three real `polity ui` peers on
 * 127.0.0.1. A founds a community and adds places (one hidden), opens an
 * all-or-nothing campaign; the three pledge, B withdraws and pledges again;
 * after the deadline A closes it (goal met) and records receipts; the Map,
 * the campaign page and the Census show the same numbers on every peer.
 * Screenshots of each screen in English and Arabic go to test/e2e/screenshots/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { readFile } from 'node:fs/promises'
import { execFileSync } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join as pathJoin } from 'node:path'
import { fileURLToPath } from 'node:url'
import { axeSerious, launch, SHOTS, startPeer, stopPeer, type Peer } from './browser-mode'
import { addPlace, found, invite, join, numbersOn, openCampaign, pledge, waitForData } from './territory-steps'

let browser: Browser
const peers: Peer[] = []
const pages: Page[] = []
const POLITY = fileURLToPath(new URL('../../apps/peer/bin/polity.mjs', import.meta.url))
const CAMPAIGN = 'Buy the farm'
const DEED = 'a3f5c0ffee0123456789abcdef0123456789abcdef0123456789abcdef012345'

beforeAll(async () => {
  browser = await launch()
  for (const label of ['a', 'b', 'c']) {
    const p = await startPeer(label)
    peers.push(p)
    // bypassCSP only lets the test inject axe-core; the app's own CSP is unchanged.
    const page = await browser.newPage({ bypassCSP: true, viewport: { width: 1100, height: 900 } })
    await page.goto(p.url)
    pages.push(page)
  }
}, 120_000)

afterAll(async () => {
  await browser?.close()
  for (const p of peers) await stopPeer(p)
})

async function shot(p: Page, name: string): Promise<void> {
  await p.screenshot({ path: `${SHOTS}${name}.png`, fullPage: true })
}

describe('territory, crowdfunding and census in the browser, three peers (E2E)', () => {
  it('PLACE-1, PLACE-3 (e2e): A founds and adds three places, one hidden and one at city precision; every peer lists three, draws two, and shows one footprint', async () => {
    const [a, b, c] = pages as [Page, Page, Page]
    await found(a, 'Archipelago', 'Ana')
    await join(b, await invite(a), 'Ben')
    await join(c, await invite(a), 'Cai')
    await addPlace(a, { name: 'Harbor hub', kind: 'hub', status: 'acquired', precision: 'exact', lat: '38.7223', lon: '-9.1393', area: '1200', country: 'PT', docs: DEED })
    await addPlace(a, { name: 'Safe house', kind: 'building', status: 'proposed', precision: 'hidden', area: '300' })
    await addPlace(a, { name: 'Olive farm', kind: 'land', status: 'proposed', precision: 'city', lat: '31.9539', lon: '35.9106', area: '50000', country: 'JO' })
    // PLACE-5: the founder (steward role or above, PLACE-1) moves the farm along its lifecycle.
    const farm = a.locator('[data-testid="place"]').filter({ hasText: 'Olive farm' })
    await farm.getByTestId('move-to').selectOption('funding')
    await farm.getByTestId('move-place').click()
    await a.locator('[data-testid="place"][data-status="funding"]').waitFor({ timeout: 30_000 })
    for (const p of [a, b, c]) {
      await p.getByTestId('tab-map').click()
      await waitForData(p, 'footprint', { places: '3', area: '51500', countries: 'JO,PT' })
      expect(await p.getByTestId('place').count()).toBe(3)
      // The hidden place is listed, never drawn (PLACE-3); the city-precision one is drawn as an area, not a dot.
      expect(await p.getByTestId('map-place').count()).toBe(2)
      await p.getByTestId('hidden-note').waitFor()
      expect(await p.locator('[data-testid="place"][data-precision="hidden"]').textContent()).toContain('Safe house')
    }
    // A member without the role is offered a proposal instead (PLACE-7), not a dead button.
    await b.getByTestId('show-propose-place').waitFor()
    expect(await b.getByTestId('move-place').count()).toBe(0)
    expect(await axeSerious(a), 'map screen').toEqual([])
    await shot(a, '10-map-en')
  }, 300_000)

  it('FUND-1, FUND-3, FUND-8, FUND-11 (e2e): an all-or-nothing campaign; three pledge, B withdraws and pledges again; closed after the deadline the goal is met; receipts; CSV export', async () => {
    const [a, b, c] = pages as [Page, Page, Page]
    await a.getByTestId('tab-campaigns').click()
    await a.getByTestId('no-money-note').waitFor()
    await a.getByTestId('show-open-campaign').click()
    await a.getByTestId('campaign-title-input').fill(CAMPAIGN)
    await a.getByTestId('campaign-text').fill('The deposit on the olive farm.')
    await a.getByTestId('goal-amount-input').fill('1000.00')
    await a.getByTestId('goal-currency').fill('EUR')
    // The deadline 100 s from now, in the browser's local time (datetime-local with seconds).
    const deadline = await a.evaluate(() => {
      const d = new Date(Date.now() + 100_000)
      return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 19)
    })
    await a.getByTestId('campaign-deadline').fill(deadline)
    await a.getByTestId('campaign-model').selectOption('all-or-nothing')
    await a.getByTestId('campaign-place').selectOption({ label: 'Olive farm' })
    await a.getByTestId('open-campaign').click()
    await a.getByTestId('campaign-page').waitFor({ timeout: 30_000 })
    await pledge(a, '400.00')
    await openCampaign(b, CAMPAIGN)
    await pledge(b, '300.00')
    await openCampaign(c, CAMPAIGN)
    await pledge(c, '250.00')
    // B withdraws (a pledge of 0) and pledges again, more.
    await b.getByTestId('pledge-withdraw').click()
    await waitForData(b, 'my-pledge', { amount: '0' })
    await waitForData(b, 'campaign-progress', { pledged: '65000', pledgers: '2' })
    await pledge(b, '350.00')
    for (const p of [a, b, c]) await waitForData(p, 'campaign-progress', { pledged: '100000', pledgers: '3', goal: '100000' })
    expect(await axeSerious(b), 'campaign page, open').toEqual([])
    await shot(b, '11-campaign-open-en')
    // FUND-7: the close opens once the deadline has passed (the page asks again just after it).
    await a.getByTestId('close-campaign').click({ timeout: 150_000 })
    for (const p of [a, b, c]) await waitForData(p, 'campaign-outcome', { met: 'true' })
    expect(await c.getByTestId('pledge-submit').count()).toBe(0)
    // FUND-11: the treasurer (A, steward or above) records what the payment rail did.
    const receipt = async (name: string, status: string, amount: string): Promise<void> => {
      await a.getByTestId('receipt-member').selectOption({ label: name })
      await a.getByTestId('receipt-status').selectOption(status)
      await a.getByTestId('receipt-amount').fill(amount)
      await a.getByTestId('record-receipt').click()
      // The form clears once the node has signed it.
      await a.waitForFunction(() => (document.querySelector('[data-testid="receipt-amount"]') as HTMLInputElement | null)?.value === '', undefined, { timeout: 30_000 })
    }
    await receipt('Ana', 'fulfilled', '400.00')
    await receipt('Ben', 'fulfilled', '350.00')
    await receipt('Cai', 'partial', '200.00')
    for (const p of [a, b, c]) await p.waitForFunction(() => Array.from(document.querySelectorAll('[data-testid="ledger-row"]')).map((r) => r.getAttribute('data-received')).sort().join(',') === '20000,35000,40000', undefined, { timeout: 60_000 })
    expect(await a.getByTestId('ledger-received').textContent()).toBe('€950.00')
    expect(await a.getByTestId('ledger-total').textContent()).toBe('€1,000.00')
    expect(await b.getByTestId('record-receipt').count()).toBe(0)
    const [download] = await Promise.all([a.waitForEvent('download'), a.getByTestId('export-csv').click()])
    const csv = await readFile(await download.path(), 'utf8')
    for (const want of ['40000', '35000', '25000', '20000']) expect(csv).toContain(want)
    expect(await axeSerious(a), 'campaign page, closed').toEqual([])
    await shot(a, '11-campaign-en')
  }, 300_000)

  it('CENSUS-1, CENSUS-2, CENSUS-3, CENSUS-5 (e2e): the Map, the campaign page and the Census show the same numbers on every peer; the public census exported from the UI verifies with the CLI and no identity', async () => {
    const [a, b, c] = pages as [Page, Page, Page]
    for (const p of [a, b, c]) {
      await p.getByTestId('tab-census').click()
      await waitForData(p, 'census-screen', { members: '3' })
      await p.locator('[data-testid="money-row"][data-currency="EUR"][data-pledged="100000"][data-received="95000"]').waitFor({ timeout: 60_000 })
    }
    const seen = await Promise.all([a, b, c].map((p) => numbersOn(p, CAMPAIGN)))
    expect(seen[1]).toEqual(seen[0])
    expect(seen[2]).toEqual(seen[0])
    const census = (seen[0] as { census: { status: Record<string, string>[]; money: Record<string, string>[] } }).census
    expect(census.status.map((s) => `${s.status}:${s.places}:${s.area}`)).toEqual(['proposed:1:300', 'funding:1:50000', 'acquired:1:1200', 'leased:0:0', 'sold:0:0', 'lost:0:0'])
    expect(census.money).toEqual([{ testid: 'money-row', currency: 'EUR', pledged: '100000', received: '95000' }])
    expect(await a.getByTestId('chart-population').locator('circle').count()).toBeGreaterThan(0)
    expect(await a.getByTestId('chart-money').locator('rect').count()).toBeGreaterThanOrEqual(2)
    expect(await axeSerious(a), 'census screen').toEqual([])
    await shot(a, '12-census-en')
    // CENSUS-5: the public census file from the UI verifies with the CLI on a data directory that has no identity.
    const [file] = await Promise.all([a.waitForEvent('download'), a.getByTestId('export-public-census').click()])
    await a.getByTestId('public-census-saved').waitFor({ timeout: 30_000 })
    const bare = pathJoin(mkdtempSync(pathJoin(tmpdir(), 'polity-e2e-verify-')), 'data')
    const out = execFileSync(process.execPath, [POLITY, '--data-dir', bare, '--json', 'census', 'verify', await file.path()], { encoding: 'utf8' })
    const verified = JSON.parse(out) as { ok: boolean; census: { members: number; footprint: { places: number; areaM2: number } } }
    expect(verified.ok).toBe(true)
    expect([verified.census.members, verified.census.footprint.places, verified.census.footprint.areaM2]).toEqual([3, 3, 51500])
  }, 300_000)

  it('I18N-1, A11Y-1 (e2e): in Arabic the three screens render right-to-left with Arabic text and the same numbers; axe finds nothing serious', async () => {
    const a = pages[0] as Page
    await a.getByTestId('tab-settings').click()
    await a.getByTestId('language-select').selectOption('ar')
    expect(await a.evaluate(() => document.documentElement.dir)).toBe('rtl')
    await a.getByTestId('tab-map').click()
    await waitForData(a, 'footprint', { places: '3', area: '51500' })
    expect(await a.getByTestId('tab-map').textContent()).toBe('الخريطة')
    expect(await axeSerious(a), 'Arabic map').toEqual([])
    await shot(a, '10-map-ar')
    await openCampaign(a, CAMPAIGN)
    await waitForData(a, 'campaign-outcome', { met: 'true' })
    expect(await a.getByTestId('no-money-note').textContent()).toContain('لا ينقل')
    expect(await axeSerious(a), 'Arabic campaign page').toEqual([])
    await shot(a, '11-campaign-ar')
    await a.getByTestId('tab-census').click()
    await waitForData(a, 'census-screen', { members: '3' })
    // Mirrored charts: the first status bar sits right of the last one.
    const bars = a.getByTestId('chart-places').locator('rect')
    const [first, last] = await Promise.all([bars.first().boundingBox(), bars.nth(2).boundingBox()])
    expect((first?.x ?? 0)).toBeGreaterThan(last?.x ?? 0)
    expect(await axeSerious(a), 'Arabic census').toEqual([])
    await shot(a, '12-census-ar')
    await a.getByTestId('tab-settings').click()
    await a.getByTestId('language-select').selectOption('en')
  }, 180_000)
})
