/**
 * E2E in Debian's Chromium (issue 19): the export buttons (EXPORT-1) download
 * the node's CSV — the votes of an approval proposal, whose column sums are
 * the tally the page shows, and the roster, one row per member shown — and
 * the author's Extend the deadline control (EXTEND-1, CLOSE-8) moves the
 * deadline the page shows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { readFile } from 'node:fs/promises'
import { axeSerious, launch, startPeer, stopPeer, type Peer } from './browser-mode'
import { found } from './territory-steps'

let browser: Browser
let peer: Peer
let page: Page

beforeAll(async () => {
  browser = await launch()
  peer = await startPeer('exports')
  const context = await browser.newContext({ acceptDownloads: true, bypassCSP: true, viewport: { width: 1100, height: 900 } })
  page = await context.newPage()
  await page.goto(peer.url)
}, 120_000)

afterAll(async () => {
  await browser?.close()
  if (peer) await stopPeer(peer)
})

/** Click an export button and read the file it downloads. */
async function download(testid: string): Promise<{ name: string; text: string }> {
  const [d] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testid).click()])
  const path = await d.path()
  return { name: d.suggestedFilename(), text: await readFile(path, 'utf8') }
}

/** RFC 4180 enough for our CSV: quoted fields, doubled quotes, CRLF or LF rows. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let field = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), i++
      else if (c === '"') quoted = false
      else field += c
    } else if (c === '"') quoted = true
    else if (c === ',') row.push(field), (field = '')
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++
      row.push(field)
      rows.push(row)
      row = []
      field = ''
    } else field += c
  }
  if (field !== '' || row.length > 0) rows.push([...row, field])
  return rows
}

describe('exports and extending in the UI (issue 19)', () => {
  it('EXPORT-1, EXTEND-1, CLOSE-8: the votes CSV sums to the tally shown; the roster CSV has a row per member shown; the author extends the deadline', async () => {
    await found(page, 'Export Commons', 'Ana')
    await page.getByTestId('tab-proposals').click()
    await page.getByTestId('proposal-title').fill('Colour of the door')
    await page.getByTestId('proposal-method').selectOption('approval')
    await page.getByTestId('proposal-options').fill('Red\nBlue\nGreen')
    await page.getByTestId('create-proposal').click()
    await page.getByTestId('proposal').first().waitFor({ timeout: 30_000 })
    await page.getByTestId('approve-0').check()
    await page.getByTestId('approve-2').check()
    await page.getByTestId('cast-approval').click()
    await page.getByTestId('my-vote').waitFor({ timeout: 30_000 })
    const shown = (await page.getByTestId('tally-row').locator('.chart-value').allTextContents()).map(Number)
    expect(shown).toEqual([1, 0, 1])

    await page.getByTestId('proposal-open').click()
    await page.getByTestId('export-votes-csv').waitFor({ timeout: 30_000 })
    expect(await page.getByTestId('export-votes-blt').count()).toBe(0) // BLT only for ranked choice
    const votes = await download('export-votes-csv')
    expect(votes.name).toMatch(/^votes-[0-9a-f]{8}\.csv$/)
    const [header, ...rows] = parseCsv(votes.text).filter((r) => r.length > 1)
    expect(rows).toHaveLength(1)
    const cols = ['Red', 'Blue', 'Green'].map((o) => (header as string[]).findIndex((h) => h.includes(o)))
    expect(cols.every((c) => c >= 0)).toBe(true)
    expect(cols.map((c) => rows.reduce((s, r) => s + Number(r[c]), 0))).toEqual(shown)
    const json = JSON.parse((await download('export-votes-json')).text) as unknown
    expect(json).toBeTruthy()

    // EXTEND-1: the author of an open proposal sees the control; 48 hours later moves the deadline.
    const before = await page.getByTestId('proposal-ends').textContent()
    await page.getByTestId('extend-hours').fill('48')
    await page.getByTestId('extend-submit').click()
    await page.waitForFunction((b) => document.querySelector('[data-testid="proposal-ends"]')?.textContent !== b, before, { timeout: 30_000 })
    expect(await axeSerious(page)).toEqual([])

    await page.getByTestId('tab-roster').click()
    await page.getByTestId('export-roster-csv').waitFor({ timeout: 30_000 })
    const members = await page.getByTestId('member').count()
    const roster = parseCsv((await download('export-roster-csv')).text).filter((r) => r.length > 1)
    expect(roster.length - 1).toBe(members)
    expect(roster.slice(1).map((r) => r.join(','))).toEqual([expect.stringContaining('Ana')])
    expect(await axeSerious(page)).toEqual([])
  }, 180_000)
})
