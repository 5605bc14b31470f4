/** Helpers for territory and crowdfunding tests: sealed territory ops authored by test actors. */
import { fromHex, type AnyOp, type SealedBodyOf, type TerritoryKind } from '../src/index'
import type { Actor } from './harness'

/** Author a territory op (sealed) on top of the actor's replica; not applied. */
export function make<K extends TerritoryKind>(a: Actor, kind: K, body: SealedBodyOf<K>, opts: { time?: number; epoch?: string | undefined } = {}): AnyOp {
  return a.makeSealed(kind, body as never, opts as never)
}

/** Author and apply; throws if the actor's own replica refuses it. */
export function act<K extends TerritoryKind>(a: Actor, kind: K, body: SealedBodyOf<K>, opts: { time?: number } = {}): AnyOp {
  const op = make(a, kind, body, opts)
  const r = a.replica.receive(op)
  if (r.status !== 'applied') throw new Error(`${a.label}: ${kind} not applied: ${JSON.stringify(r, (_k, v) => (v instanceof Error ? v.message : v))}`)
  return op
}

export const place = (over: Partial<SealedBodyOf<'place.add'>> = {}): SealedBodyOf<'place.add'> => ({
  name: 'Hub', kind: 'hub', status: 'proposed', precision: 'exact', geometry: { type: 'point', at: [2_352_222, 48_856_613] }, area: 120, country: 'FR', docs: [], ...over,
} as SealedBodyOf<'place.add'>)

export const ref = (op: AnyOp): Uint8Array => fromHex(op.id)

export function campaign(a: Actor, over: Partial<SealedBodyOf<'campaign.open'>> = {}): SealedBodyOf<'campaign.open'> {
  return {
    title: 'Roof', text: '', goal: { type: 'amount', amount: 10_000, currency: 'EUR' }, deadline: a.time + 100_000, model: 'all-or-nothing', ...over,
  } as SealedBodyOf<'campaign.open'>
}
