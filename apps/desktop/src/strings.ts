/**
 * Words the main process shows (tray menu, notifications), from the UI's own
 * translation files so every language has them (I18N-1). The language is the
 * system's first preferred one that Polity speaks, else English.
 */
import en from '../../../packages/ui/src/i18n/en.json'
import es from '../../../packages/ui/src/i18n/es.json'
import ar from '../../../packages/ui/src/i18n/ar.json'
import pt from '../../../packages/ui/src/i18n/pt.json'

const TABLES: Record<string, Record<string, string>> = { en, es, ar, pt }

export type Translate = (key: string, vars?: Record<string, string | number>) => string

export function languageOf(preferred: readonly string[]): string {
  for (const tag of preferred) {
    const code = tag.toLowerCase().split(/[-_]/)[0] ?? ''
    if (code in TABLES) return code
  }
  return 'en'
}

export function translator(language: string): Translate {
  const table: Record<string, string> = TABLES[language] ?? en
  const english: Record<string, string> = en
  return (key, vars = {}) => {
    const text = table[key] ?? english[key] ?? key
    return text.replace(/\{\{(\w+)\}\}/g, (_m: string, name: string) => String(vars[name] ?? ''))
  }
}
