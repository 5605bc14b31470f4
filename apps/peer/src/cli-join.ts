/**
 * `polity join cancel <community>` (JOIN-2), and linking a second device
 * without the phrase (DEVLINK-1..5): `polity device offer` on the device that
 * has the identity (prints a one-time link and waits until it is used or
 * ends), `polity device accept <link>` on the new device.
 */
import type { Command } from 'commander'
import type { CommunityId } from '@polity/api'
import { PolityNode } from './lazy'
import { readPassphrase } from './passphrase'

export interface JoinCommandContext {
  options(): { dataDir: string; kdfLogN?: string; passphraseFile?: string }
  withNode<T>(fn: (node: PolityNode) => Promise<T>): Promise<T>
  communityId(node: PolityNode, ref: string): Promise<CommunityId>
  print(value: unknown, human: () => string): void
}

const LISTEN = ['/ip4/0.0.0.0/tcp/0', '/ip4/0.0.0.0/tcp/0/ws']

export function registerJoinCommands(program: Command, ctx: JoinCommandContext): void {
  const join = program.command('join').description('joins this device has not finished')
  join.command('cancel <community>').description('give up a join that is waiting or not yet received by a member (JOIN-2)')
    .action((ref: string) => ctx.withNode(async (node) => {
      const community = await ctx.communityId(node, ref)
      await node.cancelJoin({ community })
      ctx.print({ cancelled: community }, () => `Cancelled the join of ${community.slice(0, 12)}; it is forgotten on this device.`)
    }))

  const device = program.command('device').description('link another device of yours without typing the recovery phrase')
  device.command('offer').description('print a one-time link (5 minutes, one use) for your new device, and wait until it is used')
    .option('--listen <addr...>', 'libp2p listen addresses', LISTEN)
    .action(async (opts: { listen: string[] }) => {
      const o = ctx.options()
      const node = await PolityNode.open({ dataDir: o.dataDir, ...(o.kdfLogN ? { kdfLogN: Number(o.kdfLogN) } : {}), network: { listen: opts.listen, mdns: false } })
      try {
        await node.unlock({ passphrase: await readPassphrase(o) })
        const offer = await node.offerDeviceLink()
        ctx.print(offer, () => `On your new device, run \`polity device accept <link>\` (or paste it in the app) within 5 minutes:\n\n  ${offer.link}\n`)
        while (node.deviceLinkOffered()) await new Promise((r) => setTimeout(r, 250))
        process.stderr.write('The link is no longer offered (used, expired or cancelled).\n')
      } finally {
        await node.close()
      }
    })
  device.command('accept <link>').description('take your identity from the device that printed the link; this device gets its own key')
    .option('--listen <addr...>', 'libp2p listen addresses', LISTEN)
    .action(async (link: string, opts: { listen: string[] }) => {
      const o = ctx.options()
      const node = await PolityNode.open({ dataDir: o.dataDir, ...(o.kdfLogN ? { kdfLogN: Number(o.kdfLogN) } : {}), network: { listen: opts.listen, mdns: false } })
      try {
        await node.acceptDeviceLink({ link, passphrase: await readPassphrase(o, 'New passphrase: ', true) })
        const status = await node.identityStatus()
        const list = await node.listCommunities()
        ctx.print({ status, communities: list.map((c) => c.id) }, () => `Linked: ${status.state === 'unlocked' ? status.did : ''}\n${list.length} communities fetched.`)
      } finally {
        await node.close()
      }
    })
}
