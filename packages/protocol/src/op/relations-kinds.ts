/**
 * The bodies of relations (REL-* in docs/PROTOCOL.md §20): sealed (v2) kinds
 * only. A community records here what it received from outside: a verified
 * letter of recognition from another community (`relation.letter`, REL-5),
 * an outside body known by its ed25519 key (`relation.body`, REL-6), and a
 * statement that body signed (`relation.statement`, REL-7, REL-8).
 */
import { bytes, oneOf, optional, record, text, uint } from '../encoding/schema'

const key = bytes(32)
const opRef = bytes(32)

export const RELATION_KINDS = ['relation.letter', 'relation.body', 'relation.statement'] as const
export type RelationKind = (typeof RELATION_KINDS)[number]
export const isRelationKind = (k: unknown): k is RelationKind => k === 'relation.letter' || k === 'relation.body' || k === 'relation.statement'

/** A yes/no tally as a letter states it (TALLY-YN). */
export const tallyShape = { eligible: uint(), yes: uint(), no: uint(), abstain: uint() }

/** REL-8: the date of a statement, `YYYY-MM-DD`. */
export const STATEMENT_DATE = /^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$/

export const relationBodyShapes = {
  /**
   * REL-5: a letter of recognition (LETTER-*) the importer verified: the
   * file's sha256, the recognizing community (`from`, its genesis id) and the
   * name the letter gives it, the action, the proposal (`decision`) and close it proves,
   * the close's time and its tally.
   */
  'relation.letter': {
    letter: bytes(32),
    from: key,
    name: text(0, 120),
    action: oneOf('recognize', 'unrecognize'),
    /** Ops of the other community: named `decision`, not `proposal`, which would name an op of ours (held.ts). */
    decision: opRef,
    close: opRef,
    date: uint(),
    tally: record(tallyShape),
  },
  /**
   * REL-6: an outside body (a city, a registry, a state office): its ed25519 key, a label, and how the key was obtained.
   * REL-9: `status: 'removed'` marks it removed (absent: active); the latest relation.body of a key holds.
   */
  'relation.body': { body: key, label: text(1, 120), source: text(0, 500), status: optional(oneOf('active', 'removed')) },
  /** REL-7, REL-8: a statement signed by an outside body, re-verified by every member's fold. */
  'relation.statement': {
    statement: bytes(32),
    body: key,
    action: oneOf('recognize', 'withdraw'),
    date: text(10, 10),
    text: text(0, 5000),
    signature: bytes(64),
  },
} as const
