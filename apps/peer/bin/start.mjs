#!/usr/bin/env node
// `pnpm start`: open the Electron app where it can run; otherwise start
// browser mode and say why. Electron needs a display, its binary (downloaded
// once from Electron's release host: `pnpm install` never runs that download)
// and, on Linux, a working sandbox and a user other than root.
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { dirname, join } from 'node:path'

const here = dirname(fileURLToPath(import.meta.url))
const root = join(here, '..', '..', '..')
const desktop = join(root, 'apps', 'desktop')
const pnpm = ['-y', 'pnpm@10']
const win = process.platform === 'win32'
// Arguments after `pnpm start --` go to the app (or to `polity ui` in browser mode).
const args = process.argv.slice(2)
if (args[0] === '--') args.shift()

// Ctrl-C (or a SIGTERM) is how one stops Polity: pass it to the running child, let it
// close its stores, and exit 0 quietly — not with the child's signal, which `pnpm start`
// would report as ERR_PNPM_RECURSIVE_RUN_FIRST_FAIL.
let current
let stopping = false
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    stopping = true
    if (current) current.kill(sig)
    else process.exit(0)
  })
}

function run(cmd, args, { cwd = root, capture = false } = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd, stdio: ['inherit', 'inherit', capture ? 'pipe' : 'inherit'], shell: win && cmd === 'npx' })
    current = child
    let err = ''
    child.stderr?.on('data', (d) => {
      err += d
      process.stderr.write(d)
    })
    child.on('error', (e) => resolve({ code: 1, err: e.message }))
    child.on('exit', (code) => {
      current = undefined
      if (stopping) process.exit(0)
      resolve({ code: code ?? 0, err })
    })
  })
}

/** Electron's binary, downloading it once when missing; or the reason it cannot run here. */
async function electron() {
  let pkgDir
  try {
    pkgDir = dirname(createRequire(join(desktop, 'package.json')).resolve('electron/package.json'))
  } catch {
    return { reason: 'Electron is not installed (run `npx -y pnpm@10 install` first)' }
  }
  if (!existsSync(join(pkgDir, 'path.txt'))) {
    console.log('Downloading the Electron binary once (about 100 MB, from Electron\'s release host)…')
    const { code } = await run(process.execPath, [join(pkgDir, 'install.js')], { cwd: pkgDir })
    if (code !== 0 || !existsSync(join(pkgDir, 'path.txt'))) return { reason: 'the Electron binary could not be downloaded (Electron\'s release host is not reachable from here)' }
  }
  const bin = createRequire(join(pkgDir, 'package.json'))(pkgDir)
  return existsSync(bin) ? { bin } : { reason: 'the Electron binary is missing' }
}

function whyNot() {
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return 'there is no display'
  if (process.platform === 'linux' && process.getuid?.() === 0) return 'Electron does not run as root with its sandbox on'
  return undefined
}

async function browserMode(why) {
  console.log(`The desktop window cannot open here (${why}), so Polity starts in browser mode.`)
  const { code } = await run(process.execPath, [join(here, 'polity.mjs'), 'ui', ...args])
  process.exit(code)
}

if (!existsSync(join(root, 'packages', 'ui', 'dist', 'index.html'))) {
  console.log('Building the UI once…')
  const { code } = await run('npx', [...pnpm, '--filter', '@polity/ui', 'build'])
  if (code !== 0) process.exit(code)
}

const blocked = whyNot()
if (blocked) await browserMode(blocked)
const e = await electron()
if (!e.bin) await browserMode(e.reason)
const built = await run('npx', [...pnpm, '--filter', '@polity/desktop', 'build'])
if (built.code !== 0) process.exit(built.code)
console.log('Opening the Polity desktop app (Electron)…')
const started = Date.now()
const app = await run(e.bin, [desktop, ...args], { capture: true })
// Some Linux systems refuse Electron's sandbox (no user namespaces, no SUID helper): say so and use the browser.
if (app.code !== 0 && Date.now() - started < 15_000 && /sandbox|namespace/i.test(app.err)) await browserMode('Electron\'s sandbox cannot start on this system')
process.exit(app.code)
