/**
 * @polity/protocol — pure and deterministic: identities, canonical encoding,
 * the op envelope, validation and authorization rules, and the fold.
 * No I/O. See docs/PROTOCOL.md for every rule ID cited here.
 */
export { ProtocolError, DecodeError, SignatureError, RuleViolation, InvalidRecoveryPhraseError } from './errors'
export { toHex, fromHex, concatBytes, equalBytes, compareBytes } from './encoding/bytes'
export { encodeCanonical, decodeCanonical, type CborValue } from './encoding/cbor'
export {
  verifyStrict, sign, publicKeyOf, randomSecretKey, passesStrictPrechecks, hasStrictSignatureEncoding, isAcceptablePublicKey, isAcceptableKeyForVerifier, SMALL_ORDER_KEY_ENCODINGS,
  isCanonicalPointEncoding, isCanonicalScalar, type Verifier,
} from './crypto/ed25519'
export { sha256, type Hasher } from './crypto/hash'
export {
  generateKeyPair, keyPairFromSecret, recoveryPhraseOf, identityFromRecoveryPhrase, didKeyOf, publicKeyFromDidKey,
  certifyDevice, verifyDeviceCert, type KeyPair,
} from './crypto/identity'
export type { OpId, CommunityId, DeviceKey, MemberId, Role } from './op/ids'
export { ROLES, roleRank } from './op/ids'
export {
  DEFAULT_RULES, OP_KINDS, DECISION_CLASSES, MAX_VOTING_PERIOD, isOpKind, checkBody, bodyShapes, actionShapes, forkParentShape,
  type Rules, type Decision, type DecisionClass, type Method, type ProposalAction, type Ballot, type OpKind, type BodyOf, type AnyBody,
} from './op/kinds'
export {
  createOp, decodeOp, decodeOpUnverified, signatureError, signedBytesOf, referencedOps, pureCrypto, PROTOCOL_VERSION, MAX_ENVELOPE_BYTES, MAX_DEPS,
  type Op, type AnyOp, type OpDraft, type CryptoSuite, type VerifyItem, type UncheckedOp,
} from './op/envelope'
export { Replica, DEFAULT_LIMITS, type ReplicaOptions, type ReplicaLimits, type ReceiveResult, type AppliedOp } from './replica/replica'
export type { ForkProof } from './replica/verdict'
export type { ReplicaView, CausalView, CausalNode } from './replica/view'
export type { DagEntry } from './replica/dag'
export { joinProofMessage, innerSignatureChecks } from './replica/roster-rules'
export { inviteOpen, contestedJoins, type InviteRecord, type ContestedJoin, type ContestedList, type RosterState, type MemberRecord } from './replica/roster'
export type { CommunityState, MemberView, FormerMemberView, ProposalView, ActionView, InviteView } from './replica/snapshot'
export { decideOutcome, tallyYesNo, tallyApproval, tallyIrv, quorumMet, type Outcome, type YesNoDetail, type ApprovalDetail, type IrvDetail, type IrvRound } from './replica/outcome'
export { isSettled } from './replica/settled'
export { entrenchedClauses, touchesEntrenched } from './replica/entrenched'
export { decisionClassOf, requirementOf, checkRequested, effectiveValues, atLeast, stricter, type Requirement, type Fraction } from './replica/decisions'
export { yesNoRank } from './replica/vote-order'
export { Listing, type ProposalRow, type ProposalAbilities, type ProposalFilter, type Tally, type Page, type RosterRow, type MemberAbilities, type VoteRow, type HomeSummary, type RosterListing } from './replica/listing'
export type { Activity } from './replica/activity'
export { parseFraction, formatFraction, percentOf, quorumNeeded, yesNeeded, MAX_DENOMINATOR, type FractionPair } from './fraction'
export { DRAFT_TEXT } from './replica/content'
export { MAX_PARTS_PER_EDIT } from './replica/draft'
export type { Bounded } from './encoding/schema'
export { encodeDossier, verifyDossier, censusOf, type Census, type DossierVerification } from './dossier'
export {
  encodeRedactedDossier, verifyRedactedDossier, dossierKind, foldRedacted, acknowledgedOps, redactCensus, isRedactedDossier, REDACTED_FORMAT,
  type RedactedCensus, type RedactedVerification, type RedactedFold,
} from './redacted-dossier'
export { TEXT_PATHS, splitTexts, mergeTexts, structureOf, isRedacted } from './op/texts'
export { verifyForkLineage, checkForkLineage, type LineageProof, type LineageCheck, type LineageProblem, type ForkGenesis } from './lineage'
export {
  randomEpochKey, epochCommitment, keyMatches, inviteKeysFromSecret, agreeKeyPairFromSecret, generateAgreeKeyPair, epochNameSecret, opKeyOf, boxNonce,
  openBoxWithOpKey, wrapEpochKey, unwrapEpochKey, type AgreeKeyPair, type Agree,
} from './crypto/seal'
export { memberAgreeKeyPair, certifyAgreeKey, verifyAgreeCert, agreeCertMessage, isUsableAgreeKey, GENESIS_CERT_COMMUNITY } from './crypto/agree'
export {
  EPOCH_KINDS, EXTEND_KIND, KEY_CARRYING, MAX_WRAPS, MAX_PARTS, MAX_SUPERSEDED, MAX_ANNOUNCED, sealedBodyShapes, checkSealedBody, isSealedKind,
  type SealedKind, type EpochKind, type SealedBodyOf, type Clear, type Wrap,
} from './op/sealed-kinds'
export {
  SEALED_VERSION, decodeSealedOp, decodeSealedOpUnverified, isSealedEnvelope, openOp, openWithKey, openStructure, ownEpoch, recipientTag, encodeSealedOp, clearFor,
  type SealedOp, type OpenedOp, type OpenedOpOf, type OpenResult, type EpochKeys, type SealedFields, type Entropy,
} from './op/sealed-envelope'
export { createSealedOp, createRekey, type SealedDraft, type RekeyDraft } from './op/sealed-author'
export { KeyRing, type WrapFailure } from './op/keyring'
export type { SealedView } from './replica/sealed-view'
export {
  territoryBodyShapes, TERRITORY_KINDS, isTerritoryKind, PLACE_KINDS, PLACE_STATUSES, PLACE_PRECISIONS, PLACE_TRANSITIONS, PRECISION_STEP,
  MAX_VERTICES, MAX_RINGS, MAX_AMOUNT, type TerritoryKind, type PlaceStatus, type PlacePrecision, type Geometry,
} from './op/territory-kinds'
export { TERRITORY_DEFAULTS, territoryRoles } from './op/kinds'
export { checkPrecision, roundTo } from './replica/territory'
export { sumPledges, type TerritoryState, type PlaceState, type CampaignState, type CampaignOutcome, type PledgeState, type ReceiptState, type GoalState } from './replica/territory-fold'
export {
  censusFrom, censusInputOf, censusOfReplica, footprintOf, moneyOf, castOf,
  type CommunityCensus, type CensusInput, type CensusPoint, type CensusFootprint, type CensusMoney, type CensusDecision,
} from './census'
export { encodePublicCensus, verifyPublicCensus, publicCensusOf, PUBLIC_CENSUS_FORMAT, type PublicCensus, type PublicCensusVerification } from './public-census'
export { RELATIONS_DEFAULTS } from './op/kinds'
export { RELATION_KINDS, isRelationKind, relationBodyShapes, STATEMENT_DATE, type RelationKind } from './op/relations-kinds'
export { verifyStatement, statementMessage, statementSignatureValid, signatureBytes, STATEMENT_FORMAT, type Statement, type StatementVerification } from './statement'
export { encodeLetter, verifyLetter, isLetter, LETTER_FORMAT, type LetterStatement, type LetterVerification, type LetterInput } from './letter'
export {
  relationsOf, type RelationsState, type CommunityRelation, type BodyRelation, type BodyStatement, type OurDecision, type TheirLetter, type RelationTally,
} from './relations'
