/**
 * Money as the API carries it: decimal strings of integer minor units ("12500"
 * is 125.00 EUR). Formatting and parsing are string and bigint work, never
 * floats: Intl.NumberFormat formats the exact decimal string it is given.
 */

/** How many minor-unit digits a currency has (EUR 2, JPY 0, KWD 3), as the runtime's Intl data says. */
export function minorDigits(currency: string): number {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2
  } catch {
    return 2
  }
}

export const isMinorUnits = (s: string): boolean => /^(0|[1-9]\d*)$/.test(s)

/** "12500", 2 → "125.00"; exact for any length. */
export function minorToDecimal(minor: string, digits: number): `${number}` {
  if (!isMinorUnits(minor)) throw new Error(`not an amount in minor units: ${minor}`)
  if (digits === 0) return minor as `${number}`
  const padded = minor.padStart(digits + 1, '0')
  return `${padded.slice(0, -digits)}.${padded.slice(-digits)}` as `${number}`
}

/** Minor units formatted for the language with the currency's symbol, exactly. */
export function formatMoney(minor: string, currency: string, lang: string): string {
  const digits = minorDigits(currency)
  const decimal = minorToDecimal(minor, digits)
  try {
    return new Intl.NumberFormat(lang, { style: 'currency', currency, minimumFractionDigits: digits, maximumFractionDigits: digits }).format(decimal)
  } catch {
    return `${decimal} ${currency}`
  }
}

/**
 * What a person typed ("125.5", "1,250.00", "125") → minor units ("12550"), or
 * null when it is not a non-negative amount with at most the currency's digits.
 * Commas and spaces as thousands separators are dropped; "." is the decimal point.
 */
export function parseMoney(text: string, currency: string): string | null {
  const digits = minorDigits(currency)
  const s = text.trim().replace(/[,\s\u00a0\u066c]/g, '').replace(/\u066b/g, '.')
  // Arabic-Indic and Persian digits typed in an Arabic keyboard layout.
  const western = s.replace(/[\u0660-\u0669]/g, (d) => String(d.charCodeAt(0) - 0x0660)).replace(/[\u06f0-\u06f9]/g, (d) => String(d.charCodeAt(0) - 0x06f0))
  const m = /^(\d+)(?:\.(\d*))?$/.exec(western)
  if (!m) return null
  const frac = m[2] ?? ''
  if (frac.length > digits) return null
  const minor = `${m[1] as string}${frac.padEnd(digits, '0')}`.replace(/^0+(?=\d)/, '')
  return minor
}

/** Parts per thousand of `part` over `whole`, floored, capped at 1000 (for a progress bar); exact with bigint. */
export function permille(part: string, whole: string): number {
  const w = BigInt(whole)
  if (w <= 0n) return part === '0' ? 0 : 1000
  const p = (BigInt(part) * 1000n) / w
  return p > 1000n ? 1000 : Number(p)
}

/** Sum of minor-unit strings, exactly. */
export const sumMinor = (xs: readonly string[]): string => xs.reduce((s, x) => s + BigInt(x), 0n).toString()
