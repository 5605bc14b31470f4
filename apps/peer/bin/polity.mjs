#!/usr/bin/env node
// The `polity` command. It runs the esbuild bundle in ../dist (see
// ../build.mjs), so no TypeScript is compiled at run time; in a checkout it
// rebuilds the bundle first when it is missing or a source file changed.
import module from 'node:module'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { buildCli, isStale } from '../build.mjs'

const at = (p) => fileURLToPath(new URL(p, import.meta.url))
const checkout = existsSync(at('../src/cli.ts'))

let bundled = true
if (checkout && isStale()) {
  try {
    if (process.stderr.isTTY) process.stderr.write('Building the polity command (after a change to its sources)…\n')
    await buildCli({ quiet: true })
  } catch (e) {
    // No esbuild (an install without dev dependencies): run the sources through tsx instead.
    process.stderr.write(`note: the polity bundle could not be built (${e.message}); running from source.\n`)
    bundled = false
  }
}

if (bundled) {
  // Node 22 keeps V8's compiled code between runs (the cache lives and dies with the bundle).
  module.enableCompileCache?.(at('../dist/.cache'))
  await import('../dist/polity.mjs')
} else {
  const { register } = await import('tsx/esm/api')
  register()
  await import('../src/cli.ts')
}
