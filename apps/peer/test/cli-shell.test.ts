/**
 * The `polity` command as a program (CLI-4, CLI-5, DESK-5, DESK-7): the
 * bundle it runs, --version, a description for every subcommand, JSON errors
 * with their code, `polity lock`, and the default data directory per OS.
 */
import { describe, expect, it } from 'vitest'
import { execFile } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { defaultDataDir, rememberedPath } from '../src/index'

const bin = fileURLToPath(new URL('../bin/polity.mjs', import.meta.url))
const dist = fileURLToPath(new URL('../dist/', import.meta.url))

function polity(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { env: { ...process.env, POLITY_PASSPHRASE: 'correct horse battery staple' } }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr })
    })
  })
}

/** The command names listed under "Commands:" in a help text, with their descriptions. */
function commandsIn(help: string): { name: string; description: string }[] {
  const section = help.split(/^Commands:$/m)[1] ?? ''
  return section.split('\n').filter((l) => /^ {2}\S/.test(l)).map((l) => {
    const [usage = '', description = ''] = l.trim().split(/ {2,}/)
    return { name: usage.split(' ')[0] as string, description }
  }).filter((c) => c.name !== 'help')
}

describe('the polity program', () => {
  it('CLI-4: runs the esbuild bundle (no TypeScript compiled at run time) and says its version', async () => {
    const v = await polity('--version')
    expect(v.code).toBe(0)
    const pkg = JSON.parse(readFileSync(fileURLToPath(new URL('../package.json', import.meta.url)), 'utf8')) as { version: string }
    expect(v.stdout.trim()).toBe(pkg.version)
    expect(existsSync(join(dist, 'polity.mjs'))).toBe(true)
    const inputs = JSON.parse(readFileSync(join(dist, 'inputs.json'), 'utf8')) as { files: [string, number, number][] }
    expect(inputs.files.map((f) => f[0])).toContain('apps/peer/src/cli.ts')
    const { isStale } = (await import(fileURLToPath(new URL('../build.mjs', import.meta.url)))) as { isStale: () => boolean }
    expect(isStale()).toBe(false)
  }, 120_000)

  it('CLI-4: every command and subcommand has a description', async () => {
    const top = await polity('--help')
    expect(top.code).toBe(0)
    const commands = commandsIn(top.stdout)
    expect(commands.length).toBeGreaterThan(10)
    const missing: string[] = []
    for (const c of commands) {
      if (!c.description) missing.push(c.name)
      const sub = commandsIn((await polity(c.name, '--help')).stdout)
      for (const s of sub) if (!s.description) missing.push(`${c.name} ${s.name}`)
    }
    expect(missing).toEqual([])
  }, 120_000)

  it('CLI-5: with --json an error is one JSON object on stderr with the error\'s code; usage errors exit 2', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'polity-shell-')), 'x')
    const noId = await polity('--json', '--data-dir', dir, 'community', 'list')
    expect(noId.code).toBe(1)
    expect(JSON.parse(noId.stderr)).toEqual({ error: { code: 'ERR_NO_IDENTITY', message: expect.stringMatching(/no identity/) as unknown } })
    const usage = await polity('--json', 'vote')
    expect(usage.code).toBe(2)
    const u = JSON.parse(usage.stderr) as { error: { code: string; message: string } }
    expect(u.error.code).toBe('ERR_USAGE')
    expect(u.error.message).toMatch(/missing required argument/)
    const missing = await polity('--json', 'dossier', 'verify', join(dir, 'nope'))
    expect((JSON.parse(missing.stderr) as { error: { code: string } }).error.code).toBe('ENOENT')
    const plain = await polity('--data-dir', dir, 'community', 'list')
    expect(plain.stderr).toMatch(/^error: There is no identity/)
  }, 120_000)

  it('DESK-5: `polity lock` forgets the passphrase the desktop app remembered, and says when there was none', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'polity-shell-'))
    writeFileSync(rememberedPath(dir), new Uint8Array([1, 2, 3]))
    const first = await polity('--json', '--data-dir', dir, 'lock')
    expect(first.code).toBe(0)
    expect(JSON.parse(first.stdout)).toEqual({ forgotten: true })
    expect(existsSync(rememberedPath(dir))).toBe(false)
    const again = await polity('--data-dir', dir, 'lock')
    expect(again.stdout).toMatch(/No passphrase was remembered/)
  }, 120_000)

  it('DESK-7: one default data directory per OS for the app and the CLI, outside Electron\'s own folder', () => {
    const env = { HOME: '/home/m' }
    expect(defaultDataDir({ ...env, POLITY_HOME: '/x' }, 'linux')).toBe('/x')
    expect(defaultDataDir({ ...env, XDG_DATA_HOME: '/d' }, 'linux')).toBe('/d/polity')
    expect(defaultDataDir({ ...env, APPDATA: '/a' }, 'win32')).toBe(join('/a', 'Polity', 'data'))
    expect(defaultDataDir(env, 'darwin')).toMatch(/Library\/Application Support\/Polity\/data$/)
  })
})
