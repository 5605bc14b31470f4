/**
 * Checks and conversions of territory and crowdfunding inputs (PLACE-*,
 * FUND-*): degrees to integer microdegrees rounded to the place's precision
 * (PLACE-3, done here, before signing), amounts from decimal strings of minor
 * units (never floats), ISO codes. A bad input is an InvalidInputError that
 * names the rule; nothing is signed.
 */
import {
  MAX_AMOUNT, MAX_VERTICES, MAX_RINGS, PLACE_KINDS, PLACE_PRECISIONS, PLACE_STATUSES, fromHex, roundTo,
  type Geometry, type PlacePrecision, type PlaceStatus, type SealedBodyOf,
} from '@polity/protocol'
import type { PlaceGeometry, PlaceInput } from '@polity/api'
import { InvalidInputError } from './errors'

const oneOf = <T extends string>(v: unknown, values: readonly T[], what: string): T => {
  if (typeof v !== 'string' || !(values as readonly string[]).includes(v)) throw new InvalidInputError(`${what} must be one of ${values.join(', ')}.`)
  return v as T
}
export const placeKind = (v: unknown): (typeof PLACE_KINDS)[number] => oneOf(v, PLACE_KINDS, 'The kind of place')
export const placeStatus = (v: unknown): PlaceStatus => oneOf(v, PLACE_STATUSES, 'The status')
export const placePrecision = (v: unknown): PlacePrecision => oneOf(v, PLACE_PRECISIONS, 'The precision')

/** An op id (64 hex digits), named for the message. */
export function idRef(v: unknown, what: string): Uint8Array {
  if (typeof v !== 'string' || !/^[0-9a-f]{64}$/.test(v)) throw new InvalidInputError(`${what} must be an op id (64 hex digits).`)
  return fromHex(v, 32)
}

/** FUND-2: a decimal string of minor units, 0..2^53 − 1 (min 1 for a goal). */
export function minorUnits(v: unknown, what: string, min = 0): number {
  if (typeof v !== 'string' || !/^[0-9]{1,16}$/.test(v)) throw new InvalidInputError(`${what} must be a whole number of minor units, written in digits (rule FUND-2).`)
  const n = Number(v)
  if (!Number.isSafeInteger(n) || n > MAX_AMOUNT || n < min) throw new InvalidInputError(`${what} must be from ${min} to ${MAX_AMOUNT} minor units (rule FUND-2).`)
  return n
}

export function currencyCode(v: unknown): string {
  if (typeof v !== 'string' || !/^[A-Za-z]{3}$/.test(v)) throw new InvalidInputError('The currency must be an ISO 4217 code such as EUR or USD (rule FUND-2).')
  return v.toUpperCase()
}

export function countryCode(v: unknown): string | undefined {
  if (v === undefined || v === null || v === '') return undefined
  if (typeof v !== 'string' || !/^[A-Za-z]{2}$/.test(v)) throw new InvalidInputError('The country must be an ISO 3166-1 alpha-2 code such as FR (rule PLACE-2).')
  return v.toUpperCase()
}

export function areaOf(v: unknown): number {
  if (v === undefined) return 0
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw new InvalidInputError('The area must be a whole number of square metres, 0 or more.')
  return v
}

export function docsOf(v: unknown): Uint8Array[] {
  if (v === undefined) return []
  if (!Array.isArray(v) || v.length > 32) throw new InvalidInputError('Documents are a list of at most 32 SHA-256 digests.')
  return v.map((d) => {
    if (typeof d !== 'string' || !/^[0-9a-f]{64}$/.test(d)) throw new InvalidInputError('A document is named by its SHA-256 digest (64 hex digits).')
    return fromHex(d, 32)
  })
}

const micro = (deg: unknown, max: number, what: string): number => {
  if (typeof deg !== 'number' || !Number.isFinite(deg) || Math.abs(deg) > max) throw new InvalidInputError(`${what} must be a number of degrees within ±${max} (rule PLACE-2).`)
  return Math.round(deg * 1e6)
}

function position(p: unknown, precision: Exclude<PlacePrecision, 'hidden'>): [number, number] {
  if (!Array.isArray(p) || p.length !== 2) throw new InvalidInputError('A position is [longitude, latitude] in degrees (rule PLACE-2).')
  return [roundTo(precision, micro(p[0], 180, 'A longitude')), roundTo(precision, micro(p[1], 90, 'A latitude'))]
}

/**
 * PLACE-2, PLACE-3: GeoJSON in degrees to the signed geometry, rounded to the
 * precision (none when hidden). Vertices are counted before anything else, so
 * a 10 MB polygon is refused at once.
 */
export function geometryOf(g: PlaceGeometry | null | undefined, precision: PlacePrecision): Geometry | undefined {
  if (g === undefined || g === null || precision === 'hidden') return undefined
  if (typeof g !== 'object') throw new InvalidInputError('The location must be a GeoJSON Point or Polygon.')
  if (g.type === 'Point') return { type: 'point', at: position(g.coordinates, precision) }
  if (g.type !== 'Polygon' || !Array.isArray(g.coordinates)) throw new InvalidInputError('The location must be a GeoJSON Point or Polygon.')
  const rings = g.coordinates as unknown[]
  if (rings.length < 1 || rings.length > MAX_RINGS) throw new InvalidInputError(`A polygon has 1 to ${MAX_RINGS} rings (rule PLACE-2).`)
  let n = 0
  for (const r of rings) n += Array.isArray(r) ? r.length : 0
  if (n > MAX_VERTICES + rings.length) throw new InvalidInputError(`A place's outline may have at most ${MAX_VERTICES} vertices; this one has ${n}. Simplify it first (rule PLACE-2).`)
  const out = rings.map((r) => {
    if (!Array.isArray(r)) throw new InvalidInputError('A polygon ring is a list of positions (rule PLACE-2).')
    const ring = r.map((p) => position(p, precision))
    const a = ring[0]
    const b = ring[ring.length - 1]
    // GeoJSON rings are closed; close an open one rather than refuse it.
    if (a && b && (a[0] !== b[0] || a[1] !== b[1])) ring.push([a[0], a[1]])
    if (ring.length < 4) throw new InvalidInputError('A polygon ring needs at least 3 distinct corners (rule PLACE-2).')
    return ring
  })
  if (out.reduce((s, r) => s + r.length, 0) > MAX_VERTICES) throw new InvalidInputError(`A place's outline may have at most ${MAX_VERTICES} vertices (rule PLACE-2).`)
  return { type: 'polygon', rings: out }
}

/** The signed geometry back to GeoJSON in degrees. */
export function geoJsonOf(g: Geometry | null): PlaceGeometry | null {
  if (!g) return null
  const deg = ([x, y]: readonly [number, number]): [number, number] => [x / 1e6, y / 1e6]
  return g.type === 'point'
    ? { type: 'Point', coordinates: deg(g.at) }
    : { type: 'Polygon', coordinates: g.rings.map((r) => r.map(deg)) }
}

/** PLACE-2, PLACE-3: a place's body from the API's fields (its name already checked), rounded to its precision. */
export function placeBodyOf(input: Omit<PlaceInput, 'community'>, name: string): SealedBodyOf<'place.add'> {
  const precision = placePrecision(input.precision)
  return {
    name,
    kind: placeKind(input.kind),
    status: input.status === undefined ? 'proposed' : placeStatus(input.status),
    precision,
    geometry: geometryOf(input.geometry, precision),
    area: areaOf(input.areaM2),
    country: precision === 'hidden' ? undefined : countryCode(input.country),
    docs: docsOf(input.docs),
  }
}
