/**
 * Bundle the Electron main process and preload to CommonJS (what Electron
 * loads) in dist/, with the icons the window and the tray show. The node's
 * pure-JS dependencies are bundled; classic-level stays external (its
 * prebuilt native binaries load from its own package folder) and so does
 * electron. No TypeScript is compiled when the app runs.
 *
 *   npx -y pnpm@10 --filter @polity/desktop build
 */
import { build } from 'esbuild'
import { copyFile, mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const here = fileURLToPath(new URL('.', import.meta.url))

export async function buildDesktop(quiet = false): Promise<void> {
  const common = {
    bundle: true,
    platform: 'node' as const,
    target: 'node22',
    format: 'cjs' as const,
    sourcemap: true,
    external: ['electron', 'classic-level'],
    logLevel: quiet ? ('error' as const) : ('info' as const),
  }
  await build({ ...common, entryPoints: [join(here, 'src/main.ts')], outfile: join(here, 'dist/main.cjs') })
  await build({ ...common, entryPoints: [join(here, 'src/preload.ts')], outfile: join(here, 'dist/preload.cjs') })
  await mkdir(join(here, 'dist'), { recursive: true })
  for (const [from, to] of [['icons/256x256.png', 'icon.png'], ['tray.png', 'tray.png'], ['trayTemplate.png', 'trayTemplate.png'], ['trayTemplate@2x.png', 'trayTemplate@2x.png']]) {
    await copyFile(join(here, 'build', from as string), join(here, 'dist', to as string))
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await buildDesktop()
