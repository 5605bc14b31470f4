/**
 * `polity` — every app API command as a subcommand, for people at a terminal
 * and for scripts (`--json`). The node runs in this process; keys never leave
 * it. Exit codes: 0 success, 1 the command failed (message on stderr), 2 usage.
 */
import { readFile } from 'node:fs/promises'
import { Command, CommanderError, Option } from 'commander'
import { PolityNode } from './lazy'
import type { CommunityId, EpochInfo, OpId, Role } from '@polity/api'
import { DEFAULT_RULES } from '@polity/protocol'
import { defaultDataDir } from './data-dir'
import { readPassphrase } from './passphrase'
import { formatCommunity, formatLineage } from './format'
import { applyRules, parseWhole, RULE_KEYS, UsageError } from './parse'
import { VERSION } from './version'
import { forgetUiSession } from './ui-session'
import { forgetRememberedPassphrase } from './remembered'
import { registerHostCommands } from './cli-hosts'
import { registerProposalCommands } from './cli-proposals'
import { registerFileCommands } from './cli-files'
import { registerTerritoryCommands } from './cli-territory'
import { registerRelationCommands } from './cli-relations'
import { registerExportCommands } from './cli-exports'
import { registerExtendCommand } from './cli-extend'
import { showProgress } from './cli-progress'
import { registerJoinCommands } from './cli-join'

interface GlobalOptions {
  dataDir: string
  json: boolean
  passphraseFile?: string
  kdfLogN?: string
}

const program = new Command()
program
  .name('polity')
  .description('Polity: communities that govern themselves, with no server. Every command works offline.')
  .option('-d, --data-dir <dir>', 'where this device keeps its data (default: $POLITY_HOME or the platform\'s data folder)', defaultDataDir())
  .option('--json', 'print results as JSON for scripts', false)
  .option('--passphrase-file <file>', 'read the passphrase from a file (else $POLITY_PASSPHRASE, else a prompt)')
  .addOption(new Option('--kdf-log-n <n>', 'scrypt cost for new keystores (testing only)').hideHelp())
  .version(VERSION, '-V, --version', 'print the version of polity')
  .showHelpAfterError()
  .exitOverride()
// With --json, errors are one JSON object on stderr (see main), so commander's own message is held back.
const jsonRequested = process.argv.includes('--json')
if (jsonRequested) program.configureOutput({ outputError: () => undefined, writeErr: () => undefined })

const g = (): GlobalOptions => program.opts<GlobalOptions>()

function print(value: unknown, human: () => string): void {
  if (g().json) process.stdout.write(`${JSON.stringify(value, (_k, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('base64') : v), 2)}\n`)
  else process.stdout.write(`${human()}\n`)
}

async function withNode<T>(fn: (node: PolityNode) => Promise<T>, opts: { unlock?: boolean } = {}): Promise<T> {
  const o = g()
  const node = await PolityNode.open({ dataDir: o.dataDir, ...(o.kdfLogN ? { kdfLogN: Number(o.kdfLogN) } : {}) })
  // BRIDGE-9: progress on stderr, only when it is a terminal.
  const hideProgress = showProgress(node)
  try {
    if (opts.unlock !== false) {
      const status = await node.identityStatus()
      if (status.state === 'none') throw Object.assign(new Error('There is no identity in this data directory yet: run `polity identity create` or `polity identity restore`.'), { code: 'ERR_NO_IDENTITY' })
      await node.unlock({ passphrase: await readPassphrase(o) })
    }
    return await fn(node)
  } finally {
    hideProgress()
    await node.close()
  }
}

/** Accept a full id, a unique prefix (≥ 4 characters) or an exact community name. */
async function communityId(node: PolityNode, ref: string): Promise<CommunityId> {
  const list = await node.listCommunities()
  const hits = list.filter((c) => c.id === ref || (ref.length >= 4 && c.id.startsWith(ref)) || c.name === ref)
  if (hits.length === 1) return (hits[0] as { id: CommunityId }).id
  if (hits.length === 0) throw new Error(`No community matches "${ref}". See \`polity community list\`.`)
  throw new Error(`"${ref}" matches ${hits.length} communities; give more of the id.`)
}

async function proposalId(node: PolityNode, community: CommunityId, ref: string): Promise<OpId> {
  const s = await node.getCommunity({ community })
  const hits = s.proposals.filter((p) => p.id === ref || (ref.length >= 4 && p.id.startsWith(ref)))
  if (hits.length === 1) return (hits[0] as { id: OpId }).id
  throw new Error(hits.length === 0 ? `No proposal matches "${ref}".` : `"${ref}" matches ${hits.length} proposals; give more of the id.`)
}

// ---- identity ---------------------------------------------------------------

const identity = program.command('identity').description('your identity on this device')

identity.command('create').description('create a new identity; prints the recovery phrase once').action(async () => {
  const o = g()
  const node = await PolityNode.open({ dataDir: o.dataDir, ...(o.kdfLogN ? { kdfLogN: Number(o.kdfLogN) } : {}) })
  try {
    const passphrase = await readPassphrase(o, 'New passphrase: ', true)
    const r = await node.createIdentity({ passphrase })
    print(r, () => `Identity created: ${r.did}\n\nRecovery phrase — write it down and keep it safe; it is shown only now:\n\n  ${r.recoveryPhrase}\n`)
  } finally {
    await node.close()
  }
})

identity.command('restore').description('restore your identity from its recovery phrase (this device gets its own key)')
  .requiredOption('--phrase-file <file>', 'a file holding the 24-word recovery phrase')
  .action(async (opts: { phraseFile: string }) => {
    const o = g()
    const node = await PolityNode.open({ dataDir: o.dataDir, ...(o.kdfLogN ? { kdfLogN: Number(o.kdfLogN) } : {}) })
    try {
      const phrase = await readFile(opts.phraseFile, 'utf8')
      const r = await node.restoreIdentity({ phrase, passphrase: await readPassphrase(o, 'New passphrase: ', true) })
      print(r, () => `Identity restored: ${r.did}`)
    } finally {
      await node.close()
    }
  })

identity.command('passphrase').description('change the passphrase that seals your keys on this device (KEYS-5)')
  .option('--new-passphrase-file <file>', 'a file holding the new passphrase (else POLITY_NEW_PASSPHRASE, else a prompt)')
  .action(async (opts: { newPassphraseFile?: string }) => {
    const o = g()
    const node = await PolityNode.open({ dataDir: o.dataDir, ...(o.kdfLogN ? { kdfLogN: Number(o.kdfLogN) } : {}) })
    try {
      const current = await readPassphrase(o, 'Current passphrase: ')
      const next = opts.newPassphraseFile
        ? await readPassphrase({ passphraseFile: opts.newPassphraseFile })
        : process.env['POLITY_NEW_PASSPHRASE'] || (await readPassphrase({}, 'New passphrase: ', true, { noEnv: true }))
      await node.changePassphrase({ current, next })
      print({ changed: true }, () => 'Passphrase changed. Use the new one from now on.')
    } finally {
      await node.close()
    }
  })

identity.command('status').description('show whether this device has an identity').action(async () => {
  const node = await PolityNode.open({ dataDir: g().dataDir })
  try {
    const s = await node.identityStatus()
    print(s, () => (s.state === 'none' ? 'No identity yet.' : `Identity present (${s.state}).`))
  } finally {
    await node.close()
  }
})

identity.command('show').description('unlock and show your did:key').action(() =>
  withNode(async (node) => {
    const s = await node.identityStatus()
    print(s, () => `${s.did}\nmember id ${s.member}\ndevice ${s.deviceKey}`)
  }),
)

program.command('lock').description('forget the passphrase the desktop app remembers on this device (a running app locks, DESK-5) and the browser-mode session token (BRIDGE-10)').action(async () => {
  const forgotten = await forgetRememberedPassphrase(g().dataDir)
  // BRIDGE-10: the next `polity ui` makes a new token; addresses printed before stop working.
  await forgetUiSession(g().dataDir)
  print({ forgotten }, () => (forgotten ? 'The remembered passphrase is forgotten; Polity asks for it again.' : 'No passphrase was remembered on this device.'))
})

// ---- communities --------------------------------------------------------------

const community = program.command('community').description('create, list, show and fork communities')

community.command('create').description('found a new community')
  .requiredOption('--name <name>', 'its name')
  .option('--purpose <text>', 'what it is for', '')
  .option('--charter-file <file>', 'the starting charter (Markdown)')
  .option('--founder-name <name>', 'your display name in it')
  .option('--rule <key=value...>', `governance rules, e.g. invite=member roster.threshold=2/3 charter.days=14 all.days=0 (${RULE_KEYS})`, [])
  .action(async (opts: { name: string; purpose: string; charterFile?: string; founderName?: string; rule: string[] }) => {
    const rules = applyRules(DEFAULT_RULES, opts.rule)
    const charter = opts.charterFile ? await readFile(opts.charterFile, 'utf8') : `# ${opts.name}\n`
    await withNode(async (node) => {
      const id = await node.createCommunity({ name: opts.name, purpose: opts.purpose, charter, rules, ...(opts.founderName ? { founderName: opts.founderName } : {}) })
      print({ community: id }, () => `Community created: ${id}`)
    })
  })

community.command('list').description('the communities on this device').action(() =>
  withNode(async (node) => {
    const list = await node.listCommunities()
    print(list, () => (list.length === 0 ? 'No communities yet.' : list.map((c) => `${c.id.slice(0, 12)}  ${c.name}  ${c.memberCount} members  ${c.role ?? (c.pendingJoin ? 'joining…' : 'not a member')}${c.join ? ` (join ${c.join.state}: ${c.join.reason})` : ''}  ${c.openProposals} open proposals${c.lineage ? `\n              ${formatLineage(c.lineage)}` : ''}`).join('\n')))
  }),
)

community.command('show <community>').description('roster, charter and proposals').action((ref: string) =>
  withNode(async (node) => {
    const s = await node.getCommunity({ community: await communityId(node, ref) })
    print(s, () => formatCommunity(s))
  }),
)

community.command('fork <community>').description('start a new community from a ratified charter version')
  .requiredOption('--name <name>', 'the fork\'s name')
  .option('--version <n>', 'the ratified charter version to start from (default: the latest)')
  .option('--purpose <text>', 'its purpose (default: the parent\'s)')
  .action((ref: string, opts: { name: string; version?: string; purpose?: string }) =>
    withNode(async (node) => {
      const parent = await communityId(node, ref)
      const versions = (await node.getCommunity({ community: parent })).charter.versions
      const version = opts.version !== undefined ? parseWhole(opts.version, '--version') : versions.length - 1
      const id = await node.forkCommunity({ community: parent, name: opts.name, version, ...(opts.purpose ? { purpose: opts.purpose } : {}) })
      print({ community: id }, () => `Fork created: ${id} (from version ${version} of ${parent.slice(0, 12)})`)
    }),
  )

community.command('leave <community>').description('leave a community').action((ref: string) =>
  withNode(async (node) => {
    await node.leaveCommunity({ community: await communityId(node, ref) })
    print({ ok: true }, () => 'You left the community.')
  }),
)

// ---- invites and members -------------------------------------------------------------

const invite = program.command('invite').description('invite people, or join with an invite link')

invite.command('create <community>').description('create an invite link')
  .option('--uses <n>', 'how many people may use it', '1')
  .option('--expires-hours <h>', 'hours until it expires', '168')
  .option('--for <member>', 'bind it to one member (did:key or id): only they can join with it')
  .action((ref: string, opts: { uses: string; expiresHours: string; for?: string }) =>
    withNode(async (node) => {
      const inv = await node.createInvite({
        community: await communityId(node, ref), uses: Number(opts.uses), expiresInHours: Number(opts.expiresHours), ...(opts.for ? { member: opts.for } : {}),
      })
      print(inv, () => inv.link)
    }),
  )

invite.command('accept <link>').description('join a community with an invite link')
  .option('--name <name>', 'your display name in it')
  .action((link: string, opts: { name?: string }) =>
    withNode(async (node) => {
      const r = await node.acceptInvite({ link, ...(opts.name ? { name: opts.name } : {}) })
      print(r, () => (r.status === 'joined' ? `Joined ${r.community}.` : `Invite saved. You will join ${r.community.slice(0, 12)} as soon as its ops arrive (sync, or \`polity bundle import\`).`))
    }),
  )

invite.command('list <community>').description('list the community\'s invites: uses left, expiry, creator, state')
  .action((ref: string) =>
    withNode(async (node) => {
      const list = await node.listInvites({ community: await communityId(node, ref) })
      print(list, () => (list.length === 0 ? 'No invites.' : list.map((i) =>
        `${i.id.slice(0, 12)}  ${i.state.padEnd(9)} ${i.usesLeft}/${i.uses} left  expires ${new Date(i.expires).toISOString()}  by ${i.creatorName ?? i.creator.slice(0, 12)}${i.member ? `  for ${i.member.slice(0, 12)}` : ''}${i.contested > 0 ? `  ${i.contested} contested` : ''}`).join('\n')))
    }),
  )

invite.command('revoke <community> <invite>').description('revoke an invite (its id or a unique prefix, from `invite list`): no one joins with it any more')
  .action((ref: string, id: string) =>
    withNode(async (node) => {
      const community = await communityId(node, ref)
      const matches = (await node.listInvites({ community })).filter((i) => i.id.startsWith(id.toLowerCase()))
      if (id.length < 4 || matches.length !== 1) throw new UsageError(matches.length > 1 ? `"${id}" matches ${matches.length} invites: give more of the id.` : `No invite of this community starts with "${id}" (see \`polity invite list\`).`)
      const target = matches[0] as { id: OpId }
      await node.revokeInvite({ community, invite: target.id })
      print({ ok: true, invite: target.id, rekeyed: true }, () => `Invite ${target.id.slice(0, 12)} revoked; the community is re-keyed.`)
    }),
  )

const member = program.command('member').description('manage members directly (where the rules allow)')
member.command('remove <community> <member>').description('remove a member (where the rules let you do it directly)').option('--reason <text>', 'why', '').action((ref: string, m: string, opts: { reason: string }) =>
  withNode(async (node) => {
    await node.removeMember({ community: await communityId(node, ref), member: m, reason: opts.reason })
    print({ ok: true, rekeyed: true }, () => 'Member removed; the community is re-keyed (they cannot read what comes next).')
  }),
)
member.command('role <community> <member> <role>').description('give a member another role: member, steward or founder').action((ref: string, m: string, role: string) =>
  withNode(async (node) => {
    await node.changeRole({ community: await communityId(node, ref), member: m, role: role as Role })
    print({ ok: true }, () => `Role set to ${role}.`)
  }),
)

// ---- key epochs (§18) -------------------------------------------------------------

const epochLine = (e: EpochInfo): string =>
  `Epoch ${e.number} since ${new Date(e.since).toISOString()} (${e.id.slice(0, 12)})${e.due ? ', due for a re-key' : ''}${e.live > 1 ? `, ${e.live} live` : ''}`
  + `${e.missingKeys > 0 ? `, waiting for ${e.missingKeys} key(s)` : ''}${e.canRekey ? '; you may re-key' : ''}.`

program.command('epoch <community>').description('the community\'s key epoch: which, since when, whether a re-key is due').action((ref: string) =>
  withNode(async (node) => {
    const e = await node.epochInfo({ community: await communityId(node, ref) })
    print(e, () => epochLine(e))
  }),
)
program.command('rekey <community>').description('give every member and live invite a new key now (EPOCH-5: a steward, or anyone after a departure)').action((ref: string) =>
  withNode(async (node) => {
    const e = await node.rekey({ community: await communityId(node, ref) })
    print(e, () => `Re-keyed. ${epochLine(e)}`)
  }),
)

program.command('profile <community> <name>').description('set your display name in a community').action((ref: string, name: string) =>
  withNode(async (node) => {
    await node.setProfile({ community: await communityId(node, ref), name })
    print({ ok: true }, () => `Your name is now ${name}.`)
  }),
)

// ---- charter -------------------------------------------------------------------

const charter = program.command('charter').description('the charter: draft, ratified versions, diffs')

charter.command('show <community>').description('print the draft charter, or a ratified version').option('--version <n>', 'a ratified version instead of the draft').action((ref: string, opts: { version?: string }) =>
  withNode(async (node) => {
    const s = await node.getCommunity({ community: await communityId(node, ref) })
    const text = opts.version !== undefined ? s.charter.versions[parseWhole(opts.version, '--version')]?.text : s.charter.draft
    if (text === undefined) throw new Error(`There are ratified versions 0 to ${s.charter.versions.length - 1}.`)
    print({ text }, () => text)
  }),
)

charter.command('versions <community>').description('list the ratified charter versions').action((ref: string) =>
  withNode(async (node) => {
    const s = await node.getCommunity({ community: await communityId(node, ref) })
    print(s.charter.versions, () => s.charter.versions.map((v) => `v${v.version}  ${new Date(v.time).toISOString()}  ${v.proposal ? `by proposal ${v.proposal.slice(0, 12)}` : 'founding charter'}`).join('\n'))
  }),
)

charter.command('diff <community> <from> <to>').description('show what changed between two ratified versions').action((ref: string, from: string, to: string) =>
  withNode(async (node) => {
    const diff = await node.charterDiff({ community: await communityId(node, ref), from: parseWhole(from, '<from>'), to: parseWhole(to, '<to>') })
    const hunks = diff.hunks
    print(diff, () => diff.tooLarge ? 'The versions differ too much to show as a diff (rule DIFF-1).' : hunks.map((h) => h.text.split('\n').filter((l, i, a) => i < a.length - 1 || l !== '').map((l) => `${h.kind === 'add' ? '+' : h.kind === 'del' ? '-' : ' '} ${l}`).join('\n')).join('\n'))
  }),
)

charter.command('edit <community>').description('replace the draft with the contents of a file (as one collaborative edit)')
  .requiredOption('--file <file>', 'the new draft text')
  .action((ref: string, opts: { file: string }) =>
    withNode(async (node) => {
      const id = await communityId(node, ref)
      const next = await readFile(opts.file, 'utf8')
      await node.setDraftText({ community: id, text: next })
      print({ ok: true }, () => 'Draft updated.')
    }),
  )

program.command('status <community>').description('sync status').action((ref: string) =>
  withNode(async (node) => {
    const s = await node.syncStatus({ community: await communityId(node, ref) })
    print(s, () => `${s.state}; ${s.connected} connected; ${s.received} of ${s.known} ops held, ${s.pendingOps} waiting for missing ops`)
  }),
)

registerProposalCommands(program, { withNode, communityId, proposalId, print })
registerFileCommands(program, { withNode, communityId, print })
registerHostCommands(program, { options: g, withNode })
registerTerritoryCommands(program, { withNode, communityId, print })
registerRelationCommands(program, { print, withNode, communityId, proposalId })
registerExportCommands(program, { withNode, communityId, proposalId })
registerExtendCommand(program, { withNode, communityId, proposalId, print })
registerJoinCommands(program, { options: g, withNode, communityId, print })


async function main(): Promise<void> {
  try {
    await program.parseAsync(process.argv)
  } catch (e) {
    if (e instanceof CommanderError) {
      process.exitCode = e.exitCode === 0 ? 0 : 2
      if (e.exitCode !== 0 && jsonRequested) writeJsonError('ERR_USAGE', e.message.replace(/^error: /, ''), e.code)
      return
    }
    const code = e instanceof UsageError ? 'ERR_USAGE' : errorCode(e)
    if (jsonRequested) writeJsonError(code, (e as Error).message)
    else process.stderr.write(`error: ${(e as Error).message}\n`)
    process.exitCode = e instanceof UsageError ? 2 : 1
  }
}

/** The error's own code (node errors carry ERR_…, file errors ENOENT…), else ERR_FAILED. */
function errorCode(e: unknown): string {
  const code = (e as { code?: unknown } | null)?.code
  return typeof code === 'string' && code !== '' ? code : 'ERR_FAILED'
}

/** CLI-5: with --json an error is `{"error": {"code", "message"}}` on stderr, one line, and nothing else. */
function writeJsonError(code: string, message: string, detail?: string): void {
  process.stderr.write(`${JSON.stringify({ error: { code, message, ...(detail ? { detail } : {}) } })}\n`)
}

await main()
