/**
 * Letters of recognition (LETTER-1..8 in docs/PROTOCOL.md §20): one passed
 * `recognize` or `unrecognize` decision of a sealed community, provable
 * offline to anyone, from one file and nothing else.
 *
 *   {format: "polity-letter", v: 1, statement: {…claims}, ops: [envelope…],
 *    keys: [op key…], ack: [envelope…]}
 *
 * `ops` is the whole causal past of the close, and the close; `keys` one op
 * key per op (SEAL-7: it opens the op's structure, never its texts); `ack` a
 * path of sealed envelopes, without keys, from an op by another member down
 * to the close (LETTER-5). The verifier folds the structures under the same
 * rules as a member (the same mechanism as a redacted dossier, restricted to
 * one decision), checks the past is complete and nothing else, and recomputes
 * the outcome, the tally and the eligible members.
 */
import { decodeCanonical, encodeCanonical, type CborValue } from './encoding/cbor'
import { toHex } from './encoding/bytes'
import { sha256 } from './crypto/hash'
import { pureCrypto, type CryptoSuite } from './op/envelope'
import { decodeSealedOp, type SealedOp } from './op/sealed-envelope'
import { KeyRing } from './op/keyring'
import type { CommunityId, DeviceKey, MemberId, OpId } from './op/ids'
import { Replica } from './replica/replica'
import type { YesNoDetail } from './replica/outcome'

export const LETTER_FORMAT = 'polity-letter'
const MAX_BYTES = 2 * 1024 * 1024 * 1024 - 1

/** What a letter claims; every field but `fromName` is recomputed by the verifier. */
export interface LetterStatement {
  /** The recognizing community (its genesis id). */
  from: string
  /** LETTER-8: the name the exporter gives its own community: stated, not proven (the genesis name is a sealed text). */
  fromName: string
  /** The community recognized (or no longer recognized). */
  to: string
  action: 'recognize' | 'unrecognize'
  /** recognize: the name, statement and census hash the decision carries; unrecognize: null. */
  name: string | null
  statement: string | null
  census: string | null
  proposal: string
  close: string
  /** The close's time (ms since the epoch). */
  date: number
  tally: { eligible: number; yes: number; no: number; abstain: number }
  /** The quorum and threshold the close applied (GOV-6). */
  quorum: [number, number]
  threshold: [number, number]
  /** Member keys eligible to vote (the roster at the proposal's causal past), sorted. */
  eligible: string[]
}

export interface LetterVerification {
  ok: boolean
  statement: LetterStatement | null
  /** sha256 of the file (hex): what a community records when it imports the letter (REL-5). */
  sha256: string
  opCount: number
  /** LETTER-5: the member whose op acknowledges the close; null when the community vouches for itself. */
  acknowledgedBy: string | null
  /** LETTER-5: one member wrote every op (a community of one). */
  selfVouched: boolean
  problems: string[]
}

export interface LetterInput {
  community: CommunityId
  /** The community's sealed ops in a causal order (more than the close's past is fine: only that is kept). */
  ops: readonly SealedOp[]
  close: OpId
  opKeyOf: (op: SealedOp) => Uint8Array
  fromName: string
}

/** Fold sealed structures from op keys alone (SEAL-7), noting every op the rules refuse. */
function foldStructures(community: CommunityId, ops: readonly SealedOp[], keys: ReadonlyMap<OpId, Uint8Array>, crypto: CryptoSuite, problems: string[]): Replica {
  const ring = new KeyRing()
  for (const [id, k] of keys) ring.offerOpKey(id, k)
  const r = new Replica({ community, crypto, keyRing: ring })
  ops.forEach((op, i) => {
    const res = r.receive(op)
    if (res.status === 'rejected') problems.push(`LETTER-1: op #${i + 1} (${op.id.slice(0, 12)}…, ${op.kind}) breaks a rule: ${res.error.message}`)
    if (res.status === 'duplicate') problems.push(`LETTER-2: op #${i + 1} (${op.id.slice(0, 12)}…) appears twice.`)
  })
  for (const m of r.missing().slice(0, 5)) problems.push(`LETTER-2: op ${m.slice(0, 12)}… is in the causal past of the close but missing from the letter (an op left out).`)
  return r
}

/** The causal past of `close` (with it), in the order of `ops`. */
function pastOf(ops: readonly SealedOp[], close: OpId): SealedOp[] {
  const byId = new Map(ops.map((o) => [o.id, o] as const))
  const seen = new Set<OpId>()
  const stack: OpId[] = [close]
  while (stack.length > 0) {
    const id = stack.pop() as OpId
    if (seen.has(id)) continue
    const op = byId.get(id)
    if (!op) throw new Error(`LETTER-2: op ${id.slice(0, 12)}… of the close's past is not held.`)
    seen.add(id)
    for (const d of op.deps) stack.push(d)
  }
  return ops.filter((o) => seen.has(o.id))
}

/** The claims a fold supports for this close, or the first reason it supports none. */
function claimsOf(fold: Replica, close: OpId, fromName: string): { statement?: LetterStatement; problem?: string } {
  const ce = fold.entry(close)
  if (!ce || ce.op.kind !== 'proposal.close') {
    if (ce?.op.kind === 'proposal.withdraw') return { problem: 'LETTER-6: the op named as the close withdraws the proposal: a withdrawn proposal decided nothing.' }
    return { problem: 'LETTER-3: the close is missing from the letter (no proposal.close with that id).' }
  }
  const pid = toHex((ce.op.body as { proposal: Uint8Array }).proposal) as OpId
  const state = fold.state()
  const p = state.proposals.find((x) => x.id === pid)
  if (!p) return { problem: 'LETTER-3: the proposal the close settles is missing.' }
  const a = p.action
  if (a.type !== 'recognize' && a.type !== 'unrecognize') return { problem: `LETTER-4: the proposal is a ${a.type}, not a recognition.` }
  if (p.status === 'withdrawn') return { problem: 'LETTER-6: the proposal was withdrawn.' }
  const outcome = fold.outcomeOf(close)
  if (!outcome) return { problem: 'LETTER-3: the close has no outcome.' }
  if (!outcome.passed) return { problem: 'LETTER-6: the proposal did not pass (the close settles it as failed).' }
  const d = outcome.detail as YesNoDetail
  const pe = fold.entry(pid)
  const eligible = [...fold.rosterAt(pe ? pe.op.deps : []).members.keys()].sort()
  return {
    statement: {
      from: state.community,
      fromName,
      to: a.community,
      action: a.type,
      name: a.type === 'recognize' ? a.name : null,
      statement: a.type === 'recognize' ? a.statement : null,
      census: a.type === 'recognize' ? a.census : null,
      proposal: pid,
      close,
      date: ce.op.time,
      tally: { eligible: d.eligible, yes: d.yes, no: d.no, abstain: d.abstain },
      quorum: [d.quorum[0], d.quorum[1]],
      threshold: [d.threshold[0], d.threshold[1]],
      eligible,
    },
  }
}

const memberOfIn = (fold: Replica, device: string): MemberId | undefined => fold.roster().memberOf(device as DeviceKey)

/** Members who wrote ops of the fold. */
function authorsOf(fold: Replica, ops: readonly SealedOp[]): Set<string> {
  return new Set(ops.map((o) => memberOfIn(fold, o.author) ?? o.author))
}

/**
 * LETTER-5: a path of ops from one by another member (active at the close)
 * down to the close: the first such op in `ops`' order, found in one pass.
 */
function ackPath(fold: Replica, ops: readonly SealedOp[], close: OpId, closer: MemberId): SealedOp[] | undefined {
  const roster = fold.roster()
  const parent = new Map<OpId, OpId>()
  const below = new Set<OpId>([close])
  for (const op of ops) {
    const via = op.deps.find((d) => below.has(d))
    if (via === undefined || below.has(op.id)) continue
    below.add(op.id)
    parent.set(op.id, via)
    const m = roster.memberOf(op.author)
    if (m === undefined || m === closer || !roster.members.has(m)) continue
    const byId = new Map(ops.map((o) => [o.id, o] as const))
    const path: SealedOp[] = []
    for (let id: OpId | undefined = op.id; id !== undefined && id !== close; id = parent.get(id)) path.push(byId.get(id) as SealedOp)
    return path
  }
  return undefined
}

/**
 * LETTER-1..8: export the letter for one close. Throws an Error naming the
 * rule when the decision is no passed recognition, or (LETTER-5) no other
 * member has acknowledged the close yet.
 */
export function encodeLetter(input: LetterInput, crypto: CryptoSuite = pureCrypto): Uint8Array {
  const past = pastOf(input.ops, input.close)
  const keys = new Map(past.map((o) => [o.id, input.opKeyOf(o)] as const))
  const problems: string[] = []
  const fold = foldStructures(input.community, past, keys, crypto, problems)
  if (problems.length > 0) throw new Error(problems[0])
  const c = claimsOf(fold, input.close, input.fromName)
  if (!c.statement) throw new Error(c.problem)
  const closer = memberOfIn(fold, (fold.entry(input.close) as { op: { author: string } }).op.author) as MemberId
  let ack: SealedOp[] = []
  if (authorsOf(fold, past).size > 1) {
    const after = input.ops.slice(input.ops.findIndex((o) => o.id === input.close) + 1)
    const path = ackPath(fold, after, input.close, closer)
    if (!path) throw new Error('LETTER-5: no other member has built on the close yet; the letter could not be checked. Sync with the community and try again.')
    ack = path
  }
  return encodeCanonical({
    format: LETTER_FORMAT,
    v: 1,
    statement: c.statement as unknown as CborValue,
    ops: past.map((o) => o.bytes),
    keys: past.map((o) => keys.get(o.id) as Uint8Array),
    ack: ack.map((o) => o.bytes),
  })
}

/** Is this file a letter (by its format field)? */
export function isLetter(bytes: Uint8Array): boolean {
  try {
    const v = decodeCanonical(bytes, MAX_BYTES, 'letter') as Record<string, CborValue>
    return v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Uint8Array) && v['format'] === LETTER_FORMAT
  } catch {
    return false
  }
}

const canon = (x: unknown): string => {
  try {
    return toHex(encodeCanonical(x as CborValue))
  } catch {
    return 'unencodable'
  }
}

/** LETTER-1..8: check a letter with nothing but the file (no identity, no community). */
export function verifyLetter(bytes: Uint8Array, crypto: CryptoSuite = pureCrypto): LetterVerification {
  const digest = toHex(sha256(bytes))
  const result = (problems: string[], extra: Partial<LetterVerification> = {}): LetterVerification => ({
    ok: problems.length === 0, statement: null, sha256: digest, opCount: 0, acknowledgedBy: null, selfVouched: false, problems, ...extra,
  })
  let v: CborValue
  try {
    v = decodeCanonical(bytes, MAX_BYTES, 'letter')
  } catch (e) {
    return result([`LETTER-1: the file is damaged or not a letter: ${(e as Error).message}`])
  }
  const o = v as Record<string, CborValue>
  if (o === null || typeof o !== 'object' || Array.isArray(o) || o['format'] !== LETTER_FORMAT || o['v'] !== 1) return result(['LETTER-1: the file is not a Polity letter (version 1).'])
  const claimed = o['statement'] as unknown as LetterStatement
  if (!Array.isArray(o['ops']) || !Array.isArray(o['keys']) || !Array.isArray(o['ack'])) return result(['LETTER-1: a letter holds ops, keys and ack lists.'])
  if (claimed === null || typeof claimed !== 'object' || typeof claimed.from !== 'string' || typeof claimed.close !== 'string') return result(['LETTER-1: the letter has no statement.'])
  const rawOps = o['ops'] as CborValue[]
  const rawKeys = o['keys'] as CborValue[]
  if (rawKeys.length !== rawOps.length) return result([`LETTER-1: the letter holds ${rawOps.length} ops and ${rawKeys.length} keys; each op has exactly one key.`])
  const problems: string[] = []
  const ops: SealedOp[] = []
  const keys = new Map<OpId, Uint8Array>()
  rawOps.forEach((raw, i) => {
    const key = rawKeys[i]
    if (!(raw instanceof Uint8Array) || !(key instanceof Uint8Array) || key.length !== 32) {
      problems.push(`LETTER-1: entry #${i + 1} is not an op with a 32-byte key.`)
      return
    }
    try {
      const op = decodeSealedOp(raw, crypto)
      if (op.community !== claimed.from) problems.push(`LETTER-1: op #${i + 1} belongs to another community than the letter's.`)
      ops.push(op)
      keys.set(op.id, key)
    } catch (e) {
      problems.push(`LETTER-1: op #${i + 1} is invalid: ${(e as Error).message}`)
    }
  })
  if (problems.length > 0) return result(problems, { opCount: ops.length })
  const fold = foldStructures(claimed.from as CommunityId, ops, keys, crypto, problems)
  if (fold.roster().genesis === null) return result([...problems, 'LETTER-2: the founding (genesis) op of the community is missing.'], { opCount: ops.length })
  const heads = fold.heads()
  if (!fold.has(claimed.close as OpId)) problems.push('LETTER-3: the close is missing from the letter.')
  else if (heads.length !== 1 || heads[0] !== claimed.close) problems.push(`LETTER-2: the letter holds ${heads.filter((h) => h !== claimed.close).length} op(s) outside the causal past of the close (an op added).`)
  const c = claimsOf(fold, claimed.close as OpId, typeof claimed.fromName === 'string' ? claimed.fromName : '')
  if (!c.statement) return result([...problems, c.problem as string], { opCount: ops.length })
  const actual = c.statement
  compareClaims(claimed, actual, problems)
  const ack = checkAck(fold, ops, o['ack'] as CborValue[], actual.close as OpId, crypto, problems)
  return result(problems, { statement: actual, opCount: ops.length, ...ack })
}

function compareClaims(claimed: LetterStatement, actual: LetterStatement, problems: string[]): void {
  if (claimed.to !== actual.to || claimed.action !== actual.action || claimed.proposal !== actual.proposal) {
    problems.push('LETTER-4: the statement names another community, action or proposal than the decision the ops prove.')
  }
  if (claimed.name !== actual.name || claimed.statement !== actual.statement || claimed.census !== actual.census) {
    problems.push('LETTER-4: the statement\'s name, text or census differs from the decision the community voted on (a changed statement).')
  }
  if (canon(claimed.tally) !== canon(actual.tally) || canon(claimed.quorum) !== canon(actual.quorum) || canon(claimed.threshold) !== canon(actual.threshold)) {
    problems.push(`LETTER-7: the tally claimed (${fmt(claimed.tally)}) is not the one the ops give (${fmt(actual.tally)}).`)
  }
  if (canon(claimed.eligible) !== canon(actual.eligible)) problems.push('LETTER-7: the eligible members claimed are not the roster at the proposal\'s causal past.')
  if (claimed.date !== actual.date) problems.push('LETTER-7: the date claimed is not the close\'s time.')
}

const fmt = (t: unknown): string => {
  const x = t as LetterStatement['tally'] | null
  return x && typeof x === 'object' ? `${x.yes} yes, ${x.no} no, ${x.abstain} abstain of ${x.eligible}` : 'none'
}

/** LETTER-5: the ack path links an op by another member, active at the close, down to the close. */
function checkAck(fold: Replica, ops: readonly SealedOp[], raw: CborValue[], close: OpId, crypto: CryptoSuite, problems: string[]): Partial<LetterVerification> {
  const closer = memberOfIn(fold, (fold.entry(close) as { op: { author: string } }).op.author)
  if (raw.length === 0) {
    if (authorsOf(fold, ops).size <= 1) return { selfVouched: true }
    problems.push('LETTER-5: no op of another member acknowledges the close (the ack is empty).')
    return {}
  }
  const path: SealedOp[] = []
  for (const [i, b] of raw.entries()) {
    try {
      if (!(b instanceof Uint8Array)) throw new Error('not bytes')
      path.push(decodeSealedOp(b, crypto))
    } catch (e) {
      problems.push(`LETTER-5: ack op #${i + 1} is invalid: ${(e as Error).message}`)
      return {}
    }
  }
  const from = fold.state().community
  for (const [i, op] of path.entries()) {
    const next = i + 1 < path.length ? (path[i + 1] as SealedOp).id : close
    if (op.community !== from || !op.deps.includes(next)) {
      problems.push('LETTER-5: the ack ops do not link down to the close (each must list the next among its deps, the last the close).')
      return {}
    }
  }
  const roster = fold.roster()
  const m = roster.memberOf((path[0] as SealedOp).author)
  if (m === undefined || !roster.members.has(m)) {
    problems.push('LETTER-5: the acknowledging op is not by a device of a member at the close.')
    return {}
  }
  if (m === closer) {
    problems.push('LETTER-5: the close is acknowledged only by its own author; another member must have built on it.')
    return {}
  }
  return { acknowledgedBy: m }
}
