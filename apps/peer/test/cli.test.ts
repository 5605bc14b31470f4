/**
 * The real `polity` CLI, spawned as a child process: two data directories,
 * an invite, and a round trip of bundle files with no network at all.
 */
import { describe, expect, it } from 'vitest'
import { execFile } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
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

describe('polity CLI', () => {
  it('CLI-1: a full sneakernet round trip: create, invite, carry bundles both ways, identical state', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'polity-cli-'))
    const alice = join(tmp, 'alice')
    const bob = join(tmp, 'bob')
    const charter = join(tmp, 'charter.md')
    writeFileSync(charter, '# Free Town\n\nArticle 1. We decide together.\n')
    const created = await json<{ did: string; recoveryPhrase: string }>(alice, 'identity', 'create')
    expect(created.did).toMatch(/^did:key:z/)
    const bobId = await json<{ did: string; member: string }>(bob, 'identity', 'create')
    const { community } = await json<{ community: string }>(alice, 'community', 'create', '--name', 'Free Town', '--purpose', 'Self-rule', '--charter-file', charter, '--founder-name', 'Alice')
    const { link } = await json<{ link: string }>(alice, 'invite', 'create', community.slice(0, 10))
    expect((await json<{ status: string }>(bob, 'invite', 'accept', link, '--name', 'Bob')).status).toBe('waiting')
    await json(alice, 'bundle', 'export', 'Free Town', join(tmp, 'to-bob.polity-bundle'))
    const imported = await json<{ applied: number; rejected: number }>(bob, 'bundle', 'import', join(tmp, 'to-bob.polity-bundle'))
    expect(imported.rejected).toBe(0)
    await json(bob, 'bundle', 'export', community, join(tmp, 'to-alice.polity-bundle'))
    await json(alice, 'bundle', 'import', join(tmp, 'to-alice.polity-bundle'))
    const a = await json<{ members: { name: string }[] }>(alice, 'community', 'show', community)
    const b = await json<unknown>(bob, 'community', 'show', community)
    expect(a.members.map((m) => m.name)).toEqual(['Alice', 'Bob'])
    expect(b).toEqual(a)
    // ROSTER-3: an invite bound to one member's did:key; a malformed key is refused with a reason.
    await json(alice, 'invite', 'create', community, '--for', bobId.did)
    const shown = await json<{ invites: { member: string | null }[] }>(alice, 'community', 'show', community)
    expect(shown.invites.map((i) => i.member)).toContain(bobId.member)
    const badKey = await polity(alice, 'invite', 'create', community, '--for', 'did:key:zNope')
    expect(badKey.code).toBe(1)
    expect(badKey.stderr).toMatch(/did:key/)
  }, 120_000)

  it('NET-G5, EPOCH-3, EPOCH-5 (CLI): `invite list` shows uses left, expiry and state; `invite revoke` by id prefix revokes and re-keys, --json both; an unknown id is a usage error; `epoch` and `rekey`', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'polity-cli-inv-')), 'a')
    await json(dir, 'identity', 'create')
    const { community } = await json<{ community: string }>(dir, 'community', 'create', '--name', 'Revokers', '--founder-name', 'Ann')
    const created = await json<{ expires: number }>(dir, 'invite', 'create', community, '--uses', '3', '--expires-hours', '2')
    const listed = await json<Array<{ id: string; uses: number; usesLeft: number; expires: number; state: string; creatorName: string | null; canRevoke: boolean }>>(dir, 'invite', 'list', community)
    expect(listed).toHaveLength(1)
    expect(listed[0]).toMatchObject({ uses: 3, usesLeft: 3, expires: created.expires, state: 'open', creatorName: 'Ann', canRevoke: true })
    const human = await polity(dir, 'invite', 'list', community)
    expect(human.stdout).toContain(`${listed[0]!.id.slice(0, 12)}  open`)
    expect(human.stdout).toContain('3/3 left')
    const epoch0 = await json<{ number: number; id: string; due: boolean; canRekey: boolean }>(dir, 'epoch', community)
    expect(epoch0).toMatchObject({ number: 0, id: community, due: false, live: 1, canRekey: true, missingKeys: 0 })
    const revoked = await json<{ ok: boolean; invite: string }>(dir, 'invite', 'revoke', community, listed[0]!.id.slice(0, 10))
    expect(revoked).toEqual({ ok: true, invite: listed[0]!.id, rekeyed: true })
    // EPOCH-3: the revocation was followed by a re-key.
    expect((await json<{ number: number }>(dir, 'epoch', community)).number).toBe(1)
    const human1 = await polity(dir, 'epoch', community)
    expect(human1.stdout).toMatch(/^Epoch 1 since .*; you may re-key\.$/m)
    // EPOCH-5: a founder re-keys on demand.
    expect((await json<{ number: number }>(dir, 'rekey', community)).number).toBe(2)
    expect((await json<Array<{ state: string }>>(dir, 'invite', 'list', community))[0]!.state).toBe('revoked')
    const again = await polity(dir, 'invite', 'revoke', community, listed[0]!.id)
    expect(again.code).toBe(1)
    expect(again.stderr).toMatch(/already revoked/)
    const unknown = await polity(dir, 'invite', 'revoke', community, 'ffffffff')
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toMatch(/No invite of this community/)
  }, 120_000)

  it('GOV-1..3 (CLI): --rule sets per-class floors; proposals default to the floor and a looser one is refused naming the rule', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'polity-cli-')), 'g')
    await json(dir, 'identity', 'create')
    const bad = await polity(dir, 'community', 'create', '--name', 'X', '--rule', 'quorum=1/2')
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/Unknown rule "quorum".*roster/)
    expect((await polity(dir, 'community', 'create', '--name', 'X', '--rule', 'roster.threshold=1/1')).stderr).toMatch(/below 100%/)
    const { community } = await json<{ community: string }>(dir, 'community', 'create', '--name', 'Floors', '--rule', 'roster.threshold=3/5', 'all.days=0', 'charter.days=14', 'invite=member')
    const shown = await json<{ rules: { invite: string; decisions: Record<string, { quorum: number[]; threshold: number[]; period: number }> } }>(dir, 'community', 'show', community)
    expect(shown.rules.invite).toBe('member')
    expect(shown.rules.decisions.roster).toEqual({ quorum: [1, 2], threshold: [3, 5], period: 0 })
    expect(shown.rules.decisions.charter?.period).toBe(14 * 86_400_000)
    const me = (await json<{ member: string }>(dir, 'identity', 'show')).member
    const loose = await polity(dir, 'proposal', 'create', community, '--title', 'Me', '--kind', 'role', '--member', me, '--role', 'founder', '--threshold', '1/2')
    expect(loose.code).toBe(1)
    expect(loose.stderr).toMatch(/threshold 1\/2 is below the 3\/5 .*rule GOV-2/)
    const { proposal } = await json<{ proposal: string }>(dir, 'proposal', 'create', community, '--title', 'Me', '--kind', 'role', '--member', me, '--role', 'founder')
    const p = (await json<{ proposals: { id: string; method: { quorum: number[]; threshold: number[] } }[] }>(dir, 'community', 'show', community)).proposals.find((x) => x.id === proposal)!
    expect(p.method).toMatchObject({ quorum: [1, 2], threshold: [3, 5] })
    const { proposal: rules } = await json<{ proposal: string }>(dir, 'proposal', 'create', community, '--title', 'Stricter', '--kind', 'rules', '--rule', 'resolution.threshold=2/3')
    const r = (await json<{ proposals: { id: string; action: { rules: { decisions: { resolution: { threshold: number[] } } } } }[] }>(dir, 'community', 'show', community)).proposals.find((x) => x.id === rules)!
    expect(r.action.rules.decisions.resolution.threshold).toEqual([2, 3])
  }, 120_000)

  it('CLI-2: clear errors and exit codes for bad input; --help everywhere', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'polity-cli-')), 'x')
    const noId = await polity(dir, 'community', 'list')
    expect(noId.code).toBe(1)
    expect(noId.stderr).toMatch(/no identity/)
    const usage = await polity(dir, 'vote')
    expect(usage.code).toBe(2)
    const help = await polity(dir, 'proposal', 'create', '--help')
    expect(help.code).toBe(0)
    expect(help.stdout).toMatch(/--method/)
    await json(dir, 'identity', 'create')
    const bad = await polity(dir, 'invite', 'accept', 'https://example.invalid/join')
    expect(bad.code).toBe(1)
    expect(bad.stderr).toMatch(/polity:\/\/join/)
    const wrong = await new Promise<{ code: number; stderr: string }>((resolve) => {
      execFile(process.execPath, [bin, '--data-dir', dir, '--kdf-log-n', '10', 'community', 'list'], { env: { ...env, POLITY_PASSPHRASE: 'wrong wrong wrong' } }, (err, _o, stderr) => resolve({ code: err ? 1 : 0, stderr }))
    })
    expect(wrong.code).toBe(1)
    expect(wrong.stderr).toMatch(/does not unlock this keystore/)
    // BRIDGE-5: a rule key named after a built-in is an unknown rule, not a lookup that finds something.
    const proto = await polity(dir, 'community', 'create', '--name', 'X', '--rule', 'constructor=1')
    expect(proto.code).toBe(2)
    expect(proto.stderr).toMatch(/Unknown rule "constructor"/)
    expect(JSON.parse((await polity(dir, '--json', 'community', 'list')).stdout)).toEqual([])
    const missing = await polity(dir, 'dossier', 'verify', join(dir, 'nope'))
    expect(missing.code).toBe(1)
    void readFileSync
  }, 120_000)

  it('KEYS-5/KEYS-6: `identity passphrase` changes the passphrase; a keystore below the default cost is refused outside tests, and the change repairs it', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'polity-cli-')), 'x')
    await json(dir, 'identity', 'create') // sealed at 2^10 (--kdf-log-n 10, tests only)
    const run = (args: string[], extra: Record<string, string>) => new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, [bin, '--data-dir', dir, ...args], { env: { ...env, ...extra } }, (err, stdout, stderr) => resolve({ code: err ? 1 : 0, stdout, stderr }))
    })
    const weak = await run(['community', 'list'], {})
    expect(weak.code).toBe(1)
    expect(weak.stderr).toMatch(/below the minimum 2\^17/)
    const wrongCurrent = await run(['identity', 'passphrase'], { POLITY_PASSPHRASE: 'not the passphrase', POLITY_NEW_PASSPHRASE: 'a new long passphrase' })
    expect(wrongCurrent.code).toBe(1)
    expect(wrongCurrent.stderr).toMatch(/does not unlock this keystore/)
    const tooShort = await run(['identity', 'passphrase'], { POLITY_NEW_PASSPHRASE: 'short' })
    expect(tooShort.code).toBe(1)
    // Without --kdf-log-n the change re-seals at the full cost, so the plain command works afterwards.
    const changed = await run(['identity', 'passphrase'], { POLITY_NEW_PASSPHRASE: 'a new long passphrase' })
    expect(changed.code, changed.stderr).toBe(0)
    expect((await run(['community', 'list'], {})).stderr).toMatch(/does not unlock this keystore/)
    const ok = await run(['community', 'list'], { POLITY_PASSPHRASE: 'a new long passphrase' })
    expect(ok.code, ok.stderr).toBe(0)
  }, 120_000)

  it('CLI-6 (FORK-5): community list and show say whether a fork\'s lineage is verified', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'polity-cli-')), 'x')
    await json(dir, 'identity', 'create')
    const { community } = await json<{ community: string }>(dir, 'community', 'create', '--name', 'Harbor')
    const { community: fork } = await json<{ community: string }>(dir, 'community', 'fork', community, '--name', 'Harbor North')
    const list = await polity(dir, 'community', 'list')
    expect(list.stdout).toMatch(/Harbor North[^\n]*\n\s+fork of "Harbor" \([0-9a-f]{12}\) at charter version 0 — lineage verified/)
    const show = await polity(dir, 'community', 'show', fork)
    expect(show.stdout).toMatch(/fork of "Harbor" .* — lineage verified/)
    const listed = await json<{ id: string; parent: string | null; lineage: { status: string } | null }[]>(dir, 'community', 'list')
    expect(listed.find((c) => c.id === fork)).toMatchObject({ parent: community, lineage: { status: 'verified' } })
  }, 120_000)

  it('CHARTER-E4 (CLI): `charter edit` replaces the draft with a file\'s text through the node (the CLI holds no Y.Doc)', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'polity-cli-draft-'))
    const dir = join(tmp, 'data')
    await json(dir, 'identity', 'create')
    const { community } = await json<{ community: string }>(dir, 'community', 'create', '--name', 'Drafting', '--charter-file', writeText(tmp, 'c.md', '# Drafting\n'))
    const next = '# Drafting\n\nArticle 1. We meet on Mondays \u{1F600}.\n'
    await json(dir, 'charter', 'edit', community, '--file', writeText(tmp, 'next.md', next))
    expect((await json<{ text: string }>(dir, 'charter', 'show', community)).text).toBe(next)
    await json(dir, 'charter', 'edit', community, '--file', writeText(tmp, 'again.md', next.replace('Mondays \u{1F600}', 'Tuesdays \u{1F601}')))
    expect((await json<{ text: string }>(dir, 'charter', 'show', community)).text).toBe(next.replace('Mondays \u{1F600}', 'Tuesdays \u{1F601}'))
  }, 120_000)

  it('CLI-3: config.json and relay flags: a malformed setting names itself and nothing starts', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'polity-cli-')), 'x')
    mkdirSync(dir, { recursive: true })
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ bootstrap: 'not a list' }))
    const badList = await polity(dir, 'ui', '--no-network')
    expect(badList.code).toBe(1)
    expect(badList.stderr).toMatch(/config\.json: "bootstrap" must be a list/)
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ signalling: [] }))
    const typo = await polity(dir, 'ui', '--no-network')
    expect(typo.stderr).toMatch(/unknown setting "signalling"/)
    writeFileSync(join(dir, 'config.json'), '{ nope')
    expect((await polity(dir, 'serve', '--no-network')).stderr).toMatch(/not valid JSON/)
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ signaling: ['http://127.0.0.1:4444'] }))
    const wrongScheme = await polity(dir, 'ui', '--no-network')
    expect(wrongScheme.code).toBe(2)
    expect(wrongScheme.stderr).toMatch(/not a signaling server address/)
    const port = await polity(dir, 'serve', '--no-network', '--signaling-port', 'x')
    expect(port.code).toBe(2)
    expect(port.stderr).toMatch(/--signaling-port/)
    const nothing = await polity(dir, 'serve', '--no-network', '--no-signaling')
    expect(nothing.stderr).toMatch(/nothing to serve/)
  }, 120_000)
})

function writeText(dir: string, name: string, text: string): string {
  const path = join(dir, name)
  writeFileSync(path, text)
  return path
}
