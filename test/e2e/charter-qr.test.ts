/**
 * E2E in Debian's Chromium (issue 19): the charter as Markdown and joining by
 * QR. A founds a community whose charter tries a `<script>` and a
 * `javascript:` link: both render inert (CHARTER-MD-1). A's editor refuses a
 * paste past 65,536 characters and keeps a 40,000-character Arabic paste
 * (80 KB of UTF-8, more than one 64 KiB update) across a reload
 * (CHARTER-MD-2); the diff shows inline and side by side. B, whose browser
 * prefers Brazilian Portuguese, starts in Portuguese (I18N-2) and joins from
 * a picture of the invite's QR code (JOIN-QR-1). axe-core on each screen.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import QRCode from 'qrcode'
import { axeSerious, launch, onboard, SHOTS, startPeer, stopPeer, type Peer } from './browser-mode'
import { invite } from './territory-steps'

let browser: Browser
const peers: Peer[] = []
const contexts: BrowserContext[] = []
let a: Page
let b: Page

const CHARTER = [
  '# Free Town charter',
  '',
  '1. **Every** member votes.',
  '2. See [our site](https://example.org).',
  '',
  '<script>window.__pwned = 1</script>',
  '',
  '[a trap](javascript:window.__pwned=2) and <img src=x onerror="window.__pwned=3">',
].join('\n')

beforeAll(async () => {
  browser = await launch()
  for (const [label, locale] of [['a', 'en-US'], ['b', 'pt-BR']] as const) {
    const p = await startPeer(label)
    peers.push(p)
    // bypassCSP only lets the test inject axe-core; the app's own CSP is unchanged.
    const ctx = await browser.newContext({ bypassCSP: true, locale, viewport: { width: 1100, height: 900 } })
    contexts.push(ctx)
    const page = await ctx.newPage()
    await page.goto(p.url)
    if (label === 'a') a = page
    else b = page
  }
}, 120_000)

afterAll(async () => {
  await browser?.close()
  for (const p of peers) await stopPeer(p)
})

async function paste(p: Page, text: string): Promise<void> {
  await p.getByTestId('charter-editor').click()
  await p.getByTestId('charter-editor').evaluate((el, t) => {
    const dt = new DataTransfer()
    dt.setData('text/plain', t)
    el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }))
  }, text)
}

const sizeOf = async (p: Page): Promise<number> => Number(((await p.getByTestId('charter-size').textContent()) ?? '').split(/\s/)[0]?.replace(/\D/g, ''))

describe('Markdown charter and QR join in the browser (E2E)', () => {
  it('CHARTER-MD-1 (e2e): the ratified charter renders as Markdown; its <script> never runs and its javascript: link is no link', async () => {
    await onboard(a)
    await a.getByTestId('show-create').click()
    await a.getByTestId('community-name').fill('Free Town')
    await a.getByTestId('community-charter').fill(CHARTER)
    await a.getByTestId('my-name').fill('Ana')
    await a.getByTestId('create-community').click()
    await a.getByTestId('community-title').waitFor()
    await a.getByTestId('tab-charter').click()
    const version = a.getByTestId('charter-version').first()
    await version.locator('summary').click()
    const md = version.getByTestId('charter-version-text')
    await expect.poll(() => md.locator('h1').textContent()).toBe('Free Town charter')
    expect(await md.locator('ol > li').count()).toBe(2)
    expect(await md.locator('strong').textContent()).toBe('Every')
    expect(await md.locator('a[href="https://example.org"]').count()).toBe(1)
    // Inert: no script or img element from the text, no javascript: href anywhere, nothing ran.
    expect(await md.locator('script, img, iframe').count()).toBe(0)
    expect(await a.locator('a[href^="javascript" i]').count()).toBe(0)
    expect(await md.textContent()).toContain('<script>window.__pwned = 1</script>')
    expect(await md.textContent()).toContain('[a trap](javascript:window.__pwned=2)')
    expect(await a.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined()
    await a.screenshot({ path: `${SHOTS}charter-markdown.png`, fullPage: true })
    expect(await axeSerious(a)).toEqual([])
  })

  it('CHARTER-MD-2 (e2e): the size shows live; a paste past 65,536 characters is refused and changes nothing; an 80 KB paste under it is kept across a reload', async () => {
    await a.getByTestId('charter-editor').waitFor()
    const before = await sizeOf(a)
    expect(before).toBe(CHARTER.length)
    await paste(a, 'x'.repeat(70_000))
    await a.getByTestId('charter-limit').waitFor()
    expect(await a.getByTestId('charter-limit').textContent()).toContain('65,536')
    expect(await sizeOf(a)).toBe(before)
    // 40,000 Arabic letters: 80 KB of UTF-8, more than one 64 KiB update could carry.
    const big = 'ج'.repeat(40_000)
    await a.keyboard.press('Control+End')
    await paste(a, big)
    await expect.poll(() => sizeOf(a)).toBe(before + 40_000)
    expect(await a.getByTestId('charter-limit').count()).toBe(0)
    await a.getByTestId('save-draft').click()
    await a.waitForTimeout(1500)
    await a.reload()
    // Until the router lands a reload starts at the list of communities; after it, on the charter: both work.
    await a.locator('[data-testid="open-community"], [data-testid="tab-charter"]').first().waitFor()
    if (await a.getByTestId('open-community').isVisible()) await a.getByTestId('open-community').first().click()
    await a.getByTestId('tab-charter').click()
    await a.getByTestId('charter-editor').waitFor()
    await expect.poll(() => sizeOf(a), { timeout: 20_000 }).toBe(before + 40_000)
    expect(await a.getByText('Something went wrong').count()).toBe(0)
  })

  it('DIFF-1 (e2e): the draft\'s changes show inline or side by side', async () => {
    await a.getByTestId('draft-diff').locator('xpath=ancestor::details[1]/summary').click()
    const diff = a.getByTestId('draft-diff')
    await diff.getByTestId('diff-split').waitFor({ timeout: 20_000 })
    await diff.getByTestId('diff-split').click()
    await expect.poll(() => diff.locator('table.diff-split ins').count()).toBeGreaterThan(0)
    expect(await diff.locator('th').allTextContents()).toEqual(['Before', 'After'])
    await diff.getByTestId('diff-inline').click()
    await expect.poll(() => diff.locator('ins.diff-line').count()).toBeGreaterThan(0)
    expect(await axeSerious(a)).toEqual([])
  })

  it('I18N-2, JOIN-QR-1 (e2e): B starts in Portuguese (the browser\'s language) and joins from a picture of the invite\'s QR code', async () => {
    const link = await invite(a)
    const dir = mkdtempSync(join(tmpdir(), 'polity-qr-'))
    const png = join(dir, 'invite.png')
    writeFileSync(png, await QRCode.toBuffer(`Join us: ${link}`, { errorCorrectionLevel: 'M', margin: 4, width: 600 }))
    expect(await b.evaluate(() => document.documentElement.lang)).toBe('pt')
    await onboard(b)
    await b.getByTestId('show-join').click()
    expect(await b.getByTestId('show-join').textContent()).toBe('Entrar com um link de convite')
    await b.getByTestId('qr-image').setInputFiles(png)
    await expect.poll(() => b.getByTestId('invite-input').inputValue(), { timeout: 10_000 }).toBe(link)
    expect(await b.locator('[role="status"]').allTextContents()).toContainEqual(expect.stringContaining('código QR'))
    await b.screenshot({ path: `${SHOTS}join-qr-pt.png`, fullPage: true })
    expect(await axeSerious(b)).toEqual([])
    // A picture with no QR code says so and leaves the link as it was.
    const blank = join(dir, 'blank.png')
    writeFileSync(blank, Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8/5+hHgAHggJ/PchI7wAAAABJRU5ErkJggg==', 'base64'))
    await b.getByTestId('qr-image').setInputFiles(blank)
    await b.locator('[role="alert"]').filter({ hasText: 'Nenhum código QR' }).waitFor()
    expect(await b.getByTestId('invite-input').inputValue()).toBe(link)
    await b.getByTestId('my-name').fill('Bia')
    await b.getByTestId('join-community').click()
    const deadline = Date.now() + 90_000
    while (Date.now() < deadline && !(await b.getByTestId('community-title').isVisible())) {
      const open = b.getByTestId('open-community')
      if ((await open.count()) > 0) await open.first().click({ timeout: 2_000 }).catch(() => undefined)
      await b.waitForTimeout(500)
    }
    await expect.poll(() => b.getByTestId('community-title').textContent(), { timeout: 30_000 }).toBe('Free Town')
    await b.getByTestId('tab-charter').click()
    await b.getByTestId('charter-versions').waitFor()
    expect(await b.getByTestId('tab-charter').textContent()).toBe('Carta')
    await b.screenshot({ path: `${SHOTS}charter-pt.png`, fullPage: true })
    expect(await axeSerious(b)).toEqual([])
  })
})
