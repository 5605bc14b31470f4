/**
 * BRIDGE-9, SYNC-10: a first sync that starts far behind the peer's total
 * tells its progress against that total — events `{type: 'progress', task:
 * 'sync'}` from 0 towards the total the peer's hello announced, ending at it.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { PolityNode } from '@polity/node'
import type { PolityEvent } from '@polity/api'
import { PASS, within } from './helpers'

const open: PolityNode[] = []
afterEach(async () => {
  for (const n of open.splice(0)) await n.close().catch(() => undefined)
})

describe('first-sync progress (BRIDGE-9, SYNC-10)', () => {
  it('BRIDGE-9, SYNC-10: a joiner 300 ops behind sees sync progress counted against the founder\'s total, ending at it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'polity-net-sync-progress-'))
    const network = { listen: ['/ip4/127.0.0.1/tcp/0'] }
    const [a, b] = await Promise.all([0, 1].map(async (i) => {
      const n = await PolityNode.open({ dataDir: join(dir, `n${i}`), kdfLogN: 10, network })
      await n.createIdentity({ passphrase: PASS })
      open.push(n)
      return n
    })) as [PolityNode, PolityNode]
    const c = await a.createCommunity({ name: 'Progress', purpose: '', charter: '# C\n', founderName: 'Ana', rules: { decisions: { resolution: { period: 0 } } } })
    const proposal = await a.createProposal({ community: c, title: 'Talk', text: '', action: { type: 'resolution' }, method: { type: 'yesno', quorum: [1, 2], threshold: [1, 2] }, deadlineInHours: 0 })
    for (let i = 0; i < 300; i++) await a.comment({ community: c, proposal, text: `comment ${i}` })
    const total = a.replicaOf(c).size
    const events: PolityEvent[] = []
    b.subscribe((e) => {
      if (e.type === 'progress' && e.task === 'sync') events.push(e)
    })
    const { link } = await a.createInvite({ community: c })
    await b.acceptInvite({ link, name: 'Ben' })
    await within(60_000, () => b.replicaOf(c).size >= total, 'the joiner holds the founder\'s ops')
    await within(10_000, () => events.some((e) => e.type === 'progress' && e.done === e.total), 'the sync progress ended')
    const progress = events.filter((e): e is Extract<PolityEvent, { type: 'progress' }> => e.type === 'progress')
    expect(progress.length).toBeGreaterThanOrEqual(2)
    expect(progress[0]!.community).toBe(c)
    expect(progress[0]!.total).toBeGreaterThanOrEqual(total)
    expect(progress[0]!.done).toBeLessThan(progress[0]!.total)
    const last = progress.at(-1)!
    expect(last.done).toBe(last.total)
    for (let i = 1; i < progress.length; i++) expect(progress[i]!.done).toBeGreaterThanOrEqual(progress[i - 1]!.done)
  }, 120_000)
})
