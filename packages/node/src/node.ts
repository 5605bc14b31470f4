/**
 * PolityNode: one member's device. It owns the keys (they never leave this
 * process), a replica per community, the durable op store, and the app API
 * that the CLI, the browser bridge and Electron all call. Every command works
 * with no network at all (I7); an op is acknowledged only once it is on disk
 * (I4).
 *
 * This file is the facade: it builds the NodeContext the modules share, runs
 * unlock / lock / close, and hands each API call to the module that owns it
 * (docs/ARCHITECTURE.md lists them).
 */
import type { CommunityId, CryptoSuite, OpId, Replica } from '@polity/protocol'
import type {
  AcceptedInvite, Ballot, DeviceLinkOffer, CommunitySummary, CommunityView, CreateCommunityInput, CreatedIdentity, TextDiff, DossierReport, DraftState,
  CampaignDetail, CampaignInput, CampaignSummary, CensusView, PlaceInput, PlacesView, PlaceStatus, ReceiptStatus,
  CharterView, EnvelopeBatch, EpochInfo, ForkInput, HomeView, IdentityStatus, Page, ProposalDetail, ProposalsInput, ProposalsPage, RosterInput, RosterPage, VoteRow, VotesInput, ImportResult, Invite, InviteInput, InviteSummary, PolityClient, PolityEvent, ProposalInput, Role, SyncStatus, WebrtcRoom,
} from '@polity/api'
import type { LetterReport, OutsideBodyInput, RelationsView, StatementReport } from '@polity/api'
import type { PolityNetworkInit } from '@polity/net'
import type { SessionStats } from '@polity/sync'
import { DEFAULT_KDF_LOG_N } from '@polity/store'
import type { NodeContext, PolityNodeOptions } from './context'
import { createNativeCrypto } from './native-crypto'
import { openStore, pathsOf, type NodePaths, type Store } from './storage'
import { Vault } from './vault'
import { Runtimes } from './runtimes'
import { ForkLineages } from './lineage'
import { Ingest } from './ingest'
import { NodeNetwork, receiveOps } from './network'
import { loadCommunities, writeCheckpoints } from './loader'
import { createCommunity, forkCommunity } from './founding'
import { acceptInvite, completeJoin, createInvite, fetchCommunity } from './joining'
import * as governance from './governance'
import * as invites from './invites'
import * as draft from './draft'
import * as files from './files'
import * as relay from './relay'
import * as views from './views'
import * as epochs from './epoch-commands'
import * as pages from './page-views'
import { exportRoster, exportVotes } from './exports'
import { kdfProgress } from './progress'
import * as territory from './territory'
import * as territoryViews from './territory-views'
import * as relations from './relations'
import { cancelJoin } from './join-status'
import { acceptDeviceLink, DeviceLinks } from './device-link'

export type { PolityNodeOptions } from './context'

export class PolityNode implements PolityClient {
  private readonly ctx: NodeContext
  private readonly deviceLinks: DeviceLinks
  private readonly listeners = new Set<(e: PolityEvent) => void>()
  private closed = false

  private constructor(paths: NodePaths, store: Store, options: PolityNodeOptions) {
    const crypto: CryptoSuite = options.crypto ?? createNativeCrypto()
    const vault = new Vault(paths, options.kdfLogN ?? DEFAULT_KDF_LOG_N)
    vault.onKdf = kdfProgress((e) => this.emit(e))
    const runtimes = new Runtimes({ crypto, limits: options.replicaLimits, meta: store, dataKey: () => vault.require().dataKey,
      agreeKey: () => (vault.unlocked ? vault.agreeKey : undefined),
    })
    const lineages = new ForkLineages({
      runtimes: () => runtimes.values(),
      runtime: (id) => runtimes.get(id),
      meta: store,
      dataKey: () => (vault.unlocked ? vault.require().dataKey : undefined),
      changed: () => this.emit({ type: 'communities' }),
    })
    // The network and the ingest path reach each other (gossip in, own ops out) through the context, built last.
    const ctx = { paths, store, options, crypto, now: options.now ?? Date.now, vault, runtimes, lineages, emit: (e: PolityEvent) => this.emit(e) } as Partial<Writable<NodeContext>>
    ctx.network = new NodeNetwork(ctx as NodeContext)
    ctx.ingest = new Ingest(ctx as NodeContext, (rt) => completeJoin(ctx as NodeContext, rt))
    this.ctx = ctx as NodeContext
    this.deviceLinks = new DeviceLinks(this.ctx)
  }

  static async open(options: PolityNodeOptions): Promise<PolityNode> {
    const paths = pathsOf(options.dataDir)
    return new PolityNode(paths, await openStore(paths), options)
  }

  async close(): Promise<void> {
    if (this.closed) return
    await this.leave()
    this.closed = true
    await this.ctx.store.close()
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

  // ---- identity (vault.ts) ----------------------------------------------------

  async identityStatus(): Promise<IdentityStatus> {
    return this.ctx.vault.status()
  }

  async createIdentity(input: { passphrase: string }): Promise<CreatedIdentity> {
    const created = await this.ctx.vault.create(input.passphrase)
    await this.unlocked()
    return created
  }

  async restoreIdentity(input: { phrase: string; passphrase: string }): Promise<IdentityStatus> {
    await this.ctx.vault.restore(input.phrase, input.passphrase)
    await this.unlocked()
    return this.ctx.vault.status()
  }

  async unlock(input: { passphrase: string }): Promise<IdentityStatus> {
    if (await this.ctx.vault.unlock(input.passphrase)) await this.unlocked()
    return this.ctx.vault.status()
  }

  /** DEVLINK-1: offer this identity to a new device of the same member (once, for a few minutes). */
  offerDeviceLink(): Promise<DeviceLinkOffer> {
    return this.deviceLinks.offerLink()
  }

  cancelDeviceLink(): Promise<void> {
    return this.deviceLinks.cancel()
  }

  /** Whether a device-link offer is open now (the CLI waits while it is). */
  deviceLinkOffered(): boolean {
    return this.deviceLinks.active
  }

  /** DEVLINK-2: take the identity another device offers (this device has none yet). */
  async acceptDeviceLink(input: { link: string; passphrase: string }): Promise<void> {
    await acceptDeviceLink(this.ctx, input, () => this.unlocked())
  }

  async changePassphrase(input: { current: string; next: string }): Promise<void> {
    await this.ctx.vault.changePassphrase(input.current, input.next)
  }

  async lock(): Promise<IdentityStatus> {
    await this.leave()
    const status = this.ctx.vault.status()
    this.emit({ type: 'identity', status })
    return status
  }

  /** Just unlocked: load the communities, go online if configured, tell the UIs. */
  private async unlocked(): Promise<void> {
    await loadCommunities(this.ctx)
    if (this.ctx.options.network) await this.ctx.network.start(this.ctx.options.network)
    this.emit({ type: 'identity', status: this.ctx.vault.status() })
  }

  /** Locking or closing: sign batched drafts, go offline, checkpoint, then forget the keys and the communities. */
  private async leave(): Promise<void> {
    await this.deviceLinks.cancel()
    for (const rt of this.ctx.runtimes.values()) await draft.flushRuntime(this.ctx, rt)
    await this.ctx.network.stop()
    if (this.ctx.vault.unlocked) await writeCheckpoints(this.ctx).catch(() => undefined)
    this.ctx.vault.lock()
    this.ctx.runtimes.clear()
    this.ctx.lineages.clear()
  }

  // ---- network (network.ts, joining.ts) ----------------------------------------

  /** Join the network (libp2p): serve sync, gossip, reconcile periodically. Returns our addresses. */
  startNetwork(options: PolityNetworkInit = {}): Promise<string[]> {
    return this.ctx.network.start(options)
  }

  stopNetwork(): Promise<void> {
    return this.ctx.network.stop()
  }

  /** Peer ids we are connected to right now. */
  connectedPeers(): string[] {
    return this.ctx.network.current?.connectedPeers() ?? []
  }

  /** Our libp2p addresses (empty when offline). */
  networkAddresses(): string[] {
    return this.ctx.network.current?.addresses() ?? []
  }

  /** Peers proven for a community right now (NET-G1): the only ones its ops go to or come from. */
  provenPeers(community: CommunityId): string[] {
    return this.ctx.network.current?.provenPeers(community) ?? []
  }

  /** Whether a peer is blocked from a community (NET-G3). */
  isBlocked(community: CommunityId, peer: string): boolean {
    return this.ctx.network.current?.isBlocked(community, peer) ?? false
  }

  /** Reconcile every community with every connected peer now (the periodic task does this too). */
  async syncNow(): Promise<void> {
    await this.ctx.network.current?.syncAll()
  }

  /** Dial peers by address, then reconcile every community with them; returns each session's figures. */
  connectPeers(addresses: readonly string[]): Promise<SessionStats[]> {
    return this.ctx.network.connectPeers(addresses)
  }

  /** A member's device fetches a community it belongs to from peers by address (with its secret, if it has none yet). */
  fetchCommunity(community: CommunityId, addresses: readonly string[], secret?: Uint8Array): Promise<number> {
    return fetchCommunity(this.ctx, community, addresses, secret)
  }

  /** Find members through the DHT rendezvous derived from the community secret. */
  async discover(community: CommunityId): Promise<number> {
    return this.ctx.network.current?.discover(community) ?? 0
  }

  /** For the network layer: ops from a peer, through the one ingest path (INGEST-1). */
  receiveOps(community: CommunityId, ops: readonly Uint8Array[]): Promise<{ applied: number; rejected: number; errors: string[] }> {
    return receiveOps(this.ctx, community, ops)
  }

  /** For the network layer and tests: the replica of a community. */
  replicaOf(community: CommunityId): Replica {
    return this.ctx.runtimes.runtime(community).replica
  }

  communitySecret(community: CommunityId): Uint8Array | undefined {
    return this.ctx.runtimes.get(community)?.secret
  }

  /** True while any community (or this one) is still reloading behind its checkpoint. */
  isLoading(community?: CommunityId): boolean {
    return this.ctx.runtimes.isLoading(community)
  }

  // ---- communities (views.ts, founding.ts, joining.ts, governance.ts) ------------

  async listCommunities(): Promise<CommunitySummary[]> {
    return views.listCommunities(this.ctx)
  }

  createCommunity(input: CreateCommunityInput): Promise<CommunityId> {
    return createCommunity(this.ctx, input)
  }

  getCommunity(input: { community: CommunityId }): Promise<CommunityView> {
    return views.getCommunity(this.ctx, input)
  }

  homeView(input: { community: CommunityId }): Promise<HomeView> {
    return pages.homeView(this.ctx, input)
  }

  proposalsView(input: ProposalsInput): Promise<ProposalsPage> {
    return pages.proposalsView(this.ctx, input)
  }

  proposalView(input: { community: CommunityId; proposal: OpId }): Promise<ProposalDetail> {
    return pages.proposalView(this.ctx, input)
  }

  votesView(input: VotesInput): Promise<Page<VoteRow>> {
    return pages.votesView(this.ctx, input)
  }

  exportRoster(input: { community: CommunityId; format: 'csv' | 'json' }): Promise<string> {
    return exportRoster(this.ctx, input)
  }

  exportVotes(input: { community: CommunityId; proposal: OpId; format: 'csv' | 'json' | 'blt' }): Promise<string> {
    return exportVotes(this.ctx, input)
  }

  rosterView(input: RosterInput): Promise<RosterPage> {
    return pages.rosterView(this.ctx, input)
  }

  charterView(input: { community: CommunityId }): Promise<CharterView> {
    return pages.charterView(this.ctx, input)
  }

  createInvite(input: { community: CommunityId } & InviteInput): Promise<Invite> {
    return createInvite(this.ctx, input)
  }

  acceptInvite(input: { link: string; name?: string }): Promise<AcceptedInvite> {
    return acceptInvite(this.ctx, input)
  }

  /** JOIN-2: give up a join that is not finished. */
  cancelJoin(input: { community: CommunityId }): Promise<void> {
    return cancelJoin(this.ctx, input)
  }

  listInvites(input: { community: CommunityId }): Promise<InviteSummary[]> {
    return invites.listInvites(this.ctx, input)
  }

  revokeInvite(input: { community: CommunityId; invite: OpId }): Promise<void> {
    return invites.revokeInvite(this.ctx, input)
  }

  forkCommunity(input: { community: CommunityId } & ForkInput): Promise<CommunityId> {
    return forkCommunity(this.ctx, input)
  }

  setProfile(input: { community: CommunityId; name: string }): Promise<void> {
    return governance.setProfile(this.ctx, input)
  }

  leaveCommunity(input: { community: CommunityId }): Promise<void> {
    return governance.leaveCommunity(this.ctx, input)
  }

  removeMember(input: { community: CommunityId; member: string; reason?: string }): Promise<void> {
    return governance.removeMember(this.ctx, input)
  }

  changeRole(input: { community: CommunityId; member: string; role: Role }): Promise<void> {
    return governance.changeRole(this.ctx, input)
  }

  // ---- key epochs (epoch-commands.ts) ---------------------------------------------

  epochInfo(input: { community: CommunityId }): Promise<EpochInfo> {
    return epochs.epochInfo(this.ctx, input)
  }

  rekey(input: { community: CommunityId }): Promise<EpochInfo> {
    return epochs.rekeyCommunity(this.ctx, input)
  }

  // ---- charter draft (draft.ts) --------------------------------------------------

  getDraft(input: { community: CommunityId }): Promise<DraftState> {
    return draft.getDraft(this.ctx, input)
  }

  editDraft(input: { community: CommunityId; update: Uint8Array }): Promise<void> {
    return draft.editDraft(this.ctx, input)
  }

  flushDraft(input: { community: CommunityId }): Promise<void> {
    return draft.flushDraft(this.ctx, input)
  }

  setDraftText(input: { community: CommunityId; text: string }): Promise<void> {
    return draft.setDraftText(this.ctx, input)
  }

  charterDiff(input: { community: CommunityId; from: number; to: number }): Promise<TextDiff> {
    return draft.charterDiff(this.ctx, input)
  }

  diffTexts(input: { a: string; b: string }): Promise<TextDiff> {
    return draft.diffTexts(this.ctx, input)
  }

  // ---- proposals (governance.ts) -------------------------------------------------

  createProposal(input: { community: CommunityId } & ProposalInput): Promise<OpId> {
    return governance.createProposal(this.ctx, input)
  }

  vote(input: { community: CommunityId; proposal: OpId; ballot: Ballot }): Promise<void> {
    return governance.vote(this.ctx, input)
  }

  comment(input: { community: CommunityId; proposal: OpId; text: string; replyTo?: OpId }): Promise<void> {
    return governance.comment(this.ctx, input)
  }

  closeProposal(input: { community: CommunityId; proposal: OpId }): Promise<void> {
    return governance.closeProposal(this.ctx, input)
  }

  withdrawProposal(input: { community: CommunityId; proposal: OpId }): Promise<void> {
    return governance.withdrawProposal(this.ctx, input)
  }

  extendProposal(input: { community: CommunityId; proposal: OpId; hours: number }): Promise<number> {
    return governance.extendProposal(this.ctx, input)
  }

  // ---- territory, crowdfunding and the census (territory.ts, territory-views.ts) ----

  placesView(input: { community: CommunityId }): Promise<PlacesView> {
    return territoryViews.placesView(this.ctx, input)
  }

  addPlace(input: PlaceInput): Promise<OpId> {
    return territory.addPlace(this.ctx, input)
  }

  movePlace(input: { community: CommunityId; place: OpId; status: PlaceStatus }): Promise<void> {
    return territory.movePlace(this.ctx, input)
  }

  campaignsView(input: { community: CommunityId }): Promise<CampaignSummary[]> {
    return territoryViews.campaignsView(this.ctx, input)
  }

  campaignView(input: { community: CommunityId; campaign: OpId }): Promise<CampaignDetail> {
    return territoryViews.campaignView(this.ctx, input)
  }

  openCampaign(input: CampaignInput): Promise<OpId> {
    return territory.openCampaign(this.ctx, input)
  }

  pledge(input: { community: CommunityId; campaign: OpId; amount: string }): Promise<void> {
    return territory.pledge(this.ctx, input)
  }

  closeCampaign(input: { community: CommunityId; campaign: OpId }): Promise<void> {
    return territory.closeCampaign(this.ctx, input)
  }

  recordReceipt(input: { community: CommunityId; campaign: OpId; member: string; status: ReceiptStatus; amount: string }): Promise<void> {
    return territory.recordReceipt(this.ctx, input)
  }

  exportLedger(input: { community: CommunityId; campaign: OpId; format: 'csv' | 'json' }): Promise<string> {
    return territoryViews.exportLedger(this.ctx, input)
  }

  censusView(input: { community: CommunityId }): Promise<CensusView> {
    return territoryViews.censusView(this.ctx, input)
  }

  exportPublicCensus(input: { community: CommunityId }): Promise<Uint8Array> {
    return territoryViews.exportPublicCensus(this.ctx, input)
  }

  // ---- bundles and dossiers (files.ts) -------------------------------------------

  exportBundle(input: { community: CommunityId }): Promise<Uint8Array> {
    return files.exportBundle(this.ctx, input)
  }

  importBundle(input: { bytes: Uint8Array }): Promise<ImportResult> {
    return files.importBundle(this.ctx, input)
  }

  exportDossier(input: { community: CommunityId; redacted?: boolean }): Promise<Uint8Array> {
    return files.exportDossier(this.ctx, input)
  }

  async verifyDossier(input: { bytes: Uint8Array }): Promise<DossierReport> {
    return files.verifyDossier(this.ctx, input)
  }

  // ---- relations and letters of recognition (relations.ts) ----------------------

  relationsView(input: { community: CommunityId }): Promise<RelationsView> {
    return relations.relationsView(this.ctx, input)
  }

  exportLetter(input: { community: CommunityId; proposal: OpId }): Promise<Uint8Array> {
    return relations.exportLetter(this.ctx, input)
  }

  async verifyLetter(input: { bytes: Uint8Array }): Promise<LetterReport> {
    return relations.verifyLetter(this.ctx, input)
  }

  importLetter(input: { community: CommunityId; bytes: Uint8Array }): Promise<LetterReport> {
    return relations.importLetter(this.ctx, input)
  }

  addOutsideBody(input: OutsideBodyInput): Promise<OpId> {
    return relations.addOutsideBody(this.ctx, input)
  }

  removeOutsideBody(input: { community: CommunityId; body: string }): Promise<OpId> {
    return relations.removeOutsideBody(this.ctx, input)
  }

  verifyStatement(input: { bytes: Uint8Array; community?: CommunityId }): Promise<StatementReport> {
    return relations.verifyStatement(this.ctx, input)
  }

  importStatement(input: { community: CommunityId; bytes: Uint8Array }): Promise<StatementReport> {
    return relations.importStatement(this.ctx, input)
  }

  // ---- sync and the browser WebRTC relay (views.ts, relay.ts) ----------------------

  syncStatus(input: { community: CommunityId }): Promise<SyncStatus> {
    return views.syncStatus(this.ctx, input)
  }

  webrtcRoom(input: { community: CommunityId }): Promise<WebrtcRoom> {
    return relay.webrtcRoom(this.ctx, input)
  }

  envelopesSince(input: { community: CommunityId; after: number }): Promise<EnvelopeBatch> {
    return relay.envelopesSince(this.ctx, input)
  }

  importEnvelopes(input: { community: CommunityId; envelopes: Uint8Array[] }): Promise<ImportResult> {
    return relay.importEnvelopes(this.ctx, input)
  }
}

type Writable<T> = { -readonly [K in keyof T]: T[K] }
