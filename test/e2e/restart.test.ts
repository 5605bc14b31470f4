/**
 * BRIDGE-10 (e2e, Debian's Chromium): a real `polity ui` is stopped while its
 * tab is open — the tab says the node stopped — and started again on the same
 * data directory: it prints the same address (same port, same token), and the
 * same tab, never reloaded, reconnects by itself and works (unlock, found a
 * community). `polity lock` then forgets the token: the next start prints a
 * new one. Then NAV-1 beyond the first page: a link to a proposal that is not
 * among the 50 on the list's first page (VIEW-1) still opens it.
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

  it('NAV-1 (e2e): a link to a proposal beyond the first page of 50 opens it, fetched by id', async () => {
    // A new tab on the new address (the old one's token was forgotten).
    page = await page.context().newPage()
    await page.goto(peer.url)
    await page.getByTestId('unlock-passphrase').fill('e2e passphrase ok')
    await page.getByTestId('unlock-passphrase').press('Enter')
    await page.getByTestId('open-community').first().click()
    await page.getByTestId('community-title').waitFor({ timeout: 30_000 })
    const community = /#\/c\/([0-9a-f]{64})/.exec(page.url())?.[1] as string
    // 51 proposals over the page's own bridge (its origin and token), then one that is not on the first page.
    const off = await page.evaluate(async (c) => {
      const token = sessionStorage.getItem('polity.token') ?? ''
      const ws = new WebSocket(`ws://${location.host}/api?token=${encodeURIComponent(token)}`)
      await new Promise((ok, fail) => {
        ws.onopen = ok
        ws.onerror = fail
      })
      let next = 1
      const call = (method: string, input: unknown): Promise<unknown> => new Promise((ok, fail) => {
        const id = next++
        ws.addEventListener('message', (e) => {
          const m = JSON.parse(String(e.data)) as { kind: string; id: number; ok: boolean; value: unknown; error?: { message: string } }
          if (m.kind === 'response' && m.id === id) (m.ok ? ok(m.value) : fail(new Error(m.error?.message)))
        })
        ws.send(JSON.stringify({ kind: 'request', id, method, input }))
      })
      const ids: string[] = []
      for (let i = 0; i < 51; i++) ids.push(await call('createProposal', { community: c, title: `Motion ${i}`, text: '', action: { type: 'resolution' }, method: { type: 'yesno', quorum: [1, 2], threshold: [1, 2] } }) as string)
      const first = await call('proposalsView', { community: c, offset: 0 }) as { rows: { id: string }[]; total: number }
      ws.close()
      return { total: first.total, shown: first.rows.length, id: ids.find((x) => !first.rows.some((r) => r.id === x)) }
    }, community)
    expect(off).toMatchObject({ total: 51, shown: 50 })
    expect(off.id).toMatch(/^[0-9a-f]{64}$/)
    await page.goto(`${new URL(page.url()).origin}/#/c/${community}/proposals/${off.id as string}`)
    await page.getByTestId('proposal-linked').getByTestId('proposal-details').waitFor({ timeout: 30_000 })
    expect(await page.getByTestId('proposal-linked').getByTestId('proposal').getAttribute('data-id')).toBe(off.id)
    expect(await page.getByTestId('proposals').getByTestId('proposal').count()).toBe(50)
  }, 180_000)
})
