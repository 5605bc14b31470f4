/**
 * A KeyRing (KEY-4 in docs/PROTOCOL.md §18): the epoch keys one member (or
 * invitee) holds, epoch id → 32-byte key. Pure; no I/O.
 *
 * It learns keys from three places, and uses a key for an epoch only when it
 * matches that epoch's commitment (SEAL-3), which it reads from the op that
 * created the epoch (a genesis, a re-key's first part): the epoch id is that
 * op's hash, so nobody can attach another commitment to it, and nobody can
 * hand a replica a false key for a real epoch.
 * - wraps addressed to an agree key it holds (the member's own, an invite's);
 * - the superseded keys in a re-key's opened body (the chain: the newest key
 *   opens the whole history);
 * - its own author (`add`), for the keys it makes.
 * A key offered before its epoch's commitment is known waits (bounded).
 */
import { toHex } from '../encoding/bytes'
import { keyMatches, unwrapEpochKey, type AgreeKeyPair } from '../crypto/seal'
import type { OpId } from './ids'
import { ownEpoch, recipientTag, type EpochKeys, type OpenedOp, type SealedOp } from './sealed-envelope'

/** Keys waiting for their epoch's commitment, and wraps that did not open, kept at most. */
const MAX_CANDIDATES = 4096
const MAX_FAILURES = 1024

/** A wrap addressed to one of our agree keys that did not give a key matching its commitment (EPOCH-10). */
export interface WrapFailure {
  readonly op: OpId
  readonly epoch: OpId
}

export class KeyRing implements EpochKeys {
  private readonly agree: AgreeKeyPair[] = []
  private readonly agreeHex = new Set<string>()
  private readonly keys = new Map<OpId, Uint8Array>()
  private readonly commits = new Map<OpId, Uint8Array>()
  private readonly candidates = new Map<OpId, Uint8Array[]>()
  private candidateCount = 0
  private readonly failed: WrapFailure[] = []
  /** SEAL-7: op keys a redacted disclosure gave (structure only), by op id. */
  private readonly opKeys = new Map<OpId, Uint8Array>()

  constructor(agreeKeys: readonly AgreeKeyPair[] = []) {
    for (const k of agreeKeys) this.addAgreeKey(k)
  }

  /** Hold another agree key (an invite's, from its link). */
  addAgreeKey(pair: AgreeKeyPair): void {
    const h = toHex(pair.publicKey)
    if (this.agreeHex.has(h)) return
    this.agreeHex.add(h)
    this.agree.push(pair)
  }

  key(epoch: OpId): Uint8Array | undefined {
    return this.keys.get(epoch)
  }

  has(epoch: OpId): boolean {
    return this.keys.has(epoch)
  }

  /** Every epoch whose key is held. */
  epochs(): OpId[] {
    return [...this.keys.keys()].sort()
  }

  /** The epoch whose key this op needs and this ring lacks, if any (an op whose own key was disclosed needs none). */
  missing(sealed: SealedOp): OpId | undefined {
    const e = ownEpoch(sealed)
    return this.keys.has(e) || this.opKeys.has(sealed.id) ? undefined : e
  }

  /** SEAL-7: hold one op's disclosed key (it opens that op's structure, never its texts). */
  offerOpKey(op: OpId, key: Uint8Array): void {
    if (key.length === 32) this.opKeys.set(op, key)
  }

  opKey(op: OpId): Uint8Array | undefined {
    return this.opKeys.get(op)
  }

  /** Wraps addressed to us that did not open or did not match their commitment (EPOCH-10), oldest first. */
  failures(): readonly WrapFailure[] {
    return this.failed
  }

  /**
   * Learn what a sealed op's clear part gives: its epoch's commitment (when it
   * creates one) and the key from a wrap to an agree key held here. Safe on an
   * op not yet validated: a key is kept only if it matches its commitment.
   * Returns the epochs newly keyed.
   */
  learn(sealed: SealedOp): OpId[] {
    const c = sealed.clear
    if (!c) return []
    const epoch = ownEpoch(sealed)
    const out = sealed.epoch === null ? this.noteCommit(epoch, c.commit) : []
    if (this.keys.has(epoch)) return out
    for (const me of this.agree) {
      const tag = recipientTag(c.commit, me.publicKey)
      const w = c.wraps.find((x) => x.to.every((b, i) => b === tag[i]))
      if (!w) continue
      const k = unwrapEpochKey(c.eph, c.commit, w.wrap, me)
      if (!k) {
        if (this.failed.length < MAX_FAILURES) this.failed.push({ op: sealed.id, epoch })
        continue
      }
      out.push(...this.offer(epoch, k))
      if (this.keys.has(epoch)) break
    }
    return out
  }

  /** Learn the superseded keys an opened re-key carries (the chain). Returns the epochs newly keyed. */
  learnOpened(op: OpenedOp): OpId[] {
    if (op.kind !== 'epoch.rekey') return []
    const out: OpId[] = []
    for (const [e, k] of op.body.keys) out.push(...this.offer(toHex(e) as OpId, k))
    return out
  }

  /** A key for an epoch from anywhere (the author's own); kept only if it matches the commitment. */
  offer(epoch: OpId, key: Uint8Array): OpId[] {
    if (this.keys.has(epoch)) return []
    const commit = this.commits.get(epoch)
    if (commit) {
      if (!keyMatches(key, commit)) return []
      this.keys.set(epoch, key)
      return [epoch]
    }
    if (this.candidateCount >= MAX_CANDIDATES) return []
    const list = this.candidates.get(epoch) ?? []
    list.push(key)
    this.candidates.set(epoch, list)
    this.candidateCount++
    return []
  }

  /** An epoch's commitment, from the op that created it; resolves keys offered before it. */
  noteCommit(epoch: OpId, commit: Uint8Array): OpId[] {
    if (this.commits.has(epoch)) return []
    this.commits.set(epoch, commit)
    const waiting = this.candidates.get(epoch)
    if (!waiting) return []
    this.candidates.delete(epoch)
    this.candidateCount -= waiting.length
    const k = waiting.find((x) => keyMatches(x, commit))
    if (!k || this.keys.has(epoch)) return []
    this.keys.set(epoch, k)
    return [epoch]
  }
}
