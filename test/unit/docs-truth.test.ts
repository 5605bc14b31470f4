/**
 * Docs that say what is true: docs/ARCHITECTURE.md's package table names
 * exactly what each package imports today and what lint lets it import;
 * every file a package.json exports or installs as a command exists; every
 * `pnpm <script>` the README tells you to run is a script of the workspace.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../..', import.meta.url))
const read = (path: string): string => readFileSync(join(root, path), 'utf8')

function sources(dir: string): string[] {
  const out: string[] = []
  for (const name of readdirSync(dir)) {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) out.push(...sources(path))
    else if (/\.(ts|tsx|mts)$/.test(name)) out.push(path)
  }
  return out
}

/** Our packages a folder's sources import, each marked when every import of it is type-only. */
function importsOf(dir: string): Map<string, { typesOnly: boolean }> {
  const found = new Map<string, { typesOnly: boolean }>()
  for (const file of sources(join(root, dir, 'src'))) {
    const src = readFileSync(file, 'utf8')
    for (const m of src.matchAll(/^(import|export)(\s+type)?\b(?:(?!\n(?:import|export)\b)[^;])*?from\s+'@polity\/([a-z]+)'|import\(\s*'@polity\/([a-z]+)'\s*\)/gm)) {
      const name = m[3] ?? m[4]
      if (!name) continue
      const typeOnly = m[2] !== undefined
      const prev = found.get(name)
      found.set(name, { typesOnly: (prev?.typesOnly ?? true) && typeOnly })
    }
  }
  return found
}

/** `protocol, sync (types)` → [['protocol', false], ['sync', true]]; "nothing of ours" → []. */
function listed(cell: string): [string, boolean][] {
  if (/^nothing of ours$|^\(apps are not/.test(cell.trim())) return []
  return cell.split(',').map((x) => x.trim()).map((x) => [x.replace(/\s*\(types\)$/, ''), /\(types\)$/.test(x)] as [string, boolean])
}

describe('docs say what is true', () => {
  const table = read('docs/ARCHITECTURE.md').split('\n').filter((l) => /^\| `(packages|apps)\/[a-z]+` \|/.test(l)).map((l) => l.split('|').map((c) => c.trim()))

  it('ARCHITECTURE.md: each package\'s "imports" column is what its sources import (type-only where it says so)', () => {
    expect(table.length).toBeGreaterThanOrEqual(9)
    for (const row of table) {
      const dir = (row[1] as string).replace(/`/g, '')
      const actual = importsOf(dir)
      const name = dir.split('/')[1] as string
      actual.delete(name)
      const claimed = listed(row[3] as string)
      expect([...actual.keys()].sort(), `${dir} imports`).toEqual(claimed.map(([n]) => n).sort())
      for (const [n, typesOnly] of claimed) if (typesOnly) expect(actual.get(n)?.typesOnly, `${dir} → ${n} is type-only`).toBe(true)
    }
  })

  it('ARCHITECTURE.md: each package\'s "may import" column is eslint.config.js\'s allowed table', () => {
    const block = /const allowed = \{([\s\S]*?)\n\}/.exec(read('eslint.config.js'))?.[1] ?? ''
    const allowed = new Map([...block.matchAll(/^\s*([a-z]+): \[([^\]]*)\]/gm)].map((m) => [m[1] as string, [...(m[2] as string).matchAll(/'([a-z]+)'/g)].map((x) => x[1] as string).sort()]))
    expect(allowed.size).toBeGreaterThanOrEqual(7)
    for (const row of table.filter((r) => (r[1] as string).startsWith('`packages/'))) {
      const name = (row[1] as string).replace(/`packages\/([a-z]+)`/, '$1')
      expect(listed(row[4] as string).map(([n]) => n).sort(), name).toEqual(allowed.get(name))
    }
  })

  it('every file a workspace package.json exports or installs as a command exists', () => {
    const manifests = ['package.json', 'test/package.json', ...['packages', 'apps'].flatMap((d) => readdirSync(join(root, d)).map((p) => `${d}/${p}/package.json`))]
    let checked = 0
    for (const m of manifests.filter((x) => existsSync(join(root, x)))) {
      const pkg = JSON.parse(read(m)) as { exports?: unknown; bin?: unknown }
      const dir = m.replace(/package\.json$/, '')
      const targets: string[] = []
      const collect = (v: unknown): void => {
        if (typeof v === 'string') targets.push(v)
        else if (v && typeof v === 'object') for (const x of Object.values(v)) collect(x)
      }
      collect(pkg.exports)
      collect(pkg.bin)
      for (const t of targets) {
        expect(existsSync(join(root, dir, t)), `${m}: ${t}`).toBe(true)
        checked++
      }
    }
    expect(checked).toBeGreaterThan(8)
  })

  it('every `pnpm <script>` the README names is a root script', () => {
    const scripts = Object.keys((JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts)
    const named = [...read('README.md').matchAll(/npx -y pnpm@10 ([a-z][a-z0-9:-]*)/g)].map((m) => m[1] as string).filter((s) => !['install', 'exec', '--filter'].includes(s))
    expect(named.length).toBeGreaterThan(5)
    for (const s of new Set(named)) expect(scripts, s).toContain(s)
  })
})
