/**
 * The `polity` place, campaign and census commands (PLACE-*, FUND-*,
 * CENSUS-*), spawned as a child process on a real data directory; the public
 * census is verified in a data directory with no identity.
 */
import { describe, expect, it } from 'vitest'
import { execFile } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const bin = fileURLToPath(new URL('../bin/polity.mjs', import.meta.url))
const env = { ...process.env, POLITY_PASSPHRASE: 'correct horse battery staple' }

function polity(dataDir: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, '--data-dir', dataDir, '--kdf-log-n', '10', ...args], { env }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr })
    })
  })
}

async function json<T>(dataDir: string, ...args: string[]): Promise<T> {
  const r = await polity(dataDir, '--json', ...args)
  if (r.code !== 0) throw new Error(`polity ${args.join(' ')} failed (${r.code}): ${r.stderr}`)
  return JSON.parse(r.stdout) as T
}

describe('polity place, campaign and census', () => {
  it('PLACE-3, FUND-8, FUND-11, CENSUS-1..5 (CLI): add places, open a campaign, pledge, close, record a receipt, export the ledger and the census; verify the public census with no identity', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'polity-cli-territory-'))
    const ada = join(tmp, 'ada')
    await json(ada, 'identity', 'create')
    const { community } = await json<{ community: string }>(ada, 'community', 'create', '--name', 'Hubs', '--founder-name', 'Ada')
    const { id: hub } = await json<{ id: string }>(ada, 'place', 'add', 'Hubs', 'Lisbon hub', '--kind', 'hub', '--precision', 'city', '--point', '-9.13937,38.72225', '--area', '250', '--country', 'PT')
    await json(ada, 'place', 'add', 'Hubs', 'Safe house', '--kind', 'building', '--precision', 'hidden', '--point', '1,2', '--area', '90')
    const places = await json<{ places: { id: string; geometry: unknown; precision: string }[] }>(ada, 'place', 'list', 'Hubs')
    expect(places.places.find((p) => p.id === hub)!.geometry).toEqual({ type: 'Point', coordinates: [-9.1, 38.7] })
    expect(places.places.find((p) => p.precision === 'hidden')!.geometry).toBeNull()
    await json(ada, 'place', 'move', 'Hubs', hub.slice(0, 8), 'funding')
    const opened = Date.now()
    const { id: campaign } = await json<{ id: string }>(ada, 'campaign', 'open', 'Hubs', 'Buy the hub', '--amount', '50000', '--currency', 'EUR', '--deadline', '0.004h', '--place', hub.slice(0, 8))
    await json(ada, 'campaign', 'pledge', 'Hubs', campaign.slice(0, 8), '60000')
    const refused = await polity(ada, 'campaign', 'pledge', 'Hubs', campaign.slice(0, 8), '12.5')
    expect(refused.code).not.toBe(0)
    expect(refused.stderr).toMatch(/FUND-2/)
    await new Promise((r) => setTimeout(r, Math.max(0, opened + 0.004 * 3_600_000 + 500 - Date.now())))
    const closed = await json<{ met: boolean; pledged: string; ledger: { member: string }[] }>(ada, 'campaign', 'close', 'Hubs', campaign.slice(0, 8))
    expect(closed).toMatchObject({ met: true, pledged: '60000' })
    await json(ada, 'campaign', 'receipt', 'Hubs', campaign.slice(0, 8), closed.ledger[0]!.member, 'fulfilled', '60000')
    const csv = await polity(ada, 'campaign', 'export', 'Hubs', campaign.slice(0, 8), '--format', 'csv')
    expect(csv.stdout).toMatch(/^member,name,currency,pledged,received,receipts\n[0-9a-f]{64},Ada,EUR,60000,60000,fulfilled:60000\n$/)
    const census = await json<{ members: number; money: unknown; footprint: { places: number } }>(ada, 'census', community.slice(0, 8))
    expect(census).toMatchObject({ members: 1, money: [{ currency: 'EUR', pledged: '60000', received: '60000' }], footprint: { places: 2 } })
    expect((await polity(ada, 'census', 'Hubs', '--csv')).stdout).toContain('money,EUR,60000,60000')
    const file = join(tmp, 'hubs.census')
    // DOSSIER-R2: a community of one vouches for itself — every op counts.
    await json(ada, 'census', 'export', 'Hubs', file)
    const alone = await json<{ ok: boolean; unacknowledged: number; census: { members: number } }>(join(tmp, 'nobody-yet'), 'census', 'verify', file)
    expect(alone).toMatchObject({ ok: true, unacknowledged: 0, census: { members: 1 } })
    const bo = join(tmp, 'bo')
    await json(bo, 'identity', 'create')
    const { link } = await json<{ link: string }>(ada, 'invite', 'create', 'Hubs')
    await json(bo, 'invite', 'accept', link, '--name', 'Bo')
    await json(ada, 'bundle', 'export', 'Hubs', join(tmp, 'to-bo'))
    await json(bo, 'bundle', 'import', join(tmp, 'to-bo'))
    await json(bo, 'bundle', 'export', community, join(tmp, 'to-ada'))
    await json(ada, 'bundle', 'import', join(tmp, 'to-ada'))
    await json(ada, 'census', 'export', 'Hubs', file)
    const empty = join(tmp, 'nobody')
    const v = await json<{ ok: boolean; unacknowledged: number; census: { members: number; money: unknown } }>(empty, 'census', 'verify', file)
    expect(v.ok).toBe(true)
    // Bo's join is the newest op: no other member built on it yet, so the file counts what Bo's join acknowledges.
    expect(v.unacknowledged).toBeGreaterThanOrEqual(1)
    expect(v.census).toMatchObject({ members: 1, money: [{ currency: 'EUR', pledged: '60000', received: '60000' }] })
  }, 120_000)
})
