/**
 * Places by decision (PLACE-7..10): a `place` or `placeStatus` proposal
 * action, checked at the proposal, applied by the territory fold at the
 * settling close — a status change only if it is still an edge from the
 * place's status at the close's causal past (else stale, no effect).
 */
import { describe, expect, it } from 'vitest'
import { DecodeError, KeyRing, PLACE_TRANSITIONS, Replica, TEXT_PATHS, checkSealedBody, memberAgreeKeyPair, requirementOf, type AnyOp, type OpId, type ProposalAction } from '../src/index'
import { Actor, TestKeys, close, flatRules, propose, proposalTime, refusal, sealedCommunity, syncAll, vote } from './harness'
import { nodeCrypto } from './node-crypto'
import { range, type Rng } from './random'
import { seeded } from './seeds'
import { act, place, ref } from './territory-helpers'

const stateOf = (r: Replica) => r.state().territory
const rules = flatRules([1, 2], [1, 2], 0)

function placeAction(over: Record<string, unknown> = {}): ProposalAction {
  const { name, ...fields } = place()
  return { type: 'place', placeName: name, ...fields, ...over } as ProposalAction
}
const statusAction = (p: AnyOp, status: string): ProposalAction => ({ type: 'placeStatus', place: ref(p), status } as ProposalAction)

/** Propose, every member votes `choice`, close; synced everywhere. Returns [proposal, close]. */
function decide(a: Actor, all: Actor[], action: ProposalAction, choice: 'yes' | 'no' = 'yes'): [AnyOp, AnyOp] {
  const p = propose(a, action)
  syncAll(all)
  for (const x of all) vote(x, p, { type: 'yesno', choice })
  syncAll(all)
  const c = close(a, p)
  syncAll(all)
  return [p, c]
}

describe('places by decision (PLACE-7..10)', () => {
  it('PLACE-7: a member without the places role proposes a place; it is a resolution (yes/no only); a v1 community refuses it', () => {
    const { founder, members, all } = sealedCommunity(2, rules, new TestKeys(1771))
    const m0 = members[0] as Actor
    expect(refusal(m0, () => m0.make('place.add' as never, place() as never))).toMatch(/^PLACE-1/)
    expect(requirementOf(m0.replica.roster().rules!, placeAction(), []).class).toBe('resolution')
    const approval = { type: 'approval' as const, quorum: [1, 2] as [number, number], options: ['a', 'b'] }
    expect(refusal(m0, () => m0.make('proposal.create', { title: 'P', text: '', action: placeAction(), method: approval as never, deadline: m0.time + 5000 }))).toMatch(/^PROP-4/)
    const [p] = decide(m0, all, placeAction())
    for (const a of all) expect(stateOf(a.replica).places.map((x) => x.id)).toEqual([p.id])
    const v1 = new Actor('v1', undefined, undefined, new TestKeys(1772))
    v1.found('Open', rules)
    expect(refusal(v1, () => v1.make('proposal.create', { title: 'P', text: '', action: placeAction(), method: { type: 'yesno', quorum: [1, 2], threshold: [1, 2] }, deadline: v1.time + 5000 }))).toMatch(/^PLACE-7: places exist in sealed communities only/)
    // SEAL-7: the place's name is a text; recognize's `action.name` stays structure (a letter discloses it).
    const paths = TEXT_PATHS.get('proposal.create')!.map((t) => t.path.join('.'))
    expect(paths).toContain('action.placeName')
    expect(paths).not.toContain('action.name')
    void founder
  })

  it('PLACE-8: adversary — a place proposal with bad geometry or precision is refused; a status proposal names a place in its deps, by a valid edge', () => {
    const { founder, members, all } = sealedCommunity(1, rules, new TestKeys(1781))
    const m0 = members[0] as Actor
    const body = (action: ProposalAction): unknown => ({ title: 'P', text: '', action, method: { type: 'yesno', quorum: [1, 2], threshold: [1, 2] }, deadline: 1_800_000_000_000 })
    const ring = (n: number): [number, number][] => [...Array.from({ length: n - 1 }, (_, i) => [i, i] as [number, number]), [0, 0]]
    expect(() => checkSealedBody('proposal.create', body(placeAction({ geometry: { type: 'polygon', rings: [ring(700_000)] } })) as never)).toThrow(DecodeError)
    expect(() => checkSealedBody('proposal.create', body(placeAction({ geometry: { type: 'polygon', rings: [ring(700_000)] } })) as never)).toThrow(/PLACE-2: a place's geometry may have at most 1000 vertices/)
    expect(() => checkSealedBody('proposal.create', body(placeAction({ geometry: { type: 'point', at: [0.5, 0] } })) as never)).toThrow(/PLACE-2/)
    expect(refusal(m0, () => m0.make('proposal.create', body(placeAction({ precision: 'city' })) as never))).toMatch(/^PLACE-3/)
    expect(refusal(m0, () => m0.make('proposal.create', body(placeAction({ precision: 'hidden' })) as never))).toMatch(/^PLACE-3: a hidden place/)
    const direct = act(founder, 'place.add', place())
    m0.pull(founder)
    expect(refusal(m0, () => m0.make('proposal.create', body(statusAction(direct, 'leased')) as never))).toMatch(/^PLACE-8: a place cannot move from proposed to leased/)
    expect(refusal(m0, () => m0.make('proposal.create', body(statusAction(m0.replica.ops()[0]!, 'funding')) as never))).toMatch(/^PLACE-8/)
    // A place proposal not yet passed is no place (PLACE-10).
    const pending = propose(m0, placeAction())
    expect(refusal(m0, () => m0.make('proposal.create', body(statusAction(pending, 'funding')) as never))).toMatch(/^PLACE-8: the proposal names no place in its causal past/)
    syncAll(all)
  })

  it('PLACE-9: a passed place proposal adds the place at its settling close (id = proposal, addedBy = proposer, time = close); a failed or withdrawn one adds nothing', () => {
    const { founder, members, all } = sealedCommunity(2, rules, new TestKeys(1791))
    const m1 = members[1] as Actor
    const [p, c] = decide(m1, all, placeAction({ precision: 'hidden', geometry: undefined, country: undefined, placeName: 'Commons hall' }))
    const s = stateOf(founder.replica).places[0]!
    expect(s).toMatchObject({ id: p.id, name: 'Commons hall', addedBy: m1.member, addedAt: c.time, decidedBy: c.id, precision: 'hidden', geometry: null, history: [], stale: [] })
    decide(founder, all, placeAction({ placeName: 'Rejected' }), 'no')
    const w = propose(founder, placeAction({ placeName: 'Withdrawn' }))
    founder.act('proposal.withdraw', { proposal: ref(w) })
    syncAll(all)
    for (const a of all) expect(stateOf(a.replica).places.map((x) => x.name)).toEqual(['Commons hall'])
    expect(founder.replica.state()).toEqual(founder.replica.refoldedState())
  })

  it('PLACE-9: a passed status proposal moves the place at its close; one whose transition became invalid before the close has no effect and shows as stale', () => {
    const { founder, members, all } = sealedCommunity(2, rules, new TestKeys(1792))
    const m0 = members[0] as Actor
    const [p] = decide(m0, all, placeAction())
    const [sp, sc] = decide(m0, all, statusAction(p, 'funding'))
    let s = stateOf(m0.replica).places[0]!
    expect(s.status).toBe('funding')
    expect(s.history).toEqual([{ op: sc.id, status: 'funding', by: m0.member, time: sc.time, proposal: sp.id }])
    // Proposed funding → acquired; before the close, a steward moves the place to lost directly (final).
    const late = propose(m0, statusAction(p, 'acquired'))
    syncAll(all)
    for (const a of all) vote(a, late, { type: 'yesno', choice: 'yes' })
    act(founder, 'place.status', { place: ref(p), status: 'lost' })
    syncAll(all)
    const lc = close(m0, late)
    syncAll(all)
    for (const a of all) {
      s = stateOf(a.replica).places[0]!
      expect(s.status).toBe('lost')
      expect(s.stale).toEqual([{ proposal: late.id, close: lc.id, status: 'acquired', from: 'lost', time: lc.time }])
    }
    expect(m0.replica.state().proposals.find((x) => x.id === late.id)!.outcome!.passed).toBe(true)
    expect(m0.replica.state()).toEqual(m0.replica.refoldedState())
  })

  it('PLACE-10: a place added by decision is a place like any other — direct status changes and campaigns name it once its close is in their causal past', () => {
    const { founder, members, all } = sealedCommunity(1, rules, new TestKeys(1801))
    const m0 = members[0] as Actor
    const pending = propose(m0, placeAction())
    syncAll(all)
    expect(refusal(founder, () => founder.makeSealed('place.status', { place: ref(pending), status: 'funding' }))).toMatch(/^PLACE-4: the referenced op is not a place/)
    for (const a of all) vote(a, pending, { type: 'yesno', choice: 'yes' })
    syncAll(all)
    close(m0, pending)
    syncAll(all)
    act(founder, 'place.status', { place: ref(pending), status: 'funding' })
    act(founder, 'campaign.open', { title: 'Roof', text: '', goal: { type: 'amount', amount: 100, currency: 'EUR' }, deadline: founder.time + 100_000, model: 'keep', place: ref(pending) })
    syncAll(all)
    expect(stateOf(m0.replica).places[0]!.status).toBe('funding')
    expect(stateOf(m0.replica).campaigns[0]!.place).toBe(pending.id)
  })
})

/** A random history of places moved directly and by decision among 4 members; every op kept, refused ones included. */
function decisionHistory(rng: Rng): { ops: AnyOp[]; founder: Actor } {
  const { founder, all } = sealedCommunity(3, { ...flatRules([1, 5], [1, 5], 0), places: 'member' }, new TestKeys(rng.seed))
  const ops = new Map<OpId, AnyOp>()
  const method = { type: 'yesno' as const, quorum: [1, 5] as [number, number], threshold: [1, 5] as [number, number] }
  for (let step = 0; step < 60; step++) {
    const a = rng.pick(all)
    if (rng.chance(0.5)) a.pull(rng.pick(all))
    const held = [...ops.values()].filter((o) => a.replica.has(o.id))
    const props = held.filter((o) => o.kind === 'proposal.create')
    const places = [...held.filter((o) => (o.kind as string) === 'place.add'), ...props.filter((o) => o.kind === 'proposal.create' && o.body.action.type === 'place')]
    const status = rng.pick(['funding', 'acquired', 'leased', 'sold', 'lost'] as const)
    const k = rng.int(10)
    const recent = props.slice(-3)
    const { seq, last, time } = a
    try {
      let op: AnyOp
      if (k === 0 && rng.chance(0.5)) op = a.makeSealed('place.add', place({ status: rng.pick(['proposed', 'acquired'] as const) }))
      else if (k <= 1 || places.length === 0) {
        const t = proposalTime(a)
        op = a.make('proposal.create', { title: 'P', text: '', action: placeAction({ status: rng.pick(['proposed', 'funding', 'acquired'] as const) }), method, deadline: t }, { time: t })
      } else if (k <= 3) {
        const t = proposalTime(a)
        // Mostly an edge from the place's status as the author sees it (it may no longer be one at the close).
        const target = rng.pick(places)
        const now = a.replica.territory().places.find((x) => x.id === target.id)
        const edges = now ? PLACE_TRANSITIONS[now.status] : []
        const to = edges.length > 0 && rng.chance(0.8) ? rng.pick(edges) : status
        op = a.make('proposal.create', { title: 'P', text: '', action: statusAction(target, to), method, deadline: t }, { time: t })
      } else if (k === 4) op = a.makeSealed('place.status', { place: ref(rng.pick(places)), status }, { deps: [...new Set([...a.replica.heads(), rng.pick(places).id])] })
      else if (k <= 7 || recent.length === 0) op = a.make('vote.cast', { proposal: ref(rng.pick(recent.length > 0 ? recent : places)), ballot: { type: 'yesno', choice: rng.chance(0.8) ? 'yes' : 'no' } })
      else if (k === 8 && rng.chance(0.2)) op = a.make('proposal.withdraw', { proposal: ref(rng.pick(recent)) })
      else op = a.make('proposal.close', { proposal: ref(rng.pick(recent)) }, { time: a.time + 1000 })
      ops.set(op.id, op)
      if (a.replica.receive(op).status !== 'applied') Object.assign(a, { seq, last, time })
    } catch {
      Object.assign(a, { seq, last, time })
    }
  }
  for (const a of all) for (const op of a.replica.ops()) ops.set(op.id, op)
  return { ops: [...ops.values()], founder }
}

describe('places by decision converge (PLACE-9, PLACE-10, FOLD-1)', () => {
  seeded('PLACE-9, PLACE-10, FOLD-1: random histories of places added and moved directly and by decision, delivered in random causal orders — replicas agree, and the state kept as ops arrive equals a refold', { fixed: range(1, 60), fresh: 1, timeout: 300_000 }, (run) => {
    const seen = { decidedPlaces: 0, decidedChanges: 0, stale: 0 }
    run.each((rng) => {
      const { ops, founder } = decisionHistory(rng)
      const replicas = [0, 1, 2].map((order) => {
        const r = new Replica({ crypto: nodeCrypto, keyRing: new KeyRing([memberAgreeKeyPair(founder.identity.secretKey)]) })
        for (const op of rng.shuffle([...ops])) {
          r.receive(op.bytes)
          if (order === 0 && r.size > 0 && rng.chance(0.2)) expect(r.state().territory).toEqual(r.refoldedState().territory)
        }
        return r
      })
      const reference = replicas[0]!.state()
      for (const r of replicas) expect(r.state()).toEqual(reference)
      expect(replicas[2]!.refoldedState()).toEqual(reference)
      for (const p of reference.territory.places) {
        if (p.decidedBy) seen.decidedPlaces++
        seen.decidedChanges += p.history.filter((h) => h.proposal !== null).length
        seen.stale += p.stale.length
      }
    })
    console.log(`PLACE-9: ${JSON.stringify(seen)}`)
    if (run.fixed) {
      expect(seen.decidedPlaces).toBeGreaterThan(run.seeds.length)
      expect(seen.decidedChanges).toBeGreaterThan(run.seeds.length / 10)
    }
  })
})
