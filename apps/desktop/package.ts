/**
 * Package Polity for this OS — the one documented command, from the
 * repository root:  npx -y pnpm@10 install && npx -y pnpm@10 package
 *
 *   (no flag)  build the UI and the main bundle, then run electron-builder
 *              with ../../electron-builder.yml for this OS (Linux: AppImage
 *              and deb; macOS: dmg; Windows: nsis) into apps/desktop/dist-electron/.
 *   --check    everything up to Electron's own download, which a machine
 *              without access to Electron's release host cannot make: the
 *              config is loaded and validated by electron-builder, the app's
 *              files and production node_modules are collected, and
 *              app.asar / app.asar.unpacked are written by electron-builder
 *              with an empty placeholder in place of Electron's zip, then
 *              listed and checked. No installer is made. The listing is kept
 *              in dist-electron/check/asar-listing.txt.
 */
import { build, Platform, Arch, type AfterPackContext } from 'electron-builder'
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { buildDesktop } from './build'

const here = fileURLToPath(new URL('.', import.meta.url))
const root = join(here, '..', '..')
const config = join(root, 'electron-builder.yml')

interface AsarEntry { files?: Record<string, AsarEntry>; unpacked?: boolean; size?: number }

/** The file list of an asar archive: its header is a JSON tree after a 16-byte pickle prefix. */
export function asarFiles(file: string): { path: string; unpacked: boolean }[] {
  const buf = readFileSync(file)
  const header = JSON.parse(buf.subarray(16, 16 + buf.readUInt32LE(12)).toString('utf8')) as AsarEntry
  const out: { path: string; unpacked: boolean }[] = []
  const walk = (e: AsarEntry, at: string): void => {
    if (e.files) for (const [name, child] of Object.entries(e.files)) walk(child, at ? `${at}/${name}` : name)
    else out.push({ path: at, unpacked: e.unpacked === true })
  }
  walk(header, '')
  return out
}

const filesUnder = (dir: string): string[] => readdirSync(dir, { withFileTypes: true, recursive: true })
  .filter((e) => e.isFile())
  .map((e) => relative(dir, join(e.parentPath, e.name)).split('\\').join('/'))
  .sort()

/** What the app needs inside the package: fails with the list of what is missing. */
function checkPackage(ctx: AfterPackContext): string {
  const resources = join(ctx.appOutDir, 'resources')
  const asar = asarFiles(join(resources, 'app.asar'))
  const unpackedDir = join(resources, 'app.asar.unpacked')
  const unpacked = existsSync(unpackedDir) ? filesUnder(unpackedDir) : []
  const ui = filesUnder(join(resources, 'ui'))
  const platform = `${process.platform}-${process.arch}`
  const missing = [
    ...['package.json', 'dist/main.cjs', 'dist/preload.cjs', 'dist/tray.png', 'node_modules/classic-level/package.json', 'node_modules/abstract-level/package.json', 'node_modules/node-gyp-build/package.json']
      .filter((p) => !asar.some((f) => f.path === p)).map((p) => `app.asar: ${p}`),
    ...(unpacked.some((f) => f.startsWith(`node_modules/classic-level/prebuilds/${platform}/`) && f.endsWith('.node')) ? [] : [`app.asar.unpacked: classic-level's ${platform} prebuilt binary`]),
    ...(ui.includes('index.html') ? [] : ['resources/ui/index.html']),
    ...(asar.some((f) => f.path.endsWith('.map') || f.path.startsWith('src/') || f.path.includes('node_modules/@polity/') || f.path.includes('node_modules/electron/')) ? ['app.asar holds sources, maps or dev packages'] : []),
  ]
  const listing = [
    `app.asar (${asar.length} files):`, ...asar.map((f) => `  ${f.path}${f.unpacked ? '   [unpacked]' : ''}`),
    `app.asar.unpacked (${unpacked.length} files):`, ...unpacked.map((f) => `  ${f}`),
    `resources/ui (${ui.length} files):`, ...ui.map((f) => `  ${f}`),
  ].join('\n')
  if (missing.length > 0) throw new Error(`The package is not what the app needs:\n  ${missing.join('\n  ')}\n${listing}`)
  return listing
}

async function check(): Promise<void> {
  const pkg = JSON.parse(readFileSync(join(here, 'package.json'), 'utf8')) as { author?: { email?: string }; homepage?: string; description?: string }
  const metadata = [!pkg.author?.email && 'author.email', !pkg.homepage && 'homepage', !pkg.description && 'description'].filter(Boolean)
  if (metadata.length > 0) throw new Error(`apps/desktop/package.json lacks ${metadata.join(', ')} (the deb target needs them).`)
  for (const [file, magic] of [['build/icon.icns', 'icns'], ['build/icon.ico', '\u0000\u0000\u0001\u0000'], ['build/icon.png', '\u0089PNG']] as const) {
    if (readFileSync(join(here, file)).subarray(0, 4).toString('latin1') !== magic) throw new Error(`${file} is not a valid icon file.`)
  }
  // Electron's zip stands here: the real command downloads electron-v<version>-<os>-<arch>.zip at this step.
  const placeholder = mkdtempSync(join(tmpdir(), 'polity-electron-placeholder-'))
  writeFileSync(join(placeholder, process.platform === 'win32' ? 'electron.exe' : 'electron'), '')
  mkdirSync(join(placeholder, 'resources'))
  const out = mkdtempSync(join(tmpdir(), 'polity-package-check-'))
  let listing = ''
  try {
    await build({
      projectDir: here,
      publish: 'never',
      targets: Platform.current().createTarget('dir', process.arch === 'arm64' ? Arch.arm64 : Arch.x64),
      config: {
        extends: config,
        electronDist: placeholder,
        directories: { output: out, buildResources: 'build' },
        afterPack: async (ctx: AfterPackContext) => {
          listing = checkPackage(ctx)
        },
      },
    })
  } finally {
    rmSync(placeholder, { recursive: true, force: true })
    rmSync(out, { recursive: true, force: true })
  }
  const keep = join(here, 'dist-electron', 'check')
  mkdirSync(keep, { recursive: true })
  writeFileSync(join(keep, 'asar-listing.txt'), `${listing}\n`)
  console.log(`\n${listing}\n\nPackaging check passed: electron-builder accepted ${relative(root, config)}, collected the app's files and wrote app.asar and app.asar.unpacked as listed above (also in ${relative(root, keep)}/asar-listing.txt).`)
  console.log('Without the placeholder, packaging continues from here by downloading Electron\'s own zip (electron-v<version>-<os>-<arch>.zip from Electron\'s release host); a machine that cannot reach it stops at that step.')
}

async function main(): Promise<void> {
  const checking = process.argv.includes('--check')
  if (!checking || !existsSync(join(root, 'packages', 'ui', 'dist', 'index.html'))) {
    execFileSync('npx', ['-y', 'pnpm@10', '--filter', '@polity/ui', 'build'], { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' })
  }
  await buildDesktop(true)
  if (checking) return check()
  try {
    await build({ projectDir: here, publish: 'never', config, targets: Platform.current().createTarget() })
  } catch (e) {
    const m = (e as Error).message
    // The first download is Electron's own zip; electron-builder's tools (fpm, the AppImage runtime, NSIS) come later.
    if (/ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|ECONNRESET|getaddrinfo/.test(m)) {
      throw new Error(`Packaging stopped at a download (${m}): electron-builder fetches Electron's zip and its packaging tools from their release hosts, which this machine cannot reach. \`npx -y pnpm@10 package:check\` verifies everything up to that step.`)
    }
    throw e
  }
  console.log(`Installers are in ${relative(root, join(here, 'dist-electron'))}/.`)
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main().catch((e: unknown) => {
    console.error((e as Error).message)
    process.exit(1)
  })
}
