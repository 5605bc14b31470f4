/**
 * A deliberately tiny schema checker for op bodies: each field names its type
 * and bound, and a body with a missing, extra or out-of-bound field is a
 * DecodeError that says which field. (A general validation library would be
 * bigger than the whole set of rules it checks here.)
 *
 * ENV-5a: every key a peer chose is looked up as an own property only
 * (`Object.hasOwn`), never with `in` or a bare `obj[key]`: a field or variant
 * named after a built-in (`constructor`, `toString`, `__proto__`, …) must not
 * match what every JavaScript object inherits.
 */
import { DecodeError } from '../errors'
import type { CborValue } from './cbor'

export type Check<T> = (v: CborValue | undefined, path: string) => T

/**
 * A check with the bounds it enforces, readable by callers that validate
 * input before an op is built (the node's commands), so the limits are
 * stated once, here in the schema: characters for `text`, bytes for
 * `bytes`/`blob`, items for `list`, the value for `uint`.
 */
export type Bounded<T> = Check<T> & { readonly min: number; readonly max: number }

const bounded = <T>(check: Check<T>, min: number, max: number): Bounded<T> => Object.assign(check, { min, max })

const fail = (path: string, what: string): never => {
  throw new DecodeError(`Field "${path}" ${what}.`)
}

/** A key chosen by a peer, as it appears in an error message: quoted and cut short. */
export const keyForMessage = (k: string): string => (k.length > 40 ? `${JSON.stringify(k.slice(0, 40)).slice(0, -1)}…"` : JSON.stringify(k))

/** The value of an own property; inherited ones read as absent. */
export const ownValue = (obj: object, k: string): CborValue | undefined =>
  Object.hasOwn(obj, k) ? (obj as Record<string, CborValue>)[k] : undefined

const isMap = (v: CborValue | undefined): v is { [key: string]: CborValue } =>
  v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Uint8Array)

export const bytes = (len: number): Bounded<Uint8Array> => bounded((v, p) =>
  v instanceof Uint8Array && v.length === len ? v : fail(p, `must be ${len} bytes`), len, len)

export const blob = (max: number): Bounded<Uint8Array> => bounded((v, p) =>
  v instanceof Uint8Array && v.length <= max ? v : fail(p, `must be at most ${max} bytes`), 0, max)

export const text = (min: number, max: number): Bounded<string> => bounded((v, p) => {
  if (typeof v !== 'string') return fail(p, 'must be text')
  // Length in UTF-16 code units is what the UI limits; bytes are bounded by the envelope.
  if (v.length < min || v.length > max) return fail(p, `must be ${min}..${max} characters`)
  return v
}, min, max)

export const uint = (max = Number.MAX_SAFE_INTEGER, min = 0): Bounded<number> => bounded((v, p) =>
  typeof v === 'number' && Number.isSafeInteger(v) && v >= min && v <= max ? v : fail(p, `must be an integer in ${min}..${max}`), min, max)

export const oneOf = <T extends string>(...values: T[]): Check<T> => (v, p) =>
  typeof v === 'string' && (values as string[]).includes(v) ? (v as T) : fail(p, `must be one of ${values.join(', ')}`)

export const list = <T>(item: Check<T>, min: number, max: number): Bounded<T[]> => bounded((v, p) => {
  if (!Array.isArray(v)) return fail(p, 'must be a list')
  if (v.length < min || v.length > max) return fail(p, `must hold ${min}..${max} items`)
  return v.map((x, i) => item(x, `${p}[${i}]`))
}, min, max)

export const optional = <T>(c: Check<T>): Check<T | undefined> => (v, p) => (v === undefined ? undefined : c(v, p))

export type Shape = Record<string, Check<unknown>>
export type Infer<S extends Shape> = { [K in keyof S]: S[K] extends Check<infer T> ? T : never }

export const record = <S extends Shape>(shape: S): Check<Infer<S>> => {
  const fields = Object.entries(shape)
  return (v, p) => {
    if (!isMap(v)) return fail(p, 'must be a map')
    for (const k of Object.keys(v)) {
      if (!Object.hasOwn(shape, k)) throw new DecodeError(`Field "${p}" has a field ${keyForMessage(k)} that is not allowed.`)
    }
    const out: Record<string, unknown> = {}
    for (const [k, check] of fields) {
      const r = check(ownValue(v, k), p ? `${p}.${k}` : k)
      if (r !== undefined) out[k] = r
    }
    return out as Infer<S>
  }
}

/** A discriminated union on the `type` field. */
export const variant = <M extends Record<string, Shape>>(shapes: M): Check<{ [K in keyof M]: { type: K } & Infer<M[K]> }[keyof M]> => {
  // One record check per alternative, built once, in a Map: a `type` can only name an alternative.
  const checks = new Map<string, Check<unknown>>(Object.entries(shapes).map(([t, shape]) => [t, record({ ...shape, type: oneOf(t) })]))
  const names = [...checks.keys()].join(', ')
  return (v, p) => {
    if (!isMap(v)) return fail(p, 'must be a map')
    const t = ownValue(v, 'type')
    const check = typeof t === 'string' ? checks.get(t) : undefined
    if (!check) return fail(`${p}.type`, `must be one of ${names}`)
    return check(v, p) as never
  }
}

/** A fraction num/den with 0 ≤ num ≤ den, den ≥ 1, as a two-item list. */
export const fraction: Check<[number, number]> = (v, p) => {
  if (!Array.isArray(v) || v.length !== 2) return fail(p, 'must be [numerator, denominator]')
  const num = uint(1_000_000)(v[0], `${p}[0]`)
  const den = uint(1_000_000, 1)(v[1], `${p}[1]`)
  if (num > den) return fail(p, 'must be at most 1')
  return [num, den]
}
