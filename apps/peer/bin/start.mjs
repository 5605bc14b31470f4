#!/usr/bin/env node
// `pnpm start`: open the Electron app where it can run; otherwise start
// browser mode and say why. Electron needs its downloaded binary and a display.
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { dirname, join } from 'node:path'

const here = dirname(fileURLToPath(import.meta.url))
const root = join(here, '..', '..', '..')
const desktop = join(root, 'apps', 'desktop')

function electronBinary() {
  try {
    const require = createRequire(join(desktop, 'package.json'))
    const pkg = dirname(require.resolve('electron/package.json'))
    if (!existsSync(join(pkg, 'path.txt'))) return { reason: 'the Electron binary was never downloaded (its install step fetches from outside the npm registry)' }
    const bin = require('electron')
    return existsSync(bin) ? { bin } : { reason: 'the Electron binary is missing' }
  } catch {
    return { reason: 'Electron is not installed' }
  }
}

const hasDisplay = process.platform === 'darwin' || process.platform === 'win32' || Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY)
const electron = electronBinary()
const pnpm = ['-y', 'pnpm@10']

function run(cmd, args, cwd = root) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd, stdio: 'inherit' })
    for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig))
    child.on('exit', (code) => resolve(code ?? 0))
  })
}

if (!existsSync(join(root, 'packages', 'ui', 'dist', 'index.html'))) {
  console.log('Building the UI once…')
  const code = await run('npx', [...pnpm, '--filter', '@polity/ui', 'build'])
  if (code !== 0) process.exit(code)
}

if (electron.bin && hasDisplay) {
  const code = await run('npx', [...pnpm, '--filter', '@polity/desktop', 'build'])
  if (code !== 0) process.exit(code)
  process.exit(await run(electron.bin, [desktop]))
} else {
  const why = !hasDisplay ? 'there is no display' : electron.reason
  console.log(`The desktop window cannot open here (${why}), so Polity starts in browser mode.`)
  process.exit(await run(process.execPath, [join(here, 'polity.mjs'), 'ui', ...process.argv.slice(2)]))
}
