/// <reference types="node" />
/** Every user-facing string exists in every language, and every key the code uses exists (I18N-1). */
import { describe, expect, it } from 'vitest'
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import en from '../src/i18n/en.json'
import ar from '../src/i18n/ar.json'
import es from '../src/i18n/es.json'
import pt from '../src/i18n/pt.json'
import { LANGUAGES, pickLanguage } from '../src/i18n/index'
import { TRANSLATED_CODES } from '../src/i18n/errors'

const src = fileURLToPath(new URL('../src/', import.meta.url))
const files = (d: string): string[] => readdirSync(d, { withFileTypes: true }).flatMap((e): string[] => (e.isDirectory() ? files(join(d, e.name)) : e.name.endsWith('.tsx') ? [join(d, e.name)] : []))

/** i18next plural keys: `key_one`, `key_other`, … (one per CLDR category a language uses). */
const PLURAL = /_(zero|one|two|few|many|other)$/
const base = (k: string): string => k.replace(PLURAL, '')

describe('translations (I18N-1)', () => {
  const languages = { en, ar, es, pt } as Record<string, Record<string, string>>
  it('I18N-1: every language the UI offers has a table, and every table is offered', () => {
    expect(LANGUAGES.map((l) => l.code).sort()).toEqual(Object.keys(languages).sort())
  })
  it('I18N-1: every language has exactly the English keys (plural forms aside), none empty', () => {
    const keys = [...new Set(Object.keys(en).map(base))].sort()
    for (const [code, table] of Object.entries(languages)) {
      expect([...new Set(Object.keys(table).map(base))].sort(), code).toEqual(keys)
      for (const k of Object.keys(table)) expect(table[k], `${code}: ${k}`).not.toBe('')
    }
  })
  it('I18N-1: a plural string has exactly the forms its language needs (Intl.PluralRules: Arabic six, Spanish and Portuguese one, many and other, English one and other)', () => {
    for (const [code, table] of Object.entries(languages)) {
      const needed = [...new Intl.PluralRules(code).resolvedOptions().pluralCategories].sort()
      const plural = new Set(Object.keys(table).filter((k) => PLURAL.test(k)).map(base))
      for (const b of plural) expect(Object.keys(table).filter((k) => base(k) === b && k !== b).map((k) => (PLURAL.exec(k) as RegExpExecArray)[1]).sort(), `${code}: ${b}`).toEqual(needed)
    }
  })
  it('I18N-1: every literal key used in the UI code exists; interpolations match across languages', () => {
    const used = new Set<string>()
    for (const f of files(src)) for (const m of readFileSync(f, 'utf8').matchAll(/\bt\('([a-zA-Z0-9.]+)'/g)) used.add(m[1] as string)
    expect(used.size).toBeGreaterThan(40)
    for (const k of used) expect(Object.keys(en).map(base), k).toContain(k)
    const vars = (s: string): string[] => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1] as string).sort()
    const enOf = (k: string): string => (en as Record<string, string>)[k] ?? (en as Record<string, string>)[`${base(k)}_other`] as string
    // A plural form may leave out {{count}} (Arabic's "one vote", "two votes"); every other variable matches English.
    for (const code of ['ar', 'es', 'pt']) {
      for (const k of Object.keys(languages[code]!)) {
        const want = vars(enOf(k)).filter((v) => !(PLURAL.test(k) && v === 'count'))
        expect(vars(languages[code]![k]!).filter((v) => !(PLURAL.test(k) && v === 'count')), `${code}: ${k}`).toEqual(want)
      }
    }
  })
  it('I18N-1: a count shown with a plural key has every form in every language (no bare {{count}} key where English has forms)', () => {
    for (const [code, table] of Object.entries(languages)) {
      const needed = [...new Intl.PluralRules(code).resolvedOptions().pluralCategories]
      for (const k of Object.keys(en).filter((x) => x.endsWith('_other'))) {
        const b = base(k)
        for (const c of needed) expect(table[`${b}_${c}`], `${code}: ${b}_${c}`).toBeTypeOf('string')
      }
    }
  })
})

describe('first language (I18N-2)', () => {
  it('I18N-2: the first system language Polity speaks wins, by its base language; else English', () => {
    expect(pickLanguage(['pt-BR', 'en-US'])).toBe('pt')
    expect(pickLanguage(['fr-FR', 'es-MX', 'en'])).toBe('es')
    expect(pickLanguage(['ar-JO'])).toBe('ar')
    expect(pickLanguage(['de', 'fr'])).toBe('en')
    expect(pickLanguage([])).toBe('en')
    expect(pickLanguage(['PT_pt'])).toBe('pt')
  })
})

describe('node errors by code (I18N-3)', () => {
  it('I18N-3: every code the UI translates has its words in every language', () => {
    for (const [code, table] of Object.entries({ en, ar, es, pt } as Record<string, Record<string, string>>)) {
      for (const c of TRANSLATED_CODES) expect(table[`errors.${c}`], `${code}: errors.${c}`).toBeTruthy()
    }
  })
})
