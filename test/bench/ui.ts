/**
 * `pnpm bench --ui` (issue 14 §3): the UI at scale. Two data directories are
 * made once and kept under the system's temp folder — the bench community
 * (200k ops: 10k members, 2k proposals, ~190k votes, plus open proposals and
 * one with a vote from every member but the founder) and a 10-member one of
 * the same shape — each opened by a real `polity ui` (browser mode, no
 * network) and driven in Debian's Chromium as the founder. Each figure is the
 * time from the click to the screen being usable, big beside small, in the
 * same run.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { recoveryPhraseOf } from '@polity/protocol'
import { PolityNode, encodeBundle } from '@polity/node'
import type { Browser, Page } from 'playwright-core'
import { generateCommunity, sizesFor, type GenerateOptions } from './generate'
import { launch } from '../e2e/browser-mode'

const PASS = 'benchmark passphrase'
const bin = fileURLToPath(new URL('../../apps/peer/bin/polity.mjs', import.meta.url))

export interface UiFigure { readonly name: string; readonly big: number; readonly small: number }

/** A data directory holding the generated community, the founder's identity restored; made once per size. */
async function dataDirFor(label: string, sizes: Omit<GenerateOptions, 'seed'>): Promise<{ dataDir: string; votes: number }> {
  // The cache names the ops' format: a directory made before the node went sealed (v1 ops, which it now refuses) is not reused.
  const dir = join(tmpdir(), `polity-bench-ui-sealed-v2-${label}`)
  const dataDir = join(dir, 'data')
  const marker = join(dir, 'ready.json')
  if (existsSync(marker)) return { dataDir, votes: sizes.bigProposal ?? 0 }
  mkdirSync(dir, { recursive: true })
  let t = performance.now()
  const g = generateCommunity({ seed: 2026, ...sizes })
  console.log(`  ${label}: generated ${g.ops.length} ops in ${((performance.now() - t) / 1000).toFixed(1)} s`)
  const node = await PolityNode.open({ dataDir, kdfLogN: 10 })
  await node.restoreIdentity({ phrase: recoveryPhraseOf(g.founder.secretKey), passphrase: PASS })
  t = performance.now()
  await node.importBundle({ bytes: encodeBundle(g.ops.map((o) => o.bytes)) })
  console.log(`  ${label}: imported in ${((performance.now() - t) / 1000).toFixed(1)} s`)
  // Closing writes the checkpoint (CHECKPOINT-1) `polity ui` starts from.
  await node.close()
  writeFileSync(marker, JSON.stringify({ ops: g.ops.length }))
  return { dataDir, votes: sizes.bigProposal ?? 0 }
}

function startUi(dataDir: string): Promise<{ url: string; proc: ChildProcess }> {
  const proc = spawn(process.execPath, [bin, '--data-dir', dataDir, '--kdf-log-n', '10', 'ui', '--no-network'], { stdio: ['ignore', 'pipe', 'pipe'] })
  return new Promise((resolve, reject) => {
    let out = ''
    const timer = setTimeout(() => reject(new Error(`polity ui did not start: ${out}`)), 120_000)
    proc.stdout.on('data', (d: Buffer) => {
      out += d.toString()
      const m = /Open: (\S+)/.exec(out)
      if (m) {
        clearTimeout(timer)
        resolve({ url: m[1] as string, proc })
      }
    })
    proc.stderr.on('data', (d: Buffer) => (out += d.toString()))
    proc.on('exit', (code) => reject(new Error(`polity ui exited ${code}: ${out}`)))
  })
}

async function stop(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null) return
  await new Promise<void>((resolve) => {
    proc.once('exit', () => resolve())
    proc.kill('SIGTERM')
    setTimeout(() => proc.kill('SIGKILL'), 10_000)
  })
}

const WAIT = { timeout: 300_000 }

/** Milliseconds from `act` until `ready` resolves. */
async function timed(act: () => Promise<unknown>, ready: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now()
  await act()
  await ready()
  return performance.now() - t0
}

/** One community through the screens; every figure in ms. */
async function drive(browser: Browser, kept: string, bigVotes: number): Promise<Map<string, number>> {
  const out = new Map<string, number>()
  // A copy: the kept directory stays as generated (the founder has not voted), so every run measures the same.
  const dataDir = join(mkdtempSync(join(tmpdir(), 'polity-bench-ui-run-')), 'data')
  cpSync(kept, dataDir, { recursive: true })
  const ui = await startUi(dataDir)
  const page: Page = await browser.newPage()
  try {
    await page.goto(ui.url)
    await page.getByTestId('unlock-passphrase').fill(PASS)
    out.set('unlock → community list', await timed(() => page.getByTestId('unlock').click(), () => page.getByTestId('open-community').first().waitFor(WAIT)))
    out.set('usable Home (member count and activity shown)', await timed(() => page.getByTestId('open-community').first().click(), async () => {
      await page.waitForFunction(() => /\d/.test(document.querySelector('[data-testid="member-count"]')?.textContent ?? ''), undefined, WAIT)
      await page.getByTestId('activity').waitFor(WAIT)
    }))
    // The replica reloads behind the checkpoint (CHECKPOINT-1); actions open when it is whole (VIEW-6).
    const t0 = performance.now()
    await page.getByTestId('reloading').waitFor({ state: 'detached', ...WAIT })
    out.set('reload behind the checkpoint until actions open', performance.now() - t0)
    out.set('usable Proposals list (first page of 50)', await timed(() => page.getByTestId('tab-proposals').click(), async () => {
      await page.getByTestId('proposal').first().waitFor(WAIT)
      await page.getByTestId('proposal-counts').waitFor(WAIT)
    }))
    out.set('usable Roster page (first 50 members)', await timed(() => page.getByTestId('tab-roster').click(), () => page.getByTestId('member').first().waitFor(WAIT)))
    out.set('roster search by name (one keystroke burst)', await timed(() => page.getByTestId('roster-search').fill('no such name'), () => page.getByTestId('member').first().waitFor({ state: 'detached', ...WAIT })))
    await page.getByTestId('tab-proposals').click()
    const big = page.getByTestId('proposal').filter({ hasText: 'Big proposal' }).first()
    await big.waitFor(WAIT)
    out.set(`a proposal with ${bigVotes.toLocaleString('en')} votes opened (details and first page of votes)`, await timed(() => big.getByTestId('proposal-open').click(), async () => {
      await big.getByTestId('vote-row').first().waitFor(WAIT)
      await big.getByTestId('tally').waitFor(WAIT)
    }))
    const before = Number(/\d+/.exec((await big.getByTestId('vote-count').textContent()) ?? '')?.[0])
    out.set('click a vote → counted (vote count and my vote shown)', await timed(() => big.getByTestId('vote-yes').click(), async () => {
      await big.getByTestId('my-vote').waitFor(WAIT)
      await page.waitForFunction(([n]) => Array.from(document.querySelectorAll('[data-testid="proposal"]')).some((li) => li.textContent?.includes('Big proposal') && new RegExp(`\\b${n}\\b`).test(li.querySelector('[data-testid="vote-count"]')?.textContent ?? '')), [before + 1], WAIT)
    }))
  } finally {
    await page.close()
    await stop(ui.proc)
    rmSync(dirname(dataDir), { recursive: true, force: true })
  }
  return out
}

export async function uiBench(total: number): Promise<UiFigure[]> {
  const bigSizes = { ...sizesFor(total), openProposals: 20 }
  const members = bigSizes.members
  const big = await dataDirFor(`${total}`, { ...bigSizes, bigProposal: members - 1 })
  const small = await dataDirFor('10-members', { members: 10, proposals: 2, votesPerProposal: 8, changedVotes: 0.1, edits: 5, comments: 2, openProposals: 2, bigProposal: 9 })
  const browser = await launch()
  try {
    // The small one first and again last would cost a restart each; once each, small first, is enough here.
    const s = await drive(browser, small.dataDir, small.votes)
    const b = await drive(browser, big.dataDir, big.votes)
    const name = (k: string): string => k.replace(/a proposal with [\d,]+ votes/, 'a proposal with every member\'s vote')
    const smallByName = new Map([...s].map(([k, v]) => [name(k), v]))
    return [...b].map(([k, v]) => ({ name: k, big: v, small: smallByName.get(name(k)) ?? 0 }))
  } finally {
    await browser.close()
  }
}
