/**
 * NET-RTC-4, NET-RTC-5 (issue 5, test 8): two browser-mode clients with libp2p switched
 * off (`polity ui --no-network`) sync over the WebRTC relay alone, through
 * the signaling server `polity serve --no-network` hosts on 127.0.0.1: B
 * joins by invite link and receives A's charter edit. Every op crossed
 * WebRTC as a signed envelope and went through the receiving node's
 * validation (`importEnvelopes`); nothing else connects the two nodes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { launch, onboard, SHOTS, startPeer, startSignaling, stopPeer, type Peer } from './browser-mode'

let browser: Browser
let signaling: Awaited<ReturnType<typeof startSignaling>>
const peers: Peer[] = []
const pages: Page[] = []

beforeAll(async () => {
  // ICE uses this machine's own host candidates only: no STUN/TURN server is configured (NET-RTC-3);
  // loopback is allowed and mDNS-obfuscated names are off, so candidates resolve without a resolver.
  browser = await launch(['--allow-loopback-in-peer-connection', '--disable-features=WebRtcHideLocalIpsWithMdns'])
  signaling = await startSignaling()
  for (const label of ['rtc-a', 'rtc-b']) {
    const p = await startPeer(label, undefined, ['--no-network', '--signaling', signaling.url])
    peers.push(p)
    const page = await (await browser.newContext()).newPage()
    await page.goto(p.url)
    pages.push(page)
  }
}, 120_000)

afterAll(async () => {
  await browser?.close()
  for (const p of peers) await stopPeer(p)
  if (signaling) await stopPeer(signaling)
})

/** The draft as shown, whatever editor renders it. */
const draftText = (p: Page): Promise<string> =>
  p.evaluate(() => {
    const el = document.querySelector('[data-testid="charter-editor"]') as (HTMLElement & { value?: string }) | null
    return el ? (el.value ?? el.textContent ?? '') : ''
  })

describe('WebRTC relay (NET-RTC-4, NET-RTC-5)', () => {
  it('NET-RTC-4, NET-RTC-5 (e2e): with libp2p off, B joins by link and sees A\'s charter edit over y-webrtc alone', async () => {
    const [a, b] = pages as [Page, Page]
    await onboard(a)
    await a.getByTestId('show-create').click()
    await a.getByTestId('community-name').fill('Relay Row')
    await a.getByTestId('community-purpose').fill('Synced by browsers alone')
    await a.getByTestId('my-name').fill('Ana')
    await a.getByTestId('create-community').click()
    await a.getByTestId('community-title').waitFor()
    await a.getByTestId('tab-roster').click()
    await a.getByTestId('create-invite').click()
    await a.waitForFunction(() => ((document.querySelector('[data-testid="invite-link"]') as HTMLTextAreaElement | null)?.value ?? '') !== '')
    const link = await a.getByTestId('invite-link').inputValue()

    await onboard(b)
    await b.getByTestId('show-join').click()
    await b.getByTestId('invite-input').fill(link)
    await b.getByTestId('my-name').fill('Ben')
    await b.getByTestId('join-community').click()
    // With no libp2p the join waits until the community's ops arrive over the relay.
    const deadline = Date.now() + 90_000
    while (Date.now() < deadline) {
      const item = b.getByTestId('community-list').locator('li').first()
      if ((await item.count()) > 0 && !((await item.textContent()) ?? '').includes('Joining')) break
      await b.waitForTimeout(500)
    }
    await b.getByTestId('open-community').first().click()
    await expect.poll(() => b.getByTestId('community-title').textContent(), { timeout: 30_000 }).toBe('Relay Row')

    // A sees B on the roster: B's join op travelled back over the relay.
    await a.getByTestId('tab-home').click()
    await a.waitForFunction(() => document.querySelector('[data-testid="member-count"]')?.textContent === '2', undefined, { timeout: 60_000 })

    // The charter edit.
    await a.getByTestId('tab-charter').click()
    const editor = a.getByTestId('charter-editor')
    await editor.click()
    await a.keyboard.press('Control+End')
    await a.keyboard.type('\nArticle 9: relayed by WebRTC.')
    await a.getByTestId('save-draft').click()
    await b.getByTestId('tab-charter').click()
    await b.waitForFunction(() => {
      const el = document.querySelector('[data-testid="charter-editor"]') as (HTMLElement & { value?: string }) | null
      return (el?.value ?? el?.textContent ?? '').includes('Article 9: relayed by WebRTC.')
    }, undefined, { timeout: 60_000 })
    expect(await draftText(b)).toBe(await draftText(a))

    // Honest status: libp2p is off on both; the relay reports a WebRTC peer and no refusals.
    for (const p of [a, b]) {
      await p.getByTestId('tab-network').click()
      await p.waitForFunction(() => Number(document.querySelector('[data-testid="relay-status"]')?.getAttribute('data-peers')) >= 1, undefined, { timeout: 30_000 })
      expect(await p.getByTestId('sync-state').textContent()).toMatch(/Offline/)
      expect(await p.getByTestId('relay-status').textContent()).toMatch(/· 0 refused$/)
    }
    await b.screenshot({ path: `${SHOTS}08-webrtc-relay-b.png` })
  }, 240_000)
})
