/**
 * How a replica of a sealed community takes ops in (ENV2-8, KEY-4, KEY-5 in
 * docs/PROTOCOL.md §18): decode the v2 envelope, learn what keys its clear
 * part (and, for a re-key, its opened body) gives, wait for missing deps or a
 * missing epoch key in the one bounded buffer (DAG-5), then open the box and
 * hand the opened op to the replica's checks. Keys learnt from one op release
 * the ops that waited for them, which may teach more keys (the chain).
 */
import { DecodeError, RuleViolation } from '../errors'
import { decodeOp, type AnyOp, type CryptoSuite } from '../op/envelope'
import type { CommunityId, OpId } from '../op/ids'
import type { KeyRing } from '../op/keyring'
import type { AgreeKeyPair } from '../crypto/seal'
import { decodeSealedOp, openStructure, openWithKey, ownEpoch, type OpenedOp, type SealedOp } from '../op/sealed-envelope'
import { keyMarker, type PendingBuffer, type WaitingOp } from './pending'
import type { AppliedOp, ReceiveResult } from './options'

/** What the intake needs of its replica. */
export interface IntakeHost {
  readonly crypto: CryptoSuite
  readonly keyRing: KeyRing
  readonly pending: PendingBuffer
  community(): CommunityId | undefined
  /** Undefined until known (an option, or the first genesis). */
  sealed(): boolean | undefined
  foundSealed(community: CommunityId): void
  has(id: OpId): boolean
  dependsOnRejected(op: WaitingOp): boolean
  missingDeps(op: WaitingOp): OpId[]
  reject(id: OpId | undefined, e: unknown): ReceiveResult & { status: 'rejected' }
  buffer(op: WaitingOp, missing: OpId[]): ReceiveResult
  /** Check at the causal past and insert; the height, or the rejection. */
  insert(op: OpenedOp): { height: number } | (ReceiveResult & { status: 'rejected' })
}

export const isSealedOp = (x: unknown): x is SealedOp => typeof x === 'object' && x !== null && (x as { v?: unknown }).v === 2 && (x as { box?: unknown }).box instanceof Uint8Array

/** An opened v2 op (its bytes are a v2 envelope). */
export const isOpenedOp = (x: unknown): boolean => typeof x === 'object' && x !== null && typeof (x as { createsEpoch?: unknown }).createsEpoch === 'boolean'

const unsealedInSealed = (): RuleViolation => new RuleViolation('ENV2-8', 'an unsealed (v1) op in a sealed community')

export class SealedIntake {
  constructor(private readonly host: IntakeHost) {}

  receive(input: Uint8Array | AnyOp | SealedOp): ReceiveResult {
    const h = this.host
    let s: SealedOp
    if (isSealedOp(input)) s = input
    else {
      const bytes = input instanceof Uint8Array ? input : input.bytes
      try {
        s = decodeSealedOp(bytes, h.crypto)
      } catch (e) {
        let v1: AnyOp | undefined
        try {
          v1 = decodeOp(bytes, h.crypto)
        } catch {
          // Neither version: the v2 decoder's error says why.
        }
        return v1 ? h.reject(v1.id, unsealedInSealed()) : h.reject(undefined, e)
      }
    }
    if (h.has(s.id)) return { status: 'duplicate', id: s.id }
    if (h.pending.has(s.id)) return { status: 'pending', id: s.id, missing: h.missingDeps(s) }
    if (h.community() === undefined && s.kind === 'genesis') h.foundSealed(s.community)
    // What its clear part teaches is learnt even before the genesis is here: a key is kept only if it matches its epoch's commitment.
    if (h.community() === undefined) {
      const learnt = this.learn(s)
      const r = h.buffer(s, h.missingDeps(s))
      this.releaseKeys(learnt, [])
      return r
    }
    if (s.community !== h.community()) return h.reject(s.id, new RuleViolation('AUTH-2', `the op belongs to community ${s.community}, not this one`))
    if (h.sealed() === false) return h.reject(s.id, new RuleViolation('ENV2-8', 'a sealed (v2) op in an unsealed (v1) community'))
    if (h.dependsOnRejected(s)) return h.reject(s.id, new RuleViolation('DAG-6', 'the op depends on an op this replica rejected'))
    const learnt = this.learn(s)
    const applied: AppliedOp[] = []
    const missing = h.missingDeps(s)
    const lacking = h.keyRing.missing(s)
    let result: ReceiveResult
    if (missing.length > 0) result = h.buffer(s, missing)
    else if (lacking) result = h.buffer(s, [keyMarker(lacking)])
    else {
      const r = this.apply(s, applied, learnt)
      if (r) return r
      result = { status: 'applied', id: s.id, height: (applied[0] as AppliedOp).height, applied }
    }
    this.releaseKeys(learnt, applied)
    if (result.status === 'pending' && applied.length > 0) return { ...result, applied }
    return result
  }

  /** Hold another agree key (an invite's, from its link): learn from the waiting ops' wraps, apply what that releases. */
  addAgreeKey(pair: AgreeKeyPair): AppliedOp[] {
    const h = this.host
    h.keyRing.addAgreeKey(pair)
    const learnt: OpId[] = []
    for (const w of [...h.pending.values()]) if (isSealedOp(w)) learnt.push(...this.learn(w))
    const applied: AppliedOp[] = []
    this.releaseKeys(learnt, applied)
    return applied
  }

  /** Keys from the clear part, and from a re-key's body when its own key is known (KEY-4). */
  private learn(s: SealedOp): OpId[] {
    const kr = this.host.keyRing
    const out = kr.learn(s)
    if (s.kind === 'epoch.rekey' && s.epoch === null) out.push(...this.openRekey(s))
    return out
  }

  private openRekey(s: SealedOp): OpId[] {
    const key = this.host.keyRing.key(s.id)
    if (!key) return []
    try {
      return this.host.keyRing.learnOpened(openWithKey(s, key))
    } catch {
      return [] // Its verdict comes when it is checked.
    }
  }

  /** Open and insert an op whose deps and key are there; then release its waiters. Returns the rejection, if any. */
  private apply(s: SealedOp, applied: AppliedOp[], learnt: OpId[]): (ReceiveResult & { status: 'rejected' }) | undefined {
    const h = this.host
    const r = this.openAndInsert(s, applied, learnt)
    if (r !== true) return r
    h.pending.release(s.id, (w) => h.missingDeps(w).length === 0, (w) => this.take(w, applied, learnt))
    return undefined
  }

  private openAndInsert(s: SealedOp, applied: AppliedOp[], learnt: OpId[]): true | (ReceiveResult & { status: 'rejected' }) {
    const h = this.host
    let op: OpenedOp
    try {
      const epochKey = h.keyRing.key(ownEpoch(s))
      op = epochKey ? openWithKey(s, epochKey) : openStructure(s, h.keyRing.opKey(s.id) as Uint8Array)
    } catch (e) {
      const rule = e instanceof DecodeError ? (/^(ENV2-7|SEAL-7)/.exec(e.message)?.[1] ?? 'ENV2-6') : 'ENV2-6'
      return h.reject(s.id, new RuleViolation(rule, (e as Error).message.replace(/^(ENV2-\d|SEAL-7): /, '')))
    }
    const r = h.insert(op)
    if ('status' in r) return r
    learnt.push(...h.keyRing.learnOpened(op))
    applied.push({ op: op as unknown as AnyOp, height: r.height })
    return true
  }

  /** A waiting op whose deps are all there: apply it, or say which key it still waits for. */
  private take(w: WaitingOp, applied: AppliedOp[], learnt: OpId[]): boolean | OpId[] {
    const h = this.host
    if (!isSealedOp(w)) {
      h.reject(w.id, unsealedInSealed())
      return false
    }
    if (h.dependsOnRejected(w)) {
      h.reject(w.id, new RuleViolation('DAG-6', 'the op depends on an op this replica rejected'))
      return false
    }
    const lacking = h.keyRing.missing(w)
    if (lacking) return [keyMarker(lacking)]
    return this.openAndInsert(w, applied, learnt) === true
  }

  /** Release the ops that waited for newly learnt keys, and whatever they teach in turn. */
  private releaseKeys(learnt: OpId[], applied: AppliedOp[]): void {
    const h = this.host
    const done = new Set<OpId>()
    while (learnt.length > 0) {
      const e = learnt.shift() as OpId
      if (done.has(e)) continue
      done.add(e)
      // The re-key that created this epoch may be waiting for deps: its body gives the keys it superseded.
      const creator = h.pending.get(e)
      if (creator && isSealedOp(creator) && creator.kind === 'epoch.rekey') learnt.push(...this.openRekey(creator))
      h.pending.release(keyMarker(e), (w) => h.missingDeps(w).length === 0, (w) => this.take(w, applied, learnt))
    }
  }
}
