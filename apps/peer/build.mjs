/**
 * Bundle the `polity` command with esbuild into dist/ (ES modules, split so
 * `polity --help` loads only the command definitions; see src/lazy.ts). No
 * TypeScript is compiled when the command runs. classic-level stays external:
 * it loads its prebuilt native binary from its own package folder.
 *
 * dist/inputs.json lists every workspace source file that went in, with its
 * size and modification time: bin/polity.mjs rebuilds when one changed, so a
 * developer never runs a stale bundle. Builds are serialized by a lock folder
 * and swapped in by rename, so parallel `polity` processes never see half a build.
 *
 *   node apps/peer/build.mjs      (or: pnpm build:cli)
 */
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises'
import { readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const dist = join(here, 'dist')
const lockDir = join(here, '.build-lock')
const root = resolve(here, '..', '..')
/** Files outside the sources that change what the bundle holds. */
const EXTRA_INPUTS = ['pnpm-lock.yaml', 'apps/peer/build.mjs', 'apps/peer/package.json']

/**
 * True when dist/ is missing or a recorded input changed since it was built.
 * Synchronous on purpose: it runs before every command and must stay cheap (a
 * few hundred stat calls).
 */
export function isStale() {
  let recorded
  try {
    recorded = JSON.parse(readFileSync(join(dist, 'inputs.json'), 'utf8'))
  } catch {
    return true
  }
  for (const [file, size, mtime] of recorded.files) {
    try {
      const s = statSync(join(root, file))
      if (s.size !== size || Math.trunc(s.mtimeMs) !== mtime) return true
    } catch {
      return true
    }
  }
  return false
}

/** Build dist/ (under the lock); returns false when another process built it meanwhile. */
export async function buildCli({ quiet = false } = {}) {
  await acquireLock()
  try {
    if (!isStale()) return false
    const { build } = await import('esbuild')
    const tmp = join(here, `dist.tmp-${process.pid}`)
    await rm(tmp, { recursive: true, force: true })
    const result = await build({
      entryPoints: { polity: join(here, 'src', 'cli.ts') },
      outdir: tmp,
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      minify: true,
      sourcemap: 'linked',
      outExtension: { '.js': '.mjs' },
      chunkNames: 'chunks/[name]-[hash]',
      external: ['classic-level'],
      // CommonJS dependencies inside an ES module bundle still call require().
      banner: { js: "import { createRequire as __polityRequire } from 'node:module'; const require = __polityRequire(import.meta.url);" },
      metafile: true,
      logLevel: quiet ? 'error' : 'info',
    })
    const sources = Object.keys(result.metafile.inputs)
      .map((f) => relative(root, resolve(process.cwd(), f)))
      .filter((f) => !f.includes('node_modules'))
    const files = []
    for (const f of [...new Set([...sources, ...EXTRA_INPUTS])].sort()) {
      const s = await stat(join(root, f))
      files.push([f, s.size, Math.trunc(s.mtimeMs)])
    }
    await writeFile(join(tmp, 'inputs.json'), `${JSON.stringify({ files })}\n`)
    const old = join(here, `dist.old-${process.pid}`)
    await rename(dist, old).catch(() => undefined)
    await rename(tmp, dist)
    await rm(old, { recursive: true, force: true })
    return true
  } finally {
    await rm(lockDir, { recursive: true, force: true })
  }
}

/**
 * mkdir is atomic: whoever creates the folder builds; the others wait for it.
 * A lock whose builder is gone (killed mid-build) or that is older than a
 * minute is stale and removed.
 */
async function acquireLock() {
  for (;;) {
    try {
      await mkdir(lockDir)
      await writeFile(join(lockDir, 'pid'), String(process.pid))
      return
    } catch (e) {
      if (e.code !== 'EEXIST') throw e
      const age = await stat(lockDir).then((s) => Date.now() - s.mtimeMs, () => 0)
      const pid = Number(await readFile(join(lockDir, 'pid'), 'utf8').catch(() => ''))
      if (age > 60_000 || (pid > 0 && !alive(pid))) await rm(lockDir, { recursive: true, force: true })
      else await new Promise((r) => setTimeout(r, 100))
    }
  }
}

function alive(pid) {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return e.code === 'EPERM'
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const t = performance.now()
  await rm(join(dist, 'inputs.json'), { force: true })
  await buildCli()
  console.log(`polity bundled into ${relative(process.cwd(), dist) || '.'} in ${Math.round(performance.now() - t)} ms`)
}
