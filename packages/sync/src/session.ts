/**
 * One sync session over a duplex of frames (SYNC-1..7 in docs/PROTOCOL.md):
 *
 *   dialer                                   listener
 *   open {community, nonceD}          →
 *                                      ←     challenge {nonceL}
 *   proof (signs nonceL)              →      verifies, else refuses
 *                                      ←     proof (signs nonceD)
 *   hello {heads, probes}             ⇄      hello {heads, probes}
 *   ops …, done {sent}                ⇄      ops …, done {sent}
 *   want {missing ids} (or [] = satisfied) ⇄ …
 *
 * Nothing about the community — not even its heads — is sent before the
 * other side has proven membership (or holds an invite). Envelopes go to the
 * replica's verifying `ingest`; a peer that breaks the protocol or a limit is
 * cut off with a named error.
 */
import { fromHex, toHex, type CausalView, type OpId, type RosterState } from '@polity/protocol'
import { SyncAccessError, SyncClosedError, SyncLimitError, SyncProtocolError } from './errors'
import { DEFAULT_WIRE_LIMITS, WIRE_VERSION, readMessage, writeMessage, type ProofKind, type SyncMessage, type WireLimits } from './wire'
import { keysFirst, opsOutside, probesOf } from './reconcile'

export interface FrameDuplex {
  send(frame: Uint8Array): Promise<void> | void
  readonly frames: AsyncIterable<Uint8Array>
  close(): void
}

/** What a session reads of the local replica (a Replica is one): its causal structure, kept envelopes, missing deps and roster. */
export interface SyncReplica extends CausalView {
  envelopeOf(id: OpId): Uint8Array | undefined
  /** Deps that buffered ops wait for (DAG-5): what to ask the peer for. */
  missing(): OpId[]
  roster(): RosterState
  /** A sealed (v2) community: key-carrying ops are sent first (SYNC-8). */
  readonly sealed?: boolean | undefined
}

export interface SyncTarget {
  readonly replica: SyncReplica
  /** Verify, store and apply envelopes; never trusts them. */
  ingest(envelopes: Uint8Array[]): Promise<{ applied: number; rejected: number }>
  /**
   * The envelopes of held ops, in the order asked (undefined for one that is
   * gone). Without it, the replica's own kept envelopes are sent; a node that
   * keeps envelopes only on disk reads them from its store here.
   */
  envelopes?(ids: readonly OpId[]): Promise<(Uint8Array | undefined)[]>
  /** SYNC-9: our certified agree key, when ops here wait for an epoch key (KEY-5); sent after our hello. */
  keyAsk?(): { agree: Uint8Array; cert: Uint8Array } | undefined
  /** SYNC-9: a peer proven as this member (SYNC-3) asked for the current key. */
  keyRequest?(member: Uint8Array, agree: Uint8Array, cert: Uint8Array): void
  /** SYNC-10: the peer's hello said it holds `total` ops (first-sync progress counts against it). */
  peerTotal?(total: number): void
}

export interface Proof {
  readonly kind: ProofKind
  readonly key: Uint8Array
  readonly signature: Uint8Array
}

/** How a node proves and checks read access to a community (SYNC-3). */
export interface AccessControl {
  /** Sign the challenge; undefined when we hold no key that can read the community. */
  prove(challenge: Uint8Array): Proof | undefined
  /** Whether the proof shows the peer may read the community now (an active member, or a valid invite). */
  verify(proof: Proof, challenge: Uint8Array): boolean
}

export interface SyncLimits extends WireLimits {
  /** Rounds of `want` after the first exchange. */
  maxRounds: number
  /** Most ops one session may bring in. */
  maxOpsPerSession: number
  /** No frame for this long ends the session. */
  idleMs: number
  /** A whole session may take at most this long. */
  sessionMs: number
}

export const DEFAULT_SYNC_LIMITS: SyncLimits = {
  ...DEFAULT_WIRE_LIMITS,
  maxRounds: 16,
  maxOpsPerSession: 5_000_000,
  idleMs: 30_000,
  sessionMs: 30 * 60_000,
}

export interface SessionStats {
  community: string | null
  opsSent: number
  opsReceived: number
  applied: number
  rejected: number
  bytesIn: number
  bytesOut: number
  rounds: number
  durationMs: number
  /** Ops we sent that the peer did not have, and ops the peer sent that we did not have (SYNC-7). */
  theyLacked: number
  weLacked: number
  /** SYNC-10: the ops the peer said it held at the start (its hello's `total`). */
  peerTotal: number
}

export interface DialOptions {
  readonly duplex: FrameDuplex
  readonly community: string
  readonly target: SyncTarget
  readonly access: AccessControl
  readonly limits?: Partial<SyncLimits>
  readonly signal?: AbortSignal
  readonly randomNonce: () => Uint8Array
}

export interface ListenOptions {
  readonly duplex: FrameDuplex
  /** The community a dialer asks for, if we hold it (else the session is refused). */
  readonly resolve: (community: string) => { target: SyncTarget; access: AccessControl } | undefined
  readonly limits?: Partial<SyncLimits>
  readonly signal?: AbortSignal
  readonly randomNonce: () => Uint8Array
}

/** Reads frames one at a time with idle and session deadlines. */
class Reader {
  private readonly it: AsyncIterator<Uint8Array>
  bytes = 0
  constructor(duplex: FrameDuplex, private readonly limits: SyncLimits, private readonly deadline: number, private readonly signal?: AbortSignal) {
    this.it = duplex.frames[Symbol.asyncIterator]()
  }

  async next(): Promise<SyncMessage> {
    const left = this.deadline - Date.now()
    if (left <= 0) throw new SyncLimitError('The session took too long.')
    let timer: ReturnType<typeof setTimeout> | undefined
    let onAbort: (() => void) | undefined
    const stop = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new SyncLimitError('The peer went quiet.')), Math.min(this.limits.idleMs, left))
      onAbort = () => reject(new SyncClosedError('The sync was cancelled.'))
      this.signal?.addEventListener('abort', onAbort, { once: true })
    })
    try {
      const r = await Promise.race([this.it.next(), stop])
      if (r.done) throw new SyncClosedError()
      this.bytes += r.value.length
      const m = readMessage(r.value, this.limits)
      if (m.type === 'error') throw new SyncAccessError(`The peer ended the sync: ${m.message}`)
      return m
    } finally {
      clearTimeout(timer)
      if (onAbort) this.signal?.removeEventListener('abort', onAbort)
    }
  }

  async expect<T extends SyncMessage['type']>(type: T): Promise<Extract<SyncMessage, { type: T }>> {
    const m = await this.next()
    if (m.type !== type) throw new SyncProtocolError(`Expected ${type}, got ${m.type}.`)
    return m as Extract<SyncMessage, { type: T }>
  }
}

function stats(): SessionStats {
  return { community: null, opsSent: 0, opsReceived: 0, applied: 0, rejected: 0, bytesIn: 0, bytesOut: 0, rounds: 0, durationMs: 0, theyLacked: 0, weLacked: 0, peerTotal: 0 }
}

async function refuse(duplex: FrameDuplex, code: string, message: string): Promise<void> {
  try {
    await duplex.send(writeMessage({ type: 'error', code, message }))
  } catch {
    // The peer may already be gone.
  }
}

export async function dialSync(o: DialOptions): Promise<SessionStats> {
  const limits = { ...DEFAULT_SYNC_LIMITS, ...o.limits }
  const s = stats()
  s.community = o.community
  const started = Date.now()
  const reader = new Reader(o.duplex, limits, started + limits.sessionMs, o.signal)
  const send = sender(o.duplex, s)
  try {
    const nonce = o.randomNonce()
    await send({ type: 'open', version: WIRE_VERSION, community: fromHex(o.community, 32), nonce })
    const challenge = await reader.expect('challenge')
    const proof = o.access.prove(challenge.nonce)
    if (!proof) throw new SyncAccessError('This device holds no key that can read this community.')
    await send({ type: 'proof', ...proof })
    const theirs = await reader.expect('proof')
    if (!o.access.verify(theirs, nonce)) throw new SyncAccessError('The peer could not prove it is a member.')
    await exchange(o.target, reader, send, limits, s, theirs)
    return s
  } catch (e) {
    if (!(e instanceof SyncClosedError)) await refuse(o.duplex, (e as { code?: string }).code ?? 'ERR_SYNC', (e as Error).message)
    throw e
  } finally {
    s.bytesIn = reader.bytes
    s.durationMs = Date.now() - started
    o.duplex.close()
  }
}

export async function listenSync(o: ListenOptions): Promise<SessionStats> {
  const limits = { ...DEFAULT_SYNC_LIMITS, ...o.limits }
  const s = stats()
  const started = Date.now()
  const reader = new Reader(o.duplex, limits, started + limits.sessionMs, o.signal)
  const send = sender(o.duplex, s)
  try {
    const open = await reader.expect('open')
    if (open.version !== WIRE_VERSION) throw new SyncProtocolError(`Unsupported sync version ${open.version}.`)
    const community = toHex(open.community)
    s.community = community
    const found = o.resolve(community)
    // The same answer whether we lack the community or the peer lacks access: nothing is learned.
    const nonce = o.randomNonce()
    await send({ type: 'challenge', nonce })
    const proof = await reader.expect('proof')
    if (!found || !found.access.verify(proof, nonce)) throw new SyncAccessError('Access refused: prove membership of a community this peer holds.')
    const mine = found.access.prove(open.nonce)
    if (!mine) throw new SyncAccessError('This peer cannot prove membership itself.')
    await send({ type: 'proof', ...mine })
    await exchange(found.target, reader, send, limits, s, proof)
    return s
  } catch (e) {
    if (!(e instanceof SyncClosedError)) await refuse(o.duplex, (e as { code?: string }).code ?? 'ERR_SYNC', e instanceof SyncAccessError ? 'Access refused.' : (e as Error).message)
    throw e
  } finally {
    s.bytesIn = reader.bytes
    s.durationMs = Date.now() - started
    o.duplex.close()
  }
}

function sender(duplex: FrameDuplex, s: SessionStats): (m: SyncMessage) => Promise<void> {
  return async (m) => {
    const frame = writeMessage(m)
    s.bytesOut += frame.length
    await duplex.send(frame)
  }
}

/** Batches of ops being taken in at once (SYNC-5b). */
const INGEST_WINDOW = 3

/** Ops whose envelopes are read at once (one store read per chunk). */
const READ_CHUNK = 512

/** Send ops in batches bounded by count and bytes, then `done`. */
async function sendOps(target: SyncTarget, ids: readonly OpId[], send: (m: SyncMessage) => Promise<void>, limits: SyncLimits, s: SessionStats): Promise<void> {
  const r = target.replica
  const read = target.envelopes?.bind(target) ?? (async (chunk: readonly OpId[]) => chunk.map((id) => r.envelopeOf(id)))
  let batch: Uint8Array[] = []
  let bytes = 0
  for (let i = 0; i < ids.length; i += READ_CHUNK) {
    const chunk = ids.slice(i, i + READ_CHUNK)
    for (const env of await read(chunk)) {
      if (!env) continue
      if (batch.length >= limits.maxEnvelopes || bytes + env.length > 1024 * 1024) {
        await send({ type: 'ops', envelopes: batch })
        batch = []
        bytes = 0
      }
      batch.push(env)
      bytes += env.length
      s.opsSent++
    }
  }
  if (batch.length > 0) await send({ type: 'ops', envelopes: batch })
  await send({ type: 'done', sent: ids.length })
}

async function exchange(target: SyncTarget, reader: Reader, send: (m: SyncMessage) => Promise<void>, limits: SyncLimits, s: SessionStats, peer: Proof): Promise<void> {
  const r = target.replica
  await send({ type: 'hello', heads: r.heads().map((h) => fromHex(h, 32)), probes: probesOf(r).map((p) => fromHex(p, 32)), total: r.size })
  // SYNC-9: waiting for a key, ask for it (a member may grant it, EPOCH-12): now, or once the peer's ops are in.
  let askSent = false
  const askKeys = async (): Promise<void> => {
    const ask = askSent ? undefined : target.keyAsk?.()
    if (!ask) return
    askSent = true
    await send({ type: 'keys', ...ask })
  }
  await askKeys()
  let asked = false
  const hello = await reader.expect('hello')
  s.peerTotal = hello.total
  target.peerTotal?.(hello.total)
  const peerKnown = [...hello.heads, ...hello.probes].map((b) => toHex(b) as OpId).filter((id) => r.has(id))
  const toSend = keysFirst(r, opsOutside(r, peerKnown))
  await sendOps(target, toSend, send, limits, s)
  let peerDone = false
  let peerSatisfied = false
  let meSatisfied = false
  // SYNC-5b: up to INGEST_WINDOW batches are taken in at once, so the next batch's signatures are
  // checked while this one folds; each settles into a result at once (no rejection left unobserved),
  // and a batch with an invalid op ends the session as soon as it is known, not when the window fills.
  const inflight: Promise<{ applied: number; rejected: number } | { error: unknown }>[] = []
  let fail: (e: unknown) => void = () => undefined
  const failed = new Promise<never>((_, reject) => {
    fail = reject
  })
  failed.catch(() => undefined)
  const badBatch = (rejected: number): SyncProtocolError => new SyncProtocolError(`The peer sent ${rejected} invalid op(s).`)
  const settle = async (): Promise<void> => {
    const res = await (inflight.shift() as (typeof inflight)[number])
    if ('error' in res) throw res.error
    s.applied += res.applied
    s.rejected += res.rejected
    // SYNC-6: honest replicas never hold an op another replica rejects (verdicts are deterministic),
    // so a peer that sends one is forging or relaying forgeries: cut it off.
    if (res.rejected > 0) throw badBatch(res.rejected)
  }
  try {
    while (!(peerSatisfied && meSatisfied)) {
      const next = reader.next()
      next.catch(() => undefined) // when a failed batch wins the race below, this read is abandoned
      const m = await Promise.race([next, failed])
      switch (m.type) {
        case 'ops': {
          s.opsReceived += m.envelopes.length
          if (s.opsReceived > limits.maxOpsPerSession) throw new SyncLimitError('The peer sent more ops than one session allows.')
          inflight.push(target.ingest(m.envelopes).then(
            (r) => {
              if (r.rejected > 0) fail(badBatch(r.rejected))
              return r
            },
            (error: unknown) => {
              fail(error)
              return { error }
            },
          ))
          while (inflight.length >= INGEST_WINDOW) await settle()
          break
        }
        case 'done': {
          while (inflight.length > 0) await settle()
          peerDone = true
          await askKeys()
          const missing = r.missing().slice(0, limits.maxIds)
          if (missing.length > 0 && s.rounds < limits.maxRounds) {
            s.rounds++
            await send({ type: 'want', ids: missing.map((id) => fromHex(id, 32)) })
          } else {
            meSatisfied = true
            s.weLacked = s.applied
            await send({ type: 'received', applied: s.applied })
            await send({ type: 'want', ids: [] })
          }
          break
        }
        case 'received':
          s.theyLacked = m.applied
          break
        case 'keys':
          if (asked) throw new SyncProtocolError('The peer asked for keys twice.')
          asked = true
          // Only a member's proof names whom to grant to; an invitee's keys come with its invite (EPOCH-8).
          if (peer.kind === 'member') target.keyRequest?.(peer.key, m.agree, m.cert)
          break
        case 'want': {
          if (m.ids.length === 0) {
            peerSatisfied = true
            break
          }
          if (s.rounds > limits.maxRounds * 2) throw new SyncLimitError('The peer asked for too many rounds.')
          s.rounds++
          const wanted = m.ids.map((b) => toHex(b) as OpId).filter((id) => r.has(id))
          await sendOps(target, keysFirst(r, opsOutside(r, peerKnown, wanted)), send, limits, s)
          break
        }
        default:
          throw new SyncProtocolError(`Unexpected ${m.type} during the exchange.`)
      }
    }
  } finally {
    // A session that ends early still lets what it took in finish applying (the node keeps what verified).
    await Promise.all(inflight)
  }
}
