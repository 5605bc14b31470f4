/**
 * The public census file (CENSUS-5): a community proves its size, footprint,
 * money and decisions to an outsider without handing over its roster's names.
 * Built on the redacted dossier (DOSSIER-R1..R3): every op with its op key
 * (structures only — no names, titles, texts; locations only as precise as
 * each place's precision, PLACE-3), and the census (CENSUS-1..4) of the
 * acknowledged ops (DOSSIER-R2), with the member keys and roles. The verifier
 * folds the structures and recomputes the census with nothing but the file.
 */
import { decodeCanonical, encodeCanonical, type CborValue } from './encoding/cbor'
import { toHex } from './encoding/bytes'
import type { SealedOp } from './op/sealed-envelope'
import { pureCrypto, type CryptoSuite } from './op/envelope'
import type { CommunityId } from './op/ids'
import { foldDisclosed, foldRedacted } from './redacted-dossier'
import { censusOfReplica, type CommunityCensus } from './census'
import type { Replica } from './replica/replica'

export const PUBLIC_CENSUS_FORMAT = 'polity-public-census'
const MAX_BYTES = 2 * 1024 * 1024 * 1024 - 1

export interface PublicCensus extends CommunityCensus {
  readonly community: string
  readonly heads: readonly string[]
  /** Member keys and roles: no names. */
  readonly roster: readonly { readonly id: string; readonly role: string }[]
}

export interface PublicCensusVerification {
  readonly ok: boolean
  readonly community: string | null
  readonly opCount: number
  readonly unacknowledged: number
  readonly census: PublicCensus | null
  readonly problems: string[]
}

/** CENSUS-5: the census of a fold of structures, as the file states it. */
export function publicCensusOf(replica: Replica): PublicCensus {
  const roster = replica.roster()
  const g = roster.genesis
  if (!g) throw new Error('The fold has no genesis.')
  return {
    community: g.id,
    heads: replica.heads(),
    roster: [...roster.members.values()].sort((a, b) => a.seniority - b.seniority).map((m) => ({ id: m.id, role: m.role })),
    ...censusOfReplica(replica),
  }
}

/** Plain data for canonical CBOR (no undefined fields). */
const plain = (v: unknown): CborValue => JSON.parse(JSON.stringify(v)) as CborValue

/** CENSUS-5: export the public census: every op with its op key, and the census of the acknowledged ones. */
export function encodePublicCensus(community: CommunityId, ops: readonly SealedOp[], opKeyOf: (op: SealedOp) => Uint8Array, crypto: CryptoSuite = pureCrypto): Uint8Array {
  const keys = new Map(ops.map((op) => [op.id, opKeyOf(op)] as const))
  const fold = foldRedacted(community, ops, keys, crypto)
  if (fold.acknowledged.roster().genesis === null) {
    throw new Error('No op of this community is acknowledged by a second member yet (DOSSIER-R2): a public census counts what another member built on.')
  }
  const kept = fold.all.ops().map((o) => o.id)
  const byId = new Map(ops.map((o) => [o.id, o] as const))
  return encodeCanonical({
    format: PUBLIC_CENSUS_FORMAT,
    v: 1,
    census: plain(publicCensusOf(fold.acknowledged)),
    ops: kept.map((id) => (byId.get(id) as SealedOp).bytes),
    keys: kept.map((id) => keys.get(id) as Uint8Array),
  })
}

/** CENSUS-5: check a public census file with nothing but the file: fold the structures, recompute, compare. */
export function verifyPublicCensus(bytes: Uint8Array, crypto: CryptoSuite = pureCrypto): PublicCensusVerification {
  const fail = (problem: string): PublicCensusVerification => ({ ok: false, community: null, opCount: 0, unacknowledged: 0, census: null, problems: [problem] })
  let v: CborValue
  try {
    v = decodeCanonical(bytes, MAX_BYTES, 'public census')
  } catch (e) {
    return fail(`The file is damaged or not a public census: ${(e as Error).message}`)
  }
  const o = v as Record<string, CborValue>
  if (v === null || typeof v !== 'object' || Array.isArray(v) || v instanceof Uint8Array || o['format'] !== PUBLIC_CENSUS_FORMAT || o['v'] !== 1 || !Array.isArray(o['ops']) || !Array.isArray(o['keys'])) {
    return fail('The file is not a Polity public census (version 1).')
  }
  const claimed = o['census'] as unknown as PublicCensus
  if (claimed === null || typeof claimed !== 'object' || typeof claimed.community !== 'string') return fail('The file states no census.')
  const rawOps = o['ops'] as CborValue[]
  const rawKeys = o['keys'] as CborValue[]
  if (rawKeys.length !== rawOps.length) return fail(`CENSUS-5: the file holds ${rawOps.length} ops and ${rawKeys.length} keys; each op has exactly one key.`)
  const { fold, problems } = foldDisclosed(claimed.community as CommunityId, rawOps, rawKeys, crypto)
  if (fold.acknowledged.roster().genesis === null) {
    problems.push('The founding (genesis) op of the community is missing.')
    return { ok: false, community: claimed.community, opCount: fold.all.size, unacknowledged: fold.unacknowledged.length, census: null, problems }
  }
  const actual = plain(publicCensusOf(fold.acknowledged)) as unknown as PublicCensus
  const key = (x: unknown): string => {
    try {
      return toHex(encodeCanonical(plain(x)))
    } catch {
      return 'unencodable'
    }
  }
  for (const f of ['community', 'heads', 'roster', 'members', 'byDay', 'byMonth', 'footprint', 'money', 'decisions'] as const) {
    if (key(claimed[f]) !== key(actual[f])) problems.push(`CENSUS-5: the census's ${f} does not match the ops in the file.`)
  }
  return { ok: problems.length === 0, community: actual.community, opCount: fold.all.size, unacknowledged: fold.unacknowledged.length, census: actual, problems }
}
