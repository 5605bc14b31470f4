/**
 * Fractions as people write them, and what a tally needs (FRAC-1, TALLY-Q,
 * TALLY-YN in docs/PROTOCOL.md). One parser for every front end: the CLI's
 * `--quorum 50%` and the UI's quorum field read the same text the same way.
 *
 * FRAC-1: a fraction is `n/d` (whole numbers, 1 ≤ d ≤ 1,000,000, n ≤ d) or
 * a percentage `p%` (0 to 100, at most two decimals, `.` or `,`), spaces
 * allowed around `/` and before `%`. The result is reduced: "50%" and "2/4"
 * are [1, 2]; "66.5%" is [133, 200]. Anything else (a bare number, a
 * negative, over 100%, more decimals) is not a fraction: null.
 */

export type FractionPair = readonly [number, number]

/** The protocol's bound on a fraction's denominator (schema of rules and methods). */
export const MAX_DENOMINATOR = 1_000_000

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b))

/** FRAC-1: "1/2", "50%", "66,5 %" → the reduced [num, den]; null when it is not a fraction between 0 and 1. */
export function parseFraction(text: string): [number, number] | null {
  const t = text.trim()
  let num: number
  let den: number
  const slash = /^(\d{1,7})\s*\/\s*(\d{1,7})$/.exec(t)
  if (slash) {
    num = Number(slash[1])
    den = Number(slash[2])
  } else {
    const pct = /^(\d{1,3})(?:[.,](\d{1,2}))?\s*%$/.exec(t)
    if (!pct) return null
    const decimals = pct[2] ?? ''
    den = 100 * 10 ** decimals.length
    num = Number(pct[1]) * 10 ** decimals.length + (decimals ? Number(decimals) : 0)
  }
  if (den < 1 || den > MAX_DENOMINATOR || num > den) return null
  const g = gcd(num, den)
  return [num / g, den / g]
}

/** "1/2". */
export const formatFraction = (f: FractionPair): string => `${f[0]}/${f[1]}`

/** The fraction as a percentage, to one decimal (for display). */
export const percentOf = (f: FractionPair): number => Math.round((f[0] / f[1]) * 1000) / 10

/** TALLY-Q: the fewest ballots that meet the quorum: the least n with n × den ≥ eligible × num. */
export const quorumNeeded = (eligible: number, quorum: FractionPair): number => Math.max(0, Math.ceil((eligible * quorum[0]) / quorum[1]))

/** TALLY-YN: the fewest yes votes that pass: the least yes with yes × den > (eligible − abstain) × num. */
export const yesNeeded = (eligible: number, abstain: number, threshold: FractionPair): number =>
  Math.floor((Math.max(0, eligible - abstain) * threshold[0]) / threshold[1]) + 1
