/**
 * The real `polity` CLI: progress on stderr only when it is a terminal
 * (BRIDGE-9) — nothing when piped, a bar under a pseudo-terminal (`script`) —
 * and `polity extend` (EXTEND-1..3).
 */
import { describe, expect, it } from 'vitest'
import { execFile } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const bin = fileURLToPath(new URL('../bin/polity.mjs', import.meta.url))
const env = { ...process.env, POLITY_PASSPHRASE: 'correct horse battery staple' }
const PROGRESS = /(Unlocking|Importing|Opening the community|Protecting the keys) \[[#-]+\]/

function run(file: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { env }, (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }))
  })
}
const polity = (dataDir: string, ...args: string[]) => run(process.execPath, [bin, '--data-dir', dataDir, '--kdf-log-n', '10', ...args])
/** The same command with stdout and stderr on a pseudo-terminal (util-linux `script`). */
const polityTty = (dataDir: string, ...args: string[]) => {
  const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`
  return run('script', ['-qefc', [process.execPath, bin, '--data-dir', dataDir, '--kdf-log-n', '10', ...args].map(q).join(' '), '/dev/null'])
}

async function json<T>(dataDir: string, ...args: string[]): Promise<T> {
  const r = await polity(dataDir, '--json', ...args)
  if (r.code !== 0) throw new Error(`polity ${args.join(' ')} failed (${r.code}): ${r.stderr}`)
  return JSON.parse(r.stdout) as T
}

describe('polity CLI: progress and extend', () => {
  it('BRIDGE-9 (CLI): no progress on stderr when it is not a terminal; a progress bar when it is', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'polity-cli-progress-'))
    const alice = join(tmp, 'alice')
    const bob = join(tmp, 'bob')
    const created = await polity(alice, 'identity', 'create')
    expect(created.code).toBe(0)
    expect(created.stderr).not.toMatch(PROGRESS)
    await json(bob, 'identity', 'create')
    const { community } = await json<{ community: string }>(alice, 'community', 'create', '--name', 'Bar Town', '--purpose', '', '--founder-name', 'Alice')
    const { link } = await json<{ link: string }>(alice, 'invite', 'create', community)
    await json(bob, 'invite', 'accept', link, '--name', 'Bob')
    const file = join(tmp, 'b.polity-bundle')
    await json(alice, 'bundle', 'export', community, file)
    const piped = await polity(bob, 'bundle', 'import', file)
    expect(piped.code).toBe(0)
    expect(piped.stderr).toBe('')
    expect(piped.stdout).not.toMatch(PROGRESS)
    // Under a terminal the same kind of command shows the bars.
    const tty = await polityTty(bob, 'bundle', 'import', file)
    expect(tty.code).toBe(0)
    expect(tty.stdout).toMatch(/Unlocking \[#{24}\] 100%/)
    expect(tty.stdout).toMatch(/Importing \[#{24}\] \d+\/\d+/)
  }, 120_000)

  it('EXTEND-1, EXTEND-2 (CLI): `polity extend` moves the author\'s deadline later; bad hours are a usage error', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'polity-cli-extend-'))
    const alice = join(tmp, 'alice')
    await json(alice, 'identity', 'create')
    const { community } = await json<{ community: string }>(alice, 'community', 'create', '--name', 'Late Town', '--purpose', '', '--founder-name', 'Alice')
    const { proposal } = await json<{ proposal: string }>(alice, 'proposal', 'create', community, '--title', 'Paint it')
    const before = (await json<{ proposals: { id: string; deadline: number }[] }>(alice, 'community', 'show', community)).proposals.find((p) => p.id === proposal)!.deadline
    const { deadline } = await json<{ deadline: number }>(alice, 'extend', community, proposal.slice(0, 10), '--hours', '12')
    expect(deadline).toBe(before + 12 * 3_600_000)
    const shown = (await json<{ proposals: { id: string; deadline: number }[] }>(alice, 'community', 'show', community)).proposals.find((p) => p.id === proposal)!.deadline
    expect(shown).toBe(deadline)
    const bad = await polity(alice, 'extend', community, proposal, '--hours', '-3')
    expect(bad.code).not.toBe(0)
    expect(bad.stderr).toMatch(/--hours/)
  }, 120_000)
})
