/**
 * How long the `polity` command takes to start (issue 16): the bundled CLI
 * (apps/peer/bin/polity.mjs → dist/, see apps/peer/build.mjs) for --help,
 * --version and `identity status`, each the median of several runs after one
 * warm-up run (which also builds the bundle if it is stale), beside
 * `node -e 0` — the same Node doing nothing — as the baseline. For reference,
 * the same --help through tsx (how the command ran before: TypeScript
 * compiled at each start).
 */
import { execFile } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

export interface StartupRow { name: string; ms: number; baseline: string; baselineMs: number; note?: string }

const bin = fileURLToPath(new URL('../../apps/peer/bin/polity.mjs', import.meta.url))
const source = fileURLToPath(new URL('../../apps/peer/src/cli.ts', import.meta.url))

function timed(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const t = performance.now()
  return new Promise((resolve, reject) => {
    execFile(process.execPath, args, { env }, (err, _out, stderr) => (err ? reject(new Error(`${args.join(' ')}: ${stderr}`)) : resolve(performance.now() - t)))
  })
}

async function median(args: string[], runs: number, env?: NodeJS.ProcessEnv): Promise<number> {
  await timed(args, env)
  const ms: number[] = []
  for (let i = 0; i < runs; i++) ms.push(await timed(args, env))
  ms.sort((a, b) => a - b)
  return ms[Math.floor(ms.length / 2)] as number
}

export async function measureCliStartup(runs = 7): Promise<StartupRow[]> {
  const dataDir = join(mkdtempSync(join(tmpdir(), 'polity-bench-cli-')), 'data')
  await timed([bin, '--data-dir', dataDir, '--kdf-log-n', '10', 'identity', 'create'], { ...process.env, POLITY_PASSPHRASE: 'bench passphrase' })
  const base = await median(['-e', '0'], runs)
  const baseline = 'node -e 0 (same Node, doing nothing)'
  const rows: StartupRow[] = [
    { name: 'polity --help', ms: await median([bin, '--help'], runs), baseline, baselineMs: base, note: 'target < 300 ms' },
    { name: 'polity --version', ms: await median([bin, '--version'], runs), baseline, baselineMs: base },
    { name: 'polity identity status (a data dir with an identity)', ms: await median([bin, '--data-dir', dataDir, 'identity', 'status'], runs), baseline, baselineMs: base, note: 'target < 1000 ms' },
  ]
  const tsxHelp = await median(['--import', 'tsx', source, '--help'], Math.min(runs, 3))
  rows.push({ name: 'polity --help through tsx (before: TypeScript compiled at each start)', ms: tsxHelp, baseline, baselineMs: base })
  return rows
}
