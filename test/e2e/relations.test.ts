/**
 * E2E in Debian's Chromium (issue 18): three real `polity ui` peers on
 * 127.0.0.1. Community A (two peers) proposes and passes the recognition of
 * community B (a third peer); A exports the letter from the proposal; B drops
 * the file on its Relations screen (a real DataTransfer drop), sees it verify,
 * records it, and shows "recognized by A". B adds an outside body whose
 * statement the test signs with node:crypto (ed25519), verifies it by drop,
 * records it, then removes the body (REL-9). Screenshots in English and
 * Arabic; axe-core finds nothing serious or critical.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { readFile } from 'node:fs/promises'
import { generateKeyPairSync, sign as nodeSign } from 'node:crypto'
import { statementMessage } from '@polity/protocol'
import { axeSerious, launch, onboard, SHOTS, startPeer, stopPeer, type Peer } from './browser-mode'
import { found, invite, join } from './territory-steps'

let browser: Browser
const peers: Peer[] = []
const pages: Page[] = []

beforeAll(async () => {
  browser = await launch()
  for (const label of ['a1', 'a2', 'b']) {
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

const shot = (p: Page, name: string): Promise<Buffer> => p.screenshot({ path: `${SHOTS}${name}.png`, fullPage: true })
const communityOf = (p: Page): string => {
  const m = /\/c\/([0-9a-f]{64})/.exec(decodeURIComponent(p.url()))
  if (!m) throw new Error(`no community in ${p.url()}`)
  return m[1] as string
}

/** Drop a file on a drop zone as a person dragging it from their desktop would (a DataTransfer drop event). */
async function drop(p: Page, testid: string, bytes: Uint8Array, name: string): Promise<void> {
  await p.getByTestId(testid).evaluate((el, { data, name }) => {
    const dt = new DataTransfer()
    dt.items.add(new File([new Uint8Array(data)], name, { type: 'application/octet-stream' }))
    el.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }))
    el.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }))
  }, { data: [...bytes], name })
}

/** Found a community whose resolutions need no minimum voting period (GOV-1), so the recognition closes at once. */
async function foundQuick(a: Page, name: string, me: string): Promise<void> {
  await onboard(a)
  await a.getByTestId('show-create').click()
  await a.getByTestId('community-name').fill(name)
  await a.getByTestId('my-name').fill(me)
  await a.getByTestId('show-rules').click()
  await a.getByTestId('rule-resolution-days').fill('0')
  await a.getByTestId('create-community').click()
  await a.getByTestId('community-title').waitFor()
}

let letter: Uint8Array
const body = generateKeyPairSync('ed25519')
const bodyKey = Buffer.from(body.publicKey.export({ format: 'der', type: 'spki' }).subarray(12)).toString('hex')

describe('diplomatic recognition in the browser, three peers (E2E)', () => {
  it('REL-3, LETTER-6, LETTER-8 (e2e): A (two peers) proposes and passes the recognition of B; a member of A exports the letter from the proposal', async () => {
    const [a1, a2, b] = pages as [Page, Page, Page]
    await found(b, 'Harbour Commons', 'Bea')
    const B = communityOf(b)
    await foundQuick(a1, 'Lighthouse Keepers', 'Ana')
    await join(a2, await invite(a1), 'Ali')
    await a1.getByTestId('tab-proposals').click()
    await a1.getByTestId('proposal-title').fill('Recognize Harbour Commons')
    await a1.getByTestId('proposal-kind').selectOption('recognize')
    await a1.getByTestId('proposal-other').fill(B)
    await a1.getByTestId('proposal-other-name').fill('Harbour Commons')
    await a1.getByTestId('proposal-statement').fill('The Lighthouse Keepers recognize Harbour Commons as a community of equals.')
    await a1.getByTestId('proposal-deadline').fill('0')
    await a1.getByTestId('create-proposal').click()
    for (const p of [a1, a2]) {
      await p.getByTestId('tab-proposals').click()
      await p.getByTestId('vote-yes').click({ timeout: 60_000 })
      await p.getByTestId('my-vote').waitFor({ timeout: 30_000 })
    }
    await a1.waitForFunction(() => /\b2\b/.test(document.querySelector('[data-testid="vote-count"]')?.textContent ?? ''), undefined, { timeout: 60_000 })
    await a1.getByTestId('close-proposal').click()
    for (const p of [a1, a2]) await p.getByTestId('outcome').waitFor({ timeout: 60_000 })
    expect(await a1.getByTestId('outcome').textContent()).toContain('Passed')
    // LETTER-5: another member builds on the close (a2 makes a proposal of its own), so the letter is acknowledged.
    await a2.getByTestId('proposal-title').fill('Next meeting')
    await a2.getByTestId('create-proposal').click()
    await a1.waitForFunction(() => document.querySelectorAll('[data-testid="proposal"]').length === 2, undefined, { timeout: 60_000 })
    await a1.locator('[data-testid="proposal"][data-status="closed"]').getByTestId('proposal-open').click()
    await a1.getByTestId('recognize-details').waitFor({ timeout: 30_000 })
    expect(await axeSerious(a1), 'a passed recognition, opened').toEqual([])
    await shot(a1, '13-recognition-en')
    const [download] = await Promise.all([a1.waitForEvent('download'), a1.getByTestId('export-letter').click()])
    letter = new Uint8Array(await readFile(await download.path()))
    expect(letter.length).toBeGreaterThan(0)
    for (const secret of ['Ana', 'Ali', 'Recognize Harbour Commons', 'Next meeting']) expect(Buffer.from(letter).includes(Buffer.from(secret)), secret).toBe(false)
    await a1.getByTestId('tab-relations').click()
    await a1.locator(`[data-testid="relation-community"][data-community="${B}"][data-we-recognize="true"]`).waitFor({ timeout: 30_000 })
  }, 400_000)

  it('LETTER-1..8, REL-4, REL-5 (e2e): B verifies the letter by drag-and-drop, records it, and its Relations screen shows "recognized by" A', async () => {
    const [a1, , b] = pages as [Page, Page, Page]
    const A = communityOf(a1)
    await b.getByTestId('tab-relations').click()
    await b.getByTestId('relations').waitFor()
    // A tampered letter is refused with its reasons, and offers no import.
    const bad = letter.slice()
    bad[Math.floor(bad.length / 2)]! ^= 0x01
    await drop(b, 'letter-drop', bad, 'bad.polity-letter')
    await b.locator('[data-testid="letter-report"][data-ok="false"]').waitFor({ timeout: 30_000 })
    expect(await b.getByTestId('letter-import').count()).toBe(0)
    await drop(b, 'letter-drop', letter, 'recognition.polity-letter')
    await b.locator('[data-testid="letter-report"][data-ok="true"]').waitFor({ timeout: 30_000 })
    expect(await b.getByTestId('letter-report').textContent()).toContain('Lighthouse Keepers recognizes Harbour Commons')
    await b.getByTestId('letter-import').click()
    const row = b.locator(`[data-testid="relation-community"][data-community="${A}"][data-they-recognize="true"]`)
    await row.waitFor({ timeout: 30_000 })
    expect(await row.textContent()).toContain('They recognize us')
    expect(await row.textContent()).toContain('Lighthouse Keepers')
    expect(await axeSerious(b), 'relations screen with a verified letter').toEqual([])
    await shot(b, '14-relations-letter-en')
  }, 120_000)

  it('REL-6, REL-7, REL-8, REL-9 (e2e): B adds an outside body; its statement (signed with node:crypto) verifies by drop and is recorded; a tampered one is refused; the body is removed', async () => {
    const b = pages[2] as Page
    const B = communityOf(b)
    await b.getByTestId('body-key').fill(bodyKey)
    await b.getByTestId('body-label').fill('Registry of Free Cities')
    await b.getByTestId('body-source').fill('published on its website')
    await b.getByTestId('body-add').click()
    await b.getByTestId('relation-body').waitFor({ timeout: 30_000 })
    const st = { to: B, action: 'recognize', date: '2026-12-02', text: 'The Registry of Free Cities recognizes Harbour Commons.' }
    const signature = Buffer.from(nodeSign(null, statementMessage(st), body.privateKey)).toString('base64')
    const file = (text: string): Uint8Array => new TextEncoder().encode(JSON.stringify({ format: 'polity-statement', v: 1, body: bodyKey, ...st, text, signature }))
    await drop(b, 'statement-drop', file('The Registry annexes Harbour Commons.'), 'bad.json')
    await b.locator('[data-testid="statement-report"][data-ok="false"]').waitFor({ timeout: 30_000 })
    expect(await b.getByTestId('statement-report').textContent()).toMatch(/REL-8/)
    await drop(b, 'statement-drop', file(st.text), 'statement.json')
    await b.locator('[data-testid="statement-report"][data-ok="true"]').waitFor({ timeout: 30_000 })
    await b.getByTestId('statement-import').click()
    await b.getByTestId('relation-statement').waitFor({ timeout: 30_000 })
    expect(await b.getByTestId('relation-body').textContent()).toContain('recognizes us')
    expect(await axeSerious(b), 'relations screen with an outside body').toEqual([])
    await shot(b, '14-relations-en')
    await b.getByTestId('body-remove').click()
    await b.locator('[data-testid="relation-body"][data-removed="true"]').waitFor({ timeout: 30_000 })
    await b.getByTestId('relation-body-removed').waitFor()
    expect(await axeSerious(b), 'relations screen with a removed body').toEqual([])
  }, 120_000)

  it('I18N-1, A11Y-1 (e2e): in Arabic the Relations screen renders right-to-left with Arabic text; axe finds nothing serious', async () => {
    const b = pages[2] as Page
    await b.getByTestId('tab-settings').click()
    await b.getByTestId('language-select').selectOption('ar')
    expect(await b.evaluate(() => document.documentElement.dir)).toBe('rtl')
    await b.getByTestId('tab-relations').click()
    await b.locator('[data-testid="relation-community"][data-they-recognize="true"]').waitFor({ timeout: 30_000 })
    expect(await b.getByTestId('tab-relations').textContent()).not.toMatch(/Relations/)
    expect(await b.locator('[data-testid="relation-community"]').textContent()).toMatch(/[\u0600-\u06FF]/)
    expect(await axeSerious(b), 'Arabic relations').toEqual([])
    await shot(b, '14-relations-ar')
    await b.getByTestId('tab-settings').click()
    await b.getByTestId('language-select').selectOption('en')
  }, 120_000)
})
