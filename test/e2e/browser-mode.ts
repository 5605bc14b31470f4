/** Helpers: start real `polity ui` peers (browser mode) and drive them in Debian's Chromium. */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { chromium, type Browser, type Page } from 'playwright-core'

const bin = fileURLToPath(new URL('../../apps/peer/bin/polity.mjs', import.meta.url))
export const SHOTS = fileURLToPath(new URL('./screenshots/', import.meta.url))
mkdirSync(SHOTS, { recursive: true })

export interface Peer {
  readonly url: string
  readonly proc: ChildProcess
  readonly dataDir: string
}

/**
 * A `polity ui` process. `uiArgs` replaces the default (libp2p on 127.0.0.1 only), e.g.
 * `['--no-network', '--signaling', url]` for a peer that syncs over the WebRTC relay alone.
 */
export async function startPeer(
  label: string,
  dataDir = join(mkdtempSync(join(tmpdir(), `polity-e2e-${label}-`)), 'data'),
  uiArgs: readonly string[] = ['--listen', '/ip4/127.0.0.1/tcp/0'],
): Promise<Peer> {
  const proc = spawn(process.execPath, [bin, '--data-dir', dataDir, '--kdf-log-n', '10', 'ui', ...uiArgs], { stdio: ['ignore', 'pipe', 'pipe'] })
  const url = await waitForLine(proc, /Open: (\S+)/, `peer ${label}`)
  return { url, proc, dataDir }
}

/** `polity serve --no-network`: only the signaling server for WebRTC relays, on a free 127.0.0.1 port. */
export async function startSignaling(): Promise<{ url: string; proc: ChildProcess }> {
  const proc = spawn(process.execPath, [bin, 'serve', '--no-network', '--signaling-port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] })
  const url = await waitForLine(proc, /browser relays: (ws:\/\/\S+)/, 'signaling server')
  return { url, proc }
}

function waitForLine(proc: ChildProcess, pattern: RegExp, what: string): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    let out = ''
    const timer = setTimeout(() => reject(new Error(`${what} did not start: ${out}`)), 30_000)
    proc.stdout?.on('data', (d: Buffer) => {
      out += d.toString()
      const m = pattern.exec(out)
      if (m) {
        clearTimeout(timer)
        resolve(m[1] as string)
      }
    })
    proc.stderr?.on('data', (d: Buffer) => (out += d.toString()))
    proc.on('exit', (code) => reject(new Error(`${what} exited ${code}: ${out}`)))
  })
}

export async function stopPeer(p: { readonly proc: ChildProcess }): Promise<void> {
  if (p.proc.exitCode !== null) return
  await new Promise<void>((resolve) => {
    p.proc.once('exit', () => resolve())
    p.proc.kill('SIGTERM')
    setTimeout(() => p.proc.kill('SIGKILL'), 5000)
  })
}

export function launch(extraArgs: readonly string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic', ...extraArgs],
  })
}

/** Create an identity in the UI, confirming the recovery phrase as a person would. */
export async function onboard(page: Page, passphrase = 'e2e passphrase ok'): Promise<void> {
  await page.getByTestId('passphrase').fill(passphrase)
  await page.getByTestId('passphrase-again').fill(passphrase)
  await page.getByTestId('create-identity').click()
  await page.getByTestId('recovery-phrase').waitFor()
  const words = await page.getByTestId('recovery-phrase').locator('li').allTextContents()
  for (let i = 0; i < 3; i++) {
    const input = page.getByTestId(`confirm-word-${i}`)
    const label = await page.locator(`label[for="${await input.getAttribute('id')}"]`).textContent()
    const n = Number(/(\d+)/.exec(label ?? '')?.[1])
    await input.fill(words[n - 1] as string)
  }
  await page.getByTestId('confirm-phrase').click()
  await page.getByTestId('show-create').waitFor()
}

const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js')

/** axe-core on the current screen: the serious and critical violations. */
export async function axeSerious(page: Page): Promise<{ id: string; impact: string; help: string }[]> {
  await page.addScriptTag({ path: axePath })
  const violations = await page.evaluate(async () => {
    const r = await (window as unknown as { axe: { run: () => Promise<{ violations: { id: string; impact: string; help: string }[] }> } }).axe.run()
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help }))
  })
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
}
