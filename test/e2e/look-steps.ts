/** Steps of the look-and-navigation e2e story (test/e2e/look.test.ts). */
import { expect } from 'vitest'
import type { Page } from 'playwright-core'
import { axeSerious, SHOTS } from './browser-mode'

/** Confirm the recovery phrase shown after creating an identity. */
export async function confirmPhrase(page: Page): Promise<void> {
  await page.getByTestId('recovery-phrase').waitFor({ timeout: 60_000 })
  const words = await page.getByTestId('recovery-phrase').locator('li').allTextContents()
  for (let i = 0; i < 3; i++) {
    const input = page.getByTestId(`confirm-word-${i}`)
    const label = await page.locator(`label[for="${await input.getAttribute('id')}"]`).textContent()
    const n = Number(/(\d+)/.exec(label ?? '')?.[1])
    await input.fill(words[n - 1] as string)
  }
  await page.getByTestId(`confirm-word-2`).press('Enter')
  await page.getByTestId('show-create').waitFor()
}

/** Join with an invite link from an unlocked device (the join form is already open). */
export async function joinAs(page: Page, link: string, name: string): Promise<void> {
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

/** No horizontal scrolling: the document is no wider than the window. */
export function noWiderThanWindow(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)
}

/** What each main screen shows once it has loaded. */
const READY: Record<string, string> = {
  home: 'member-count', roster: 'member', proposals: 'proposal', charter: 'charter-versions', map: 'footprint',
  campaigns: 'tab-campaigns', census: 'tab-census', relations: 'tab-relations', fork: 'fork-name', network: 'relay-status', settings: 'language-select',
}

/** Visit every main screen (and the communities list): axe, width, a full-page screenshot `look-<tag>-<screen>.png`. */
export async function mainScreens(page: Page, tag: string): Promise<void> {
  await page.getByTestId('sidebar-home').click()
  await page.getByTestId('community-list').waitFor()
  expect(await axeSerious(page), `${tag} communities`).toEqual([])
  await page.screenshot({ path: `${SHOTS}look-${tag}-communities.png`, fullPage: true })
  await page.getByTestId('sidebar-community').first().click()
  for (const [screen, ready] of Object.entries(READY)) {
    await page.getByTestId(`tab-${screen}`).click()
    await page.getByTestId(ready).first().waitFor({ timeout: 30_000 })
    // Lazy screens and their data settle.
    await page.waitForTimeout(300)
    expect(await noWiderThanWindow(page), `${tag} ${screen} fits the window`).toBe(true)
    expect(await axeSerious(page), `${tag} ${screen}`).toEqual([])
    await page.screenshot({ path: `${SHOTS}look-${tag}-${screen}.png`, fullPage: true })
  }
}
