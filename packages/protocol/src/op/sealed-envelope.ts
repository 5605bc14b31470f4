/**
 * The v2 envelope: sealed ops (ENV2-* in docs/PROTOCOL.md §18).
 *
 *   payload   = canonical CBOR map {v: 2, community, author, seq, deps, kind, epoch, clear, box}
 *   envelope  = canonical CBOR array [payload bytes, signature]
 *   signature = ed25519(device key, "polity/op/v2\0" ‖ payload bytes)
 *   op id     = SHA-256(envelope bytes)
 *   box       = sealBox(epoch key, canonical CBOR {time, body, texts?}, aad)
 *   texts     = SEAL-7: the kind's text fields, sealed under their own key;
 *               `body` then holds each text field at its placeholder (texts.ts)
 *   aad       = "polity/box/v2\0" ‖ canonical CBOR of the payload without `box`
 *
 * `decodeSealedOp` checks everything a holder of no key can check (size,
 * canonical form, shape, clear fields, signature): a relay stores and
 * forwards SealedOps. `openOp` opens one with a KeyRing.
 */
import { decodeCanonical, describeValue, encodeCanonical, type CborValue } from '../encoding/cbor'
import { compareBytes, concatBytes, fromHex, toHex, utf8 } from '../encoding/bytes'
import { DecodeError } from '../errors'
import { sign } from '../crypto/ed25519'
import { sha256 } from '../crypto/hash'
import type { KeyPair } from '../crypto/identity'
import { randomBytes } from '@noble/hashes/utils.js'
import { BOX_NONCE_BYTES, BOX_OVERHEAD, boxNonce, opKeyOf, openBoxWithOpKey, openTexts, sealBox, sealTexts, textsKeyOf, wrapEpochKey, epochCommitment, type Agree } from '../crypto/seal'
import { hasTexts, mergeTexts, splitTexts, structureOf } from './texts'
import { MAX_DEPS, MAX_ENVELOPE_BYTES, pureCrypto, signatureError, type CryptoSuite, type VerifyItem } from './envelope'
import type { CommunityId, DeviceKey, OpId } from './ids'
import { checkClearOf, checkSealedBody, isSealedKind, type Clear, type SealedBodyOf, type SealedKind, type Wrap } from './sealed-kinds'

export const SEALED_VERSION = 2
const SIGNING_DOMAIN = utf8.encode('polity/op/v2\0')
const BOX_DOMAIN = utf8.encode('polity/box/v2\0')
const PAYLOAD_KEYS = ['author', 'box', 'clear', 'community', 'deps', 'epoch', 'kind', 'seq', 'v']

/** A decoded, signature-checked v2 op: everything readable without a key. */
export interface SealedOp<K extends SealedKind = SealedKind> {
  readonly v: 2
  readonly id: OpId
  readonly bytes: Uint8Array
  /** For a genesis op, its own id. */
  readonly community: CommunityId
  readonly author: DeviceKey
  readonly seq: number
  readonly deps: readonly OpId[]
  readonly kind: K
  /** The epoch the box is sealed under; null in a genesis and a re-key's first part, sealed under the key they create. */
  readonly epoch: OpId | null
  readonly clear: Clear | null
  readonly box: Uint8Array
  /** What the box is bound to (ENV2-5). */
  readonly aad: Uint8Array
}

/** The epoch an op is sealed under, and whose key its wraps carry (EPOCH-1): its `epoch`, or itself. */
export const ownEpoch = (op: { readonly id: OpId; readonly epoch: OpId | null }): OpId => op.epoch ?? op.id

/** An opened v2 op: the fields a replica folds, plus the epoch it was sealed under and its clear part. */
export interface OpenedOpOf<K extends SealedKind> {
  readonly id: OpId
  readonly bytes: Uint8Array
  readonly community: CommunityId
  readonly author: DeviceKey
  readonly seq: number
  readonly deps: readonly OpId[]
  readonly time: number
  readonly kind: K
  readonly body: SealedBodyOf<K>
  /** The epoch the box was sealed under (its own id for a genesis or a re-key's first part). */
  readonly epoch: OpId
  /** Whether `epoch` was named (false: the op created it). */
  readonly createsEpoch: boolean
  /** SEAL-7: opened from a disclosed op key only: its text fields are placeholders (redacted disclosures). */
  readonly redacted?: true
  readonly clear: Clear | null
}
export type OpenedOp = { [K in SealedKind]: OpenedOpOf<K> }[SealedKind]

/** EPOCH-6: a recipient's tag in an epoch: SHA-256(commit ‖ agree key)[0..8]. */
export function recipientTag(commit: Uint8Array, agree: Uint8Array): Uint8Array {
  return sha256(concatBytes(commit, agree)).subarray(0, 8)
}

/** Is this an envelope of protocol v2? (Cheap enough for the failure path of a v1 decode.) */
export function isSealedEnvelope(bytes: Uint8Array): boolean {
  try {
    const outer = decodeCanonical(bytes, MAX_ENVELOPE_BYTES, 'envelope')
    if (!Array.isArray(outer) || !(outer[0] instanceof Uint8Array)) return false
    const p = decodeCanonical(outer[0], MAX_ENVELOPE_BYTES, 'payload')
    return p !== null && typeof p === 'object' && !Array.isArray(p) && !(p instanceof Uint8Array) && Object.hasOwn(p, 'v') && (p as Record<string, CborValue>)['v'] === SEALED_VERSION
  } catch {
    return false
  }
}

/** Decode and verify a v2 envelope. Throws DecodeError or SignatureError; never anything else. */
export function decodeSealedOp(bytes: Uint8Array, crypto: CryptoSuite = pureCrypto): SealedOp {
  return decodeSealed(bytes, crypto, true)
}

/** Decode without verifying the signature; `check` is the signature check still owed (as decodeOpUnverified). */
export function decodeSealedOpUnverified(bytes: Uint8Array, crypto: CryptoSuite = pureCrypto): { op: SealedOp; check: VerifyItem } {
  let check: VerifyItem | undefined
  const op = decodeSealed(bytes, crypto, false, (c) => (check = c))
  return { op, check: check as VerifyItem }
}

const isMap = (v: unknown): v is Record<string, CborValue> => v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Uint8Array)

function decodeSealed(bytes: Uint8Array, crypto: CryptoSuite, verify: boolean, owe?: (c: VerifyItem) => void): SealedOp {
  const outer = decodeCanonical(bytes, MAX_ENVELOPE_BYTES, 'envelope')
  if (!Array.isArray(outer) || outer.length !== 2) throw new DecodeError('ENV2-1: an envelope is [payload, signature].')
  const [payload, signature] = outer
  if (!(payload instanceof Uint8Array)) throw new DecodeError('ENV2-1: the payload must be bytes.')
  if (!(signature instanceof Uint8Array) || signature.length !== 64) throw new DecodeError('ENV2-1: the signature must be 64 bytes.')
  const p = decodeCanonical(payload, MAX_ENVELOPE_BYTES, 'payload')
  if (!isMap(p)) throw new DecodeError('ENV2-2: the payload must be a map.')
  const keys = Object.keys(p).sort()
  if (keys.join() !== PAYLOAD_KEYS.join()) throw new DecodeError(`ENV2-2: the payload must have exactly the fields ${PAYLOAD_KEYS.join(', ')}.`)
  if (p['v'] !== SEALED_VERSION) throw new DecodeError(`ENV2-2: unsupported protocol version ${describeValue(p['v'])}.`)
  const author = p['author']
  if (!(author instanceof Uint8Array) || author.length !== 32) throw new DecodeError('ENV2-2: author must be a 32-byte key.')
  const seq = p['seq']
  if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 1) throw new DecodeError('ENV2-2: seq must be an integer ≥ 1.')
  const kind = p['kind']
  if (!isSealedKind(kind)) throw new DecodeError(`ENV2-3: unknown op kind ${JSON.stringify(typeof kind === 'string' ? kind.slice(0, 40) : describeValue(kind))}.`)
  const depsRaw = p['deps']
  if (!Array.isArray(depsRaw)) throw new DecodeError('ENV-4: deps must be a list.')
  if (depsRaw.length > MAX_DEPS) throw new DecodeError(`ENV-4: an op may name at most ${MAX_DEPS} deps, this one names ${depsRaw.length}.`)
  for (let i = 0; i < depsRaw.length; i++) {
    const d = depsRaw[i]
    if (!(d instanceof Uint8Array) || d.length !== 32) throw new DecodeError('ENV-4: every dep must be a 32-byte op id.')
    if (i > 0 && compareBytes(depsRaw[i - 1] as Uint8Array, d) >= 0) throw new DecodeError('ENV-4: deps must be sorted and unique.')
  }
  const clear = checkClearOf(kind, p['clear'])
  const communityRaw = p['community']
  const isGenesis = kind === 'genesis'
  if (isGenesis) {
    if (communityRaw !== null) throw new DecodeError('ENV-7: a genesis op has community null.')
    if (depsRaw.length !== 0 || seq !== 1) throw new DecodeError('ENV-7: a genesis op has no deps and seq 1.')
  } else {
    if (!(communityRaw instanceof Uint8Array) || communityRaw.length !== 32) throw new DecodeError('ENV-7: community must be a 32-byte id.')
    if (depsRaw.length === 0) throw new DecodeError('ENV-7: only a genesis op may have no deps.')
  }
  // ENV2-4: epoch is null exactly where the op creates the key it is sealed under.
  const creates = isGenesis || (kind === 'epoch.rekey' && clear?.part === 1)
  const epochRaw = p['epoch']
  if (creates) {
    if (epochRaw !== null) throw new DecodeError('ENV2-4: a genesis or a re-key\'s first part has epoch = null (it is sealed under the key it creates).')
  } else if (!(epochRaw instanceof Uint8Array) || epochRaw.length !== 32) {
    throw new DecodeError('ENV2-4: epoch must be the 32-byte id of the op that created the epoch key.')
  }
  const box = p['box']
  if (!(box instanceof Uint8Array) || box.length < BOX_OVERHEAD) throw new DecodeError(`ENV2-5: box must be at least ${BOX_OVERHEAD} bytes (nonce and tag).`)
  if (verify && !crypto.verify(signature, concatBytes(SIGNING_DOMAIN, payload), author)) throw signatureError({ signature, key: author })
  if (owe) owe({ signature, prefix: SIGNING_DOMAIN, message: payload, key: author })
  const id = toHex(crypto.hash(bytes)) as OpId
  const withoutBox: Record<string, CborValue> = Object.create(null)
  for (const k of PAYLOAD_KEYS) if (k !== 'box') withoutBox[k] = p[k] as CborValue
  return {
    v: 2,
    id,
    bytes,
    community: (isGenesis ? id : toHex(communityRaw as Uint8Array)) as CommunityId,
    author: toHex(author) as DeviceKey,
    seq,
    deps: (depsRaw as Uint8Array[]).map((d) => toHex(d) as OpId),
    kind,
    epoch: epochRaw === null ? null : (toHex(epochRaw as Uint8Array) as OpId),
    clear,
    box,
    aad: concatBytes(BOX_DOMAIN, encodeCanonical(withoutBox)),
  } as SealedOp
}

/** Anything that can hand out epoch keys (a KeyRing). */
export interface EpochKeys {
  key(epoch: OpId): Uint8Array | undefined
}

export type OpenResult = { readonly ok: true; readonly op: OpenedOp } | { readonly ok: false; readonly missing: OpId }

/**
 * Open a sealed op with the keys at hand: the opened op, or the epoch whose
 * key is missing. Throws DecodeError (ENV2-6, ENV2-7) when the key is there
 * and the box does not open or holds something that is not `{time, body}`.
 */
export function openOp(sealed: SealedOp, keys: EpochKeys): OpenResult {
  const epoch = ownEpoch(sealed)
  const key = keys.key(epoch)
  if (!key) return { ok: false, missing: epoch }
  return { ok: true, op: openWithKey(sealed, key) }
}

/** Open with a known epoch key (SEAL-3: a key checked against its commitment): body and texts. Throws DecodeError. */
export function openWithKey(sealed: SealedOp, epochKey: Uint8Array): OpenedOp {
  const nonce = boxNonce(sealed.box)
  return openContent(sealed, opKeyOf(epochKey, nonce), textsKeyOf(epochKey, nonce))
}

/**
 * SEAL-7: open an op's structure with its disclosed op key (a redacted
 * disclosure): the body with each text field at its placeholder, marked
 * `redacted`. Throws DecodeError like openWithKey.
 */
export function openStructure(sealed: SealedOp, opKey: Uint8Array): OpenedOp {
  return openContent(sealed, opKey, undefined)
}

function openContent(sealed: SealedOp, opKey: Uint8Array, textsKey: Uint8Array | undefined): OpenedOp {
  const plain = openBoxWithOpKey(opKey, sealed.box, sealed.aad)
  if (!plain) throw new DecodeError('ENV2-6: the box does not open with its key (garbage, another key, or clear fields changed).')
  let inner: CborValue
  try {
    inner = decodeCanonical(plain, MAX_ENVELOPE_BYTES, 'sealed content')
  } catch (e) {
    throw new DecodeError(`ENV2-7: the sealed content is not canonical CBOR (${e instanceof Error ? e.message : 'undecodable'}).`)
  }
  const withTexts = hasTexts(sealed.kind)
  if (!isMap(inner) || Object.keys(inner).sort().join() !== (withTexts ? 'body,texts,time' : 'body,time')) {
    throw new DecodeError(`ENV2-7: the sealed content must be exactly {${withTexts ? 'time, body, texts' : 'time, body'}}.`)
  }
  const time = inner['time']
  if (typeof time !== 'number' || !Number.isSafeInteger(time) || time < 0) throw new DecodeError('ENV2-7: time must be an integer ≥ 0.')
  const structure = inner['body'] as CborValue
  let full: CborValue = structure
  if (withTexts) {
    const sealedTexts = inner['texts']
    if (!(sealedTexts instanceof Uint8Array) || sealedTexts.length < 16) throw new DecodeError('SEAL-7: the texts layer must be sealed bytes.')
    if (textsKey) {
      const t = openTexts(textsKey, sealedTexts, sealed.aad)
      if (!t) throw new DecodeError('SEAL-7: the texts layer does not open with its key.')
      let texts: CborValue
      try {
        texts = decodeCanonical(t, MAX_ENVELOPE_BYTES, 'texts')
      } catch (e) {
        throw new DecodeError(`SEAL-7: the texts layer is not canonical CBOR (${e instanceof Error ? e.message : 'undecodable'}).`)
      }
      full = mergeTexts(sealed.kind, structure, texts)
    }
  }
  let body: unknown
  try {
    body = checkSealedBody(sealed.kind, full)
  } catch (e) {
    throw new DecodeError(`ENV2-7: ${e instanceof Error ? e.message : 'the body does not match its schema'}`)
  }
  // SEAL-7: the structure holds every text field at its placeholder, so a member and a redacted verifier fold the same structure.
  if (withTexts && toHex(encodeCanonical(structureOf(sealed.kind, body as CborValue))) !== toHex(encodeCanonical(structure))) {
    throw new DecodeError('SEAL-7: a text field in the structure is not at its placeholder.')
  }
  const { v: _v, box: _box, aad: _aad, epoch, ...rest } = sealed
  const opened = { ...rest, time, body, epoch: epoch ?? sealed.id, createsEpoch: epoch === null }
  return (textsKey || !withTexts ? opened : { ...opened, redacted: true }) as OpenedOp
}

/** Raw fields of a v2 payload, for authoring (and for tests that need to forge one). */
export interface SealedFields {
  community: CommunityId | null
  seq: number
  deps: readonly OpId[]
  kind: SealedKind
  epoch: OpId | null
  clear: Clear | null
  /** Either a finished box, or the content to seal (`sealWith` then holds the key). */
  box?: Uint8Array
  content?: { time: number; body: unknown }
  sealWith?: Uint8Array
  nonce?: Uint8Array
}

/** Sign a v2 payload; the box is sealed here when `content` and `sealWith` are given. Returns the decoded SealedOp. */
export function encodeSealedOp(f: SealedFields, device: KeyPair, crypto: CryptoSuite = pureCrypto): SealedOp {
  const head: Record<string, CborValue> = {
    v: SEALED_VERSION,
    community: f.community === null ? null : fromHex(f.community, 32),
    author: device.publicKey,
    seq: f.seq,
    deps: [...new Set(f.deps)].sort().map((d) => fromHex(d, 32)),
    kind: f.kind,
    epoch: f.epoch === null ? null : fromHex(f.epoch, 32),
    clear: f.clear === null ? null : (stripUndefined(f.clear) as CborValue),
  }
  let box = f.box
  if (!box) {
    if (!f.content || !f.sealWith) throw new RangeError('encodeSealedOp needs a box, or content and a key to seal it with')
    const aad = concatBytes(BOX_DOMAIN, encodeCanonical(head))
    const nonce = f.nonce ?? randomBytes(BOX_NONCE_BYTES)
    // SEAL-7: text fields go in their own box; the structure keeps placeholders.
    const { structure, texts } = splitTexts(f.kind, stripUndefined(f.content.body) as CborValue)
    const content: Record<string, CborValue> = { time: f.content.time, body: structure }
    if (texts) content['texts'] = sealTexts(textsKeyOf(f.sealWith, nonce), encodeCanonical(texts), aad)
    box = sealBox(f.sealWith, encodeCanonical(content), aad, nonce)
  }
  const payload = encodeCanonical({ ...head, box })
  const message = concatBytes(SIGNING_DOMAIN, payload)
  const signature = crypto.sign ? crypto.sign(message, device.secretKey) : sign(message, device.secretKey)
  return decodeSealed(encodeCanonical([payload, signature]), crypto, false)
}

function stripUndefined(v: unknown): unknown {
  if (v === null || typeof v !== 'object' || v instanceof Uint8Array) return v
  if (Array.isArray(v)) return v.map(stripUndefined)
  const out: Record<string, unknown> = {}
  for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = stripUndefined(x)
  return out
}

/** Where authoring takes its randomness (an ephemeral secret, a nonce): random unless a test makes it reproducible. */
export type Entropy = (n: number) => Uint8Array

/** EPOCH-6/SEAL-2: the clear part wrapping `epochKey` to `recipients` (agree keys), sorted by tag, one wrap per tag. */
export function clearFor(epochKey: Uint8Array, recipients: readonly Uint8Array[], ephSecret: Uint8Array, part?: { part: number; parts: number }, agree?: Agree): Clear {
  const commit = epochCommitment(epochKey)
  const byTag = new Map<string, { id: Uint8Array; agree: Uint8Array }>()
  for (const a of recipients) {
    const to = recipientTag(commit, a)
    byTag.set(toHex(to), { id: to, agree: a })
  }
  const sorted = [...byTag.values()].sort((a, b) => compareBytes(a.id, b.id))
  const w = wrapEpochKey(epochKey, sorted, ephSecret, agree)
  const wraps: Wrap[] = w.wraps.map(([to, wrap]) => ({ to, wrap }))
  return part ? { eph: w.eph, commit: w.commit, wraps, part: part.part, parts: part.parts } : { eph: w.eph, commit: w.commit, wraps }
}

export { BOX_NONCE_BYTES }
