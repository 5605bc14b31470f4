/**
 * DESK-7: where a member's data lives when `--data-dir` and POLITY_HOME are
 * not given — one folder per device that the CLI and the desktop app share:
 *
 *   Linux    $XDG_DATA_HOME/polity (~/.local/share/polity)
 *   macOS    ~/Library/Application Support/Polity/data
 *   Windows  %APPDATA%\Polity\data
 *
 * On macOS and Windows the desktop app's own files (Electron's profile) live
 * in the folder above (`…/Polity`), never inside the data directory, which the
 * node keeps readable by its owner only (STORE-10).
 */
import { homedir } from 'node:os'
import { join } from 'node:path'

export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env['POLITY_HOME']) return env['POLITY_HOME']
  const home = homedir()
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'Polity', 'data')
  if (platform === 'win32') return join(env['APPDATA'] ?? join(home, 'AppData', 'Roaming'), 'Polity', 'data')
  return join(env['XDG_DATA_HOME'] ?? join(home, '.local', 'share'), 'polity')
}
