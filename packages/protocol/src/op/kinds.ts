/**
 * Every op kind and the exact shape of its body (KIND-* in docs/PROTOCOL.md).
 * A body with a missing, extra or out-of-range field is rejected at decode
 * time, before any rule looks at it.
 */
import { DecodeError } from '../errors'
import {
  blob, bytes, fraction, list, oneOf, optional, record, text, uint, variant,
  type Check, type Infer,
} from '../encoding/schema'
import { placeFields, placeStatus } from './territory-kinds'

const key = bytes(32)
const sig = bytes(64)
const opRef = bytes(32)
const role = oneOf('founder', 'steward', 'member')
type Role = 'founder' | 'steward' | 'member'

/**
 * GOV-5: a pass threshold is a fraction below 1. Under TALLY-YN a proposal
 * passes when yes × den > (eligible − abstain) × num, so a threshold of 1
 * could never be met: rules holding one would lock that class of decision
 * (and a rules change to one would lock the rules) for good.
 */
export const threshold: Check<[number, number]> = (v, p) => {
  const f = fraction(v, p)
  if (f[0] >= f[1]) throw new DecodeError(`Field "${p}" must be below 1 (GOV-5: a threshold of 1 or more can never be met).`)
  return f
}

/** The longest voting period rules may set (GOV-5): 366 days, in milliseconds. */
export const MAX_VOTING_PERIOD = 366 * 24 * 3600 * 1000

/** What every proposal of one decision class needs at least (GOV-1..3). */
const decisionShape = {
  /** Share of the eligible members who must cast a ballot (abstentions count). */
  quorum: fraction,
  /** Share of the eligible members, less those who abstain, who must vote yes — strictly more than it (TALLY-YN). */
  threshold,
  /** Shortest voting period in milliseconds: deadline ≥ the proposal's time + period. */
  period: uint(MAX_VOTING_PERIOD),
}
export const decision = record(decisionShape)
export type Decision = Infer<typeof decisionShape>

/** GOV-1: the decision classes, each with its own floor. */
export const DECISION_CLASSES = ['resolution', 'roster', 'rules', 'charter'] as const
export type DecisionClass = (typeof DECISION_CLASSES)[number]

/** The governance rules a community starts with and may change by proposal. */
const rulesBase = {
  /** Minimum role that may create invites. */
  invite: role,
  /** Minimum role that may remove members directly (removing a steward or founder always needs a founder). */
  remove: role,
  /** Minimum role that may change roles directly. */
  roles: role,
  /** Minimum role that may open proposals, and close them after their deadline. */
  propose: role,
  /** Minimum role that may edit the charter draft. */
  editDraft: role,
  /**
   * The floor every proposal of each class must meet (GOV-1..3): resolutions;
   * roster changes (admit, remove, role); rules changes; charter amendments.
   */
  decisions: record({ resolution: decision, roster: decision, rules: decision, charter: decision }),
  /** Pass threshold for amendments that touch entrenched clauses, and for rules changes that lower it (GOV-1). */
  entrenchedThreshold: threshold,
  /** REL-2: `entrenched`: recognizing or un-recognizing a community needs the entrenched threshold (absent: `resolution`). */
  treaties: optional(oneOf('resolution', 'entrenched')),
  /** REL-6: minimum role that may add an outside body (absent: `steward`, RELATIONS_DEFAULTS). */
  bodies: optional(role),
}
export const rulesShape = {
  ...rulesBase,
  /** PLACE-1: minimum role that may add places and change their status directly (absent: `steward`, TERRITORY_DEFAULTS). */
  places: optional(role),
  /** FUND-1, FUND-11: minimum role that may open campaigns and record receipts (absent: `steward`). */
  treasurer: optional(role),
}
/**
 * Rules of communities founded before issue 17 carry neither `places` nor `treasurer`, before issue 18
 * neither `treaties` nor `bodies`: all optional (TERRITORY_DEFAULTS, RELATIONS_DEFAULTS).
 */
export type Rules = Omit<Infer<typeof rulesBase>, 'treaties' | 'bodies'> & { places?: Role; treasurer?: Role; treaties?: 'resolution' | 'entrenched'; bodies?: Role }
export const rules = record(rulesShape) as Check<Rules>

/** PLACE-1, FUND-1: the roles of rules that do not name them (every community founded before issue 17). */
export const TERRITORY_DEFAULTS = { places: 'steward', treasurer: 'steward' } as const
/** The minimum role for places (PLACE-1) and for the treasurer's acts (FUND-1, FUND-11) under these rules. */
export const territoryRoles = (r: Rules): { places: Role; treasurer: Role } => ({
  places: r.places ?? TERRITORY_DEFAULTS.places,
  treasurer: r.treasurer ?? TERRITORY_DEFAULTS.treasurer,
})

/** REL-2, REL-6: what rules that do not name them mean. */
export const RELATIONS_DEFAULTS = { treaties: 'resolution', bodies: 'steward' } as const

const DAY = 24 * 3600 * 1000

export const DEFAULT_RULES: Rules = {
  invite: 'steward',
  remove: 'steward',
  roles: 'founder',
  propose: 'member',
  editDraft: 'member',
  decisions: {
    resolution: { quorum: [1, 2], threshold: [1, 2], period: 7 * DAY },
    roster: { quorum: [1, 2], threshold: [1, 2], period: 7 * DAY },
    rules: { quorum: [1, 2], threshold: [2, 3], period: 7 * DAY },
    charter: { quorum: [1, 2], threshold: [1, 2], period: 7 * DAY },
  },
  entrenchedThreshold: [2, 3],
}

export const methodShapes = {
  yesno: { quorum: fraction, threshold: fraction },
  approval: { options: list(text(1, 200), 2, 64), quorum: fraction },
  irv: { options: list(text(1, 200), 2, 64), quorum: fraction },
}
export const method = variant(methodShapes)
export type Method = ReturnType<typeof method>

export const actionShapes = {
  resolution: {},
  amend: { charter: text(0, 65_536), base: uint() },
  admit: { member: key },
  remove: { member: key },
  role: { member: key, role },
  rules: { rules },
  /** REL-1: recognize another community (its genesis id), by the name we give it, with a public statement and optionally the sha256 of its public census. */
  recognize: { community: key, name: text(1, 120), statement: text(1, 5000), census: optional(bytes(32)) },
  /** REL-1: withdraw our recognition of a community. */
  unrecognize: { community: key },
  /**
   * PLACE-7: add a place by decision (sealed communities only). `placeName`, not `name`: a place's name is a
   * text (SEAL-7, `action.placeName`), while `recognize`'s `action.name` is structure a letter discloses.
   */
  place: { placeName: text(1, 120), ...placeFields },
  /** PLACE-7, PLACE-9: move a place along its lifecycle by decision. */
  placeStatus: { place: opRef, status: placeStatus },
}
export const action = variant(actionShapes)
export type ProposalAction = ReturnType<typeof action>

export const ballotShapes = {
  yesno: { choice: oneOf('yes', 'no', 'abstain') },
  approval: { approve: list(uint(63), 0, 64) },
  irv: { rank: list(uint(63), 0, 64) },
}
export const ballot = variant(ballotShapes)
export type Ballot = ReturnType<typeof ballot>

/** A fork genesis's `parent` (FORK-1..4). */
export const forkParentShape = {
  community: opRef,
  heads: list(opRef, 1, 64),
  /** Ratified charter version number in the parent the fork starts from. */
  version: uint(),
  /** sha256 of that version's text (the genesis `charter` field must hash to it). */
  charterHash: bytes(32),
  /** Parent members at `heads` who may join the fork by signing `fork.join`. */
  members: list(key, 1, 4096),
}

export const bodyShapes = {
  'genesis': {
    name: text(1, 120),
    purpose: text(0, 2000),
    charter: text(0, 65_536),
    rules,
    founder: key,
    cert: sig,
    parent: optional(record(forkParentShape)),
  },
  'device.link': { member: key, cert: sig },
  /** `member`: the only member who may join with it, when the inviter knows their key (ROSTER-3). */
  'invite.create': { key, uses: uint(1_000_000), expires: uint(), member: optional(key) },
  'invite.revoke': { invite: opRef },
  'member.join': { member: key, cert: sig, invite: opRef, proof: sig },
  'fork.join': { member: key, cert: sig },
  'member.leave': {},
  'member.remove': { member: key, reason: text(0, 500) },
  'member.role': { member: key, role },
  'profile.set': { name: text(1, 80) },
  'charter.bind': { client: uint(0xffffffff, 1) },
  'charter.edit': { update: blob(64 * 1024) },
  'proposal.create': {
    title: text(1, 200),
    text: text(0, 20_000),
    action,
    method,
    deadline: uint(),
  },
  'proposal.withdraw': { proposal: opRef },
  'vote.cast': { proposal: opRef, ballot },
  'proposal.close': { proposal: opRef },
  'comment.add': { proposal: opRef, text: text(1, 5000), replyTo: optional(opRef) },
} as const

export type OpKind = keyof typeof bodyShapes
export type BodyOf<K extends OpKind> = Infer<(typeof bodyShapes)[K]>
export type AnyBody = { [K in OpKind]: BodyOf<K> }[OpKind]

export const OP_KINDS = Object.keys(bodyShapes) as OpKind[]

/** One check per kind, in a Map: a kind from the wire is never a property lookup (ENV-5a). */
const bodyChecks = new Map<string, Check<unknown>>(Object.entries(bodyShapes).map(([k, s]) => [k, record(s as never)]))

export function isOpKind(k: unknown): k is OpKind {
  return typeof k === 'string' && bodyChecks.has(k)
}

export function checkBody<K extends OpKind>(kind: K, body: unknown): BodyOf<K> {
  const check = bodyChecks.get(kind)
  if (!check) throw new DecodeError(`ENV-5: unknown op kind ${JSON.stringify(String(kind).slice(0, 40))}.`)
  return check(body as never, 'body') as BodyOf<K>
}
