/**
 * NET-G1 (regression): the gossip gate once filtered a new member's
 * subscription announcement to the founder (it joined the topic before the
 * founder was proven to it, and the announcement made when the proof came
 * was only sent for a peer proven the first time), so the founder never knew
 * the joiner was on the topic and live ops reached it only by periodic
 * reconciliation. Here reconciliation is off (interval one hour): only gossip
 * can carry the ops, both ways.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, it } from 'vitest'
import { PolityNode } from '@polity/node'
import { PASS, within } from './helpers'

const open: PolityNode[] = []
afterEach(async () => {
  for (const n of open.splice(0)) await n.close().catch(() => undefined)
})

describe('gossip between members after a join (NET-G1)', () => {
  it('NET-G1 (regression): after a join by invite, the founder\'s and the joiner\'s ops reach each other by gossip alone', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'polity-net-gossip-join-'))
    const network = { listen: ['/ip4/127.0.0.1/tcp/0'], syncIntervalMs: 3_600_000 }
    const [a, b] = await Promise.all([0, 1].map(async (i) => {
      const n = await PolityNode.open({ dataDir: join(dir, `n${i}`), kdfLogN: 10, network })
      await n.createIdentity({ passphrase: PASS })
      open.push(n)
      return n
    })) as [PolityNode, PolityNode]
    const c = await a.createCommunity({ name: 'Gossip after join', purpose: '', charter: '# C\n', founderName: 'Ana' })
    const { link } = await a.createInvite({ community: c })
    const joined = await b.acceptInvite({ link, name: 'Ben' })
    if (joined.status !== 'joined') throw new Error(`the join did not complete: ${joined.status}`)
    await a.syncNow()
    await b.syncNow()
    const sizeA = a.replicaOf(c).size
    await a.setProfile({ community: c, name: 'Ana again' })
    await within(15_000, () => b.replicaOf(c).size > sizeA, 'the founder\'s op reached the joiner by gossip')
    const sizeB = b.replicaOf(c).size
    await b.setProfile({ community: c, name: 'Ben again' })
    await within(15_000, () => a.replicaOf(c).size >= sizeB + 1, 'the joiner\'s op reached the founder by gossip')
  }, 60_000)
})
