/**
 * Dossiers (DOSSIER-1..4 in docs/PROTOCOL.md): a community's signed ops plus
 * a census — who the members are at the given heads, how every decision came
 * out, how the charter evolved — that anyone can check offline with nothing
 * but the file. The census is a claim; `verifyDossier` recomputes it from the
 * ops and reports, in words, everything that does not match.
 */
import { decodeCanonical, describeValue, encodeCanonical, type CborValue } from './encoding/cbor'
import { toHex, utf8 } from './encoding/bytes'
import { sha256 } from './crypto/hash'
import { decodeOp, pureCrypto, type CryptoSuite, type AnyOp } from './op/envelope'
import { isSealedEnvelope } from './op/sealed-envelope'
import { KeyRing } from './op/keyring'
import type { CommunityId } from './op/ids'
import { Replica } from './replica/replica'
import type { CommunityState } from './replica/snapshot'

const FORMAT = 'polity-dossier'
const MAX_DOSSIER_BYTES = 2 * 1024 * 1024 * 1024 - 1

export interface Census {
  community: string
  name: string
  heads: string[]
  members: { id: string; role: string }[]
  decisions: { proposal: string; title: string; status: string; passed: boolean | null; settledBy: string | null }[]
  charter: { version: number; sha256: string; ratifiedBy: string }[]
}

export interface DossierVerification {
  ok: boolean
  community: string | null
  name: string | null
  opCount: number
  census: Census | null
  problems: string[]
}

export function censusOf(s: CommunityState): Census {
  return {
    community: s.community,
    name: s.name,
    heads: [...s.heads],
    members: s.members.map((m) => ({ id: m.id, role: m.role })),
    decisions: s.proposals.map((p) => ({
      proposal: p.id,
      title: p.title,
      status: p.status,
      passed: p.outcome ? p.outcome.passed : null,
      settledBy: p.settledBy,
    })),
    charter: s.charter.versions.map((v) => ({ version: v.version, sha256: toHex(sha256(utf8.encode(v.text))), ratifiedBy: v.ratifiedBy })),
  }
}

/**
 * DOSSIER-3: a sealed (v2) community's dossier also carries the epoch keys
 * (`keys: [[epoch id, key]…]`) that open its ops: a dossier is a deliberate
 * disclosure, and without them nobody could recompute its census.
 */
export function encodeDossier(state: CommunityState, ops: readonly Uint8Array[], keys?: readonly (readonly [Uint8Array, Uint8Array])[]): Uint8Array {
  const base = { format: FORMAT, v: 1, census: censusOf(state) as unknown as CborValue, ops: ops as CborValue[] }
  return encodeCanonical(keys ? { ...base, keys: keys.map(([e, k]) => [e, k]) as CborValue[] } : base)
}

/** The epoch keys a dossier discloses (DOSSIER-3), offered to a ring (each used only if it matches its commitment). */
function ringOf(v: CborValue | undefined): KeyRing {
  const ring = new KeyRing()
  for (const e of Array.isArray(v) ? v.slice(0, 4096) : []) {
    if (Array.isArray(e) && e[0] instanceof Uint8Array && e[0].length === 32 && e[1] instanceof Uint8Array && e[1].length === 32) ring.offer(toHex(e[0]) as never, e[1])
  }
  return ring
}

export function verifyDossier(bytes: Uint8Array, crypto: CryptoSuite = pureCrypto): DossierVerification {
  const fail = (problem: string): DossierVerification => ({ ok: false, community: null, name: null, opCount: 0, census: null, problems: [problem] })
  let v: CborValue
  try {
    v = decodeCanonical(bytes, MAX_DOSSIER_BYTES, 'dossier')
  } catch (e) {
    return fail(`The file is damaged or not a dossier: ${(e as Error).message}`)
  }
  const o = v as Record<string, CborValue>
  if (o === null || typeof o !== 'object' || o['format'] !== FORMAT || o['v'] !== 1 || !Array.isArray(o['ops'])) {
    return fail('The file is not a Polity dossier (version 1).')
  }
  const claimed = o['census'] as unknown as Census
  if (claimed === null || typeof claimed !== 'object' || typeof claimed.community !== 'string') {
    return fail('The dossier has no census.')
  }
  const problems: string[] = []
  const ops: (AnyOp | Uint8Array)[] = []
  ;(o['ops'] as CborValue[]).forEach((raw, i) => {
    if (!(raw instanceof Uint8Array)) {
      problems.push(`Entry #${i + 1} is not an op.`)
      return
    }
    try {
      // A sealed op is decoded and opened by the replica, with the keys the dossier discloses.
      ops.push(isSealedEnvelope(raw) ? raw : decodeOp(raw, crypto))
    } catch (e) {
      problems.push(`Op #${i + 1} is invalid: ${(e as Error).message}`)
    }
  })
  const replica = new Replica({ community: claimed.community as CommunityId, crypto, keyRing: ringOf(o['keys']) })
  ops.forEach((op, i) => {
    const r = replica.receive(op)
    const id = r.id ?? (op instanceof Uint8Array ? '?' : op.id)
    const kind = op instanceof Uint8Array ? (r.status === 'applied' ? (r.applied[0]?.op.kind ?? 'op') : 'sealed op') : op.kind
    if (r.status === 'rejected') problems.push(`Op #${i + 1} (${id.slice(0, 12)}…, ${kind}) breaks a rule: ${r.error.message}`)
    if (r.status === 'duplicate') problems.push(`Op #${i + 1} (${id.slice(0, 12)}…) appears twice.`)
  })
  if (replica.pendingCount() > 0) {
    for (const m of replica.missing().slice(0, 5)) problems.push(`Op ${m.slice(0, 12)}… is needed by other ops but missing from the file.`)
    for (const e of (replica.sealedView()?.missingKeys() ?? []).slice(0, 5)) problems.push(`The key of epoch ${e.slice(0, 12)}… is needed to open ops but missing from the file.`)
  }
  if (replica.roster().genesis === null) {
    problems.push('The founding (genesis) op of the community is missing.')
    return { ok: false, community: claimed.community, name: null, opCount: replica.size, census: null, problems }
  }
  const actual = censusOf(replica.state())
  compareCensus(claimed, actual, problems)
  return { ok: problems.length === 0, community: actual.community, name: actual.name, opCount: replica.size, census: actual, problems }
}

function compareCensus(claimed: Census, actual: Census, problems: string[]): void {
  if (claimed.community !== actual.community) problems.push('The census names a different community than the ops.')
  if (claimed.name !== actual.name) problems.push(`The census names the community "${describeValue(claimed.name)}", the ops say "${actual.name}".`)
  const heads: unknown = claimed.heads
  const claimedHeads = Array.isArray(heads) && heads.every((h) => typeof h === 'string') ? (heads as string[]) : []
  if (claimedHeads.length === 0) problems.push('The census does not list the heads it was taken at.')
  const missingHeads = claimedHeads.filter((h) => !actual.heads.includes(h))
  if (missingHeads.length > 0) problems.push(`The census was taken at ops that are not in the file (${missingHeads.map((h) => `${h.slice(0, 12)}…`).join(', ')}): ops were removed.`)
  const extraHeads = actual.heads.filter((h) => !claimedHeads.includes(h))
  if (missingHeads.length === 0 && extraHeads.length > 0) problems.push('The file holds ops the census does not cover: ops were added.')
  // Compare canonically: the claimed census comes back from CBOR with its map keys sorted.
  const key = (x: unknown): string => {
    try {
      return toHex(encodeCanonical(x as CborValue))
    } catch {
      return 'unencodable'
    }
  }
  if (key(claimed.members) !== key(actual.members)) problems.push('The member list in the census does not match the ops.')
  if (key(claimed.decisions) !== key(actual.decisions)) problems.push('The decisions in the census do not match the ops.')
  if (key(claimed.charter) !== key(actual.charter)) problems.push('The charter history in the census does not match the ops.')
}
