/**
 * The communities this node holds: one CommunityRuntime each (the replica and
 * what the node keeps beside it), created on first sight and dropped on lock.
 * Their sealed metadata (secret, pending join, known peers: community-meta.ts)
 * is loaded and saved here.
 */
import {
  KeyRing, Replica, inviteKeysFromSecret, type AgreeKeyPair, type CommunityId, type CommunityState, type CryptoSuite, type MemberId, type OpId, type ReplicaLimits,
} from '@polity/protocol'
import { NotAMemberError, UnknownCommunityError } from './errors'
import { VerifiedAhead } from './verified-ahead'
import { decodeMeta, encodeMeta, metaKey, rememberPeer, type KnownPeer, type PendingJoin } from './community-meta'
import { seal, unseal } from './secrets'
import type { Store } from './storage'
import type { KeyRequest } from './grants'

/** What the node keeps per community besides the replica. */
export class CommunityRuntime {
  readonly replica: Replica
  secret: Uint8Array | undefined
  pendingJoin: PendingJoin | undefined
  /** JOIN-1: joined here; no member's device is known to hold the join yet (kept in the sealed meta). */
  joinUnconfirmed = false
  /** JOIN-2: the join was cancelled (kept in the sealed meta; the community is not loaded). */
  cancelled = false
  /** JOIN-1: the last attempt to reach the members for a waiting join (not kept). */
  joinTrace: { lastTry: number; reached: number; accepted: number } | undefined
  /** SYNC-10: what each peer (libp2p id) said it held at the start of the last session with it (not kept). */
  readonly peerTotals = new Map<string, number>()
  draftUpdates: Uint8Array[] = []
  draftTimer: ReturnType<typeof setTimeout> | undefined
  /** Members' devices this one synced with: libp2p peer id → listen addresses and when (NET-P1). */
  knownPeers = new Map<string, KnownPeer>()
  /** While the replica reloads in the background: the checkpointed state (CHECKPOINT-1). */
  snapshot: CommunityState | undefined
  loading: Promise<void> | undefined
  /** The last ingest's apply step: the next one runs after it (ops apply and store in arrival order). */
  applying: Promise<void> = Promise.resolve()
  /** Why loading or folding this community failed, if it did: shown in its summary; other communities carry on. */
  failure: string | undefined

  /** Body signatures of ops in flight that verified ahead on the pool (see verified-ahead.ts). */
  readonly ahead = new VerifiedAhead()
  /** KEY-4: the epoch keys the sealed meta holds (those read back count before the replay confirms them). */
  readonly keptKeys = new Map<OpId, Uint8Array>()
  /** SEAL-5: the current epoch's name secret, recomputed when the replica or its keys change (sealing.ts). */
  nameSecret: Uint8Array | undefined
  nameStamp = ''
  /** EPOCH-12: the pending check before this device grants a key (grants.ts). */
  grantTimer: ReturnType<typeof setTimeout> | undefined
  /** SYNC-9: members' devices that asked for the current key, by member (grants.ts). */
  readonly keyRequests = new Map<MemberId, KeyRequest>()
  /** SYNC-9: when each member's last request was taken (one per 10 minutes). */
  readonly keyRequestsTaken = new Map<MemberId, number>()

  /**
   * Every community the node holds is sealed (protocol v2, ENV2-8): its
   * replica refuses v1 ops. `agree`: the member's agree key (KEY-1), so the
   * wraps addressed to the member open.
   */
  constructor(readonly id: CommunityId, crypto: CryptoSuite, limits?: Partial<ReplicaLimits>, agree?: AgreeKeyPair) {
    const verify = crypto.verify
    const suite: CryptoSuite = { ...crypto, verify: (sig, msg, key) => this.ahead.take(sig, msg, key) || verify(sig, msg, key) }
    const keyRing = new KeyRing(agree ? [agree] : [])
    this.replica = new Replica({ community: id, crypto: suite, keepEnvelopes: false, sealed: true, keyRing, ...(limits ? { limits } : {}) })
  }
}

export interface RuntimesOptions {
  readonly crypto: CryptoSuite
  readonly limits: Partial<ReplicaLimits> | undefined
  readonly meta: Pick<Store, 'getMeta' | 'putMeta'>
  /** The data key that seals the metadata; throws while locked. */
  dataKey(): Uint8Array
  /** The member's agree key (KEY-1) while unlocked. */
  agreeKey(): AgreeKeyPair | undefined
}

export class Runtimes {
  private readonly map = new Map<CommunityId, CommunityRuntime>()

  constructor(private readonly o: RuntimesOptions) {}

  get(id: CommunityId): CommunityRuntime | undefined {
    return this.map.get(id)
  }

  /** The community's runtime; `create`: a new, empty one if there is none (else UnknownCommunityError). */
  runtime(id: CommunityId, create = false): CommunityRuntime {
    let rt = this.map.get(id)
    if (!rt) {
      if (!create) throw new UnknownCommunityError(id)
      rt = new CommunityRuntime(id, this.o.crypto, this.o.limits, this.o.agreeKey())
      this.map.set(id, rt)
    }
    return rt
  }

  /** The runtime once its replica is whole (after a background reload, CHECKPOINT-1). */
  async ready(id: CommunityId, create = false): Promise<CommunityRuntime> {
    const rt = this.runtime(id, create)
    if (rt.loading) await rt.loading
    return rt
  }

  /** A community `member` belongs to, ready to act in. */
  async joined(id: CommunityId, member: MemberId): Promise<CommunityRuntime> {
    const rt = await this.ready(id)
    if (!rt.replica.roster().members.has(member)) throw new NotAMemberError()
    return rt
  }

  values(): IterableIterator<CommunityRuntime> {
    return this.map.values()
  }

  ids(): IterableIterator<CommunityId> {
    return this.map.keys()
  }

  /** True while the community (or any, without one) is still reloading behind its checkpoint. */
  isLoading(id?: CommunityId): boolean {
    return id ? this.map.get(id)?.loading !== undefined : [...this.map.values()].some((rt) => rt.loading !== undefined)
  }

  /** Forget every community (on lock): pending draft timers stop. */
  clear(): void {
    for (const rt of this.map.values()) {
      if (rt.draftTimer) clearTimeout(rt.draftTimer)
      if (rt.grantTimer) clearTimeout(rt.grantTimer)
    }
    this.map.clear()
  }

  /** JOIN-2: forget one community on this device (a cancelled join); its timers stop. */
  drop(id: CommunityId): void {
    const rt = this.map.get(id)
    if (rt?.draftTimer) clearTimeout(rt.draftTimer)
    if (rt?.grantTimer) clearTimeout(rt.grantTimer)
    this.map.delete(id)
  }

  /** Is this runtime still the one held for its community (not dropped by a lock)? */
  isHeld(rt: CommunityRuntime): boolean {
    return this.map.get(rt.id) === rt
  }

  async loadMeta(rt: CommunityRuntime): Promise<void> {
    const key = metaKey(rt.id)
    const raw = await this.o.meta.getMeta(key)
    if (!raw) return
    const m = decodeMeta(unseal(this.o.dataKey(), key, raw))
    if (m.secret) rt.secret = m.secret
    if (m.pendingJoin) {
      rt.pendingJoin = m.pendingJoin
      // KEY-4: a waiting invitee opens the history with the invite's agree key (SEAL-4).
      rt.replica.keyRing.addAgreeKey(inviteKeysFromSecret(m.pendingJoin.inviteSecret).agree)
    }
    rt.joinUnconfirmed = m.joinUnconfirmed === true
    rt.cancelled = m.cancelled === true
    for (const [peer, p] of m.peers) rt.knownPeers.set(peer, p)
    // KEY-4: each kept key is used only once it matches its epoch's commitment (read from the ops as they load).
    for (const [epoch, k] of m.keys) {
      rt.keptKeys.set(epoch, k)
      rt.replica.keyRing.offer(epoch, k)
    }
  }

  /** KEY-4: does the ring hold keys the sealed meta does not yet? */
  keysToSave(rt: CommunityRuntime): boolean {
    return rt.replica.keyRing.epochs().some((e) => !rt.keptKeys.has(e))
  }

  async saveMeta(rt: CommunityRuntime): Promise<void> {
    const key = metaKey(rt.id)
    const ring = rt.replica.keyRing
    for (const e of ring.epochs()) rt.keptKeys.set(e, ring.key(e) as Uint8Array)
    await this.o.meta.putMeta(key, seal(this.o.dataKey(), key, encodeMeta({
      secret: rt.secret, pendingJoin: rt.pendingJoin, peers: rt.knownPeers, keys: rt.keptKeys, joinUnconfirmed: rt.joinUnconfirmed, cancelled: rt.cancelled,
    })))
  }

  /** NET-P1: a member's device this one completed a session with, kept in the sealed meta. */
  rememberPeer(c: CommunityId, peer: string, addresses: readonly string[]): void {
    const rt = this.map.get(c)
    if (!rt) return
    if (rememberPeer(rt.knownPeers, peer, addresses, Date.now())) void this.saveMeta(rt).catch(() => undefined)
  }

  /** NET-G3: a peer whose member departed (or that failed SYNC-3) is no longer re-dialed for `c`. */
  forgetPeer(c: CommunityId, peer: string): void {
    const rt = this.map.get(c)
    if (rt?.knownPeers.delete(peer)) void this.saveMeta(rt).catch(() => undefined)
  }
}
