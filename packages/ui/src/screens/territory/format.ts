/** Numbers, areas and countries in the person's language. */
export const formatInt = (n: number, lang: string): string => new Intl.NumberFormat(lang).format(n)

export const formatArea = (m2: number, lang: string): string => new Intl.NumberFormat(lang, { maximumFractionDigits: 0 }).format(m2)

/** A country's name from its ISO 3166-1 alpha-2 code, from the runtime's own data (offline). */
export function countryName(code: string, lang: string): string {
  try {
    return new Intl.DisplayNames([lang], { type: 'region' }).of(code) ?? code
  } catch {
    return code
  }
}

export const formatDate = (ms: number, lang: string): string => new Date(ms).toLocaleDateString(lang, { year: 'numeric', month: 'short', day: 'numeric' })

export const formatDateTime = (ms: number, lang: string): string => new Date(ms).toLocaleString(lang, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' })
