/**
 * Signaling flood (issue 13 §6; NET-RTC-6 … 8): `polity serve --no-network`
 * in its own process, an attacker in another (packages/net/test/
 * signaling-flood.ts: 40 subscribers that never read, 23 publishers at
 * 190 frames/s of 64 KiB - 1 frames, from 127.0.0.2–31), and in this process
 * an honest subscriber and publisher on 127.0.0.1. Prints the server's RSS
 * and the honest publish's latency idle (the baseline, same run), under the
 * attack and after the attackers left, and how long the server takes to exit
 * on SIGTERM under the attack. A benchmark, not a test.
 *
 *   node --import tsx test/bench/signaling-flood.ts [--seconds 20] [--samples]
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { openSocket as open, startFlood } from '../../packages/net/test/signaling-flood'

const arg = (name: string, d: number): number => {
  const i = process.argv.indexOf(name)
  return i >= 0 ? Number(process.argv[i + 1]) : d
}
const RSS_CEILING_MB = 3500
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))
const pct = (xs: number[], p: number): number => (xs.length === 0 ? NaN : ([...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] as number))
const rssMb = (pid: number): number => {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return m ? Number(m[1]) / 1024 : NaN
  } catch {
    return NaN
  }
}

if (process.argv[2] === '--attacker') {
  // The attacker's own process: runs until SIGTERM, then reports what it saw.
  const from = Array.from({ length: 30 }, (_, i) => `127.0.0.${i + 2}`)
  const flood = startFlood(process.argv[3] as string, { subscribers: 40, publishers: 23, framesPerSecond: 190, frameBytes: 64 * 1024 - 1, topic: 'flood', from })
  process.once('SIGTERM', () => {
    void flood.stop().then(() => {
      process.stdout.write(`${JSON.stringify(flood.counts())}\n`)
      process.exit(0)
    })
  })
} else {
  await main()
}

function attacker(url: string): { child: ChildProcess; stop(): Promise<string> } {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--attacker', url], { stdio: ['ignore', 'pipe', 'inherit'] })
  let out = ''
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()))
  return {
    child,
    stop: () =>
      new Promise((done) => {
        child.once('exit', () => done(out.trim()))
        child.kill('SIGTERM')
      }),
  }
}

/** An honest subscriber and publisher on 127.0.0.1; `sample()` times one publish until it arrives (or `timeoutMs`). */
async function honest(url: string): Promise<{ sample(timeoutMs: number): Promise<number | undefined>; close(): void }> {
  const sub = await open(url)
  const pub = await open(url)
  sub.send(JSON.stringify({ type: 'subscribe', topics: ['honest-room'] }))
  await sleep(100)
  const waiting = new Map<string, (t: number) => void>()
  sub.on('message', (d: Buffer) => {
    const m = JSON.parse(String(d)) as { data?: string }
    if (m.data) waiting.get(m.data)?.(performance.now())
  })
  let k = 0
  return {
    sample: (timeoutMs) =>
      new Promise((resolve) => {
        const id = `offer-${k++}`
        const t0 = performance.now()
        const timer = setTimeout(() => {
          waiting.delete(id)
          resolve(undefined)
        }, timeoutMs)
        waiting.set(id, (t) => {
          clearTimeout(timer)
          waiting.delete(id)
          resolve(t - t0)
        })
        if (pub.readyState !== pub.OPEN || sub.readyState !== sub.OPEN) return
        pub.send(JSON.stringify({ type: 'publish', topic: 'honest-room', data: id }))
      }),
    close: () => {
      sub.terminate()
      pub.terminate()
    },
  }
}

async function startServer(): Promise<{ child: ChildProcess; url: string }> {
  const bin = fileURLToPath(new URL('../../apps/peer/bin/polity.mjs', import.meta.url))
  const dir = mkdtempSync(join(tmpdir(), 'polity-signal-'))
  const child = spawn(process.execPath, [bin, '--data-dir', dir, 'serve', '--no-network', '--signaling-port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] })
  for await (const line of createInterface({ input: child.stdout as NodeJS.ReadableStream })) {
    const m = /(ws:\/\/\S+)/.exec(line)
    if (m) return { child, url: m[1] as string }
  }
  throw new Error('polity serve exited before printing its signaling address')
}

async function main(): Promise<void> {
  const seconds = arg('--seconds', 20)
  console.log(`Signaling flood — ${seconds} s of attack, Node ${process.version}`)
  const server = await startServer()
  const pid = server.child.pid as number
  const h = await honest(server.url)
  await sleep(1000)
  const idleRss = rssMb(pid)
  const idle: number[] = []
  for (let i = 0; i < 20; i++) idle.push((await h.sample(5000)) ?? NaN)

  // The attack, with the honest client publishing once a second throughout.
  const attack = attacker(server.url)
  let peak = rssMb(pid)
  let cut = false
  const rssTimer = setInterval(() => {
    peak = Math.max(peak, rssMb(pid))
    if (peak > RSS_CEILING_MB && !cut) {
      cut = true
      console.log(`  (attack cut short: the server passed ${RSS_CEILING_MB} MB)`)
      void attack.stop()
    }
  }, 250)
  const underAttack: number[] = []
  let missed = 0
  const t0 = Date.now()
  const pending: Promise<void>[] = []
  while (Date.now() - t0 < seconds * 1000 && !cut) {
    pending.push(h.sample(90_000).then((ms) => (ms === undefined ? void missed++ : void underAttack.push(ms))))
    await sleep(1000)
  }
  const rssEnd = rssMb(pid)
  const floodCounts = cut ? '(cut short)' : await attack.stop()
  await Promise.all(pending)
  clearInterval(rssTimer)
  await sleep(5000)
  const afterRss = rssMb(pid)
  const after = (await h.sample(30_000)) ?? NaN
  h.close()

  // SIGTERM under the attack.
  const again = attacker(server.url)
  await sleep(3000)
  const exited = new Promise<number>((done) => server.child.once('exit', () => done(performance.now())))
  const sent = performance.now()
  server.child.kill('SIGTERM')
  const exitMs = await Promise.race([exited.then((t) => t - sent), sleep(15_000).then(() => Infinity)])
  if (exitMs === Infinity) server.child.kill('SIGKILL')
  await again.stop()

  const f = (x: number): string => (Number.isFinite(x) ? x.toFixed(1) : String(x))
  console.log(`  server RSS: idle ${f(idleRss)} MB (baseline); peak under attack ${f(peak)} MB; at the attack's end ${f(rssEnd)} MB; 5 s after the attackers left ${f(afterRss)} MB`)
  console.log(`  honest publish latency: idle p50 ${f(pct(idle, 50))} ms, max ${f(Math.max(...idle))} ms (baseline); under attack p50 ${f(pct(underAttack, 50))} ms, p99 ${f(pct(underAttack, 99))} ms, max ${f(underAttack.length ? Math.max(...underAttack) : NaN)} ms over ${underAttack.length} samples, ${missed} not arrived within 90 s; after ${f(after)} ms`)
  console.log(`  exit after SIGTERM under attack: ${f(exitMs)} ms`)
  console.log(`  attacker: ${floodCounts}`)
  if (process.argv.includes("--samples")) console.log(`  samples under attack (ms): ${underAttack.map((x) => x.toFixed(0)).join(" ")}`)
  process.exit(0)
}
