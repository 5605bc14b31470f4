/**
 * The roster fold's cost under many concurrent roster ops (issue 14: a
 * denial of service). N joins replayed from a leaked, used invite link, or N
 * device links a member makes at once, each built on an old past, with the
 * roster read after every one: before, each read folded every roster op again
 * and merged frontiers pairwise (~N²/2 folds and ~N³/6 ancestry probes: 1,000
 * joins took ~25 s). Now each op is folded once on top of the roster it
 * joins. The measure is deterministic work (Replica.rosterCosts), not time.
 */
import { describe, expect, it } from 'vitest'
import { Replica } from '../src/index'
import { nodeCrypto } from './node-crypto'
import { concurrentLinks, linksAfterLeave, staleJoins, type Scenario } from './roster-scenarios'

const N = 1000

/** Deliver the scenario, reading the roster after every concurrent op; the work that took, and the replica. */
function cost(s: Scenario): { rosterFolds: number; ancestrySteps: number; r: Replica } {
  const r = new Replica({ crypto: nodeCrypto })
  for (const op of s.base) expect(r.receive(op).status).toBe('applied')
  const before = r.rosterCosts()
  for (const op of s.extra) {
    expect(r.receive(op).status).toBe('applied')
    r.roster()
  }
  const after = r.rosterCosts()
  return { rosterFolds: after.rosterFolds - before.rosterFolds, ancestrySteps: after.ancestrySteps - before.ancestrySteps, r }
}

function expectLinear(name: string, small: ReturnType<typeof cost>, large: ReturnType<typeof cost>): void {
  console.log(`${name}: N=${N}: ${small.rosterFolds} folds, ${small.ancestrySteps} ancestry steps; N=${2 * N}: ${large.rosterFolds} folds, ${large.ancestrySteps} ancestry steps`)
  // At most ~linear: doubling N less than triples the work (quadratic work would quadruple it)...
  expect(large.rosterFolds).toBeLessThan(3 * small.rosterFolds)
  expect(large.ancestrySteps).toBeLessThan(3 * Math.max(small.ancestrySteps, N))
  // ...and a small constant per op.
  for (const [c, n] of [[small, N], [large, 2 * N]] as const) {
    expect(c.rosterFolds).toBeLessThanOrEqual(2 * n)
    expect(c.ancestrySteps).toBeLessThanOrEqual(4 * n)
  }
}

describe('roster fold cost under concurrent roster ops', () => {
  it('FOLD-4, ROSTER-13 (issue 14 DoS): joins replayed from a used link, the roster read after each, cost O(N) roster folds and ancestry steps', () => {
    const small = cost(staleJoins(nodeCrypto, N))
    const large = cost(staleJoins(nodeCrypto, 2 * N))
    expectLinear('stale joins', small, large)
    // And the fold is right: every join is void, the honest one too, and the invite lists them all.
    const s = large.r.state()
    expect(s.members).toHaveLength(1)
    expect(s.invites[0]?.contested).toHaveLength(2 * N + 1)
    expect(large.r.refoldedState()).toEqual(s)
  })

  it('FOLD-4, ROSTER-2 (issue 14 DoS): a member linking devices each on an old past, the roster read after each, cost O(N) roster folds and ancestry steps', () => {
    const small = cost(concurrentLinks(nodeCrypto, N))
    const large = cost(concurrentLinks(nodeCrypto, 2 * N))
    expectLinear('concurrent device links', small, large)
    const s = large.r.state()
    expect(s.members.find((m) => m.devices.length > 1)?.devices).toHaveLength(2 * N + 1)
    expect(large.r.refoldedState()).toEqual(s)
  })

  it('FOLD-4, ROSTER-2 (issue 14 DoS): a member who left, linking devices on a past from before the leave, costs O(N) roster folds — each link reads membership at its own place', () => {
    const small = cost(linksAfterLeave(nodeCrypto, N))
    const large = cost(linksAfterLeave(nodeCrypto, 2 * N))
    expectLinear('links after a leave', small, large)
    // The links were made while a member, so each binds its device (ROSTER-2); the member stays gone.
    const s = large.r.state()
    expect(s.members).toHaveLength(1)
    expect(large.r.roster().devices.size).toBe(2 * N + 2)
    expect(large.r.refoldedState()).toEqual(s)
    expect(large.r.roster().devices.size).toBe(2 * N + 2)
  })
})
