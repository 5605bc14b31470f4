/**
 * `polity relations`, `polity letter export|verify|import`, `polity statement
 * verify`, `polity body add|remove` (REL-*, LETTER-* in docs/PROTOCOL.md §20),
 * spawned as a child process on real data directories. `letter verify` and
 * `statement verify` run on a data directory with no identity.
 */
import { describe, expect, it } from 'vitest'
import { execFile } from 'node:child_process'
import { generateKeyPairSync, sign as nodeSign } from 'node:crypto'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { statementMessage } from '@polity/protocol'

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

describe('polity relations, letter and statement', () => {
  it('LETTER-5, LETTER-8, REL-5, REL-8, REL-9 (CLI): a one-member community recognizes another; the letter verifies with no identity (--json), a tampered one exits 1; the other imports it; a statement verifies with no identity; a body is added and removed', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'polity-cli-relations-'))
    const ada = join(tmp, 'ada')
    const cy = join(tmp, 'cy')
    const nobody = join(tmp, 'nobody')
    await json(ada, 'identity', 'create')
    await json(cy, 'identity', 'create')
    const { community: A } = await json<{ community: string }>(ada, 'community', 'create', '--name', 'Lighthouse Keepers', '--founder-name', 'Ada Secret', '--rule', 'all.days=0', '--rule', 'treaties=resolution', '--rule', 'bodies=steward')
    const { community: B } = await json<{ community: string }>(cy, 'community', 'create', '--name', 'Harbour Commons', '--founder-name', 'Cy')
    const { proposal } = await json<{ proposal: string }>(ada, 'proposal', 'create', A, '--title', 'Recognize the harbour', '--kind', 'recognize', '--other', B, '--other-name', 'Harbour Commons', '--statement', 'We recognize Harbour Commons.', '--deadline-hours', '0')
    await json(ada, 'vote', A, proposal.slice(0, 10), 'yes')
    await json(ada, 'close', A, proposal.slice(0, 10))
    const file = join(tmp, 'recognition.polity-letter')
    const written = await json<{ bytes: number }>(ada, 'letter', 'export', A, proposal.slice(0, 10), file)
    expect(written.bytes).toBeGreaterThan(0)
    const letter = readFileSync(file)
    for (const secret of ['Ada Secret', 'Recognize the harbour']) expect(letter.includes(Buffer.from(secret)), secret).toBe(false)

    // No identity: --json gives the report; the exit code is 0 when it verifies.
    const v = await json<{ ok: boolean; from: string; to: string; selfVouched: boolean; tally: unknown; fromName: string; problems: string[] }>(nobody, 'letter', 'verify', file)
    expect(v).toMatchObject({ ok: true, from: A, to: B, selfVouched: true, fromName: 'Lighthouse Keepers', problems: [] })
    expect(v.tally).toEqual({ eligible: 1, yes: 1, no: 0, abstain: 0 })
    const human = await polity(nobody, 'letter', 'verify', file)
    expect(human.stdout).toMatch(/^OK: community .* recognizes "Harbour Commons"/)
    const bad = Buffer.from(letter)
    bad[Math.floor(bad.length / 2)]! ^= 0x01
    writeFileSync(join(tmp, 'bad.polity-letter'), bad)
    const refused = await polity(nobody, '--json', 'letter', 'verify', join(tmp, 'bad.polity-letter'))
    expect(refused.code).toBe(1)
    expect((JSON.parse(refused.stdout) as { ok: boolean; problems: string[] }).ok).toBe(false)
    expect((await polity(nobody, '--json', 'identity', 'status')).stdout).toMatch(/none/)

    // REL-5: A refuses its own letter; B records it.
    const own = await polity(ada, 'letter', 'import', A, file)
    expect(own.code).not.toBe(0)
    expect(own.stderr).toMatch(/REL-5/)
    await json(cy, 'letter', 'import', 'Harbour Commons', file)
    const rel = await json<{ communities: { community: string; name: string; theyRecognize: boolean }[] }>(cy, 'relations', 'Harbour Commons')
    expect(rel.communities).toEqual([expect.objectContaining({ community: A, name: 'Lighthouse Keepers', theyRecognize: true })])
    expect((await polity(cy, 'relations', B)).stdout).toMatch(/Lighthouse Keepers .*\n {2}recognized by them/)
    expect((await json<{ communities: { weRecognize: boolean }[] }>(ada, 'relations', A)).communities[0]!.weRecognize).toBe(true)

    // REL-8: a statement signed with node:crypto, checked with no identity; tampered: exit 1.
    const { publicKey, privateKey } = generateKeyPairSync('ed25519')
    const key = Buffer.from(publicKey.export({ format: 'der', type: 'spki' }).subarray(12)).toString('hex')
    const st = { to: B, action: 'recognize', date: '2026-12-02', text: 'The Registry recognizes Harbour Commons.' }
    const signature = Buffer.from(nodeSign(null, statementMessage(st), privateKey)).toString('base64')
    writeFileSync(join(tmp, 'st.json'), JSON.stringify({ format: 'polity-statement', v: 1, body: key, ...st, signature }))
    writeFileSync(join(tmp, 'st-bad.json'), JSON.stringify({ format: 'polity-statement', v: 1, body: key, ...st, text: 'Annexed.', signature }))
    expect(await json(nobody, 'statement', 'verify', join(tmp, 'st.json'))).toMatchObject({ ok: true, body: key, to: B, action: 'recognize', text: st.text, label: null })
    const badSt = await polity(nobody, '--json', 'statement', 'verify', join(tmp, 'st-bad.json'))
    expect(badSt.code).toBe(1)
    expect((JSON.parse(badSt.stdout) as { problems: string[] }).problems.join(' ')).toMatch(/REL-8/)
    // With --community: the body must be known (REL-7); add it, import, remove it (REL-9).
    const unknown = await polity(cy, '--json', 'statement', 'verify', join(tmp, 'st.json'), '--community', B)
    expect(unknown.code).toBe(1)
    expect(unknown.stdout).toMatch(/REL-7/)
    await json(cy, 'body', 'add', B, key, 'The Registry', '--source', 'published on its website')
    await json(cy, 'statement', 'import', B, join(tmp, 'st.json'))
    expect((await json<{ bodies: { label: string; recognizes: boolean; removed: boolean }[] }>(cy, 'relations', B)).bodies).toEqual([expect.objectContaining({ label: 'The Registry', recognizes: true, removed: false })])
    await json(cy, 'body', 'remove', B, key)
    expect((await json<{ bodies: { recognizes: boolean; removed: boolean }[] }>(cy, 'relations', B)).bodies[0]).toMatchObject({ recognizes: false, removed: true })
    expect((await polity(cy, 'relations', B)).stdout).toMatch(/^REMOVED The Registry/m)
  }, 180_000)
})
