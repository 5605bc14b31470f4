/**
 * What the node's modules share. node.ts builds one NodeContext and hands it
 * to every module; a module reaches the rest of the node only through it.
 */
import type { CryptoSuite, ReplicaLimits } from '@polity/protocol'
import type { PolityEvent } from '@polity/api'
import type { PolityNetworkInit } from '@polity/net'
import type { NodePaths, Store } from './storage'
import type { Vault } from './vault'
import type { Runtimes } from './runtimes'
import type { ForkLineages } from './lineage'
import type { NodeNetwork } from './network'
import type { Ingest } from './ingest'

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
  /** EPOCH-12: how long a member waits before granting a key someone lacks (`first + rank × step` ms). Tests shorten it. */
  readonly grantDelayMs?: { readonly first: number; readonly step: number }
}

export interface NodeContext {
  readonly paths: NodePaths
  readonly store: Store
  readonly options: PolityNodeOptions
  readonly crypto: CryptoSuite
  readonly now: () => number
  /** The keys (vault.ts). */
  readonly vault: Vault
  /** The communities held (runtimes.ts). */
  readonly runtimes: Runtimes
  /** FORK-5: each fork's lineage as this device can tell it (lineage.ts). */
  readonly lineages: ForkLineages
  /** The libp2p network while online (network.ts). */
  readonly network: NodeNetwork
  /** The one path every op takes in (ingest.ts). */
  readonly ingest: Ingest
  /** Tell subscribers (UIs) what changed. */
  emit(e: PolityEvent): void
}
