/**
 * The desktop settings of this device (DESK-3..6) in `<data dir>/desktop.json`.
 * A missing file means the defaults; a damaged one is reported and replaced
 * by the defaults on the next change. Changes name each key and must be
 * booleans: anything else is refused and changes nothing.
 */
import { readFile, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { ApiError, DEFAULT_DEVICE_SETTINGS, DEVICE_SETTING_KEYS, type DeviceSettings } from '@polity/api'

export const SETTINGS_FILE = 'desktop.json'

export async function readSettings(dataDir: string, warn: (m: string) => void = console.warn): Promise<DeviceSettings> {
  let text: string
  try {
    text = await readFile(join(dataDir, SETTINGS_FILE), 'utf8')
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') warn(`${SETTINGS_FILE} cannot be read (${(e as Error).message}); using the defaults.`)
    return { ...DEFAULT_DEVICE_SETTINGS }
  }
  try {
    return { ...DEFAULT_DEVICE_SETTINGS, ...checkPatch(JSON.parse(text)) }
  } catch (e) {
    warn(`${SETTINGS_FILE} is damaged (${(e as Error).message}); using the defaults.`)
    return { ...DEFAULT_DEVICE_SETTINGS }
  }
}

export async function writeSettings(dataDir: string, settings: DeviceSettings): Promise<void> {
  const file = join(dataDir, SETTINGS_FILE)
  const tmp = `${file}.tmp-${process.pid}`
  await writeFile(tmp, `${JSON.stringify(settings, null, 2)}\n`, { mode: 0o600 })
  await rename(tmp, file)
}

const invalid = (message: string): ApiError => new ApiError('InvalidInputError', 'ERR_INVALID_INPUT', message)

/** A change of settings from the UI or the file: known keys with boolean values only (else ERR_INVALID_INPUT). */
export function checkPatch(patch: unknown): Partial<DeviceSettings> {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) throw invalid('settings must be an object')
  const out: Partial<Record<keyof DeviceSettings, boolean>> = {}
  for (const [key, value] of Object.entries(patch)) {
    if (!(DEVICE_SETTING_KEYS as readonly string[]).includes(key)) throw invalid(`unknown setting "${key.slice(0, 40)}"`)
    if (typeof value !== 'boolean') throw invalid(`"${key}" must be true or false`)
    out[key as keyof DeviceSettings] = value
  }
  return out
}
