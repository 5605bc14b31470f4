/**
 * Protocol v2 kinds and bodies (ENV2-*, EPOCH-*, KEY-* in docs/PROTOCOL.md §18).
 *
 * A v2 body is its v1 body, except that the admitting kinds (genesis,
 * member.join, fork.join) also carry the member's agree key and its
 * certificate (KEY-1), an invite carries its agree key (EPOCH-7), and two kinds
 * exist only in v2: `epoch.rekey` and `epoch.grant`. The v1 tables in kinds.ts
 * are untouched, so a v1 envelope can never carry any of this.
 */
import { DecodeError } from '../errors'
import { bytes, list, optional, record, uint, type Check, type Infer } from '../encoding/schema'
import type { CborValue } from '../encoding/cbor'
import { bodyShapes, type OpKind } from './kinds'
import { territoryBodyShapes, type TerritoryKind } from './territory-kinds'
import { relationBodyShapes, type RelationKind } from './relations-kinds'

const key = bytes(32)
const sig = bytes(64)
const opRef = bytes(32)

/** The most epochs one re-key may supersede (concurrent re-keys add up; 256 is far beyond any real merge). */
export const MAX_SUPERSEDED = 256
/** EPOCH-6: at most this many wraps in one op (2,500 wraps are ~170 KB, well under ENV-2's 256 KiB). */
export const MAX_WRAPS = 2500
/** EPOCH-5: at most this many parts to one re-key (160,000 recipients). */
export const MAX_PARTS = 64

/** KEY-6: at most this many agree keys one grant publishes. */
export const MAX_ANNOUNCED = 64

/** `[epoch id, 32-byte key]` */
const epochKeyPair: Check<[Uint8Array, Uint8Array]> = (v, p) => {
  if (!Array.isArray(v) || v.length !== 2) throw new DecodeError(`Field "${p}" must be [epoch id, key].`)
  return [opRef(v[0], `${p}[0]`), key(v[1], `${p}[1]`)]
}

export const EPOCH_KINDS = ['epoch.rekey', 'epoch.grant'] as const
export type EpochKind = (typeof EPOCH_KINDS)[number]
/** EXTEND-*: a v2-only governance kind (the author moves their open proposal's deadline later). */
export const EXTEND_KIND = 'proposal.extend'
export type SealedKind = OpKind | EpochKind | TerritoryKind | RelationKind | typeof EXTEND_KIND

const agreeFields = { agree: key, agreeCert: sig }

export const sealedBodyShapes = {
  ...bodyShapes,
  'genesis': { ...bodyShapes.genesis, ...agreeFields },
  'member.join': { ...bodyShapes['member.join'], ...agreeFields },
  'fork.join': { ...bodyShapes['fork.join'], ...agreeFields },
  'invite.create': { ...bodyShapes['invite.create'], agree: key },
  /** EPOCH-4: the epochs this re-key supersedes (its first part; later parts: both empty) and their keys. */
  'epoch.rekey': { supersedes: list(opRef, 0, MAX_SUPERSEDED), keys: list(epochKeyPair, 0, MAX_SUPERSEDED) },
  /**
   * EPOCH-9: its wraps (in `clear`) give the epoch key to members who lack it;
   * KEY-6: `agrees` publishes the certified agree keys of members who have none (admitted by proposal).
   */
  'epoch.grant': { agrees: optional(list(record({ member: key, agree: key, agreeCert: sig }), 1, MAX_ANNOUNCED)) },
  /** EXTEND-1..3: a later deadline for an open proposal, by its author (CLOSE-8 reads it). */
  'proposal.extend': { proposal: opRef, deadline: uint() },
  /** PLACE-*, FUND-* (territory-kinds.ts): sealed kinds only. */
  ...territoryBodyShapes,
  /** REL-5..8 (relations-kinds.ts): sealed kinds only. */
  ...relationBodyShapes,
} as const

export type SealedBodyOf<K extends SealedKind> = Infer<(typeof sealedBodyShapes)[K]>

/** ENV2-3: the kinds whose `clear` carries an epoch key (wraps); every other kind's `clear` is null. */
export const KEY_CARRYING = new Set<SealedKind>(['genesis', 'invite.create', 'epoch.rekey', 'epoch.grant'])

const bodyChecks = new Map<string, Check<unknown>>(Object.entries(sealedBodyShapes).map(([k, s]) => [k, record(s as never)]))

export function isSealedKind(k: unknown): k is SealedKind {
  return typeof k === 'string' && bodyChecks.has(k)
}

export const isEpochKind = (k: string): k is EpochKind => k === 'epoch.rekey' || k === 'epoch.grant'

/** ENV2-7 (ENV-5, ENV-5a after opening): the body matches its kind's v2 schema exactly. */
export function checkSealedBody<K extends SealedKind>(kind: K, body: CborValue | undefined): SealedBodyOf<K> {
  const check = bodyChecks.get(kind)
  if (!check) throw new DecodeError(`ENV2-3: unknown op kind ${JSON.stringify(String(kind).slice(0, 40))}.`)
  return check(body as never, 'body') as SealedBodyOf<K>
}

/** One wrapped key: `to` = SHA-256(commit ‖ recipient agree key)[0..8] (EPOCH-6), `wrap` = SEAL-2's 48 bytes. */
export interface Wrap {
  readonly to: Uint8Array
  readonly wrap: Uint8Array
}

/** The clear part of a key-carrying op (ENV2-3). */
export interface Clear {
  readonly eph: Uint8Array
  readonly commit: Uint8Array
  readonly wraps: readonly Wrap[]
  /** epoch.rekey only: this part's number (1..parts) and how many parts the re-key has. */
  readonly part?: number
  readonly parts?: number
}

const wrapShape = { to: bytes(8), wrap: bytes(48) }
const clearShape = { eph: key, commit: key, wraps: list(record(wrapShape), 1, MAX_WRAPS) }
const checkClear = record(clearShape)
const checkRekeyClear = record({ ...clearShape, part: uint(MAX_PARTS, 1), parts: uint(MAX_PARTS, 1) })

/** ENV2-3: the clear part of an op of this kind (null for kinds that carry no key). */
export function checkClearOf(kind: SealedKind, v: CborValue | undefined): Clear | null {
  if (!KEY_CARRYING.has(kind)) {
    if (v !== null) throw new DecodeError(`ENV2-3: a ${kind} op has clear = null.`)
    return null
  }
  let c: Clear
  try {
    c = kind === 'epoch.rekey' ? (checkRekeyClear(v, 'clear') as Clear) : (checkClear(v, 'clear') as Clear)
  } catch (e) {
    throw new DecodeError(`ENV2-3: ${e instanceof Error ? e.message : 'the clear part does not match its schema'}`)
  }
  for (let i = 1; i < c.wraps.length; i++) {
    const a = (c.wraps[i - 1] as Wrap).to
    const b = (c.wraps[i] as Wrap).to
    let cmp = 0
    for (let j = 0; j < 8 && cmp === 0; j++) cmp = (a[j] as number) - (b[j] as number)
    if (cmp >= 0) throw new DecodeError('ENV2-3: wraps must be sorted by `to` and unique.')
  }
  if (c.part !== undefined && c.parts !== undefined && c.part > c.parts) throw new DecodeError('ENV2-3: part must be at most parts.')
  if (kind !== 'epoch.rekey' && c.wraps.length !== 1 && kind !== 'epoch.grant') throw new DecodeError(`ENV2-3: a ${kind} op wraps its key to exactly one recipient.`)
  return c
}
