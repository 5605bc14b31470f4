/**
 * BRIDGE-10 (e2e, Debian's Chromium): a real `polity ui` is stopped while its
 * tab is open — the tab says the node stopped — and started again on the same
 * data directory: it prints the same address (same port, same token), and the
 * same tab, never reloaded, reconnects by itself and works (unlock, found a
 * community). `polity lock` then forgets the token: the next start prints a
 * new one.
 */
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { launch, onboard, startPeer, stopPeer, type Peer } from './browser-mode'

const bin = fileURLToPath(new URL('../../apps/peer/bin/polity.mjs', import.meta.url))
let browser: Browser
let peer: Peer
let page: Page

beforeAll(async () => {
  browser = await launch()
  peer = await startPeer('restart')
  page = await (await browser.newContext()).newPage()
  await page.goto(peer.url)
}, 120_000)

afterAll(async () => {
  await browser?.close()
  if (peer) await stopPeer(peer)
})

describe('browser mode across a restart (BRIDGE-10, e2e)', () => {
  it('BRIDGE-10 (e2e): the same tab reconnects to a restarted `polity ui` on the same address and works; `polity lock` makes the next token new', async () => {
    await onboard(page)
    const url = peer.url
    await stopPeer(peer)
    await page.getByTestId('connection-banner').filter({ hasText: /stopped or restarted/ }).waitFor({ timeout: 30_000 })
    peer = await startPeer('restart', peer.dataDir)
    expect(peer.url).toBe(url)
    // No reload: the page's own client finds the node again; the restarted node is locked, so it asks to unlock.
    await page.getByTestId('connection-banner').waitFor({ state: 'detached', timeout: 30_000 })
    await page.getByTestId('unlock-passphrase').fill('e2e passphrase ok')
    await page.getByTestId('unlock-passphrase').press('Enter')
    await page.getByTestId('show-create').click()
    await page.getByTestId('community-name').fill('Back Again')
    await page.getByTestId('create-community').click()
    await page.getByTestId('community-title').filter({ hasText: 'Back Again' }).waitFor({ timeout: 30_000 })
    // `polity lock` forgets the session: the next start has a new token (the same port, when free).
    await stopPeer(peer)
    const lock = spawnSync(process.execPath, [bin, '--data-dir', peer.dataDir, 'lock'], { encoding: 'utf8' })
    expect(lock.status).toBe(0)
    peer = await startPeer('restart', peer.dataDir)
    expect(new URL(peer.url).hash).not.toBe(new URL(url).hash)
    expect(new URL(peer.url).origin).toBe(new URL(url).origin)
    // The old tab's token opens nothing any more: past the client's longest backoff it is still not connected.
    await page.waitForTimeout(8_000)
    expect(await page.getByTestId('connection-banner').textContent()).toMatch(/stopped or restarted/)
  }, 180_000)
})
