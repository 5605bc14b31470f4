/**
 * The records the API's methods return about drafts, files, peers, epochs
 * and sync (plain data that crosses every bridge).
 */
import type { CommunityId, MemberId, OpId } from '@polity/protocol'

export interface DiffHunk {
  readonly kind: 'same' | 'add' | 'del'
  /** Whole lines, each ending in a newline except perhaps a text's last. */
  readonly text: string
}

/** DIFF-1: a line diff, or `tooLarge` (no hunks) when the texts differ too much to diff within the cap. */
export interface TextDiff {
  readonly hunks: DiffHunk[]
  readonly tooLarge: boolean
}

export interface DraftState {
  /** The whole draft as one Yjs update. */
  readonly update: Uint8Array
  /** This device's bound Yjs clientID: the UI's Y.Doc must use it. */
  readonly clientId: number
  readonly text: string
}

export interface ImportResult {
  readonly applied: number
  readonly duplicates: number
  readonly rejected: number
  /** Ops kept, still waiting for ops they depend on (DAG-5). */
  readonly pending: number
  /** Ops not kept because the buffer of waiting ops was full (DAG-5); import or sync their deps first. */
  readonly dropped: number
  readonly communities: CommunityId[]
  /** The first few rejection reasons, for the person importing. */
  readonly errors: string[]
}

export interface DossierReport {
  readonly ok: boolean
  /** A redacted dossier (DOSSIER-R1): member keys and decisions, no names or texts (`name` is null). */
  readonly redacted: boolean
  /** DOSSIER-R2: ops in a redacted file that no other member acknowledged, so not counted (0 for a full dossier). */
  readonly unacknowledged: number
  readonly community: CommunityId | null
  readonly name: string | null
  readonly opCount: number
  readonly members: number
  readonly decisions: number
  readonly charterVersions: number
  /** What is wrong, in words, when ok is false. */
  readonly problems: string[]
}

export interface PeerStatus {
  readonly peer: string
  readonly transport: string
  readonly lastHeard: number
  /**
   * From the last completed reconciliation with this peer (SYNC-7): how many
   * of our ops they lacked (we sent them) and how many of theirs we lacked (we
   * received them). Both sides hold the union when a session completes.
   */
  readonly theyLack: number
  readonly weLack: number
  /** SYNC-10: the ops the peer held when that session began (its hello's `total`). */
  readonly total: number
  /** SYNC-10: the member the peer proved it is (SYNC-3), or null (an invite's holder); and that member's name here. */
  readonly member: MemberId | null
  readonly memberName: string | null
}

/**
 * A sealed community's key epoch as this device sees it (EPOCH-1..5 in
 * docs/PROTOCOL.md §18): every departure makes the key change (a re-key).
 */
export interface EpochInfo {
  /** How many re-keys since the genesis (epoch 0), along the longest chain. */
  readonly number: number
  /** The op that created the current epoch (the genesis or a re-key's first part). */
  readonly id: OpId
  /** When the current epoch began (its creating op's time, ms). */
  readonly since: number
  /** EPOCH-3: a departure happened since: the node re-keys before its next op. */
  readonly due: boolean
  /** Epochs live at once (more than one after concurrent re-keys). */
  readonly live: number
  /** EPOCH-5: may this member re-key now? */
  readonly canRekey: boolean
  /** KEY-5: epochs whose keys ops here still wait for. */
  readonly missingKeys: number
}

export interface SyncStatus {
  /** SYNC-11: the network is running on this device (one truth, whatever the peers). */
  readonly online: boolean
  /** SYNC-11: `offline` (network off), `searching` (on, no device proven for this community connected), `connected`. */
  readonly state: 'offline' | 'searching' | 'connected'
  /** SYNC-11: devices proven for this community (SYNC-3) connected right now. */
  readonly connected: number
  readonly peers: PeerStatus[]
  /** First-sync progress: ops received of ops known to exist — SYNC-10: at least what any peer said it held. */
  readonly received: number
  readonly known: number
  readonly pendingOps: number
}

/**
 * The browser WebRTC relay of one community (NET-RTC-1..5): where its UIs
 * meet. Room and password are derived from the community secret; the secret
 * itself does not cross the API.
 */
export interface WebrtcRoom {
  readonly room: string
  readonly password: string
  /** Signaling servers (`ws://…`) this node is configured with; empty means the relay is off. */
  readonly signaling: string[]
}

/** Signed envelopes of one community, in the order this node stored them. */
export interface EnvelopeBatch {
  readonly ids: OpId[]
  readonly envelopes: Uint8Array[]
  /** Pass back as `after` to get only what this node stored since. */
  readonly next: number
  /** False when more are waiting: ask again with `after: next`. */
  readonly done: boolean
}

/** BRIDGE-9: the long tasks whose progress is told. */
