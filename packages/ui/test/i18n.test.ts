/// <reference types="node" />
/** Every user-facing string exists in every language, and every key the code uses exists (I18N-1). */
import { describe, expect, it } from 'vitest'
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import en from '../src/i18n/en.json'
import ar from '../src/i18n/ar.json'
import es from '../src/i18n/es.json'

const src = fileURLToPath(new URL('../src/', import.meta.url))
const files = (d: string): string[] => readdirSync(d, { withFileTypes: true }).flatMap((e): string[] => (e.isDirectory() ? files(join(d, e.name)) : e.name.endsWith('.tsx') ? [join(d, e.name)] : []))

describe('translations (I18N-1)', () => {
  const languages = { en, ar, es } as Record<string, Record<string, string>>
  it('I18N-1: every language has exactly the English keys, none empty', () => {
    const keys = Object.keys(en).sort()
    for (const [code, table] of Object.entries(languages)) {
      expect(Object.keys(table).sort(), code).toEqual(keys)
      for (const k of keys) expect(table[k], `${code}: ${k}`).not.toBe('')
    }
  })
  it('I18N-1: every literal key used in the UI code exists; interpolations match across languages', () => {
    const used = new Set<string>()
    for (const f of files(src)) for (const m of readFileSync(f, 'utf8').matchAll(/\bt\('([a-zA-Z0-9.]+)'/g)) used.add(m[1] as string)
    expect(used.size).toBeGreaterThan(40)
    for (const k of used) expect(Object.keys(en), k).toContain(k)
    const vars = (s: string): string[] => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1] as string).sort()
    for (const k of Object.keys(en)) for (const code of ['ar', 'es']) expect(vars(languages[code]![k]!), `${code}: ${k}`).toEqual(vars((en as Record<string, string>)[k]!))
  })
})
