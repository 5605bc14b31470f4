/**
 * The texts layer of a sealed op (SEAL-7 in docs/PROTOCOL.md §18): the fields
 * that carry words a person wrote, or a key, are sealed in a second box with
 * their own key, so an op's *structure* — who did what, to whom, when, with
 * which ballot — can be disclosed on its own (a redacted dossier, a public
 * census, a letter of recognition) without its names, titles and texts.
 *
 * In the box an op carries its body with each text field replaced by a fixed
 * placeholder (the structure), and the text fields themselves in `texts`. A
 * member merges them back; a verifier holding only the structure folds the
 * placeholders, which satisfy every schema by construction.
 */
import { DecodeError } from '../errors'
import type { CborValue } from '../encoding/cbor'
import type { SealedKind } from './sealed-kinds'

/** One text field: where it sits in the body, and what stands in for it in the structure. */
interface TextPath {
  readonly path: readonly string[]
  readonly placeholder: (value: CborValue) => CborValue
}

const DOT = '·'
const text1: TextPath['placeholder'] = () => DOT
const text0: TextPath['placeholder'] = () => ''
/** Ballot options keep their number (ballots index them) and stay distinct. */
const options: TextPath['placeholder'] = (v) => (Array.isArray(v) ? v.map((_, i) => `#${i + 1}`) : v)
const noBytes: TextPath['placeholder'] = () => new Uint8Array(0)
const noList: TextPath['placeholder'] = () => []

const at = (path: string, placeholder: TextPath['placeholder']): TextPath => ({ path: path.split('.'), placeholder })

/**
 * SEAL-7: the text fields of each kind. A kind not listed has none (its
 * texts box is absent). `epoch.rekey`'s `keys` are earlier epochs' keys: a
 * secret, not a text, sealed in the same layer for the same reason.
 */
export const TEXT_PATHS: ReadonlyMap<SealedKind, readonly TextPath[]> = new Map<SealedKind, readonly TextPath[]>([
  ['genesis', [at('name', text1), at('purpose', text0), at('charter', text0)]],
  ['member.remove', [at('reason', text0)]],
  ['profile.set', [at('name', text1)]],
  ['charter.edit', [at('update', noBytes)]],
  ['proposal.create', [at('title', text1), at('text', text0), at('action.charter', text0), at('action.placeName', text1), at('method.options', options)]],
  ['comment.add', [at('text', text1)]],
  ['epoch.rekey', [at('keys', noList)]],
  // Issue 17: a place's name, a campaign's title and text (locations are already rounded to their precision, PLACE-3).
  ['place.add', [at('name', text1)]],
  ['campaign.open', [at('title', text1), at('text', text0)]],
  // REL-5, REL-6: the name a letter gives its community, an outside body's label and how its key was obtained.
  ['relation.letter', [at('name', text0)]],
  ['relation.body', [at('label', text1), at('source', text0)]],
])

export const hasTexts = (kind: SealedKind): boolean => TEXT_PATHS.has(kind)

const isMap = (v: unknown): v is Record<string, CborValue> => v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Uint8Array)

/** The map holding the last key of `path`, when every step exists (own properties only). */
function parentOf(body: CborValue, path: readonly string[]): Record<string, CborValue> | undefined {
  let cur: CborValue = body
  for (const k of path.slice(0, -1)) {
    if (!isMap(cur) || !Object.hasOwn(cur, k)) return undefined
    cur = cur[k] as CborValue
  }
  return isMap(cur) && Object.hasOwn(cur, path[path.length - 1] as string) ? cur : undefined
}

function cloneMaps(v: CborValue): CborValue {
  if (Array.isArray(v)) return v.map(cloneMaps)
  if (!isMap(v)) return v
  const out: Record<string, CborValue> = {}
  for (const [k, x] of Object.entries(v)) out[k] = cloneMaps(x)
  return out
}

/** Split a body into its structure and its texts (keyed by dotted path). */
export function splitTexts(kind: SealedKind, body: CborValue): { structure: CborValue; texts: Record<string, CborValue> | undefined } {
  const paths = TEXT_PATHS.get(kind)
  if (!paths) return { structure: body, texts: undefined }
  const structure = cloneMaps(body)
  const texts: Record<string, CborValue> = {}
  for (const p of paths) {
    const parent = parentOf(structure, p.path)
    if (!parent) continue
    const k = p.path[p.path.length - 1] as string
    texts[p.path.join('.')] = parent[k] as CborValue
    parent[k] = p.placeholder(parent[k] as CborValue)
  }
  return { structure, texts }
}

/** The structure of a body: each text field replaced by its placeholder. */
export function structureOf(kind: SealedKind, body: CborValue): CborValue {
  return splitTexts(kind, body).structure
}

/**
 * Put the texts back into a structure. Throws DecodeError (SEAL-7) when the
 * texts name a field the structure lacks, or lack one it has.
 */
export function mergeTexts(kind: SealedKind, structure: CborValue, texts: CborValue): CborValue {
  const paths = TEXT_PATHS.get(kind) ?? []
  if (!isMap(texts)) throw new DecodeError('SEAL-7: the texts layer must be a map.')
  const body = cloneMaps(structure)
  const seen = new Set<string>()
  for (const p of paths) {
    const parent = parentOf(body, p.path)
    if (!parent) continue
    const name = p.path.join('.')
    if (!Object.hasOwn(texts, name)) throw new DecodeError(`SEAL-7: the texts layer lacks "${name}".`)
    parent[p.path[p.path.length - 1] as string] = texts[name] as CborValue
    seen.add(name)
  }
  for (const k of Object.keys(texts)) if (!seen.has(k)) throw new DecodeError(`SEAL-7: the texts layer has a field "${k.slice(0, 40)}" its structure does not.`)
  return body
}

/** SEAL-7: was this op opened from a disclosed op key only (its texts are placeholders)? */
export const isRedacted = (op: object): boolean => (op as { redacted?: unknown }).redacted === true
