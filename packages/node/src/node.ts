/**
 * PolityNode: one member's device. It owns the keys (they never leave this
 * process), a replica per community, the durable op store, and the app API
 * that the CLI, the browser bridge and Electron all call. Every command works
 * with no network at all (I7); an op is acknowledged only once it is on disk
 * (I4).
 */
import { randomBytes } from '@noble/hashes/utils.js'
import { sha256 } from '@noble/hashes/sha2.js'
import * as Y from 'yjs'
import {
  Replica, createOp, certifyDevice, didKeyOf, generateKeyPair, identityFromRecoveryPhrase, joinProofMessage,
  recoveryPhraseOf, sign, toHex, fromHex, decodeOpUnverified, innerSignatureChecks, signatureError, signedBytesOf, encodeDossier, verifyDossier, keyPairFromSecret, DEFAULT_RULES, requirementOf, checkRequested, yesNoRank,
  DRAFT_TEXT, MAX_DEPS, publicKeyFromDidKey, ProtocolError, DecodeError,
  type UncheckedOp,
  type AnyOp, type ReplicaLimits, type BodyOf, type CborValue, type CommunityId, type CryptoSuite, type MemberId, type OpId, type OpKind,
  type CommunityState, type ProposalAction, type Rules,
} from '@polity/protocol'
import type {
  AcceptedInvite, CommunitySummary, CreateCommunityInput, CreatedIdentity, DiffHunk, DossierReport, DraftState,
  IdentityStatus, ImportResult, Invite, PolityClient, PolityEvent, ProposalActionInput, SyncStatus, ForkInput,
  ProposalInput, InviteInput, Ballot, Role, WebrtcRoom, EnvelopeBatch, RulesInput, CommunityView, ForkLineage,
} from '@polity/api'
import { PolityNetwork, parseAddress, peerIdOfAddress, webrtcRoom, type NetworkHost, type PolityNetworkInit } from '@polity/net'
import {
  IdentityExistsError, InvalidInputError, InvalidInviteError, LockedError, NoIdentityError, NotAMemberError,
  RefusedError, UnknownCommunityError, WeakPassphraseError,
} from './errors'
import { createNativeCrypto } from './native-crypto'
import { VerifiedAhead } from './verified-ahead'
import { decodeSecrets, encodeSecrets, seal, unseal, type NodeSecrets } from './secrets'
import { keystoreExists, openStore, pathsOf, readKeystore, recordOf, rewriteKeystore, writeKeystore, type NodePaths, type Store } from './storage'
import { decodeInviteLink, encodeInviteLink } from './invite-link'
import { decodeBundle, encodeBundle } from './bundle'
import { decodeCheckpointState, encodeCheckpointState } from './checkpoint'
import { lineDiff } from './diff'
import { ForkLineages } from './lineage'
import { rosterAccess, type SessionStats } from '@polity/sync'
import { DEFAULT_KDF_LOG_N, StoreCorruptError } from '@polity/store'

export interface PolityNodeOptions {
  readonly dataDir: string
  /** scrypt cost as log2(N). Default 17; tests may lower it. */
  readonly kdfLogN?: number
  /** Milliseconds of typing pause before draft edits are signed as one op. */
  readonly draftBatchMs?: number
  readonly now?: () => number
  readonly crypto?: CryptoSuite
  /** Join the network whenever the node is unlocked (and leave it when locked). */
  readonly network?: PolityNetworkInit
  /** y-webrtc signaling servers (`ws://…`) for browser-mode UIs' WebRTC relay (NET-RTC-1); none: relay off. */
  readonly signaling?: readonly string[]
  /** Per-community replica limits (DAG-5's buffer); defaults are the protocol's. Tests lower them. */
  readonly replicaLimits?: Partial<ReplicaLimits>
}

interface PendingJoin {
  readonly invite: OpId
  readonly inviteSecret: Uint8Array
  readonly name: string
  /** The inviter's addresses from the link, re-dialed until the join completes. */
  readonly addresses: readonly string[]
}

/** What the node keeps per community besides the replica. */
class CommunityRuntime {
  readonly replica: Replica
  secret: Uint8Array | undefined
  pendingJoin: PendingJoin | undefined
  draftUpdates: Uint8Array[] = []
  draftTimer: ReturnType<typeof setTimeout> | undefined
  /** Members' devices this one synced with: libp2p peer id → listen addresses and when (NET-P1). */
  knownPeers = new Map<string, { readonly addrs: readonly string[]; readonly seen: number }>()
  /** While the replica reloads in the background: the checkpointed state (CHECKPOINT-1). */
  snapshot: CommunityState | undefined
  loading: Promise<void> | undefined
  /** The last ingest's apply step: the next one runs after it (ops apply and store in arrival order). */
  applying: Promise<void> = Promise.resolve()
  /** Why loading or folding this community failed, if it did: shown in its summary; other communities carry on. */
  failure: string | undefined

  /** Body signatures of ops in flight that verified ahead on the pool (see verified-ahead.ts). */
  readonly ahead = new VerifiedAhead()

  constructor(readonly id: CommunityId, crypto: CryptoSuite, limits?: Partial<ReplicaLimits>) {
    const verify = crypto.verify
    const suite: CryptoSuite = { ...crypto, verify: (sig, msg, key) => this.ahead.take(sig, msg, key) || verify(sig, msg, key) }
    this.replica = new Replica({ community: id, crypto: suite, keepEnvelopes: false, ...(limits ? { limits } : {}) })
  }
}

const MIN_PASSPHRASE = 8
/** Envelopes per relay call (NET-RTC-4): bounds one bridge message. */
const RELAY_BATCH = 1000
const HOUR = 3600_000
/** FORK-4: the most parent members a fork's genesis can name. */
const MAX_FORK_MEMBERS = 4096
/** Ops per batch when a bundle is imported: bounds one store write and its memory. */
const INGEST_CHUNK = 4096

/**
 * What one ingest did. `waiting` holds the ops that went into the replica's
 * buffer of ops whose deps are missing (DAG-5); some of them may apply later
 * in the same import, so callers count what is still waiting at the end
 * (`stillWaiting`). `dropped` counts ops refused because that buffer was full.
 */
interface IngestResult { applied: AnyOp[]; rejected: string[]; duplicates: number; waiting: OpId[]; dropped: number }
/** Longest stretch of background replay before other work gets a turn. */
const REPLAY_SLICE_MS = 15
/** NET-P1: remembered peers per community, and addresses per peer. */
const KNOWN_PEERS_MAX = 16
const KNOWN_PEER_ADDRS_MAX = 8

export class PolityNode implements PolityClient {
  private secrets: NodeSecrets | undefined
  private readonly communities = new Map<CommunityId, CommunityRuntime>()
  private readonly listeners = new Set<(e: PolityEvent) => void>()
  private readonly crypto: CryptoSuite
  private readonly now: () => number
  private closed = false
  private network: PolityNetwork | undefined
  /** FORK-5: each fork's lineage as this device can tell it (see lineage.ts for when it is asked). */
  private readonly lineages = new ForkLineages({
    runtimes: () => this.communities.values(),
    runtime: (id) => this.communities.get(id),
    meta: { getMeta: (k) => this.store.getMeta(k), putMeta: (k, v) => this.store.putMeta(k, v), listMeta: (p) => this.store.listMeta(p) },
    dataKey: () => this.secrets?.dataKey,
    changed: () => this.emit({ type: 'communities' }),
  })

  private constructor(
    private readonly paths: NodePaths,
    private readonly store: Store,
    private readonly options: PolityNodeOptions,
  ) {
    this.crypto = options.crypto ?? createNativeCrypto()
    this.now = options.now ?? Date.now
  }

  static async open(options: PolityNodeOptions): Promise<PolityNode> {
    const paths = pathsOf(options.dataDir)
    const store = await openStore(paths)
    return new PolityNode(paths, store, options)
  }

  async close(): Promise<void> {
    if (this.closed) return
    for (const rt of this.communities.values()) await this.flushRuntime(rt)
    await this.stopNetwork()
    if (this.secrets) await this.writeCheckpoints().catch(() => undefined)
    this.closed = true
    this.lockSecrets()
    await this.store.close()
  }

  // ---- events ---------------------------------------------------------------

  subscribe(listener: (event: PolityEvent) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  private emit(e: PolityEvent): void {
    for (const l of this.listeners) {
      try {
        l(e)
      } catch {
        // A subscriber's failure never affects the node.
      }
    }
  }

  // ---- identity -------------------------------------------------------------

  async identityStatus(): Promise<IdentityStatus> {
    if (this.secrets) {
      return {
        state: 'unlocked',
        member: toHex(this.secrets.identity.publicKey) as MemberId,
        did: didKeyOf(this.secrets.identity.publicKey),
        deviceKey: toHex(this.secrets.device.publicKey),
      }
    }
    return { state: keystoreExists(this.paths) ? 'locked' : 'none' }
  }

  async createIdentity(input: { passphrase: string }): Promise<CreatedIdentity> {
    if (keystoreExists(this.paths)) throw new IdentityExistsError()
    checkPassphrase(input.passphrase)
    const secrets: NodeSecrets = { identity: generateKeyPair(), device: generateKeyPair(), dataKey: randomBytes(32) }
    await writeKeystore(this.paths, input.passphrase, encodeSecrets(secrets), this.kdfLogN)
    await this.unlockWith(secrets)
    return {
      did: didKeyOf(secrets.identity.publicKey),
      member: toHex(secrets.identity.publicKey) as MemberId,
      recoveryPhrase: recoveryPhraseOf(secrets.identity.secretKey),
    }
  }

  async restoreIdentity(input: { phrase: string; passphrase: string }): Promise<IdentityStatus> {
    if (keystoreExists(this.paths)) throw new IdentityExistsError()
    checkPassphrase(input.passphrase)
    // A restored identity gets a new device key (ID-4): it links itself to each community it meets.
    const secrets: NodeSecrets = { identity: identityFromRecoveryPhrase(input.phrase), device: generateKeyPair(), dataKey: randomBytes(32) }
    await writeKeystore(this.paths, input.passphrase, encodeSecrets(secrets), this.kdfLogN)
    await this.unlockWith(secrets)
    return this.identityStatus()
  }

  async unlock(input: { passphrase: string }): Promise<IdentityStatus> {
    if (!keystoreExists(this.paths)) throw new NoIdentityError()
    // Checked even when already unlocked: a wrong passphrase is always an error (KEYS-3).
    const secrets = decodeSecrets(await readKeystore(this.paths, input.passphrase, this.kdfLogN))
    if (!this.secrets) await this.unlockWith(secrets)
    else wipeSecrets(secrets)
    return this.identityStatus()
  }

  /** KEYS-5: re-seal the keystore under a new passphrase (at the full cost, which also repairs a weak keystore, KEYS-6). */
  async changePassphrase(input: { current: string; next: string }): Promise<void> {
    if (!keystoreExists(this.paths)) throw new NoIdentityError()
    checkPassphrase(input.next)
    await rewriteKeystore(this.paths, input.current, input.next, this.kdfLogN)
  }

  /** scrypt cost for new keystores, and the lowest accepted on unlock (KEYS-6); only tests lower it. */
  private get kdfLogN(): number {
    return this.options.kdfLogN ?? DEFAULT_KDF_LOG_N
  }

  async lock(): Promise<IdentityStatus> {
    for (const rt of this.communities.values()) await this.flushRuntime(rt)
    await this.stopNetwork()
    await this.writeCheckpoints().catch(() => undefined)
    this.lockSecrets()
    const status = await this.identityStatus()
    this.emit({ type: 'identity', status })
    return status
  }

  private lockSecrets(): void {
    if (this.secrets) wipeSecrets(this.secrets)
    this.secrets = undefined
    for (const rt of this.communities.values()) if (rt.draftTimer) clearTimeout(rt.draftTimer)
    this.communities.clear()
    this.lineages.clear()
  }

  private async unlockWith(secrets: NodeSecrets): Promise<void> {
    this.secrets = secrets
    await this.loadCommunities()
    if (this.options.network) await this.startNetwork(this.options.network)
    this.emit({ type: 'identity', status: await this.identityStatus() })
  }

  // ---- network ----------------------------------------------------------------

  /** Join the network (libp2p): serve sync, gossip, reconcile periodically. Returns our addresses. */
  async startNetwork(options: PolityNetworkInit = {}): Promise<string[]> {
    this.requireSecrets()
    // BRIDGE-7: every completed session (SYNC-7) reaches subscribers as a `sync` event with the community's status.
    if (!this.network) this.network = await PolityNetwork.start(this.networkHost(), { ...options, onSyncStatus: (c) => void this.syncStatus({ community: c }).then((status) => this.emit({ type: 'sync', community: c, status }), () => undefined) })
    return this.network.addresses()
  }

  async stopNetwork(): Promise<void> {
    const n = this.network
    this.network = undefined
    await n?.stop()
  }

  /** Peer ids we are connected to right now. */
  connectedPeers(): string[] {
    return this.network?.connectedPeers() ?? []
  }

  /** Our libp2p addresses (empty when offline). */
  networkAddresses(): string[] {
    return this.network?.addresses() ?? []
  }

  /** Reconcile every community with every connected peer now (the periodic task does this too). */
  async syncNow(): Promise<void> {
    await this.network?.syncAll()
  }

  /** Dial peers by address, then reconcile every community with them; returns each session's figures. */
  async connectPeers(addresses: readonly string[]): Promise<SessionStats[]> {
    if (!this.network) return []
    const peers = await this.network.connect(addresses)
    const out: SessionStats[] = []
    for (const p of peers) {
      for (const c of this.communities.keys()) {
        const s = await this.network.syncPeer(c, p)
        if (s) out.push(s)
      }
    }
    return out
  }

  /**
   * A restored device (or any member's device) fetches a community it belongs
   * to from peers by address, proving membership with its identity key.
   */
  async fetchCommunity(community: CommunityId, addresses: readonly string[], secret?: Uint8Array): Promise<number> {
    this.requireSecrets()
    const rt = await this.ready(community, true)
    if (secret && !rt.secret) {
      rt.secret = secret
      await this.saveMeta(rt)
    }
    if (!this.network) return 0
    const peers = await this.network.connect(addresses)
    for (const p of peers) await this.network.syncPeer(community, p)
    await this.tryCompleteJoin(rt).catch(() => undefined)
    return rt.replica.size
  }

  /** Find members through the DHT rendezvous derived from the community secret. */
  async discover(community: CommunityId): Promise<number> {
    return this.network ? this.network.discover(community) : 0
  }

  private networkHost(): NetworkHost {
    return {
      // A community still reloading behind its checkpoint is not served or synced until it is whole.
      communities: () => [...this.communities.values()].filter((rt) => !rt.loading).map((rt) => rt.id),
      secret: (c) => this.communities.get(c)?.secret,
      // SYNC-3: the keys stay here; the network only gets the session's target and access control.
      syncSession: (c, binding) => {
        const rt = this.communities.get(c)
        if (!rt || rt.loading || !this.secrets) return undefined
        const pj = rt.pendingJoin
        return {
          target: { replica: rt.replica, ingest: (envs) => this.receiveOps(c, envs), envelopes: (ids) => this.envelopesOf(c, ids) },
          access: rosterAccess({
            replica: rt.replica, community: c, identity: this.secrets.identity,
            ...(pj ? { invite: { id: pj.invite, key: keyPairFromSecret(pj.inviteSecret) } } : {}),
            localBinding: binding.local, remoteBinding: binding.remote, verify: this.crypto.verify,
          }),
        }
      },
      ingest: (c, envs) => this.receiveOps(c, envs),
      retryTargets: () => [...this.communities.values()].flatMap((rt) => (rt.pendingJoin ? [...rt.pendingJoin.addresses] : [])),
      knownPeerTargets: () => [...new Set([...this.communities.values()].flatMap((rt) => [...rt.knownPeers.values()].flatMap((p) => p.addrs)))],
      rememberPeer: (c, peer, addresses) => this.rememberPeer(c, peer, addresses),
    }
  }

  private requireSecrets(): NodeSecrets {
    if (!this.secrets) throw keystoreExists(this.paths) ? new LockedError() : new NoIdentityError()
    return this.secrets
  }

  private get member(): MemberId {
    return toHex(this.requireSecrets().identity.publicKey) as MemberId
  }

  // ---- loading and persisting -----------------------------------------------

  private async loadCommunities(): Promise<void> {
    await this.lineages.restoreKept()
    for (const id of await this.store.listCommunities()) {
      const cid = toHex(id) as CommunityId
      const rt = this.runtime(cid, true)
      // One community that fails to load must not keep the node (or the other communities) from opening.
      await this.loadCommunity(rt, id).catch((e: unknown) => {
        rt.failure = `Loading failed: ${messageOf(e)}`
      })
    }
    for (const key of await this.store.listMeta('community/')) {
      const cid = key.slice('community/'.length) as CommunityId
      const rt = this.runtime(cid, true)
      await this.loadMeta(rt)
    }
    this.lineages.refresh()
  }

  private async loadCommunity(rt: CommunityRuntime, id: Uint8Array): Promise<void> {
    // A checkpoint that cannot be read is ignored like one that does not decode (CHECKPOINT-2).
    const cp = await this.store.getCheckpoint(id).catch(() => undefined)
    let snapshot: CommunityState | undefined
    // CHECKPOINT-2: the store only ever adds ops, so the same op count means the same set of ops. (Listing
    // the heads instead walked ~200k deleted head entries until LevelDB compacted them: ~100 ms.)
    if (cp && cp.opCount === (await this.store.count(id))) {
      snapshot = decodeCheckpointState(cp.state) // undefined when damaged: that only costs the fast path
    }
    if (snapshot) {
      // CHECKPOINT-1: the state is ready now; the replica (needed to act) reloads in the background.
      rt.snapshot = snapshot
      rt.loading = this.replay(rt, id).finally(() => {
        rt.loading = undefined
        rt.snapshot = undefined
        // FORK-5: the community is whole now: its own lineage and its forks' can be asked.
        if (this.communities.get(rt.id) === rt) this.lineages.refresh(rt.id)
      })
      rt.loading.catch((e: unknown) => {
        rt.failure = `Loading failed: ${messageOf(e)}`
      })
    } else {
      await this.replay(rt, id)
    }
  }

  /** Replay a community's stored ops into its replica, yielding now and then so the node stays responsive. */
  private async replay(rt: CommunityRuntime, id: Uint8Array): Promise<void> {
    // Yield by time, not by count: a 2,000-op chunk took ~0.6 s at 200k ops and held every command (and unlock's own return) behind it.
    let slice = performance.now()
    const pause = async (): Promise<void> => {
      if (performance.now() - slice > REPLAY_SLICE_MS) {
        await new Promise((r) => setImmediate(r))
        slice = performance.now()
      }
    }
    // The store's ops are verified again as they load (a damaged or altered disk must not pass), on every
    // core: while the workers check one chunk's signatures, this thread folds the one before.
    let checking: Promise<(AnyOp | ProtocolError)[]> | undefined
    const fold = async (checked: readonly (AnyOp | ProtocolError)[]): Promise<void> => {
      for (const x of checked) {
        if (!(x instanceof ProtocolError)) rt.replica.receive(x)
        await pause()
      }
    }
    let chunk: Uint8Array[] = []
    for await (const rec of this.store.iterate(id)) {
      chunk.push(rec.bytes)
      if (chunk.length < INGEST_CHUNK) continue
      const next = this.checkSignatures(rt, chunk, pause)
      if (checking) await fold(await checking)
      checking = next
      chunk = []
    }
    const last = this.checkSignatures(rt, chunk, pause)
    if (checking) await fold(await checking)
    await fold(await last)
    rt.replica.trimCaches()
  }

  /** Envelopes of held ops: the replica keeps none in memory (keepEnvelopes: false), the store has them all. */
  private async envelopesOf(c: CommunityId, ids: readonly OpId[]): Promise<(Uint8Array | undefined)[]> {
    return this.store.getOps(ids.map((id) => fromHex(id, 32)))
  }

  /** Every stored envelope of a community in (height, id) order: a causal order. */
  private async storedEnvelopes(c: CommunityId): Promise<Uint8Array[]> {
    const out: Uint8Array[] = []
    for await (const rec of this.store.iterate(fromHex(c, 32))) out.push(rec.bytes)
    return out
  }

  /** Write a checkpoint of every fully loaded community (on close and lock). */
  private async writeCheckpoints(): Promise<void> {
    for (const rt of this.communities.values()) {
      if (rt.loading || !rt.replica.roster().genesis) continue
      await this.writeCheckpoint(rt).catch((e: unknown) => {
        rt.failure = `Saving a checkpoint failed: ${messageOf(e)}`
      })
    }
  }

  private async writeCheckpoint(rt: CommunityRuntime): Promise<void> {
    const state = rt.replica.state()
    const height = Math.max(0, ...state.heads.map((h) => rt.replica.dag.get(h)?.height ?? 0))
    await this.store.putCheckpoint(fromHex(rt.id, 32), {
      heads: state.heads.map((h) => fromHex(h, 32)),
      opCount: state.opCount,
      height,
      state: encodeCheckpointState(state),
    })
  }

  /** True while any community is still reloading behind its checkpoint. */
  isLoading(community?: CommunityId): boolean {
    return community ? this.communities.get(community)?.loading !== undefined : [...this.communities.values()].some((rt) => rt.loading !== undefined)
  }

  private async ready(id: CommunityId, create = false): Promise<CommunityRuntime> {
    const rt = this.runtime(id, create)
    if (rt.loading) await rt.loading
    return rt
  }

  private runtime(id: CommunityId, create = false): CommunityRuntime {
    let rt = this.communities.get(id)
    if (!rt) {
      if (!create) throw new UnknownCommunityError(id)
      rt = new CommunityRuntime(id, this.crypto, this.options.replicaLimits)
      this.communities.set(id, rt)
    }
    return rt
  }

  private async loadMeta(rt: CommunityRuntime): Promise<void> {
    const raw = await this.store.getMeta(`community/${rt.id}`)
    if (!raw) return
    const m = unseal(this.requireSecrets().dataKey, `community/${rt.id}`, raw) as Record<string, CborValue>
    if (m['secret'] instanceof Uint8Array) rt.secret = m['secret']
    const pj = m['pendingJoin'] as Record<string, CborValue> | null
    if (pj && typeof pj['invite'] === 'string' && pj['inviteSecret'] instanceof Uint8Array) {
      const addresses = Array.isArray(pj['addresses']) ? (pj['addresses'] as CborValue[]).filter((a): a is string => typeof a === 'string') : []
      rt.pendingJoin = { invite: pj['invite'] as OpId, inviteSecret: pj['inviteSecret'], name: typeof pj['name'] === 'string' ? pj['name'] : '', addresses }
    }
    const peers = Array.isArray(m['peers']) ? (m['peers'] as CborValue[]) : []
    for (const p of peers.slice(0, KNOWN_PEERS_MAX)) {
      const r = p as Record<string, CborValue> | null
      if (!r || typeof r['peer'] !== 'string' || !Array.isArray(r['addrs'])) continue
      const addrs = (r['addrs'] as CborValue[]).filter((a): a is string => typeof a === 'string').slice(0, KNOWN_PEER_ADDRS_MAX)
      rt.knownPeers.set(r['peer'], { addrs, seen: typeof r['seen'] === 'number' ? r['seen'] : 0 })
    }
  }

  /** NET-P1: remember a member's listen addresses (sealed in the community's meta); at most 16 peers, the most recent. */
  private rememberPeer(c: CommunityId, peer: string, addresses: readonly string[]): void {
    const rt = this.communities.get(c)
    if (!rt || !this.secrets) return
    const addrs: string[] = []
    for (const a of addresses) {
      const full = a.includes('/p2p/') ? a : `${a}/p2p/${peer}`
      try {
        if (peerIdOfAddress(parseAddress(full)) === peer && !addrs.includes(full)) addrs.push(full)
      } catch {
        // Not dialable (or not this peer's): skip it.
      }
      if (addrs.length >= KNOWN_PEER_ADDRS_MAX) break
    }
    if (addrs.length === 0) return
    const before = rt.knownPeers.get(peer)
    const now = Date.now()
    const same = before !== undefined && before.addrs.length === addrs.length && before.addrs.every((a, i) => a === addrs[i])
    if (same && now - before.seen < HOUR) return
    rt.knownPeers.set(peer, { addrs, seen: now })
    if (rt.knownPeers.size > KNOWN_PEERS_MAX) {
      const oldest = [...rt.knownPeers.entries()].sort((a, b) => a[1].seen - b[1].seen)[0]
      if (oldest) rt.knownPeers.delete(oldest[0])
    }
    void this.saveMeta(rt).catch(() => undefined)
  }

  private async saveMeta(rt: CommunityRuntime): Promise<void> {
    const value: Record<string, CborValue> = {
      secret: rt.secret ?? null,
      pendingJoin: rt.pendingJoin
        ? { invite: rt.pendingJoin.invite, inviteSecret: rt.pendingJoin.inviteSecret, name: rt.pendingJoin.name, addresses: [...rt.pendingJoin.addresses] }
        : null,
      peers: [...rt.knownPeers.entries()].map(([peer, p]) => ({ peer, addrs: [...p.addrs], seen: p.seen })),
    }
    await this.store.putMeta(`community/${rt.id}`, seal(this.requireSecrets().dataKey, `community/${rt.id}`, value))
  }

  /**
   * Validate, apply and durably store ops from anywhere; returns what happened
   * to each. Raw envelopes are decoded at once and their signatures checked
   * on every core (CryptoSuite.verifyMany); applying and storing run in call
   * order per community, so a caller may start the next batch's checks
   * while this one folds (sync and bundle imports do).
   */
  private ingest(rt: CommunityRuntime, ops: readonly (Uint8Array | AnyOp | UncheckedOp)[]): Promise<IngestResult> {
    const checked = this.checkSignatures(rt, ops)
    const run = rt.applying.then(async () => this.applyChecked(rt, await checked))
    rt.applying = run.then(() => undefined, () => undefined)
    return run
  }

  /** Decode raw envelopes (DecodeError → rejected) and check every owed signature in one batch. */
  private async checkSignatures(rt: CommunityRuntime, ops: readonly (Uint8Array | AnyOp | UncheckedOp)[], pause?: () => Promise<void>): Promise<(AnyOp | ProtocolError)[]> {
    const out: (AnyOp | ProtocolError)[] = []
    const owed: number[] = []
    const checks: UncheckedOp['check'][] = []
    // Signatures inside bodies go in the same call (answers past owed.length); their ops may use them in the fold.
    const inner: UncheckedOp['check'][] = []
    const invites = new Map<OpId, Uint8Array>()
    const inviteKey = (id: OpId): Uint8Array | undefined => {
      const known = invites.get(id)
      if (known) return known
      const e = rt.replica.dag.get(id)
      return e && e.op.kind === 'invite.create' ? e.op.body.key : undefined
    }
    const ahead = (op: AnyOp): void => {
      if (op.kind === 'invite.create') invites.set(op.id, op.body.key)
      for (const c of innerSignatureChecks(op, inviteKey)) inner.push(c)
    }
    for (const x of ops) {
      let u: UncheckedOp | undefined
      if (x instanceof Uint8Array) {
        try {
          u = decodeOpUnverified(x, this.crypto)
        } catch (e) {
          out.push(e instanceof ProtocolError ? e : new DecodeError(String(e)))
          continue
        } finally {
          if (pause) await pause()
        }
      } else if ('check' in x) u = x
      if (u) {
        owed.push(out.length)
        checks.push(u.check)
        out.push(u.op)
        ahead(u.op)
      } else out.push(x as AnyOp)
    }
    if (checks.length === 0) return out
    const all = inner.length > 0 ? [...checks, ...inner] : checks
    const ok = this.crypto.verifyMany
      ? await this.crypto.verifyMany(all)
      : all.map((c) => this.crypto.verify(c.signature, signedBytesOf(c), c.key))
    for (let j = 0; j < owed.length; j++) if (!ok[j]) out[owed[j] as number] = signatureError(checks[j])
    for (let j = 0; j < inner.length; j++) if (ok[checks.length + j]) rt.ahead.add(inner[j] as UncheckedOp['check'])
    return out
  }

  private async applyChecked(rt: CommunityRuntime, ops: readonly (AnyOp | ProtocolError)[]): Promise<IngestResult> {
    const applied: AnyOp[] = []
    const rejected: string[] = []
    let duplicates = 0
    const waiting: OpId[] = []
    let dropped = 0
    for (const x of ops) {
      if (x instanceof ProtocolError) {
        rejected.push(x.message)
        continue
      }
      const r = rt.replica.receive(x)
      if (r.status === 'applied') {
        applied.push(...r.ops)
      } else if (r.status === 'rejected') rejected.push(r.error.message)
      else if (r.status === 'duplicate') duplicates++
      else if (r.status === 'pending') waiting.push(r.id)
      else dropped++
    }
    if (applied.length > 0) {
      await this.store.putOps(applied.map((op) => recordOf(rt.replica, op)))
      this.afterApplied(rt, applied)
    }
    return { applied, rejected, duplicates, waiting, dropped }
  }

  /** Ingest a long list in chunks, checking the next chunk's signatures while this one folds. */
  private async ingestMany(rt: CommunityRuntime, ops: readonly (Uint8Array | AnyOp | UncheckedOp)[]): Promise<IngestResult> {
    const total: IngestResult = { applied: [], rejected: [], duplicates: 0, waiting: [], dropped: 0 }
    const inflight: Promise<IngestResult>[] = []
    const take = (r: IngestResult): void => {
      for (const op of r.applied) total.applied.push(op)
      for (const m of r.rejected) total.rejected.push(m)
      total.duplicates += r.duplicates
      for (const id of r.waiting) total.waiting.push(id)
      total.dropped += r.dropped
    }
    for (let i = 0; i < ops.length; i += INGEST_CHUNK) {
      inflight.push(this.ingest(rt, ops.slice(i, i + INGEST_CHUNK)))
      if (inflight.length >= 2) take(await (inflight.shift() as Promise<IngestResult>))
    }
    for (const p of inflight) take(await p)
    return total
  }

  private afterApplied(rt: CommunityRuntime, ops: readonly AnyOp[]): void {
    const mine = this.secrets ? toHex(this.secrets.device.publicKey) : ''
    for (const op of ops) {
      if (op.kind === 'charter.edit' && op.author !== mine) {
        this.emit({ type: 'draft', community: rt.id, update: op.body.update, member: rt.replica.roster().memberOf(op.author) ?? null })
      }
    }
    this.emit({ type: 'community', community: rt.id, ops: rt.replica.size })
    this.lineages.refresh(rt.id)
  }

  /**
   * Author one op as this device on top of everything this replica holds.
   * `body` may depend on the claimed time; a proposal claims at least the
   * time floor of its causal past (GOV-4).
   */
  private async author<K extends OpKind>(rt: CommunityRuntime, kind: K, body: BodyOf<K> | ((time: number) => BodyOf<K>), opts: { proposal?: boolean } = {}): Promise<AnyOp> {
    const secrets = this.requireSecrets()
    const deviceKey = toHex(secrets.device.publicKey) as AnyOp['author']
    const last = rt.replica.dag.lastOf(deviceKey)
    const heads = rt.replica.heads()
    const deps = [...new Set([...(last ? [last.op.id] : []), ...heads.slice(-(MAX_DEPS - 1))])]
    const time = opts.proposal ? Math.max(this.now(), rt.replica.governance.timeFloor(deps)) : this.now()
    const op = opFromInput(() => createOp(
      { community: kind === 'genesis' ? null : rt.id, seq: (last?.op.seq ?? 0) + 1, deps: kind === 'genesis' ? [] : deps, time, kind, body: typeof body === 'function' ? body(time) : body },
      secrets.device,
      this.crypto,
    ) as AnyOp)
    const r = rt.replica.receive(op)
    if (r.status !== 'applied') {
      throw new RefusedError(r.status === 'rejected' ? humanRule(r.error.message) : `The op could not be applied (${r.status}).`)
    }
    // Our own op, made just now on top of everything we hold: it cannot be stored yet (no lookup first).
    await this.store.putOps([recordOf(rt.replica, op)], { fresh: true })
    this.afterApplied(rt, [op])
    this.network?.publish(rt.id, op.bytes)
    return op
  }

  private async joined(id: CommunityId): Promise<CommunityRuntime> {
    const rt = await this.ready(id)
    if (!rt.replica.roster().members.has(this.member)) throw new NotAMemberError()
    return rt
  }

  // ---- communities ------------------------------------------------------------

  async listCommunities(): Promise<CommunitySummary[]> {
    this.requireSecrets()
    const out: CommunitySummary[] = []
    for (const rt of this.communities.values()) {
      try {
        out.push(this.summaryOf(rt))
      } catch (e) {
        // A community whose state cannot be read is listed with the reason; the others are unaffected.
        rt.failure = `Reading its state failed: ${messageOf(e)}`
        const g = rt.replica.roster().genesis
        out.push({
          id: rt.id, name: g?.name ?? rt.pendingJoin?.name ?? '', purpose: g?.purpose ?? '', memberCount: rt.replica.roster().members.size,
          role: rt.replica.roster().members.get(this.member)?.role ?? null, openProposals: 0, opCount: rt.replica.size,
          parent: null, lineage: null, pendingJoin: rt.pendingJoin !== undefined, error: rt.failure,
        })
      }
    }
    return out.sort((a, b) => a.name.localeCompare(b.name))
  }

  /** A community's summary; `error` says what failed while loading or folding it (CHARTER-F5). */
  private summaryOf(rt: CommunityRuntime): CommunitySummary {
    const failed = (): { error?: string } => {
      const fold = rt.loading ? [] : rt.replica.foldErrors()
      const error = rt.failure ?? (fold.length > 0 ? `Folding ${fold.length === 1 ? 'an edit' : `${fold.length} edits`} failed (first: op ${fold[0]?.op}: ${fold[0]?.error})` : undefined)
      return error === undefined ? {} : { error }
    }
    // FORK-5: a fork is presented as its parent's only when its lineage is verified.
    const lineage = this.lineages.of(rt)
    const parent = lineage?.status === 'verified' ? lineage.parent : null
    if (rt.loading && rt.snapshot) {
      const s = rt.snapshot
      return {
        id: rt.id, name: s.name, purpose: s.purpose, memberCount: s.members.length,
        role: s.members.find((m) => m.id === this.member)?.role ?? null,
        openProposals: s.proposals.filter((p) => p.status === 'open').length, opCount: s.opCount,
        parent, lineage, pendingJoin: false, ...failed(),
      }
    }
    const roster = rt.replica.roster()
    const g = roster.genesis
    const state = g ? rt.replica.state() : undefined
    return {
      id: rt.id,
      name: g?.name ?? rt.pendingJoin?.name ?? '',
      purpose: g?.purpose ?? '',
      memberCount: roster.members.size,
      role: roster.members.get(this.member)?.role ?? null,
      openProposals: state ? state.proposals.filter((p) => p.status === 'open').length : 0,
      opCount: rt.replica.size,
      parent,
      lineage,
      pendingJoin: rt.pendingJoin !== undefined,
      ...failed(),
    }
  }

  async createCommunity(input: CreateCommunityInput): Promise<CommunityId> {
    const secrets = this.requireSecrets()
    const name = requireText(input.name, 'The community needs a name', 1, 120)
    const rules = rulesFrom(input.rules)
    const op = opFromInput(() => createOp(
      {
        community: null, seq: 1, deps: [], time: this.now(), kind: 'genesis',
        body: {
          name, purpose: requireText(input.purpose ?? '', 'The purpose', 0, 2000), charter: requireText(input.charter ?? '', 'The charter', 0, 65_536),
          rules, founder: secrets.identity.publicKey, cert: certifyDevice(secrets.identity, secrets.device.publicKey), parent: undefined,
        },
      },
      secrets.device,
      this.crypto,
    ) as AnyOp)
    const rt = this.runtime(op.community, true)
    rt.secret = randomBytes(32)
    await this.saveMeta(rt)
    await this.ingest(rt, [op])
    this.network?.joinCommunity(rt.id)
    if (input.founderName) await this.author(rt, 'profile.set', { name: requireText(input.founderName, 'The name', 1, 80) })
    this.emit({ type: 'communities' })
    return op.community
  }

  async getCommunity(input: { community: CommunityId }): Promise<CommunityView> {
    this.requireSecrets()
    const pending = this.runtime(input.community)
    if (pending.loading && pending.snapshot) return this.view(pending, pending.snapshot)
    const rt = await this.ready(input.community)
    if (!rt.replica.roster().genesis) throw new InvalidInputError('This community\'s ops have not arrived yet: sync with a member or import a bundle.')
    return this.view(rt, rt.replica.state())
  }

  /** FORK-5: a fork's state carries its lineage, and names its parent only when that is verified. */
  private view(rt: CommunityRuntime, state: CommunityState): CommunityView {
    const lineage = this.lineages.of(rt)
    if (!lineage) return state
    return { ...state, parent: lineage.status === 'verified' ? state.parent : null, lineage }
  }

  async createInvite(input: { community: CommunityId } & InviteInput): Promise<Invite> {
    const rt = await this.joined(input.community)
    const uses = input.uses ?? 1
    if (!Number.isInteger(uses) || uses < 1 || uses > 1_000_000) throw new InvalidInputError('An invite can be used 1 to 1,000,000 times.')
    const hours = input.expiresInHours ?? 168
    if (!(hours > 0 && hours <= 24 * 366)) throw new InvalidInputError('An invite expires after 1 hour to 1 year.')
    const member = input.member === undefined ? undefined : memberBytes(input.member)
    const key = generateKeyPair()
    const expires = this.now() + Math.round(hours * HOUR)
    const op = await this.author(rt, 'invite.create', { key: key.publicKey, uses, expires, member })
    const link = encodeInviteLink({
      community: rt.id, invite: op.id, inviteSecret: key.secretKey, communitySecret: rt.secret ?? new Uint8Array(32),
      name: rt.replica.roster().genesis?.name ?? '', addresses: this.network?.inviteAddresses() ?? [],
    })
    return { link, expires, uses }
  }

  async acceptInvite(input: { link: string; name?: string }): Promise<AcceptedInvite> {
    this.requireSecrets()
    const d = decodeInviteLink(input.link)
    const rt = await this.ready(d.community, true)
    if (rt.replica.roster().members.has(this.member)) return { community: rt.id, status: 'joined' }
    rt.secret = d.communitySecret
    rt.pendingJoin = { invite: d.invite, inviteSecret: d.inviteSecret, name: input.name ?? d.name, addresses: d.addresses }
    await this.saveMeta(rt)
    let joined = await this.tryCompleteJoin(rt)
    if (!joined && this.network) {
      // Online: fetch the community from the inviter (the invite key proves access), join, and send the join back.
      this.network.joinCommunity(rt.id)
      // A few attempts with backoff: the inviter may be busy or the first dial may race its setup.
      for (let attempt = 0; attempt < 4 && !joined; attempt++) {
        if (attempt > 0) await new Promise((r) => setTimeout(r, 500 * 2 ** attempt))
        const peers = await this.network.connect(d.addresses)
        for (const p of peers) await this.network.syncPeer(rt.id, p)
        joined = rt.pendingJoin === undefined && rt.replica.roster().members.has(this.member)
        if (joined) for (const p of peers) await this.network.syncPeer(rt.id, p)
      }
    }
    this.emit({ type: 'communities' })
    return { community: rt.id, status: joined ? 'joined' : 'waiting' }
  }

  /** Use a pending invite once its op has arrived; link this device if the member already belongs. */
  private async tryCompleteJoin(rt: CommunityRuntime): Promise<boolean> {
    const secrets = this.requireSecrets()
    const roster = rt.replica.roster()
    if (!roster.genesis) return false
    const deviceKey = toHex(secrets.device.publicKey) as AnyOp['author']
    if (roster.members.has(this.member)) {
      if (!roster.devices.has(deviceKey)) {
        await this.author(rt, 'device.link', { member: secrets.identity.publicKey, cert: certifyDevice(secrets.identity, secrets.device.publicKey) })
      }
      if (rt.pendingJoin) {
        rt.pendingJoin = undefined
        await this.saveMeta(rt)
      }
      return true
    }
    const pj = rt.pendingJoin
    if (!pj || !rt.replica.has(pj.invite)) return false
    const inviteKey = keyPairFromSecret(pj.inviteSecret)
    const proof = sign(joinProofMessage(rt.id, pj.invite, this.member), inviteKey.secretKey)
    try {
      await this.author(rt, 'member.join', {
        member: secrets.identity.publicKey, cert: certifyDevice(secrets.identity, secrets.device.publicKey),
        invite: fromHex(pj.invite, 32), proof,
      })
    } catch (e) {
      throw new InvalidInviteError(e instanceof Error ? e.message : String(e))
    }
    rt.pendingJoin = undefined
    await this.saveMeta(rt)
    if (pj.name) await this.author(rt, 'profile.set', { name: pj.name.slice(0, 80) })
    return true
  }

  async forkCommunity(input: { community: CommunityId } & ForkInput): Promise<CommunityId> {
    const secrets = this.requireSecrets()
    const parent = await this.joined(input.community)
    const roster = parent.replica.roster()
    // FORK-2..4: the version and the members are the parent's at exactly the heads the fork cites (at most 64).
    const heads = parent.replica.heads().slice(0, 64)
    const at = parent.replica.rosterAt(parent.replica.frontierOfDeps(heads))
    const version = versionAt(at.charterVersions, input.version)
    if (!version) throw new InvalidInputError(`The parent has no ratified charter version ${String(input.version)}.`)
    if (at.members.size > MAX_FORK_MEMBERS) throw new InvalidInputError(`A community of more than ${MAX_FORK_MEMBERS} members cannot be forked (FORK-4).`)
    const members = [...at.members.keys()].sort().map((m) => fromHex(m, 32))
    const op = createOp(
      {
        community: null, seq: 1, deps: [], time: this.now(), kind: 'genesis',
        body: {
          name: requireText(input.name, 'The fork needs a name', 1, 120),
          purpose: input.purpose ?? roster.genesis?.purpose ?? '',
          charter: version.text,
          rules: roster.rules ?? DEFAULT_RULES,
          founder: secrets.identity.publicKey,
          cert: certifyDevice(secrets.identity, secrets.device.publicKey),
          parent: {
            community: fromHex(parent.id, 32),
            heads: heads.map((h) => fromHex(h, 32)),
            version: version.version,
            charterHash: sha256(new TextEncoder().encode(version.text)),
            members,
          },
        },
      },
      secrets.device,
      this.crypto,
    ) as AnyOp
    const rt = this.runtime(op.community, true)
    rt.secret = randomBytes(32)
    await this.saveMeta(rt)
    await this.ingest(rt, [op])
    this.emit({ type: 'communities' })
    return op.community
  }

  async setProfile(input: { community: CommunityId; name: string }): Promise<void> {
    await this.author(await this.joined(input.community), 'profile.set', { name: requireText(input.name, 'The name', 1, 80) })
  }

  async leaveCommunity(input: { community: CommunityId }): Promise<void> {
    await this.author(await this.joined(input.community), 'member.leave', {})
  }

  async removeMember(input: { community: CommunityId; member: string; reason?: string }): Promise<void> {
    await this.author(await this.joined(input.community), 'member.remove', { member: memberBytes(input.member), reason: (input.reason ?? '').slice(0, 500) })
  }

  async changeRole(input: { community: CommunityId; member: string; role: Role }): Promise<void> {
    await this.author(await this.joined(input.community), 'member.role', { member: memberBytes(input.member), role: requireRole(input.role) })
  }

  // ---- charter draft ----------------------------------------------------------

  async getDraft(input: { community: CommunityId }): Promise<DraftState> {
    const rt = await this.joined(input.community)
    const deviceKey = toHex(this.requireSecrets().device.publicKey) as AnyOp['author']
    let clientId = rt.replica.roster().deviceClients.get(deviceKey)
    if (clientId === undefined) {
      // Bind a fresh random Yjs clientID to this device (CHARTER-B1); retry on the rare collision.
      for (let i = 0; clientId === undefined && i < 8; i++) {
        const candidate = 1 + (new DataView(randomBytes(4).buffer).getUint32(0) % 0xfffffffe)
        if (rt.replica.roster().clientOwners.has(candidate)) continue
        await this.author(rt, 'charter.bind', { client: candidate })
        clientId = candidate
      }
    }
    const doc = rt.replica.contentFold().draft
    return { update: Y.encodeStateAsUpdate(doc), clientId: clientId as number, text: doc.getText(DRAFT_TEXT).toString() }
  }

  async editDraft(input: { community: CommunityId; update: Uint8Array }): Promise<void> {
    const rt = await this.joined(input.community)
    if (!(input.update instanceof Uint8Array) || input.update.length === 0 || input.update.length > 64 * 1024) {
      throw new InvalidInputError('A draft update must be 1 byte to 64 KiB.')
    }
    rt.draftUpdates.push(input.update)
    if (rt.draftTimer) clearTimeout(rt.draftTimer)
    // Keystrokes are batched: one signed op per pause in typing (CHARTER-E3).
    rt.draftTimer = setTimeout(() => {
      this.flushRuntime(rt).catch(() => undefined)
    }, this.options.draftBatchMs ?? 400)
  }

  async flushDraft(input: { community: CommunityId }): Promise<void> {
    await this.flushRuntime(await this.joined(input.community))
  }

  private async flushRuntime(rt: CommunityRuntime): Promise<void> {
    if (rt.draftTimer) clearTimeout(rt.draftTimer)
    rt.draftTimer = undefined
    if (rt.draftUpdates.length === 0 || !this.secrets) return
    const updates = rt.draftUpdates
    rt.draftUpdates = []
    // One op per pause, or as few as the per-edit bounds allow (CHARTER-Y7): each a run of the updates, in order.
    for (const update of draftBatches(updates)) await this.author(rt, 'charter.edit', { update })
  }

  async charterDiff(input: { community: CommunityId; from: number; to: number }): Promise<DiffHunk[]> {
    const versions = (await this.ready(input.community)).replica.roster().charterVersions
    const a = versionAt(versions, input.from)
    const b = versionAt(versions, input.to)
    if (!a || !b) throw new InvalidInputError(`There are ratified versions 0 to ${versions.length - 1}.`)
    return lineDiff(a.text, b.text)
  }

  // ---- proposals --------------------------------------------------------------

  /**
   * GOV-1..4: the rules bind the proposal. Its quorum and threshold must be at
   * least the rules' for the action's class and its voting period at least the
   * class's period, refused here with the rule before anything is signed; it
   * claims the later of now and the time floor of its causal past (GOV-4), so
   * honest clock skew never makes our own proposal invalid.
   */
  async createProposal(input: { community: CommunityId } & ProposalInput): Promise<OpId> {
    const rt = await this.joined(input.community)
    const roster = rt.replica.roster()
    const hours = input.deadlineInHours
    if (hours !== undefined && !(hours >= 0 && hours <= 24 * 366)) throw new InvalidInputError('The deadline must be 0 hours to a year away.')
    const action = toAction(input.action, roster.charterVersions.length - 1)
    const req = requirementOf(roster.rules ?? DEFAULT_RULES, action, roster.charterVersions)
    const period = hours !== undefined ? Math.round(hours * HOUR) : req.period
    try {
      checkRequested(req, input.method, 0, period)
    } catch (e) {
      throw new InvalidInputError(humanRule((e as Error).message))
    }
    const op = await this.author(rt, 'proposal.create', (time) => ({
      title: requireText(input.title, 'The title', 1, 200),
      text: requireText(input.text ?? '', 'The text', 0, 20_000),
      action,
      method: input.method,
      deadline: time + period,
    }), { proposal: true })
    return op.id
  }

  async vote(input: { community: CommunityId; proposal: OpId; ballot: Ballot }): Promise<void> {
    const rt = await this.joined(input.community)
    // VOTE-6: a yes/no vote counts only as the member's strongest; a lower one could never count, so it is not signed.
    const b = input.ballot
    const live = b?.type === 'yesno' ? rt.replica.contentFold().proposals.get(input.proposal)?.votes.get(this.member) : undefined
    const prev = live ? (live.op as { body: { ballot: Ballot } }).body.ballot : undefined
    if (prev?.type === 'yesno' && yesNoRank(prev) > yesNoRank(b)) {
      throw new InvalidInputError(`A yes/no vote can only be raised (no, then abstain, then yes): your ${prev.choice} stands (rule VOTE-6).`)
    }
    await this.author(rt, 'vote.cast', { proposal: opRef(input.proposal), ballot: input.ballot })
  }

  async comment(input: { community: CommunityId; proposal: OpId; text: string; replyTo?: OpId }): Promise<void> {
    await this.author(await this.joined(input.community), 'comment.add', {
      proposal: opRef(input.proposal), text: requireText(input.text, 'A comment', 1, 5000),
      replyTo: input.replyTo ? opRef(input.replyTo) : undefined,
    })
  }

  async closeProposal(input: { community: CommunityId; proposal: OpId }): Promise<void> {
    await this.author(await this.joined(input.community), 'proposal.close', { proposal: opRef(input.proposal) })
  }

  async withdrawProposal(input: { community: CommunityId; proposal: OpId }): Promise<void> {
    await this.author(await this.joined(input.community), 'proposal.withdraw', { proposal: opRef(input.proposal) })
  }

  // ---- bundles and dossiers -----------------------------------------------------

  async exportBundle(input: { community: CommunityId }): Promise<Uint8Array> {
    this.requireSecrets()
    const rt = await this.ready(input.community)
    return encodeBundle(await this.storedEnvelopes(rt.id))
  }

  async importBundle(input: { bytes: Uint8Array }): Promise<ImportResult> {
    this.requireSecrets()
    const raw = decodeBundle(input.bytes)
    // Route each op to its community; an op that does not even decode is reported, not imported.
    // Signatures are checked in ingest, on every core, chunk by chunk.
    const byCommunity = new Map<CommunityId, UncheckedOp[]>()
    const errors: string[] = []
    let rejected = 0
    raw.forEach((bytes, i) => {
      try {
        const u = decodeOpUnverified(bytes, this.crypto)
        const list = byCommunity.get(u.op.community) ?? []
        list.push(u)
        byCommunity.set(u.op.community, list)
      } catch (e) {
        rejected++
        if (errors.length < 10) errors.push(`Op #${i + 1}: ${(e as Error).message}`)
      }
    })
    let applied = 0
    let duplicates = 0
    let pending = 0
    let dropped = 0
    for (const [cid, ops] of byCommunity) {
      const rt = await this.ready(cid, true)
      const r = await this.ingestMany(rt, ops)
      applied += r.applied.length
      duplicates += r.duplicates
      pending += stillWaiting(rt.replica, r.waiting)
      dropped += r.dropped
      rejected += r.rejected.length
      for (const m of r.rejected) if (errors.length < 10) errors.push(m)
      await this.tryCompleteJoin(rt).catch((e: unknown) => {
        if (errors.length < 10) errors.push((e as Error).message)
      })
    }
    this.emit({ type: 'communities' })
    if (dropped > 0 && errors.length < 10) errors.push(`DAG-5: ${dropped} ops were not kept: the buffer of ops waiting for missing ops is full (import the missing ops first, or sync).`)
    return { applied, duplicates, rejected, pending, dropped, communities: [...byCommunity.keys()], errors }
  }

  async exportDossier(input: { community: CommunityId }): Promise<Uint8Array> {
    const rt = await this.ready(input.community)
    const state = rt.replica.state()
    // The store iterates in (height, id) order, the order a dossier lists its ops in.
    return encodeDossier(state, await this.storedEnvelopes(rt.id))
  }

  async verifyDossier(input: { bytes: Uint8Array }): Promise<DossierReport> {
    const r = verifyDossier(input.bytes, this.crypto)
    return {
      ok: r.ok,
      community: (r.community as CommunityId | null) ?? null,
      name: r.name,
      opCount: r.opCount,
      members: r.census?.members.length ?? 0,
      decisions: r.census?.decisions.length ?? 0,
      charterVersions: r.census?.charter.length ?? 0,
      problems: r.problems,
    }
  }

  // ---- sync -------------------------------------------------------------------

  async syncStatus(input: { community: CommunityId }): Promise<SyncStatus> {
    const rt = await this.ready(input.community)
    const r = rt.replica
    if (!this.network) return { online: false, peers: [], received: r.size, known: r.size + r.pendingCount(), pendingOps: r.pendingCount() }
    return { online: this.network.online(), peers: this.network.peerStatus(rt.id), received: r.size, known: r.size + r.pendingCount() + r.missing().length, pendingOps: r.pendingCount() }
  }

  // ---- the browser WebRTC relay (NET-RTC-1..5) ------------------------------------

  async webrtcRoom(input: { community: CommunityId }): Promise<WebrtcRoom> {
    this.requireSecrets()
    const rt = await this.ready(input.community)
    if (!rt.secret) throw new NotAMemberError()
    return { ...webrtcRoom(rt.secret), signaling: [...(this.options.signaling ?? [])] }
  }

  async envelopesSince(input: { community: CommunityId; after: number }): Promise<EnvelopeBatch> {
    this.requireSecrets()
    const rt = await this.ready(input.community)
    if (!rt.secret) throw new NotAMemberError()
    const after = input.after
    if (!Number.isSafeInteger(after) || after < 0) throw new InvalidInputError('"after" must be a position returned by an earlier call (a whole number, 0 or more).')
    const entries = rt.replica.dag.entries
    const slice = entries.slice(after, after + RELAY_BATCH)
    return {
      ids: slice.map((e) => e.op.id),
      envelopes: (await this.envelopesOf(rt.id, slice.map((e) => e.op.id))).map((b) => {
        if (!b) throw new StoreCorruptError('a held op is missing from the store')
        return b
      }),
      next: Math.min(entries.length, after + slice.length),
      done: after + slice.length >= entries.length,
    }
  }

  async importEnvelopes(input: { community: CommunityId; envelopes: Uint8Array[] }): Promise<ImportResult> {
    this.requireSecrets()
    const rt = await this.ready(input.community)
    if (!rt.secret) throw new NotAMemberError()
    if (!Array.isArray(input.envelopes) || input.envelopes.length > RELAY_BATCH) {
      throw new InvalidInputError(`Send 0 to ${RELAY_BATCH} envelopes per call.`)
    }
    const ops: UncheckedOp[] = []
    const errors: string[] = []
    let rejected = 0
    input.envelopes.forEach((bytes, i) => {
      try {
        if (!(bytes instanceof Uint8Array)) throw new InvalidInputError('not bytes')
        const u = decodeOpUnverified(bytes, this.crypto)
        if (u.op.community !== rt.id) throw new InvalidInputError('the op belongs to another community')
        ops.push(u)
      } catch (e) {
        rejected++
        if (errors.length < 10) errors.push(`Envelope #${i + 1}: ${(e as Error).message}`)
      }
    })
    const r = await this.ingest(rt, ops)
    rejected += r.rejected.length
    for (const m of r.rejected) if (errors.length < 10) errors.push(m)
    const wasPending = rt.pendingJoin !== undefined
    await this.tryCompleteJoin(rt).catch((e: unknown) => {
      if (errors.length < 10) errors.push((e as Error).message)
    })
    // Bridge small batches onto gossip; a large catch-up reaches libp2p peers by reconciliation instead.
    if (r.applied.length <= 50) for (const op of r.applied) this.network?.publish(rt.id, op.bytes)
    if (wasPending && rt.pendingJoin === undefined) this.emit({ type: 'communities' })
    return { applied: r.applied.length, duplicates: r.duplicates, rejected, pending: stillWaiting(rt.replica, r.waiting), dropped: r.dropped, communities: [rt.id], errors }
  }

  /** For the network layer and tests: the replica of a community. */
  replicaOf(community: CommunityId): Replica {
    return this.runtime(community).replica
  }

  /** For the network layer: receive ops from a peer, store them, complete pending joins. */
  async receiveOps(community: CommunityId, ops: readonly Uint8Array[]): Promise<{ applied: number; rejected: number }> {
    const rt = await this.ready(community, true)
    const r = await this.ingest(rt, ops)
    await this.tryCompleteJoin(rt).catch(() => undefined)
    return { applied: r.applied.length, rejected: r.rejected.length }
  }

  communitySecret(community: CommunityId): Uint8Array | undefined {
    return this.communities.get(community)?.secret
  }
}

// ---- input checks ---------------------------------------------------------------

/** CHARTER-Y7 as the node signs: at most this many structs plus delete ranges, and 64 KiB, per edit. */
const EDIT_PARTS = 512
const EDIT_BYTES = 64 * 1024

function partsOf(update: Uint8Array): number {
  const u = Y.decodeUpdate(update)
  let n = u.structs.length
  for (const ranges of u.ds.clients.values()) n += ranges.length
  return n
}

/** Merge consecutive draft updates into as few edits as fit CHARTER-Y7; an update that alone does not fit stays alone (and is refused). */
function draftBatches(updates: readonly Uint8Array[]): Uint8Array[] {
  const out: Uint8Array[] = []
  let merged: Uint8Array | undefined
  for (const u of updates) {
    const next = merged ? Y.mergeUpdates([merged, u]) : Y.mergeUpdates([u])
    if (merged && (next.length > EDIT_BYTES || partsOf(next) > EDIT_PARTS)) {
      out.push(merged)
      merged = Y.mergeUpdates([u])
    } else merged = next
  }
  if (merged) out.push(merged)
  return out
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e)
}

function checkPassphrase(p: unknown): void {
  if (typeof p !== 'string' || [...p].length < MIN_PASSPHRASE) throw new WeakPassphraseError()
}

/** A ratified version by number: only a whole number indexes the list (`versions["constructor"]` is not a version). */
function versionAt<T>(versions: readonly T[], n: unknown): T | undefined {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0 && n < versions.length ? versions[n] : undefined
}

/** An op built from a caller's input: a body the schema refuses is the caller's mistake, said as such. */
function opFromInput(make: () => AnyOp): AnyOp {
  try {
    return make()
  } catch (e) {
    if (e instanceof DecodeError) throw new InvalidInputError(`The input does not fit the op: ${e.message}`)
    throw e
  }
}

function requireText(v: unknown, what: string, min: number, max: number): string {
  if (typeof v !== 'string') throw new InvalidInputError(`${what} must be text.`)
  const t = min > 0 ? v.trim() : v
  if (t.length < min) throw new InvalidInputError(`${what} cannot be empty.`)
  if (t.length > max) throw new InvalidInputError(`${what} is too long (at most ${max} characters).`)
  return t
}

function requireRole(r: unknown): Role {
  if (r !== 'founder' && r !== 'steward' && r !== 'member') throw new InvalidInputError('The role must be founder, steward or member.')
  return r
}

function memberBytes(member: string): Uint8Array {
  if (typeof member === 'string' && /^[0-9a-f]{64}$/.test(member)) return fromHex(member, 32)
  if (typeof member === 'string' && member.startsWith('did:key:')) {
    try {
      return publicKeyFromDidKey(member)
    } catch {
      // The message below is the one a person can act on.
    }
  }
  throw new InvalidInputError('Name the member by their id (64 hex characters) or did:key.')
}

function opRef(id: OpId): Uint8Array {
  if (typeof id !== 'string' || !/^[0-9a-f]{64}$/.test(id)) throw new InvalidInputError('That is not a proposal id.')
  return fromHex(id, 32)
}

function toAction(a: ProposalActionInput, currentVersion: number): ProposalAction {
  switch (a?.type) {
    case 'resolution':
      return { type: 'resolution' }
    case 'amend':
      return { type: 'amend', charter: requireText(a.charter, 'The amended charter', 0, 65_536), base: currentVersion }
    case 'admit':
    case 'remove':
      return { type: a.type, member: memberBytes(a.member) }
    case 'role':
      return { type: 'role', member: memberBytes(a.member), role: requireRole(a.role) }
    case 'rules':
      return { type: 'rules', rules: a.rules }
    default:
      throw new InvalidInputError('Unknown proposal kind.')
  }
}

/** "ROSTER-9: no one may change their own role" → a sentence with the rule kept for reference. */
/** Rules to found a community with: DEFAULT_RULES, overridden per field and per decision class. */
function rulesFrom(input: RulesInput | undefined): Rules {
  const { decisions, ...rest } = input ?? {}
  const d = DEFAULT_RULES.decisions
  const pick = (k: keyof Rules['decisions']): Rules['decisions'][typeof k] => ({ ...d[k], ...(decisions?.[k] ?? {}) })
  return { ...DEFAULT_RULES, ...rest, decisions: { resolution: pick('resolution'), roster: pick('roster'), rules: pick('rules'), charter: pick('charter') } }
}

function humanRule(message: string): string {
  const m = /^([A-Z]+-[0-9A-Z]+): (.*)$/.exec(message)
  if (!m) return message
  const text = (m[2] as string).charAt(0).toUpperCase() + (m[2] as string).slice(1)
  return `${text} (rule ${m[1]}).`
}

/** How many of these ops are still in the replica's buffer of ops waiting for deps (some applied later in the same import). */
function stillWaiting(replica: Replica, ids: readonly OpId[]): number {
  let n = 0
  for (const id of ids) if (replica.isPending(id)) n++
  return n
}

function wipeSecrets(s: NodeSecrets): void {
  s.identity.secretKey.fill(0)
  s.device.secretKey.fill(0)
  s.dataKey.fill(0)
}
