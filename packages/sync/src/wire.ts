/**
 * The /polity/sync/1 wire format (SYNC-1, SYNC-2 in docs/PROTOCOL.md). Every
 * frame is one message: a tag byte, then fields written with lib0's varint
 * encoders. `writeMessage`/`readMessage` are the paired encoder and decoder;
 * an unknown tag, a truncated frame, trailing bytes or a count over the limit
 * is a SyncProtocolError — never a crash.
 */
import * as encoding from 'lib0/encoding'
import * as decoding from 'lib0/decoding'
import { SyncProtocolError } from './errors'

export const SYNC_PROTOCOL = '/polity/sync/1.0.0'
export const WIRE_VERSION = 1

export type ProofKind = 'member' | 'invite'

export type SyncMessage =
  /** Dialer → listener: which community, and a nonce the listener must sign. */
  | { type: 'open'; version: number; community: Uint8Array; nonce: Uint8Array }
  /** Listener → dialer: the nonce the dialer must sign. */
  | { type: 'challenge'; nonce: Uint8Array }
  /** Proof of membership (a roster member key) or of an invite (the invite key). */
  | { type: 'proof'; kind: ProofKind; key: Uint8Array; signature: Uint8Array }
  /** After access: current heads and probe ids at exponentially spaced depths. */
  | { type: 'hello'; heads: Uint8Array[]; probes: Uint8Array[]; total: number }
  /** A batch of signed envelopes, in causal order. */
  | { type: 'ops'; envelopes: Uint8Array[] }
  /** The end of what one side sends for the hello; `sent` is how many ops it sent. */
  | { type: 'done'; sent: number }
  /** Ask for these ops (deps still missing after the first exchange). */
  | { type: 'want'; ids: Uint8Array[] }
  /** SYNC-9: after its hello, a member's device that waits for a key asks for it with its certified agree key (at most once a session). */
  | { type: 'keys'; agree: Uint8Array; cert: Uint8Array }
  /** How many of the peer's ops were new to us (for honest status on both sides). */
  | { type: 'received'; applied: number }
  /** A clean refusal or end, with a reason a person can read. */
  | { type: 'error'; code: string; message: string }

const TAGS = { open: 1, challenge: 2, proof: 3, hello: 16, ops: 17, done: 18, want: 19, received: 20, keys: 21, error: 127 } as const

export interface WireLimits {
  /** Most ids in one hello/want message. */
  maxIds: number
  /** Most envelopes in one ops message. */
  maxEnvelopes: number
  /** Largest envelope. */
  maxEnvelopeBytes: number
}

export const DEFAULT_WIRE_LIMITS: WireLimits = { maxIds: 1024, maxEnvelopes: 512, maxEnvelopeBytes: 256 * 1024 }

function writeIds(e: encoding.Encoder, ids: readonly Uint8Array[]): void {
  encoding.writeVarUint(e, ids.length)
  for (const id of ids) encoding.writeUint8Array(e, id)
}

export function writeMessage(m: SyncMessage): Uint8Array {
  const e = encoding.createEncoder()
  encoding.writeUint8(e, TAGS[m.type])
  switch (m.type) {
    case 'open':
      encoding.writeVarUint(e, m.version)
      encoding.writeUint8Array(e, m.community)
      encoding.writeUint8Array(e, m.nonce)
      break
    case 'challenge':
      encoding.writeUint8Array(e, m.nonce)
      break
    case 'proof':
      encoding.writeUint8(e, m.kind === 'member' ? 1 : 2)
      encoding.writeUint8Array(e, m.key)
      encoding.writeUint8Array(e, m.signature)
      break
    case 'hello':
      writeIds(e, m.heads)
      writeIds(e, m.probes)
      encoding.writeVarUint(e, m.total)
      break
    case 'keys':
      encoding.writeUint8Array(e, m.agree)
      encoding.writeUint8Array(e, m.cert)
      break
    case 'ops':
      encoding.writeVarUint(e, m.envelopes.length)
      for (const env of m.envelopes) encoding.writeVarUint8Array(e, env)
      break
    case 'done':
      encoding.writeVarUint(e, m.sent)
      break
    case 'want':
      writeIds(e, m.ids)
      break
    case 'received':
      encoding.writeVarUint(e, m.applied)
      break
    case 'error':
      encoding.writeVarString(e, m.code.slice(0, 64))
      encoding.writeVarString(e, m.message.slice(0, 500))
      break
  }
  return encoding.toUint8Array(e)
}

function fixed(d: decoding.Decoder, n: number, what: string): Uint8Array {
  if (d.arr.length - d.pos < n) throw new SyncProtocolError(`Truncated ${what}.`)
  return decoding.readUint8Array(d, n).slice()
}

function count(d: decoding.Decoder, max: number, what: string): number {
  const n = decoding.readVarUint(d)
  if (!Number.isSafeInteger(n) || n > max) throw new SyncProtocolError(`Too many ${what} (${n} > ${max}).`)
  return n
}

function readIds(d: decoding.Decoder, max: number, what: string): Uint8Array[] {
  const n = count(d, max, what)
  if (d.arr.length - d.pos < n * 32) throw new SyncProtocolError(`Truncated ${what}.`)
  const out: Uint8Array[] = []
  for (let i = 0; i < n; i++) out.push(fixed(d, 32, what))
  return out
}

function readString(d: decoding.Decoder, max: number): string {
  const n = decoding.peekVarUint(d)
  if (n > max * 4) throw new SyncProtocolError('A text field is too long.')
  return decoding.readVarString(d).slice(0, max)
}

export function readMessage(frame: Uint8Array, limits: WireLimits = DEFAULT_WIRE_LIMITS): SyncMessage {
  if (!(frame instanceof Uint8Array) || frame.length === 0) throw new SyncProtocolError('Empty frame.')
  const d = decoding.createDecoder(frame)
  let m: SyncMessage
  try {
    const tag = decoding.readUint8(d)
    switch (tag) {
      case TAGS.open:
        m = { type: 'open', version: decoding.readVarUint(d), community: fixed(d, 32, 'community'), nonce: fixed(d, 32, 'nonce') }
        break
      case TAGS.challenge:
        m = { type: 'challenge', nonce: fixed(d, 32, 'nonce') }
        break
      case TAGS.proof: {
        const k = decoding.readUint8(d)
        if (k !== 1 && k !== 2) throw new SyncProtocolError(`Unknown proof kind ${k}.`)
        m = { type: 'proof', kind: k === 1 ? 'member' : 'invite', key: fixed(d, 32, 'key'), signature: fixed(d, 64, 'signature') }
        break
      }
      case TAGS.hello:
        m = { type: 'hello', heads: readIds(d, limits.maxIds, 'heads'), probes: readIds(d, 64, 'probes'), total: decoding.readVarUint(d) }
        break
      case TAGS.keys:
        m = { type: 'keys', agree: fixed(d, 32, 'agree'), cert: fixed(d, 64, 'cert') }
        break
      case TAGS.ops: {
        const n = count(d, limits.maxEnvelopes, 'envelopes')
        const envelopes: Uint8Array[] = []
        for (let i = 0; i < n; i++) {
          const len = decoding.peekVarUint(d)
          if (len > limits.maxEnvelopeBytes) throw new SyncProtocolError(`An envelope of ${len} bytes is over the limit.`)
          if (d.arr.length - d.pos < len) throw new SyncProtocolError('Truncated envelope.')
          envelopes.push(decoding.readVarUint8Array(d).slice())
        }
        m = { type: 'ops', envelopes }
        break
      }
      case TAGS.done:
        m = { type: 'done', sent: decoding.readVarUint(d) }
        break
      case TAGS.want:
        m = { type: 'want', ids: readIds(d, limits.maxIds, 'wanted ids') }
        break
      case TAGS.received:
        m = { type: 'received', applied: decoding.readVarUint(d) }
        break
      case TAGS.error:
        m = { type: 'error', code: readString(d, 64), message: readString(d, 500) }
        break
      default:
        throw new SyncProtocolError(`Unknown message tag ${tag}.`)
    }
  } catch (e) {
    if (e instanceof SyncProtocolError) throw e
    throw new SyncProtocolError(`Malformed frame: ${(e as Error).message}`)
  }
  if (d.pos !== frame.length) throw new SyncProtocolError('Trailing bytes after a message.')
  return m
}

export const isMessage = <T extends SyncMessage['type']>(m: SyncMessage, type: T): m is Extract<SyncMessage, { type: T }> => m.type === type
