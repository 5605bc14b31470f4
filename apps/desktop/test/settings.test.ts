/**
 * DESK-3..6: the device settings file (settings.ts), the autostart entry
 * (login.ts) and the words the main process shows (strings.ts).
 */
import { describe, expect, it } from 'vitest'
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DEFAULT_DEVICE_SETTINGS } from '@polity/api'
import { checkPatch, readSettings, SETTINGS_FILE, writeSettings } from '../src/settings'
import { applyOpenAtLogin, autostartFile, execArg } from '../src/login'
import { languageOf, translator } from '../src/strings'

describe('device settings', () => {
  it('DESK-3..6: defaults (tray on, login off, notifications on, remember off); a damaged file falls back to them; writes are 0600', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'polity-settings-'))
    expect(DEFAULT_DEVICE_SETTINGS).toEqual({ keepRunning: true, openAtLogin: false, notifications: true, rememberPassphrase: false })
    expect(await readSettings(dir)).toEqual(DEFAULT_DEVICE_SETTINGS)
    const warnings: string[] = []
    writeFileSync(join(dir, SETTINGS_FILE), '{ nope')
    expect(await readSettings(dir, (m) => warnings.push(m))).toEqual(DEFAULT_DEVICE_SETTINGS)
    writeFileSync(join(dir, SETTINGS_FILE), JSON.stringify({ rememberPassphrase: 'yes' }))
    expect(await readSettings(dir, (m) => warnings.push(m))).toEqual(DEFAULT_DEVICE_SETTINGS)
    expect(warnings).toHaveLength(2)
    await writeSettings(dir, { ...DEFAULT_DEVICE_SETTINGS, keepRunning: false })
    expect((await readSettings(dir)).keepRunning).toBe(false)
    expect(statSync(join(dir, SETTINGS_FILE)).mode & 0o777).toBe(0o600)
  })

  it('DESK-3..6: a change names known settings with true or false, or is refused whole', () => {
    expect(checkPatch({ keepRunning: false, notifications: true })).toEqual({ keepRunning: false, notifications: true })
    for (const bad of [null, [], 'x', { keepRunning: 1 }, { keepRunning: true, extra: true }, { __proto__: { x: 1 }, openAtLogin: 'true' }]) {
      expect(() => checkPatch(bad), JSON.stringify(bad)).toThrow(expect.objectContaining({ name: 'InvalidInputError', code: 'ERR_INVALID_INPUT' }))
    }
  })

  it('DESK-6: the Linux autostart entry starts the app hidden, with its path quoted, and goes away when turned off', async () => {
    const env = { XDG_CONFIG_HOME: mkdtempSync(join(tmpdir(), 'polity-login-')) }
    const calls: unknown[] = []
    const host = { platform: 'linux' as const, env, command: ['/opt/My "Apps"/polity-desktop'], setLoginItemSettings: (s: unknown) => calls.push(s) }
    await applyOpenAtLogin(true, host)
    expect(readFileSync(autostartFile(env), 'utf8')).toContain('Exec="/opt/My \\"Apps\\"/polity-desktop" "--hidden"\n')
    await applyOpenAtLogin(false, host)
    expect(() => statSync(autostartFile(env))).toThrow()
    expect(execArg('$HOME`x`\\')).toBe('"\\$HOME\\`x\\`\\\\"')
    await applyOpenAtLogin(true, { ...host, platform: 'darwin' })
    expect(calls).toEqual([{ openAtLogin: true, args: ['--hidden'] }])
  })

  it('I18N-1: the main process speaks the system language when Polity has it, else English', () => {
    expect(languageOf(['ar-EG', 'en-US'])).toBe('ar')
    expect(languageOf(['de-DE', 'es_MX'])).toBe('es')
    expect(languageOf(['de-DE'])).toBe('en')
    expect(translator('es')('desktop.tray.quit')).toBe('Salir de Polity')
    expect(translator('en')('desktop.notify.proposal.title', { name: 'Free Town' })).toBe('New proposal in Free Town')
  })
})
