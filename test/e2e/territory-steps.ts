/**
 * Steps of the territory e2e story (test/e2e/territory.test.ts): found and
 * join a community through the UI, add places, pledge, and read the numbers
 * each screen shows (from its data-* attributes, which carry the node's
 * exact values; the visible text is the same values formatted).
 */
import type { Page } from 'playwright-core'
import { onboard } from './browser-mode'

export async function found(a: Page, name: string, me: string): Promise<void> {
  await onboard(a)
  await a.getByTestId('show-create').click()
  await a.getByTestId('community-name').fill(name)
  await a.getByTestId('community-purpose').fill('Hubs and land across borders')
  await a.getByTestId('my-name').fill(me)
  await a.getByTestId('create-community').click()
  await a.getByTestId('community-title').waitFor()
}

export async function invite(a: Page): Promise<string> {
  await a.getByTestId('tab-roster').click()
  const link = a.getByTestId('invite-link')
  const previous = (await link.count()) > 0 ? await link.inputValue() : ''
  await a.getByTestId('create-invite').click()
  await a.waitForFunction((prev) => {
    const el = document.querySelector('[data-testid="invite-link"]') as HTMLTextAreaElement | null
    return el !== null && el.value !== '' && el.value !== prev
  }, previous, { timeout: 30_000 })
  return link.inputValue()
}

export async function join(page: Page, link: string, name: string): Promise<void> {
  await onboard(page)
  await page.getByTestId('show-join').click()
  await page.getByTestId('invite-input').fill(link)
  await page.getByTestId('my-name').fill(name)
  await page.getByTestId('join-community').click()
  const deadline = Date.now() + 90_000
  while (Date.now() < deadline && !(await page.getByTestId('community-title').isVisible())) {
    const items = page.getByTestId('community-list').locator('li')
    if ((await items.count()) > 0 && !((await items.first().textContent()) ?? '').includes('Joining')) await page.getByTestId('open-community').first().click({ timeout: 2_000 }).catch(() => undefined)
    else await page.waitForTimeout(500)
  }
  await page.getByTestId('community-title').waitFor({ timeout: 30_000 })
}

export interface NewPlace {
  readonly name: string
  readonly kind: string
  readonly status: string
  readonly precision: string
  readonly lat?: string
  readonly lon?: string
  readonly area: string
  readonly country?: string
  readonly docs?: string
}

export async function addPlace(a: Page, p: NewPlace): Promise<void> {
  await a.getByTestId('tab-map').click()
  await a.getByTestId('show-add-place').click()
  await a.getByTestId('place-name').fill(p.name)
  await a.getByTestId('place-kind').selectOption(p.kind)
  await a.getByTestId('place-status').selectOption(p.status)
  await a.getByTestId('place-precision').selectOption(p.precision)
  if (p.lat !== undefined) await a.getByTestId('place-lat').fill(p.lat)
  if (p.lon !== undefined) await a.getByTestId('place-lon').fill(p.lon)
  await a.getByTestId('place-area').fill(p.area)
  if (p.country !== undefined) await a.getByTestId('place-country').fill(p.country)
  if (p.docs !== undefined) await a.getByTestId('place-docs').fill(p.docs)
  await a.getByTestId('add-place').click()
  await a.locator('[data-testid="place"]').filter({ hasText: p.name }).waitFor({ timeout: 30_000 })
}

/** Open the campaign titled `title` on this page's Campaigns tab. */
export async function openCampaign(p: Page, title: string): Promise<void> {
  await p.getByTestId('tab-campaigns').click()
  await p.getByTestId('campaign-open').filter({ hasText: title }).click({ timeout: 30_000 })
  await p.getByTestId('campaign-progress').waitFor({ timeout: 30_000 })
}

export async function pledge(p: Page, amount: string): Promise<void> {
  await p.getByTestId('pledge-amount').fill(amount)
  await p.getByTestId('pledge-submit').click()
  await p.waitForFunction((want) => document.querySelector('[data-testid="my-pledge"]')?.getAttribute('data-amount') === want, amount.replace('.', '').replace(/^0+/, ''), { timeout: 30_000 })
}

/** Wait until the element with this test id has these data-* values (as the node computed them). */
export async function waitForData(p: Page, testid: string, want: Record<string, string>, timeout = 60_000): Promise<void> {
  await p.waitForFunction(({ testid: id, want: w }) => {
    const el = document.querySelector(`[data-testid="${id}"]`)
    return el !== null && Object.entries(w).every(([k, v]) => el.getAttribute(`data-${k}`) === v)
  }, { testid, want }, { timeout })
}

/** Every number the Map, the campaign page and the Census show, read from one page. */
export async function numbersOn(p: Page, campaign: string): Promise<Record<string, unknown>> {
  const data = (sel: string): Promise<Record<string, string>[]> => p.$$eval(sel, (els) => els.map((e) => Object.fromEntries(Object.entries((e as HTMLElement).dataset)) as Record<string, string>))
  await p.getByTestId('tab-map').click()
  await p.getByTestId('footprint').waitFor({ timeout: 30_000 })
  const map = { footprint: await data('[data-testid="footprint"]'), places: await data('[data-testid="place"]'), drawn: await p.getByTestId('map-place').count() }
  await openCampaign(p, campaign)
  const camp = { progress: await data('[data-testid="campaign-progress"]'), outcome: await data('[data-testid="campaign-outcome"]'), ledger: await data('[data-testid="ledger-row"]') }
  await p.getByTestId('tab-census').click()
  await p.getByTestId('census-screen').waitFor({ timeout: 30_000 })
  const census = {
    screen: await data('[data-testid="census-screen"]'), footprint: await data('[data-testid="footprint"]'), status: await data('[data-testid="status-row"]'),
    money: await data('[data-testid="money-row"]'), population: await data('[data-testid="population-row"]'),
  }
  return { map, camp, census }
}
