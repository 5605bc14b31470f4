/**
 * The views and inputs of relations and letters of recognition (issue 18;
 * REL-*, LETTER-* in docs/PROTOCOL.md §20). Files cross the bridge as bytes;
 * verification results are plain data.
 */
import type { CommunityId, MemberId, OpId } from '@polity/protocol'

export interface RelationTally {
  readonly eligible: number
  readonly yes: number
  readonly no: number
  readonly abstain: number
}

/** Our latest passed decision about a community (REL-3). */
export interface OurRelation {
  readonly action: 'recognize' | 'unrecognize'
  readonly proposal: OpId
  readonly close: OpId
  readonly date: number
  readonly tally: RelationTally
  readonly statement: string | null
}

/** The latest letter recorded from a community (REL-4, REL-5). */
export interface TheirRelation {
  readonly action: 'recognize' | 'unrecognize'
  /** sha256 of the letter file (hex). */
  readonly letter: string
  readonly date: number
  readonly tally: RelationTally
  readonly recordedBy: MemberId
}

export interface CommunityRelationView {
  readonly community: CommunityId
  readonly name: string
  readonly ours: OurRelation | null
  readonly theirs: TheirRelation | null
  readonly weRecognize: boolean
  readonly theyRecognize: boolean
  /** REL-4: mutual recognition. */
  readonly treaty: boolean
}

export interface BodyStatementView {
  readonly statement: string
  readonly action: 'recognize' | 'withdraw'
  readonly date: string
  readonly text: string
  readonly recordedBy: MemberId
}

export interface BodyRelationView {
  /** ed25519 public key (hex). */
  readonly body: string
  readonly label: string
  readonly source: string
  readonly addedBy: MemberId
  readonly statements: readonly BodyStatementView[]
  /** REL-9: removed by the community (shown struck through); its statements stay. */
  readonly removed: boolean
  readonly recognizes: boolean
}

export interface RelationsView {
  readonly community: CommunityId
  readonly communities: readonly CommunityRelationView[]
  readonly bodies: readonly BodyRelationView[]
  /** REL-6: whether this member may add an outside body. */
  readonly canAddBody: boolean
}

/** What `verifyLetter` tells (LETTER-1..8). */
export interface LetterReport {
  readonly ok: boolean
  /** sha256 of the file (hex). */
  readonly sha256: string
  readonly from: CommunityId | null
  /** LETTER-8: as the exporter states it; not proven. */
  readonly fromName: string | null
  readonly to: CommunityId | null
  readonly action: 'recognize' | 'unrecognize' | null
  readonly name: string | null
  readonly statement: string | null
  readonly census: string | null
  readonly proposal: OpId | null
  readonly close: OpId | null
  readonly date: number | null
  readonly tally: RelationTally | null
  /** Member keys eligible to vote (hex), sorted. */
  readonly eligible: readonly string[]
  readonly opCount: number
  readonly acknowledgedBy: MemberId | null
  readonly selfVouched: boolean
  readonly problems: readonly string[]
}

/** What `verifyStatement` tells (REL-8). */
export interface StatementReport {
  readonly ok: boolean
  readonly sha256: string
  readonly body: string | null
  readonly to: CommunityId | null
  readonly action: 'recognize' | 'withdraw' | null
  readonly date: string | null
  readonly text: string | null
  /** The label this community gave the body, when it knows the key. */
  readonly label: string | null
  readonly problems: readonly string[]
}

export interface OutsideBodyInput {
  readonly community: CommunityId
  /** ed25519 public key, 64 hex digits. */
  readonly body: string
  readonly label: string
  /** How the key was obtained (read aloud, an official website, …). */
  readonly source: string
}

/** The methods of relations; PolityApi extends this interface. */
export interface RelationsApi {
  relationsView(input: { community: CommunityId }): Promise<RelationsView>
  /** LETTER-*: the letter of a passed recognize/unrecognize proposal (its settling close). */
  exportLetter(input: { community: CommunityId; proposal: OpId }): Promise<Uint8Array>
  /** LETTER-1..8: check a letter with nothing but the file (no identity needed). */
  verifyLetter(input: { bytes: Uint8Array }): Promise<LetterReport>
  /** REL-5: verify a letter addressed to this community and record it as a signed op. */
  importLetter(input: { community: CommunityId; bytes: Uint8Array }): Promise<LetterReport>
  /** REL-6: record an outside body by its key. */
  addOutsideBody(input: OutsideBodyInput): Promise<OpId>
  /** REL-9: mark an outside body removed (the same role as adding one). */
  removeOutsideBody(input: { community: CommunityId; body: string }): Promise<OpId>
  /** REL-8: check a statement file (with `community`: addressed to it, and signed by a body it knows). */
  verifyStatement(input: { bytes: Uint8Array; community?: CommunityId }): Promise<StatementReport>
  /** REL-7, REL-8: verify and record a statement of a known body. */
  importStatement(input: { community: CommunityId; bytes: Uint8Array }): Promise<StatementReport>
}

export const RELATIONS_METHODS = ['relationsView', 'exportLetter', 'verifyLetter', 'importLetter', 'addOutsideBody', 'removeOutsideBody', 'verifyStatement', 'importStatement'] as const
