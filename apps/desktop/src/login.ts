/**
 * DESK-6: start Polity when this account logs in — off by default. macOS and
 * Windows keep login items themselves (Electron's setLoginItemSettings);
 * Linux reads an XDG autostart entry. Either way Polity starts with
 * `--hidden`: in the tray, syncing, without a window.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises'
import { homedir } from 'node:os'
import { join } from 'node:path'

export const HIDDEN_FLAG = '--hidden'

export interface LoginHost {
  readonly platform: NodeJS.Platform
  readonly env: NodeJS.ProcessEnv
  /** The command that starts this app: the executable (and the app folder when not packaged). */
  readonly command: readonly string[]
  setLoginItemSettings(settings: { openAtLogin: boolean; args?: string[] }): void
}

export const autostartFile = (env: NodeJS.ProcessEnv): string =>
  join(env['XDG_CONFIG_HOME'] || join(homedir(), '.config'), 'autostart', 'org.polity.desktop.desktop')

/** A Desktop Entry Exec argument: quoted, with `"`, `` ` ``, `$` and `\` escaped. */
export const execArg = (a: string): string => `"${a.replace(/(["`$\\])/g, '\\$1')}"`

export async function applyOpenAtLogin(on: boolean, host: LoginHost): Promise<void> {
  if (host.platform !== 'linux') {
    host.setLoginItemSettings({ openAtLogin: on, args: [HIDDEN_FLAG] })
    return
  }
  const file = autostartFile(host.env)
  if (!on) {
    await rm(file, { force: true })
    return
  }
  const exec = [...host.command, HIDDEN_FLAG].map(execArg).join(' ')
  await mkdir(join(file, '..'), { recursive: true })
  await writeFile(file, ['[Desktop Entry]', 'Type=Application', 'Name=Polity', `Exec=${exec}`, 'Terminal=false', 'X-GNOME-Autostart-enabled=true', ''].join('\n'))
}
