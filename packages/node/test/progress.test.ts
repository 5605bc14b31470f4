/**
 * Progress of long tasks (BRIDGE-9): the replay behind a checkpoint when a
 * community is reopened, a bundle import, unlocking and sealing the keystore
 * (scrypt) — each told as `{type: 'progress', …}` from done 0 to done =
 * total, never going back, at most every 100 ms in between.
 */
import { describe, expect, it } from 'vitest'
import type { PolityEvent } from '@polity/api'
import { PolityNode } from '../src/index'
import { Progress, PROGRESS_INTERVAL_MS } from '../src/progress'
import { freshNode, holdLink, PASS, withIdentity } from './helpers'

type ProgressEvent = Extract<PolityEvent, { type: 'progress' }>
const progressOf = (events: PolityEvent[], task: ProgressEvent['task']): ProgressEvent[] =>
  events.filter((e): e is ProgressEvent => e.type === 'progress' && e.task === task)

function expectWhole(events: ProgressEvent[], total?: number): void {
  expect(events.length).toBeGreaterThanOrEqual(2)
  expect(events[0]!.done).toBe(0)
  const last = events.at(-1)!
  expect(last.done).toBe(last.total)
  if (total !== undefined) expect(last.total).toBe(total)
  for (let i = 1; i < events.length; i++) expect(events[i]!.done).toBeGreaterThanOrEqual(events[i - 1]!.done)
  for (const e of events) expect(e.done).toBeLessThanOrEqual(e.total)
}

describe('progress events (BRIDGE-9)', () => {
  it('BRIDGE-9: a Progress tells the start, at most one update per 100 ms, and the end', () => {
    let now = 0
    const seen: PolityEvent[] = []
    const p = new Progress((e) => seen.push(e), 'import', null, 1000, () => now)
    for (let i = 1; i <= 1000; i++) {
      now += 1 // 1 ms per unit: 1,000 ms in all
      p.add(1)
    }
    p.end()
    p.add(5)
    const events = progressOf(seen, 'import')
    expectWhole(events, 1000)
    // Start, then one per 100 ms of the 1,000 (the last of which may be the end's), then the end.
    expect(events.length).toBeLessThanOrEqual(1 + 1000 / PROGRESS_INTERVAL_MS + 1)
    expect(events.length).toBeGreaterThanOrEqual(1000 / PROGRESS_INTERVAL_MS)
  })

  it('BRIDGE-9: reopening a community with a checkpoint tells the replay behind it, counted against the stored ops', async () => {
    const { node, dataDir } = await withIdentity('progress-replay')
    const community = await node.createCommunity({ name: 'Replay', purpose: '', charter: '# C\n', founderName: 'Ana' })
    for (let i = 0; i < 30; i++) await node.setProfile({ community, name: `Ana ${i}` })
    const ops = (await node.getCommunity({ community })).opCount
    await node.close() // writes the checkpoint
    const again = await PolityNode.open({ dataDir, kdfLogN: 10 })
    const seen: PolityEvent[] = []
    again.subscribe((e) => seen.push(e))
    await again.unlock({ passphrase: PASS })
    expect((await again.getCommunity({ community })).opCount).toBe(ops)
    // The replay runs behind the checkpoint: wait for its end.
    const deadline = Date.now() + 20_000
    while (Date.now() < deadline && !progressOf(seen, 'replay').some((e) => e.done === e.total && e.total > 0)) await new Promise((r) => setTimeout(r, 20))
    const replay = progressOf(seen, 'replay')
    expect(replay.every((e) => e.community === community)).toBe(true)
    expectWhole(replay, ops)
    expectWhole(progressOf(seen, 'unlock'), 1000)
    await again.close()
  })

  it('BRIDGE-9: importing a bundle tells the ops taken in, against the bundle\'s count', async () => {
    const { node: a } = await withIdentity('progress-a')
    const { node: b } = await withIdentity('progress-b')
    const community = await a.createCommunity({ name: 'Import', purpose: '', charter: '# C\n', founderName: 'Ana' })
    await holdLink(a, b, community, 'Bea')
    for (let i = 0; i < 20; i++) await a.setProfile({ community, name: `Ana ${i}` })
    const bytes = await a.exportBundle({ community })
    const ops = (await a.getCommunity({ community })).opCount
    const seen: PolityEvent[] = []
    b.subscribe((e) => seen.push(e))
    await b.importBundle({ bytes })
    expectWhole(progressOf(seen, 'import'), ops)
    await a.close()
    await b.close()
  })

  it('BRIDGE-9: creating an identity tells the keystore\'s key derivation', async () => {
    const { node } = await freshNode('progress-identity')
    const seen: PolityEvent[] = []
    node.subscribe((e) => seen.push(e))
    await node.createIdentity({ passphrase: PASS })
    expectWhole(progressOf(seen, 'identity'), 1000)
    await node.close()
  })
})
