/**
 * Parsers for the CLI's own syntax (`--rule key=value`, fractions, option
 * numbers). A key typed by the user is looked up in a Map, never as a
 * property, so `--rule constructor=1` is an unknown rule like any other
 * (BRIDGE-5's rule for the terminal). Every mistake is a UsageError (exit 2)
 * that names it.
 */
import type { Role, Rules } from '@polity/api'

export class UsageError extends Error {}

const ROLES = new Set<string>(['founder', 'steward', 'member'])

export function parseFraction(s: string, what: string): [number, number] {
  const m = /^(\d+)\/(\d+)$/.exec(s) ?? /^(\d+(?:\.\d+)?)%$/.exec(s)
  if (!m) throw new UsageError(`${what} must look like 1/2 or 50%.`)
  if (s.endsWith('%')) {
    const pct = Number(m[1])
    if (!(pct >= 0 && pct <= 100)) throw new UsageError(`${what} must be between 0% and 100%.`)
    return [Math.round(pct * 100), 10_000]
  }
  const num = Number(m[1])
  const den = Number(m[2])
  if (!(den >= 1 && num <= den && den <= 1_000_000)) throw new UsageError(`${what} must be a fraction between 0 and 1 (denominator at most 1,000,000).`)
  return [num, den]
}

function parseRole(v: string, what: string): Role {
  if (!ROLES.has(v)) throw new UsageError(`${what} must be founder, steward or member, not "${v.slice(0, 40)}".`)
  return v as Role
}

type RuleParser = (v: string, key: string) => Partial<Rules>
const RULES = new Map<string, RuleParser>([
  ...(['invite', 'remove', 'roles', 'propose', 'editDraft'] as const).map((k): [string, RuleParser] => [k, (v) => ({ [k]: parseRole(v, `--rule ${k}`) })]),
  ...(['quorum', 'threshold', 'entrenchedThreshold'] as const).map((k): [string, RuleParser] => [k, (v) => ({ [k]: parseFraction(v, `--rule ${k}`) })]),
  ['votingPeriodDays', (v) => {
    const days = Number(v)
    if (!(v.trim() !== '' && days > 0 && days <= 366)) throw new UsageError('--rule votingPeriodDays must be a number of days from 0 to 366.')
    return { votingPeriod: Math.round(days * 86_400_000) }
  }],
])

/** `--rule key=value …` → the rules they set. The same key twice is a mistake, not "the last one wins". */
export function parseRules(pairs: readonly string[]): Partial<Rules> {
  let rules: Partial<Rules> = {}
  const seen = new Set<string>()
  for (const kv of pairs) {
    const at = kv.indexOf('=')
    if (at < 0) throw new UsageError(`--rule needs key=value, got "${kv.slice(0, 80)}".`)
    const k = kv.slice(0, at)
    const parse = RULES.get(k)
    if (!parse) throw new UsageError(`Unknown rule "${k.slice(0, 40)}" (known: ${[...RULES.keys()].join(', ')}).`)
    if (seen.has(k)) throw new UsageError(`--rule ${k} is given twice.`)
    seen.add(k)
    rules = { ...rules, ...parse(kv.slice(at + 1), k) }
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
