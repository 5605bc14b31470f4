/**
 * The bodies of territory and crowdfunding (PLACE-*, FUND-* in
 * docs/PROTOCOL.md): sealed (v2) kinds only, so a v1 envelope can never carry
 * one. Geometry is integer microdegrees ([longitude, latitude]), bounded in
 * vertices and rings; amounts are integers of minor units ≤ 2^53 − 1.
 */
import { DecodeError } from '../errors'
import { bytes, list, oneOf, optional, text, uint, variant, type Check } from '../encoding/schema'

const opRef = bytes(32)

export const PLACE_KINDS = ['hub', 'land', 'building', 'office', 'digital'] as const
export const PLACE_STATUSES = ['proposed', 'funding', 'acquired', 'leased', 'sold', 'lost'] as const
export const PLACE_PRECISIONS = ['exact', 'city', 'country', 'hidden'] as const
export type PlaceStatus = (typeof PLACE_STATUSES)[number]
export type PlacePrecision = (typeof PLACE_PRECISIONS)[number]

/** PLACE-2: at most this many vertices in one place's geometry (all rings together). */
export const MAX_VERTICES = 1000
/** PLACE-2: at most this many rings (outer + holes). */
export const MAX_RINGS = 16
/** PLACE-3: the grid a precision rounds coordinates to, in microdegrees (exact: 1 µ°, city: 0.1°, country: 1°). */
export const PRECISION_STEP: Readonly<Record<Exclude<PlacePrecision, 'hidden'>, number>> = { exact: 1, city: 100_000, country: 1_000_000 }

/**
 * PLACE-5: the lifecycle. A place is added in any status (a community may
 * register a building it already holds); a change moves it along these edges.
 */
export const PLACE_TRANSITIONS: Readonly<Record<PlaceStatus, readonly PlaceStatus[]>> = {
  proposed: ['funding', 'acquired', 'lost'],
  funding: ['acquired', 'lost'],
  acquired: ['leased', 'sold', 'lost'],
  leased: ['acquired', 'sold', 'lost'],
  sold: [],
  lost: [],
}

/** FUND-2: the largest amount of minor units (2^53 − 1: exact in a double, summed in BigInt). */
export const MAX_AMOUNT = Number.MAX_SAFE_INTEGER

const int = (min: number, max: number): Check<number> => (v, p) => {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > max) {
    throw new DecodeError(`PLACE-2: field "${p}" must be an integer of microdegrees in ${min}..${max}.`)
  }
  return v
}
const lon = int(-180_000_000, 180_000_000)
const lat = int(-90_000_000, 90_000_000)

/** `[longitude, latitude]` in integer microdegrees. */
export const position: Check<[number, number]> = (v, p) => {
  if (!Array.isArray(v) || v.length !== 2) throw new DecodeError(`PLACE-2: field "${p}" must be [longitude, latitude].`)
  return [lon(v[0], `${p}[0]`), lat(v[1], `${p}[1]`)]
}

const geometryVariant = variant({
  point: { at: position },
  polygon: { rings: list(list(position, 4, MAX_VERTICES), 1, MAX_RINGS) },
})
export type Geometry = { type: 'point'; at: [number, number] } | { type: 'polygon'; rings: [number, number][][] }

/** PLACE-2: a point, or a polygon of closed rings (first vertex = last) with at most 1,000 vertices in all. */
export const geometry: Check<Geometry> = (v, p) => {
  if (Array.isArray(v) || v === null || typeof v !== 'object' || v instanceof Uint8Array) throw new DecodeError(`PLACE-2: field "${p}" must be a geometry map.`)
  const rings = (v as { rings?: unknown }).rings
  // Counted before anything is checked item by item: a huge polygon is refused at once.
  if (Array.isArray(rings)) {
    let n = 0
    for (const r of rings) n += Array.isArray(r) ? r.length : 0
    if (n > MAX_VERTICES) throw new DecodeError(`PLACE-2: a place's geometry may have at most ${MAX_VERTICES} vertices, this one has ${n}.`)
    if (rings.length > MAX_RINGS) throw new DecodeError(`PLACE-2: a polygon may have at most ${MAX_RINGS} rings.`)
  }
  const g = geometryVariant(v, p) as Geometry
  if (g.type === 'polygon') {
    for (const r of g.rings) {
      const a = r[0] as [number, number]
      const b = r[r.length - 1] as [number, number]
      if (a[0] !== b[0] || a[1] !== b[1]) throw new DecodeError(`PLACE-2: each ring of "${p}" must be closed (its last vertex equals its first).`)
    }
  }
  return g
}

/** FUND-2: an ISO 4217 code: three capital letters. */
export const currency: Check<string> = (v, p) => {
  if (typeof v !== 'string' || !/^[A-Z]{3}$/.test(v)) throw new DecodeError(`FUND-2: field "${p}" must be an ISO 4217 currency code (three capital letters).`)
  return v
}

/** PLACE-2: an ISO 3166-1 alpha-2 country code. */
export const country: Check<string> = (v, p) => {
  if (typeof v !== 'string' || !/^[A-Z]{2}$/.test(v)) throw new DecodeError(`PLACE-2: field "${p}" must be an ISO 3166-1 alpha-2 country code (two capital letters).`)
  return v
}

/** FUND-2: an amount of minor units, a non-negative integer ≤ 2^53 − 1 (a float, a negative or a bigger number is refused). */
export const amount = (min = 0): Check<number> => (v, p) => {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > MAX_AMOUNT) {
    throw new DecodeError(`FUND-2: field "${p}" must be a whole number of minor units in ${min}..${MAX_AMOUNT}.`)
  }
  return v
}

export const placeStatus = oneOf(...PLACE_STATUSES)

/** PLACE-2, PLACE-3: a place's fields beside its name (shared by `place.add` and the `place` proposal action, PLACE-7). */
export const placeFields = {
  kind: oneOf(...PLACE_KINDS),
  status: placeStatus,
  precision: oneOf(...PLACE_PRECISIONS),
  geometry: optional(geometry),
  area: uint(),
  country: optional(country),
  docs: list(bytes(32), 0, 32),
}

export const territoryBodyShapes = {
  /** PLACE-1..3: a place; `geometry` already rounded to `precision` by its author (none when hidden). */
  'place.add': { name: text(1, 120), ...placeFields },
  /** PLACE-4, PLACE-5: move a place along its lifecycle. */
  'place.status': { place: opRef, status: placeStatus },
  /** FUND-1, FUND-2: a campaign for a place or any goal. */
  'campaign.open': {
    title: text(1, 200),
    text: text(0, 20_000),
    goal: variant({ amount: { amount: amount(1), currency }, participants: { count: uint(1_000_000, 1) } }),
    deadline: uint(),
    model: oneOf('all-or-nothing', 'keep'),
    place: optional(opRef),
  },
  /** FUND-3..6: make, raise or lower the author's pledge; 0 withdraws it. */
  'pledge.set': { campaign: opRef, amount: amount() },
  /** FUND-7..10: the signed close after the deadline. */
  'campaign.close': { campaign: opRef },
  /** FUND-11: a treasurer records what a payment rail did for a member's pledge. */
  'receipt.record': { campaign: opRef, member: bytes(32), status: oneOf('fulfilled', 'partial', 'refunded'), amount: amount() },
} as const

export const TERRITORY_KINDS = Object.keys(territoryBodyShapes) as TerritoryKind[]
export type TerritoryKind = keyof typeof territoryBodyShapes
export const isTerritoryKind = (k: string): k is TerritoryKind => Object.hasOwn(territoryBodyShapes, k)

/** The op ids a territory body names, which must be among its deps (PLACE-4, FUND-1, FUND-3, FUND-7, FUND-11). */
export function territoryRefs(kind: string, body: unknown): Uint8Array[] {
  if (!isTerritoryKind(kind)) return []
  const b = body as { place?: unknown; campaign?: unknown }
  const out: Uint8Array[] = []
  if (b.place instanceof Uint8Array) out.push(b.place)
  if (b.campaign instanceof Uint8Array) out.push(b.campaign)
  return out
}
