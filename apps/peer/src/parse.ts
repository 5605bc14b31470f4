/**
 * Parsers for the CLI's own syntax (`--rule key=value`, fractions, option
 * numbers). A key typed by the user is looked up in a Map, never as a
 * property, so `--rule constructor=1` is an unknown rule like any other
 * (BRIDGE-5's rule for the terminal). Every mistake is a UsageError (exit 2)
 * that names it.
 */
import { MAX_DENOMINATOR, parseFraction as fractionOf, type Role, type Rules } from '@polity/api'

export class UsageError extends Error {}

const ROLES = new Set<string>(['founder', 'steward', 'member'])

/** FRAC-1, the one parser the UI uses too: "1/2" or "50%" (reduced: [1, 2]); anything else is a usage error. */
export function parseFraction(s: string, what: string): [number, number] {
  const f = fractionOf(s)
  if (!f) throw new UsageError(`${what} must be a fraction between 0 and 1, written like 1/2 or 50% (denominator at most ${MAX_DENOMINATOR.toLocaleString('en')}).`)
  return f
}

function parseRole(v: string, what: string): Role {
  if (!ROLES.has(v)) throw new UsageError(`${what} must be founder, steward or member, not "${v.slice(0, 40)}".`)
  return v as Role
}

const CLASSES = ['resolution', 'roster', 'rules', 'charter'] as const
type DecisionClass = (typeof CLASSES)[number]
type Decision = Rules['decisions'][DecisionClass]

export const RULE_KEYS = 'invite, remove, roles, propose, editDraft, places, treasurer, bodies = a role; treaties = resolution or entrenched; <class>.quorum, <class>.threshold = a fraction; <class>.days = the shortest voting period; entrenchedThreshold = a fraction; <class> is resolution, roster, rules, charter or all'

/** A threshold is a fraction below 1 (GOV-5): a threshold of 100% could never be met. */
export function parseThreshold(s: string, what: string): [number, number] {
  const f = parseFraction(s, what)
  if (f[0] >= f[1]) throw new UsageError(`${what} must be below 100% (a threshold of 100% could never be met).`)
  return f
}

function parseDays(v: string, what: string): number {
  const days = Number(v)
  if (!(v.trim() !== '' && days >= 0 && days <= 366)) throw new UsageError(`${what} must be 0 to 366 days.`)
  return Math.round(days * 86_400_000)
}

type Mutable = { -readonly [K in keyof Rules]: Rules[K] }
type RuleSetter = (rules: Mutable, value: string, key: string) => void
const DECISION_FIELDS = new Map<string, (d: Decision, v: string, key: string) => Decision>([
  ['quorum', (d, v, k) => ({ ...d, quorum: parseFraction(v, `--rule ${k}`) })],
  ['threshold', (d, v, k) => ({ ...d, threshold: parseThreshold(v, `--rule ${k}`) })],
  ['days', (d, v, k) => ({ ...d, period: parseDays(v, `--rule ${k}`) })],
])
const RULE_SETTERS = new Map<string, RuleSetter>([
  ...(['invite', 'remove', 'roles', 'propose', 'editDraft', 'places', 'treasurer', 'bodies'] as const).map((k): [string, RuleSetter] => [k, (r, v) => {
    r[k] = parseRole(v, `--rule ${k}`)
  }]),
  // REL-2: whether a recognition needs the entrenched threshold too.
  ['treaties', (r, v, k) => {
    if (v !== 'resolution' && v !== 'entrenched') throw new UsageError(`--rule ${k} must be resolution or entrenched, not "${v.slice(0, 40)}".`)
    r.treaties = v
  }],
  ['entrenchedThreshold', (r, v, k) => {
    r.entrenchedThreshold = parseThreshold(v, `--rule ${k}`)
  }],
  ...[...CLASSES, 'all' as const].flatMap((cls) => [...DECISION_FIELDS].map(([field, set]): [string, RuleSetter] => [`${cls}.${field}`, (r, v, k) => {
    const decisions = { ...r.decisions }
    for (const c of cls === 'all' ? CLASSES : [cls]) decisions[c] = set(decisions[c], v, k)
    r.decisions = decisions
  }])),
])

/**
 * `--rule key=value …` applied over some rules (GOV-1): roles (places,
 * treasurer: PLACE-1, FUND-1; bodies: REL-6), treaties (REL-2), per-class
 * quorum/threshold/days, the entrenched threshold. The same key twice is a
 * mistake, not "the last one wins"; keys are looked up in a Map.
 */
export function applyRules(base: Rules, pairs: readonly string[]): Rules {
  const rules: Mutable = { ...base, decisions: { ...base.decisions } }
  const seen = new Set<string>()
  for (const kv of pairs) {
    const at = kv.indexOf('=')
    if (at < 0) throw new UsageError(`--rule needs key=value, got "${kv.slice(0, 80)}".`)
    const k = kv.slice(0, at)
    const v = kv.slice(at + 1)
    if (v.includes('=')) throw new UsageError(`--rule ${k.slice(0, 40)} has more than one "=".`)
    const set = RULE_SETTERS.get(k)
    if (!set) throw new UsageError(`Unknown rule "${k.slice(0, 40)}". Rules: ${RULE_KEYS}.`)
    if (seen.has(k)) throw new UsageError(`--rule ${k} is given twice.`)
    seen.add(k)
    set(rules, v, k)
  }
  return rules
}

/** `0,2,3` → option numbers (0 to 63), for --approve and --rank. */
export function parseOptionNumbers(s: string, flag: string): number[] {
  const parts = s.split(',').map((x) => x.trim())
  if (s.trim() === '') return []
  return parts.map((x) => {
    if (!/^\d{1,2}$/.test(x) || Number(x) > 63) throw new UsageError(`${flag} takes option numbers from 0 to 63, separated by commas; "${x.slice(0, 20)}" is not one.`)
    return Number(x)
  })
}

/** A whole number for a flag (a version, a count). */
export function parseWhole(s: string, flag: string): number {
  if (!/^\d{1,15}$/.test(s.trim())) throw new UsageError(`${flag} must be a whole number.`)
  return Number(s)
}
