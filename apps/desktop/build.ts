/** Bundle the Electron main process and preload to CommonJS (what Electron loads). */
import { build } from 'esbuild'

const common = {
  bundle: true,
  platform: 'node' as const,
  target: 'node22',
  format: 'cjs' as const,
  sourcemap: true,
  // Native and Electron modules stay external; the node's pure-JS deps are bundled.
  external: ['electron', 'classic-level'],
  logLevel: 'info' as const,
}

await build({ ...common, entryPoints: ['src/main.ts'], outfile: 'dist/main.cjs' })
await build({ ...common, entryPoints: ['src/preload.ts'], outfile: 'dist/preload.cjs' })
