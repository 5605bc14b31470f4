/**
 * NET-RTC-6 (issue 13 §6): the real `polity serve --no-network`, its
 * signaling server flooded (packages/net/test/signaling-flood.ts), exits on
 * SIGTERM and closes every socket.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { openSocket, startFlood } from '../../packages/net/test/signaling-flood'

const bin = fileURLToPath(new URL('../../apps/peer/bin/polity.mjs', import.meta.url))
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

describe('polity serve under a signaling flood (NET-RTC-6)', () => {
  it('NET-RTC-6: `polity serve --no-network` exits on SIGTERM while its signaling server is flooded, closing every socket', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'polity-serve-'))
    const child = spawn(process.execPath, [bin, '--data-dir', dir, 'serve', '--no-network', '--signaling-port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] })
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
    let url = ''
    for await (const line of createInterface({ input: child.stdout })) {
      const m = /(ws:\/\/\S+)/.exec(line)
      if (m) {
        url = m[1] as string
        break
      }
    }
    expect(url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+$/)
    const honest = await openSocket(url)
    const honestClosed = new Promise<void>((r) => honest.once('close', () => r()))
    const from = Array.from({ length: 30 }, (_, i) => `127.0.0.${i + 2}`)
    const flood = startFlood(url, { subscribers: 40, publishers: 20, framesPerSecond: 190, frameBytes: 64 * 1024 - 1, topic: 'flood', from })
    try {
      // 3,000 frames of 64 KiB: the server before the fix stopped reading them (its event loop busy
      // forwarding 40 copies of each, gigabytes queued) well before this, and did not exit on SIGTERM.
      while (flood.open() < 40 || flood.counts().sent < 3000) await sleep(20)
      const t0 = performance.now()
      child.kill('SIGTERM')
      expect(await exited).toBe(0)
      console.log(`NET-RTC-6 serve: exited ${(performance.now() - t0).toFixed(0)} ms after SIGTERM under the flood (${JSON.stringify(flood.counts())})`)
      await honestClosed
      while (flood.open() > 0) await sleep(20)
    } finally {
      await flood.stop()
      child.kill('SIGKILL')
    }
  })
})
