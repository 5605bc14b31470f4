/**
 * i18next setup: English, Arabic (right-to-left), Spanish and Portuguese; the
 * document direction follows the language. On first start the language is the
 * system's first preferred one Polity speaks (I18N-2), else English; a choice
 * made in Settings is remembered and wins from then on.
 */
import i18n from 'i18next'
import { initReactI18next } from 'react-i18next'
import en from './en.json'
import ar from './ar.json'
import es from './es.json'
import pt from './pt.json'

export const LANGUAGES = [
  { code: 'en', name: 'English', dir: 'ltr' },
  { code: 'ar', name: 'العربية', dir: 'rtl' },
  { code: 'es', name: 'Español', dir: 'ltr' },
  { code: 'pt', name: 'Português', dir: 'ltr' },
] as const

export const resources = { en: { translation: en }, ar: { translation: ar }, es: { translation: es }, pt: { translation: pt } }

/** The first of the system's preferred languages (BCP 47 tags, `navigator.languages`) that Polity speaks, else English (I18N-2). */
export function pickLanguage(preferred: readonly string[]): string {
  for (const tag of preferred) {
    const code = tag.toLowerCase().split(/[-_]/)[0] ?? ''
    if (LANGUAGES.some((l) => l.code === code)) return code
  }
  return 'en'
}

export function applyDirection(lang: string): void {
  const l = LANGUAGES.find((x) => x.code === lang) ?? LANGUAGES[0]
  document.documentElement.lang = l.code
  document.documentElement.dir = l.dir
}

const preferredLanguages = (): readonly string[] => (typeof navigator === 'undefined' ? [] : navigator.languages?.length ? navigator.languages : [navigator.language])

export async function setupI18n(): Promise<typeof i18n> {
  const saved = localStorage.getItem('polity.lang')
  const lng = saved !== null && LANGUAGES.some((l) => l.code === saved) ? saved : pickLanguage(preferredLanguages())
  await i18n.use(initReactI18next).init({ resources, lng, fallbackLng: 'en', interpolation: { escapeValue: false }, keySeparator: false })
  applyDirection(lng)
  i18n.on('languageChanged', (l) => {
    localStorage.setItem('polity.lang', l)
    applyDirection(l)
  })
  return i18n
}
