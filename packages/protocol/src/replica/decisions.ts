/**
 * What a proposal needs at least (GOV-1..3 in docs/PROTOCOL.md): the
 * community's rules bind every proposal. Each action belongs to a decision
 * class with its own quorum, threshold and voting period; amendments that
 * touch entrenched clauses, and rules changes that lower the entrenched
 * threshold, need the entrenched threshold too. A proposal may ask for
 * stricter values than these, never looser ones; at the close, the stricter
 * of the proposal's values and the rules then in force applies (GOV-6).
 */
import { RuleViolation } from '../errors'
import type { DecisionClass, Method, ProposalAction, Rules } from '../op/kinds'
import { touchesEntrenched } from './entrenched'

export type Fraction = readonly [number, number]

/** a ≥ b for fractions, exactly. */
export const atLeast = (a: Fraction, b: Fraction): boolean => BigInt(a[0]) * BigInt(b[1]) >= BigInt(b[0]) * BigInt(a[1])
/** The larger of two fractions (the first when equal). */
export const stricter = (a: Fraction, b: Fraction): Fraction => (atLeast(a, b) ? a : b)

/** GOV-1: the class an action belongs to. */
export function decisionClassOf(action: ProposalAction['type']): DecisionClass {
  switch (action) {
    case 'resolution':
    // REL-2: recognition is a resolution of the community (yes/no only, PROP-4), under the entrenched threshold when the rules say so.
    case 'recognize':
    case 'unrecognize':
    // PLACE-7: adding a place or changing its status by decision is a resolution (yes/no only, PROP-4).
    case 'place':
    case 'placeStatus':
      return 'resolution'
    case 'admit':
    case 'remove':
    case 'role':
      return 'roster'
    case 'rules':
      return 'rules'
    case 'amend':
      return 'charter'
  }
}

/** The floor a proposal must meet under some rules. */
export interface Requirement {
  readonly class: DecisionClass
  readonly quorum: Fraction
  /** For yes/no; approval and ranked choice have no threshold. */
  readonly threshold: Fraction
  readonly period: number
  /** The entrenched threshold applies (an amendment touching an entrenched clause, or a rules change lowering that threshold). */
  readonly entrenched: boolean
}

/**
 * GOV-1: the floor for `action` under `rules`. `charterVersions` are the
 * ratified versions where the rules apply (the amendment's `base` is looked
 * up there; a base not there counts as an empty charter).
 */
export function requirementOf(rules: Rules, action: ProposalAction, charterVersions: readonly { readonly text: string }[]): Requirement {
  const cls = decisionClassOf(action.type)
  const d = rules.decisions[cls]
  let entrenched = false
  if (action.type === 'amend') entrenched = touchesEntrenched(charterVersions[action.base]?.text ?? '', action.charter)
  if (action.type === 'rules') entrenched = !atLeast(action.rules.entrenchedThreshold, rules.entrenchedThreshold) || lowersTreaties(rules, action.rules)
  if (action.type === 'recognize' || action.type === 'unrecognize') entrenched = rules.treaties === 'entrenched'
  const threshold = entrenched ? stricter(d.threshold, rules.entrenchedThreshold) : d.threshold
  return { class: cls, quorum: d.quorum, threshold, period: d.period, entrenched }
}

/** REL-2: a rules change that stops entrenching treaties needs the entrenched threshold itself. */
const lowersTreaties = (now: Rules, next: Rules): boolean => now.treaties === 'entrenched' && next.treaties !== 'entrenched'

const pct = (f: Fraction): string => `${f[0]}/${f[1]}`

/**
 * GOV-2 and GOV-3: the proposal's own quorum, threshold and deadline are at
 * least the floor. Throws a RuleViolation naming the rule and the floor.
 */
export function checkRequested(req: Requirement, method: Method, time: number, deadline: number): void {
  const what = !req.entrenched
    ? `${req.class} decisions`
    : req.class === 'charter' ? 'amendments touching entrenched clauses' : req.class === 'resolution' ? 'recognition under entrenched treaties (REL-2)' : 'rules changes lowering the entrenched threshold'
  if (!atLeast(method.quorum, req.quorum)) {
    throw new RuleViolation('GOV-2', `the quorum ${pct(method.quorum)} is below the ${pct(req.quorum)} the rules require for ${req.class} decisions`)
  }
  if (method.type === 'yesno' && !atLeast(method.threshold, req.threshold)) {
    throw new RuleViolation('GOV-2', `the threshold ${pct(method.threshold)} is below the ${pct(req.threshold)} the rules require for ${what}`)
  }
  // deadline − period ≥ time, exactly (both are safe integers, so the difference is too).
  if (deadline - req.period < time) {
    throw new RuleViolation('GOV-3', `the deadline must be at least ${req.period / 3_600_000} hours after the proposal's time for ${req.class} decisions`)
  }
}

/** GOV-6: the quorum and threshold a close applies — the stricter of the proposal's and the floor's. */
export function effectiveValues(method: Method, req: Requirement): { quorum: Fraction; threshold: Fraction | null } {
  return {
    quorum: stricter(method.quorum, req.quorum),
    threshold: method.type === 'yesno' ? stricter(method.threshold, req.threshold) : null,
  }
}
