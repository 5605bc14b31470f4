/**
 * Redacted dossiers (DOSSIER-R1..R5 in docs/PROTOCOL.md): a sealed
 * community's counts and decisions, provable offline to someone who is not a
 * member, without one name or text. The file holds sealed envelopes and, for
 * each, only its op key: the key opens the op's structure (SEAL-7) — who did
 * what, to whom, when, with which ballot — never its texts layer, and never
 * another op. The verifier folds the structures under the same rules as a
 * member and recomputes the census.
 *
 * What a member's device checks and a verifier cannot — that a box opens with
 * the key its epoch derives, that a text layer opens and fits — means a member
 * could show an outsider an op the community rejected. Such an op is never
 * built on by an honest member (DAG-6), so DOSSIER-R2 counts only ops that
 * another member's op has in its causal past: one lying member cannot forge
 * a redacted dossier; two colluding members can show ops built only by them.
 */
import { decodeCanonical, encodeCanonical, type CborValue } from './encoding/cbor'
import { toHex } from './encoding/bytes'
import { pureCrypto, type CryptoSuite } from './op/envelope'
import { decodeSealedOp, type SealedOp } from './op/sealed-envelope'
import { KeyRing } from './op/keyring'
import type { CommunityId, MemberId, OpId } from './op/ids'
import { Replica } from './replica/replica'
import type { CommunityState } from './replica/snapshot'
import { censusOf, type Census } from './dossier'

export const REDACTED_FORMAT = 'polity-redacted-dossier'
const MAX_BYTES = 2 * 1024 * 1024 * 1024 - 1

/** DOSSIER-R1: the census a redacted dossier claims: member keys, roles and decisions; no names, titles or texts. */
export interface RedactedCensus {
  community: string
  heads: string[]
  members: { id: string; role: string }[]
  decisions: { proposal: string; action: string; status: string; passed: boolean | null; settledBy: string | null }[]
  charter: { version: number; ratifiedBy: string }[]
}

export interface RedactedVerification {
  ok: boolean
  community: string | null
  opCount: number
  /** DOSSIER-R2: ops in the file that no other member's op acknowledges: not counted (the newest ops, or ops the community rejected). */
  unacknowledged: number
  census: RedactedCensus | null
  problems: string[]
}

export function redactCensus(state: CommunityState): RedactedCensus {
  const c: Census = censusOf(state)
  return {
    community: c.community,
    heads: c.heads,
    members: c.members,
    decisions: state.proposals.map((p) => ({
      proposal: p.id,
      action: p.action.type,
      status: p.status,
      passed: p.outcome ? p.outcome.passed : null,
      settledBy: p.settledBy,
    })),
    charter: c.charter.map((v) => ({ version: v.version, ratifiedBy: v.ratifiedBy })),
  }
}

/** The folds a redacted dossier rests on: every op it holds, and the acknowledged ones (DOSSIER-R2). */
export interface RedactedFold {
  /** Every op folded from its structure. */
  readonly all: Replica
  /** Only the acknowledged ops: the census is taken here. */
  readonly acknowledged: Replica
  /** Ops held but acknowledged by no other member's op. */
  readonly unacknowledged: OpId[]
  /** Problems met folding (rejected or undisclosed ops). */
  readonly problems: string[]
}

/**
 * Fold sealed ops from their op keys alone (SEAL-7), then again with only the
 * ops another member's op has in its causal past (DOSSIER-R2).
 */
export function foldRedacted(community: CommunityId, ops: readonly SealedOp[], opKeys: ReadonlyMap<OpId, Uint8Array>, crypto: CryptoSuite = pureCrypto): RedactedFold {
  const ring = (): KeyRing => {
    const r = new KeyRing()
    for (const [id, k] of opKeys) r.offerOpKey(id, k)
    return r
  }
  const problems: string[] = []
  const all = new Replica({ community, crypto, keyRing: ring() })
  ops.forEach((op, i) => {
    const r = all.receive(op)
    if (r.status === 'rejected') problems.push(`Op #${i + 1} (${op.id.slice(0, 12)}…, ${op.kind}) breaks a rule: ${r.error.message}`)
    if (r.status === 'duplicate') problems.push(`Op #${i + 1} (${op.id.slice(0, 12)}…) appears twice.`)
  })
  for (const op of ops) {
    if (all.isPending(op.id) && !opKeys.has(op.id)) problems.push(`Op ${op.id.slice(0, 12)}… (${op.kind}) is in the file but its key is not (DOSSIER-R1: every op is disclosed).`)
  }
  for (const m of all.missing().slice(0, 5)) problems.push(`Op ${m.slice(0, 12)}… is needed by other ops but missing from the file.`)
  const acked = acknowledgedOps(all)
  const acknowledged = new Replica({ community, crypto, keyRing: ring() })
  const unacknowledged: OpId[] = []
  for (const op of ops) {
    if (!all.has(op.id)) continue
    if (acked.has(op.id)) acknowledged.receive(op)
    else unacknowledged.push(op.id)
  }
  return { all, acknowledged, unacknowledged, problems }
}

/**
 * DOSSIER-R2: the ops that some op by a different member has in its causal
 * past (every op, when one member wrote them all). Downward closed, so it is
 * a history of its own. Walks the DAG once
 * from its tips, carrying up to two distinct members seen below each op.
 */
export function acknowledgedOps(replica: Replica): Set<OpId> {
  const ops = replica.ops()
  const roster = replica.roster()
  const memberOf = (author: string): MemberId => roster.memberOf(author as never) ?? (author as MemberId)
  // A community of one vouches for itself: with one member ever, nobody else could acknowledge anything.
  if (new Set(ops.map((o) => memberOf(o.author))).size <= 1) return new Set(ops.map((o) => o.id))
  const below = new Map<OpId, MemberId[]>()
  const out = new Set<OpId>()
  for (let i = ops.length - 1; i >= 0; i--) {
    const op = ops[i] as (typeof ops)[number]
    const me = memberOf(op.author)
    const seen = below.get(op.id) ?? []
    if (seen.some((m) => m !== me)) out.add(op.id)
    const passDown = seen.includes(me) ? seen : seen.length < 2 ? [...seen, me] : seen
    for (const d of op.deps) {
      const s = below.get(d) ?? []
      for (const m of passDown) if (s.length < 2 && !s.includes(m)) s.push(m)
      below.set(d, s)
    }
  }
  return out
}

/**
 * DOSSIER-R1: export a redacted dossier: the acknowledged ops (DOSSIER-R2)
 * with their op keys, and the census folded from their structures — the
 * exporter computes it with the verifier's own code.
 */
export function encodeRedactedDossier(community: CommunityId, ops: readonly SealedOp[], opKeyOf: (op: SealedOp) => Uint8Array, crypto: CryptoSuite = pureCrypto): Uint8Array {
  const keys = new Map(ops.map((op) => [op.id, opKeyOf(op)] as const))
  const fold = foldRedacted(community, ops, keys, crypto)
  // Every op goes in (an op is acknowledged only if the op that acknowledges it is there too); the census counts the acknowledged ones.
  const kept = fold.all.ops().map((o) => o.id)
  const byId = new Map(ops.map((o) => [o.id, o] as const))
  return encodeCanonical({
    format: REDACTED_FORMAT,
    v: 1,
    census: redactCensus(fold.acknowledged.state()) as unknown as CborValue,
    ops: kept.map((id) => (byId.get(id) as SealedOp).bytes),
    keys: kept.map((id) => keys.get(id) as Uint8Array),
  })
}

/** Which kind of dossier a file is ('full' for DOSSIER-1..3, 'redacted' for DOSSIER-R1), or null when it is neither. */
export function dossierKind(bytes: Uint8Array): 'full' | 'redacted' | null {
  try {
    const v = decodeCanonical(bytes, MAX_BYTES, 'dossier') as Record<string, CborValue>
    if (isRedactedDossier(v)) return 'redacted'
    return v !== null && typeof v === 'object' && v['format'] === 'polity-dossier' ? 'full' : null
  } catch {
    return null
  }
}

export function isRedactedDossier(v: CborValue): boolean {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Uint8Array) && (v as Record<string, CborValue>)['format'] === REDACTED_FORMAT
}

/**
 * A disclosure file's ops and op keys (one key per op, same order), decoded
 * and folded by foldRedacted: the shared first half of every verifier of
 * op-key disclosures (redacted dossiers, public censuses). Entries that are
 * not ops with 32-byte keys, or do not decode, are named in `problems`.
 */
export function foldDisclosed(community: CommunityId, rawOps: readonly CborValue[], rawKeys: readonly CborValue[], crypto: CryptoSuite = pureCrypto): { fold: RedactedFold; problems: string[] } {
  const problems: string[] = []
  const ops: SealedOp[] = []
  const keys = new Map<OpId, Uint8Array>()
  rawOps.forEach((raw, i) => {
    const key = rawKeys[i]
    if (!(raw instanceof Uint8Array) || !(key instanceof Uint8Array) || key.length !== 32) {
      problems.push(`Entry #${i + 1} is not an op with a 32-byte key.`)
      return
    }
    try {
      const op = decodeSealedOp(raw, crypto)
      ops.push(op)
      keys.set(op.id, key)
    } catch (e) {
      problems.push(`Op #${i + 1} is invalid: ${(e as Error).message}`)
    }
  })
  const fold = foldRedacted(community, ops, keys, crypto)
  problems.push(...fold.problems)
  return { fold, problems }
}

/** DOSSIER-R1..R5: check a redacted dossier with nothing but the file. */
export function verifyRedactedDossier(bytes: Uint8Array, crypto: CryptoSuite = pureCrypto): RedactedVerification {
  const fail = (problem: string): RedactedVerification => ({ ok: false, community: null, opCount: 0, unacknowledged: 0, census: null, problems: [problem] })
  let v: CborValue
  try {
    v = decodeCanonical(bytes, MAX_BYTES, 'redacted dossier')
  } catch (e) {
    return fail(`The file is damaged or not a redacted dossier: ${(e as Error).message}`)
  }
  const o = v as Record<string, CborValue>
  if (!isRedactedDossier(v) || o['v'] !== 1 || !Array.isArray(o['ops']) || !Array.isArray(o['keys'])) return fail('The file is not a Polity redacted dossier (version 1).')
  const claimed = o['census'] as unknown as RedactedCensus
  if (claimed === null || typeof claimed !== 'object' || typeof claimed.community !== 'string') return fail('The redacted dossier has no census.')
  const rawOps = o['ops'] as CborValue[]
  const rawKeys = o['keys'] as CborValue[]
  if (rawKeys.length !== rawOps.length) return fail(`DOSSIER-R1: the file holds ${rawOps.length} ops and ${rawKeys.length} keys; each op has exactly one key.`)
  const { fold, problems } = foldDisclosed(claimed.community as CommunityId, rawOps, rawKeys, crypto)
  if (fold.acknowledged.roster().genesis === null) {
    problems.push('The founding (genesis) op of the community is missing.')
    return { ok: false, community: claimed.community, opCount: fold.all.size, unacknowledged: fold.unacknowledged.length, census: null, problems }
  }
  const actual = redactCensus(fold.acknowledged.state())
  compareRedacted(claimed, actual, problems)
  return { ok: problems.length === 0, community: actual.community, opCount: fold.all.size, unacknowledged: fold.unacknowledged.length, census: actual, problems }
}

function compareRedacted(claimed: RedactedCensus, actual: RedactedCensus, problems: string[]): void {
  const key = (x: unknown): string => {
    try {
      return toHex(encodeCanonical(x as CborValue))
    } catch {
      return 'unencodable'
    }
  }
  if (claimed.community !== actual.community) problems.push('The census names a different community than the ops.')
  if (key(claimed.heads) !== key(actual.heads)) problems.push('DOSSIER-R3: the census was not taken at the heads of the acknowledged ops in the file.')
  if (key(claimed.members) !== key(actual.members)) problems.push('DOSSIER-R3: the member list in the census does not match the ops.')
  if (key(claimed.decisions) !== key(actual.decisions)) problems.push('DOSSIER-R3: the decisions in the census do not match the ops.')
  if (key(claimed.charter) !== key(actual.charter)) problems.push('DOSSIER-R3: the charter history in the census does not match the ops.')
}
