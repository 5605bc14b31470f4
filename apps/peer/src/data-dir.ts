/** Where a member's data lives when `--data-dir` and POLITY_HOME are not given: the platform's usual place. */
import { homedir } from 'node:os'
import { join } from 'node:path'

export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env['POLITY_HOME']) return env['POLITY_HOME']
  const home = homedir()
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'Polity')
  if (platform === 'win32') return join(env['APPDATA'] ?? join(home, 'AppData', 'Roaming'), 'Polity')
  return join(env['XDG_DATA_HOME'] ?? join(home, '.local', 'share'), 'polity')
}
