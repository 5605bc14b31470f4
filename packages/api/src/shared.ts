/**
 * The protocol facts a front end needs, defined once in @polity/protocol and
 * handed on here so the UI (which imports only @polity/api) and the CLI use
 * the same ones: the default rules, roles and their order, decision classes,
 * entrenched clauses, and fractions as people write them (FRAC-1) with what a
 * tally needs (TALLY-Q, TALLY-YN). Each is a small pure function or constant.
 */
export {
  DEFAULT_RULES, DECISION_CLASSES, ROLES, roleRank, decisionClassOf, touchesEntrenched, atLeast,
  parseFraction, formatFraction, percentOf, quorumNeeded, yesNeeded, MAX_DENOMINATOR, RELATIONS_DEFAULTS, TERRITORY_DEFAULTS,
} from '@polity/protocol'
export type { FractionPair } from '@polity/protocol'
