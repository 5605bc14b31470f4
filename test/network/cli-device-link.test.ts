/**
 * The real `polity` CLI on 127.0.0.1: `polity device offer` prints a
 * one-time link and waits; `polity device accept <link>` in another data
 * directory takes the identity (DEVLINK-5); `polity join cancel` (JOIN-2).
 */
import { execFile, spawn } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const bin = fileURLToPath(new URL('../../apps/peer/bin/polity.mjs', import.meta.url))
const env = { ...process.env, POLITY_PASSPHRASE: 'correct horse battery staple' }
const LISTEN = ['--listen', '/ip4/127.0.0.1/tcp/0']

function polity(dataDir: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, '--data-dir', dataDir, '--kdf-log-n', '10', ...args], { env }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr })
    })
  })
}

describe('polity device / join (CLI)', () => {
  it('DEVLINK-5, JOIN-2 (CLI): device offer → device accept moves the identity; join cancel forgets a waiting join', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'polity-cli-devlink-'))
    const a = join(tmp, 'a')
    const b = join(tmp, 'b')
    const created = JSON.parse((await polity(a, '--json', 'identity', 'create')).stdout) as { member: string }
    const offer = spawn(process.execPath, [bin, '--data-dir', a, '--kdf-log-n', '10', '--json', 'device', 'offer', ...LISTEN], { env })
    let out = ''
    const link = await new Promise<string>((resolve, reject) => {
      offer.stdout.on('data', (d: Buffer) => {
        out += d.toString()
        const m = /"link": "([^"]+)"/.exec(out)
        if (m) resolve(m[1]!)
      })
      offer.on('exit', (code) => reject(new Error(`offer exited ${code}`)))
    })
    const ended = new Promise<number | null>((resolve) => offer.on('exit', resolve))
    const r = await polity(b, '--json', 'device', 'accept', link, ...LISTEN)
    expect(r.code, r.stderr).toBe(0)
    expect((JSON.parse(r.stdout) as { status: { member: string } }).status.member).toBe(created.member)
    // The offer was used: the offering command ends by itself.
    expect(await ended).toBe(0)
    // JOIN-2: a waiting join (no network in one-shot commands) is cancelled.
    const { stdout } = await polity(a, '--json', 'community', 'create', '--name', 'Cli Town', '--purpose', '', '--founder-name', 'A')
    const { community } = JSON.parse(stdout) as { community: string }
    const inv = JSON.parse((await polity(a, '--json', 'invite', 'create', community)).stdout) as { link: string }
    const c = join(tmp, 'c')
    await polity(c, 'identity', 'create')
    expect((await polity(c, 'invite', 'accept', inv.link)).code).toBe(0)
    const cancel = await polity(c, 'join', 'cancel', community)
    expect(cancel.code, cancel.stderr).toBe(0)
    expect(cancel.stdout).toMatch(/Cancelled the join/)
    expect((await polity(c, '--json', 'community', 'list')).stdout).not.toContain(community)
  }, 180_000)
})
