/**
 * The op envelope (ENV-* in docs/PROTOCOL.md).
 *
 *   payload  = canonical CBOR map {v, community, author, seq, deps, time, kind, body}
 *   envelope = canonical CBOR array [payload bytes, signature]
 *   signature = ed25519(device key, "polity/op/v1\0" ‖ payload bytes)
 *   op id    = sha256(envelope bytes)
 *
 * `decodeOp` is the one function through which every op enters a replica,
 * whatever its transport; it checks size, canonical form, shape and
 * signature, and returns a typed Op or throws a named error.
 */
import { decodeCanonical, describeValue, encodeCanonical, type CborValue } from '../encoding/cbor'
import { compareBytes, concatBytes, fromHex, toHex, utf8 } from '../encoding/bytes'
import { DecodeError, SignatureError } from '../errors'
import { failedSignatureRule, sign, verifyStrict, type Verifier } from '../crypto/ed25519'
import { sha256, type Hasher } from '../crypto/hash'
import type { KeyPair } from '../crypto/identity'
import { checkBody, isOpKind, type BodyOf, type OpKind } from './kinds'
import { territoryRefs } from './territory-kinds'
import type { CommunityId, DeviceKey, OpId } from './ids'

export const PROTOCOL_VERSION = 1
/** ENV-2: the largest envelope a replica accepts. */
export const MAX_ENVELOPE_BYTES = 256 * 1024
/** ENV-4: the most deps an op may name (caps floods of heads). */
export const MAX_DEPS = 64
const SIGNING_DOMAIN = utf8.encode('polity/op/v1\0')

export interface Op<K extends OpKind = OpKind> {
  readonly id: OpId
  /** The signed envelope, verbatim. */
  readonly bytes: Uint8Array
  /** The community this op belongs to; for a genesis op, its own id. */
  readonly community: CommunityId
  readonly author: DeviceKey
  readonly seq: number
  /** Sorted, unique. Empty only for a genesis op. */
  readonly deps: readonly OpId[]
  /** The author's claim, milliseconds since 1970; advisory only. */
  readonly time: number
  readonly kind: K
  readonly body: BodyOf<K>
}

export type AnyOp = { [K in OpKind]: Op<K> }[OpKind]

type WithoutBytes<T> = T extends unknown ? Omit<T, 'bytes'> : never
/**
 * An op as a replica holds it once inserted: everything but the envelope
 * bytes, which the store keeps (a replica holds them only when asked to, see
 * `ReplicaOptions.keepEnvelopes`). Narrowing on `kind` works as for AnyOp.
 */
export type HeldOp = WithoutBytes<AnyOp>
export type HeldOpOf<K extends OpKind> = Omit<Op<K>, 'bytes'>

export interface OpDraft<K extends OpKind = OpKind> {
  /** null only for a genesis op. */
  community: CommunityId | null
  seq: number
  deps: readonly OpId[]
  time: number
  kind: K
  body: BodyOf<K>
}

/**
 * One signature to check over `prefix ‖ message` (the prefix is the signing
 * domain, shared by every item: kept apart so a batch of thousands need not
 * copy each payload just to prepend it).
 */
export interface VerifyItem {
  readonly signature: Uint8Array
  readonly prefix: Uint8Array
  readonly message: Uint8Array
  readonly key: Uint8Array
}

/** The bytes a VerifyItem's signature covers. */
export const signedBytesOf = (it: VerifyItem): Uint8Array => concatBytes(it.prefix, it.message)

export interface CryptoSuite {
  verify: Verifier
  hash: Hasher
  /** Optional faster signer; must produce the RFC 8032 signature (deterministic, so identical bytes). */
  sign?: (msg: Uint8Array, secretKey: Uint8Array) => Uint8Array
  /**
   * Optional: many signatures at once (a node checks them on every core).
   * Contract: answer i is exactly `verify(items[i]...)` (SIG-5).
   */
  verifyMany?: (items: readonly VerifyItem[], signal?: AbortSignal) => Promise<boolean[]>
  /**
   * Optional faster X25519 (RFC 7748) for wrapping epoch keys (SEAL-2): must
   * return exactly what the pure function returns, and throw (or return all
   * zeros) where it finds a small-order point (SEAL-6).
   */
  agree?: (secretKey: Uint8Array, publicKey: Uint8Array) => Uint8Array
}
export const pureCrypto: CryptoSuite = { verify: verifyStrict, hash: sha256 }

function toCbor(v: unknown): CborValue {
  // Bodies hold only CBOR-safe values by construction (checked by the schema on decode).
  return v as CborValue
}

/**
 * Ops an op's body refers to, which must be among its deps (VOTE-1, CLOSE-1,
 * WITHDRAW-1, EXTEND-1, COMMENT-1/2): so "is it in the causal past" is a lookup, not a search.
 */
export function referencedOps(kind: OpKind, body: unknown): OpId[] {
  const b = body as { proposal?: Uint8Array; replyTo?: Uint8Array }
  const out: OpId[] = territoryRefs(kind, body).map((r) => toHex(r) as OpId)
  if (kind === 'vote.cast' || kind === 'proposal.close' || kind === 'proposal.withdraw' || kind === 'comment.add' || (kind as string) === 'proposal.extend') {
    if (b.proposal instanceof Uint8Array) out.push(toHex(b.proposal) as OpId)
    if (b.replyTo instanceof Uint8Array) out.push(toHex(b.replyTo) as OpId)
  }
  return out
}

export function createOp<K extends OpKind>(draft: OpDraft<K>, device: KeyPair, crypto: CryptoSuite = pureCrypto): Op<K> {
  const deps = [...new Set([...draft.deps, ...referencedOps(draft.kind, draft.body)])].sort()
  const payloadValue = {
    v: PROTOCOL_VERSION,
    community: draft.community === null ? null : fromHex(draft.community, 32),
    author: device.publicKey,
    seq: draft.seq,
    deps: deps.map((d) => fromHex(d, 32)),
    time: draft.time,
    kind: draft.kind,
    body: toCbor(stripUndefined(draft.body)),
  }
  const payload = encodeCanonical(payloadValue as CborValue)
  const message = concatBytes(SIGNING_DOMAIN, payload)
  const signature = crypto.sign ? crypto.sign(message, device.secretKey) : sign(message, device.secretKey)
  const bytes = encodeCanonical([payload, signature])
  // Decode our own bytes: one code path decides what an op is (and a bad draft fails here, loudly).
  // The signature was made just above, so it is not verified again.
  return decodeEnvelope(bytes, crypto, false) as unknown as Op<K>
}

function stripUndefined(v: unknown): unknown {
  if (v === null || typeof v !== 'object' || v instanceof Uint8Array) return v
  if (Array.isArray(v)) return v.map(stripUndefined)
  const out: Record<string, unknown> = {}
  for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = stripUndefined(x)
  return out
}

const PAYLOAD_KEYS = ['author', 'body', 'community', 'deps', 'kind', 'seq', 'time', 'v']

/** Decode and verify one envelope. Throws DecodeError or SignatureError; never anything else. */
export function decodeOp(bytes: Uint8Array, crypto: CryptoSuite = pureCrypto): AnyOp {
  return decodeEnvelope(bytes, crypto, true)
}

/**
 * An envelope checked in every way but its signature, and the signature check
 * it still owes (ENV-6). For callers that verify many signatures at once
 * (`CryptoSuite.verifyMany`): the op must not reach a replica until
 * `verify(check.signature, signedBytesOf(check), check.key)` has returned true.
 */
export interface UncheckedOp {
  readonly op: AnyOp
  readonly check: VerifyItem
}

/** Decode one envelope without verifying its signature. Throws DecodeError; never anything else. */
export function decodeOpUnverified(bytes: Uint8Array, crypto: CryptoSuite = pureCrypto): UncheckedOp {
  let check: VerifyItem | undefined
  const op = decodeEnvelope(bytes, crypto, false, (c) => {
    check = c
  })
  return { op, check: check as VerifyItem }
}

/**
 * ENV-6's error for an op whose signature check (done apart, see
 * decodeOpUnverified) failed, naming the rule that failed (SIG-1..4).
 */
export function signatureError(check?: { signature: Uint8Array; key: Uint8Array }): SignatureError {
  if (!check) return new SignatureError('ENV-6: the signature does not verify under the author key.')
  const f = failedSignatureRule(check.signature, check.key)
  return new SignatureError(`ENV-6/${f.rule}: ${f.why}.`, f.rule)
}

function decodeEnvelope(bytes: Uint8Array, crypto: CryptoSuite, verifySignature: boolean, owe?: (check: VerifyItem) => void): AnyOp {
  const outer = decodeCanonical(bytes, MAX_ENVELOPE_BYTES, 'envelope')
  if (!Array.isArray(outer) || outer.length !== 2) throw new DecodeError('ENV-1: an envelope is [payload, signature].')
  const [payload, signature] = outer
  if (!(payload instanceof Uint8Array)) throw new DecodeError('ENV-1: the payload must be bytes.')
  if (!(signature instanceof Uint8Array) || signature.length !== 64) throw new DecodeError('ENV-1: the signature must be 64 bytes.')
  const p = decodeCanonical(payload, MAX_ENVELOPE_BYTES, 'payload')
  if (p === null || typeof p !== 'object' || Array.isArray(p) || p instanceof Uint8Array) {
    throw new DecodeError('ENV-3: the payload must be a map.')
  }
  const keys = Object.keys(p).sort()
  if (keys.join() !== PAYLOAD_KEYS.join()) throw new DecodeError(`ENV-3: the payload must have exactly the fields ${PAYLOAD_KEYS.join(', ')}.`)
  if (p['v'] !== PROTOCOL_VERSION) throw new DecodeError(`ENV-3: unsupported protocol version ${describeValue(p['v'])}.`)
  const author = p['author']
  if (!(author instanceof Uint8Array) || author.length !== 32) throw new DecodeError('ENV-3: author must be a 32-byte key.')
  const seq = p['seq']
  if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 1) throw new DecodeError('ENV-3: seq must be an integer ≥ 1.')
  const time = p['time']
  if (typeof time !== 'number' || !Number.isSafeInteger(time) || time < 0) throw new DecodeError('ENV-3: time must be an integer ≥ 0.')
  const kind = p['kind']
  if (!isOpKind(kind)) throw new DecodeError(`ENV-5: unknown op kind ${JSON.stringify(kind)}.`)
  const depsRaw = p['deps']
  if (!Array.isArray(depsRaw)) throw new DecodeError('ENV-4: deps must be a list.')
  if (depsRaw.length > MAX_DEPS) throw new DecodeError(`ENV-4: an op may name at most ${MAX_DEPS} deps, this one names ${depsRaw.length}.`)
  for (let i = 0; i < depsRaw.length; i++) {
    const d = depsRaw[i]
    if (!(d instanceof Uint8Array) || d.length !== 32) throw new DecodeError('ENV-4: every dep must be a 32-byte op id.')
    if (i > 0 && compareBytes(depsRaw[i - 1] as Uint8Array, d) >= 0) throw new DecodeError('ENV-4: deps must be sorted and unique.')
  }
  const communityRaw = p['community']
  const isGenesis = kind === 'genesis'
  if (isGenesis) {
    if (communityRaw !== null) throw new DecodeError('ENV-7: a genesis op has community null.')
    if (depsRaw.length !== 0 || seq !== 1) throw new DecodeError('ENV-7: a genesis op has no deps and seq 1.')
  } else {
    if (!(communityRaw instanceof Uint8Array) || communityRaw.length !== 32) throw new DecodeError('ENV-7: community must be a 32-byte id.')
    if (depsRaw.length === 0) throw new DecodeError('ENV-7: only a genesis op may have no deps.')
  }
  const body = checkBody(kind, p['body'])
  if (verifySignature && !crypto.verify(signature, concatBytes(SIGNING_DOMAIN, payload), author)) throw signatureError({ signature, key: author })
  if (owe) owe({ signature, prefix: SIGNING_DOMAIN, message: payload, key: author })
  const id = toHex(crypto.hash(bytes)) as OpId
  return {
    id,
    bytes,
    community: (isGenesis ? id : toHex(communityRaw as Uint8Array)) as CommunityId,
    author: toHex(author) as DeviceKey,
    seq,
    deps: (depsRaw as Uint8Array[]).map((d) => toHex(d) as OpId),
    time,
    kind,
    body,
  } as AnyOp
}
