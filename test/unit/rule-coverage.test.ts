/**
 * docs/PROTOCOL.md and the test names cite the same rule IDs: every rule in a
 * PROTOCOL.md table (`| ID | rule |` rows) is cited by the name of at least
 * one test (an `it`, `test`, `describe` or `seeded` name in a test folder, in
 * any project), and every rule ID a test name cites is a row of PROTOCOL.md.
 * A test added with a new ID, or a rule added without a test, fails here.
 *
 * What counts as an ID: `FAMILY-SUFFIX` with uppercase segments, the last one
 * holding a digit or being all capitals (ROSTER-13, ENV-5a, NET-RTC-7,
 * TALLY-YN). Shorthands: `GOV-1..6` is GOV-1 … GOV-6; `ROSTER-13/3/5`,
 * `NET-T4/T5` and `KEYS-5/KEYS-6` name each part. Wildcards (`ENV-*`) and
 * regression names with lower-case words (`ADV-invite-replay-stale`) cite
 * nothing.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../..', import.meta.url))

/** `KEYS-3..5` → KEYS-3, KEYS-4, KEYS-5; `CHARTER-Y1..3` → CHARTER-Y1 … Y3; anything else as is. */
function expandRange(id: string): string[] {
  const m = /^(.*-)([A-Z]*)(\d+)\.\.(?:\1)?\2?(\d+)$/.exec(id)
  if (!m) return [id]
  const [, family, letters, from, to] = m as unknown as [string, string, string, string, string]
  const out: string[] = []
  for (let n = Number(from); n <= Number(to); n++) out.push(`${family}${letters}${n}`)
  return out
}

const SEGMENT = /^[A-Z0-9]+[a-z]?$/
/** Whether `token` has the form of a rule ID (see the comment at the top). */
export function isRuleId(token: string): boolean {
  const parts = token.split('-')
  if (parts.length < 2 || !/^[A-Z][A-Z0-9]*$/.test(parts[0] as string)) return false
  if (!parts.slice(1).every((p) => SEGMENT.test(p))) return false
  const last = parts[parts.length - 1] as string
  return /\d/.test(last) || /^[A-Z]+$/.test(last)
}

/** The rule IDs one piece of text (a test name) cites. */
export function citedIn(text: string): string[] {
  const out: string[] = []
  for (const m of text.matchAll(/\b[A-Z][A-Z0-9]*(?:-[A-Za-z0-9*]+)+(?:(?:\.\.|\/)[A-Za-z0-9*-]+)*/g)) {
    const [head, ...alts] = m[0].split('/')
    if (!isRuleId((head as string).replace(/\.\.[A-Z]*\d+$/, ''))) continue
    const family = (head as string).slice(0, (head as string).lastIndexOf('-') + 1)
    for (const part of [head as string, ...alts.map((a) => (a.includes('-') ? a : family + a))]) {
      for (const id of expandRange(part)) if (isRuleId(id)) out.push(id)
    }
  }
  return out
}

/** Rule IDs defined by PROTOCOL.md: the first cell of a table row. */
export function documentedIds(markdown: string): Map<string, number> {
  const ids = new Map<string, number>()
  markdown.split('\n').forEach((line, i) => {
    const cell = /^\|\s*([^|]+?)\s*\|/.exec(line)?.[1]
    if (!cell) return
    for (const id of expandRange(cell)) if (isRuleId(id)) ids.set(id, i + 1)
  })
  return ids
}

function testFiles(): string[] {
  const out: string[] = []
  const walk = (dir: string, inTests: boolean): void => {
    for (const name of readdirSync(dir)) {
      if (name === 'node_modules' || name === 'dist' || name === 'bench' || name.startsWith('.')) continue
      const path = join(dir, name)
      if (statSync(path).isDirectory()) walk(path, inTests || name === 'test')
      else if (inTests && /\.tsx?$/.test(name)) out.push(path)
    }
  }
  for (const top of ['packages', 'apps']) walk(join(root, top), false)
  walk(join(root, 'test'), true)
  return out
}

/** The names given to it/test/describe/seeded in the test folders, with where they are. */
export function testNames(): { name: string; where: string }[] {
  const out: { name: string; where: string }[] = []
  for (const file of testFiles()) {
    const src = readFileSync(file, 'utf8')
    for (const m of src.matchAll(/\b(?:it|test|describe|seeded)\s*\(\s*(['"`])((?:\\.|(?!\1)[\s\S])*?)\1/g)) {
      out.push({ name: m[2] as string, where: `${relative(root, file)}:${src.slice(0, m.index).split('\n').length}` })
    }
  }
  return out
}

describe('rule IDs: docs/PROTOCOL.md ↔ test names', () => {
  const documented = documentedIds(readFileSync(join(root, 'docs/PROTOCOL.md'), 'utf8'))
  const cited = new Map<string, string[]>()
  for (const t of testNames()) for (const id of citedIn(t.name)) cited.set(id, [...(cited.get(id) ?? []), t.where])

  it('the parser reads table rows, ranges and shorthands', () => {
    expect(documentedIds('| id | rule |\n| --- | --- |\n| ENC-1 | x |\n| KEYS-3..5 | y |\n| `v` | uint |\n| 16 | hello |')).toEqual(new Map([['ENC-1', 3], ['KEYS-3', 4], ['KEYS-4', 4], ['KEYS-5', 4]]))
    expect(citedIn('NODE-4 (ROSTER-13/3/5): GOV-1..3, NET-T4/T5, KEYS-5/KEYS-6, ENV-5a, TALLY-YN')).toEqual(
      ['NODE-4', 'ROSTER-13', 'ROSTER-3', 'ROSTER-5', 'GOV-1', 'GOV-2', 'GOV-3', 'NET-T4', 'NET-T5', 'KEYS-5', 'KEYS-6', 'ENV-5a', 'TALLY-YN'])
    expect(citedIn('envelope (ENV-*), ADV-invite-replay-stale, ADV-yjs-fuzz-13062025-1, CHARTER-Y*/F*')).toEqual([])
    expect(documented.size).toBeGreaterThan(100)
  })

  it('every rule in PROTOCOL.md is cited by a test name', () => {
    const uncited = [...documented].filter(([id]) => !cited.has(id)).map(([id, line]) => `${id} (PROTOCOL.md:${line})`)
    expect(uncited, `rules no test name cites:\n  ${uncited.join('\n  ')}`).toEqual([])
  })

  it('every rule ID a test name cites is a row of PROTOCOL.md', () => {
    const unknown = [...cited].filter(([id]) => !documented.has(id)).map(([id, where]) => `${id} (${where.join(', ')})`)
    expect(unknown, `IDs cited by tests but not rows of PROTOCOL.md:\n  ${unknown.join('\n  ')}`).toEqual([])
  })
})
