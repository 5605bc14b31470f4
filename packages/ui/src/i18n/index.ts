/** i18next setup: English, Arabic (right-to-left) and Spanish; the document direction follows the language. */
import i18n from 'i18next'
import { initReactI18next } from 'react-i18next'
import en from './en.json'
import ar from './ar.json'
import es from './es.json'

export const LANGUAGES = [
  { code: 'en', name: 'English', dir: 'ltr' },
  { code: 'ar', name: 'العربية', dir: 'rtl' },
  { code: 'es', name: 'Español', dir: 'ltr' },
] as const

export const resources = { en: { translation: en }, ar: { translation: ar }, es: { translation: es } }

export function applyDirection(lang: string): void {
  const l = LANGUAGES.find((x) => x.code === lang) ?? LANGUAGES[0]
  document.documentElement.lang = l.code
  document.documentElement.dir = l.dir
}

export async function setupI18n(): Promise<typeof i18n> {
  const saved = localStorage.getItem('polity.lang') ?? 'en'
  await i18n.use(initReactI18next).init({ resources, lng: saved, fallbackLng: 'en', interpolation: { escapeValue: false }, keySeparator: false })
  applyDirection(saved)
  i18n.on('languageChanged', (lng) => {
    localStorage.setItem('polity.lang', lng)
    applyDirection(lng)
  })
  return i18n
}
