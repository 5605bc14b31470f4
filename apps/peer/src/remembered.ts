/**
 * DESK-5: the passphrase the desktop app may remember on this device, sealed
 * by the operating system's keychain (Electron safeStorage) in one file of the
 * data directory. Only the app can read it; the CLI (`polity lock`) and the
 * app's Lock button forget it by deleting the file, and a running app that sees
 * the file go locks itself.
 */
import { unlink } from 'node:fs/promises'
import { join } from 'node:path'

export const REMEMBERED_FILE = 'remembered-passphrase'

export const rememberedPath = (dataDir: string): string => join(dataDir, REMEMBERED_FILE)

/** Delete the remembered passphrase; false when none was remembered. */
export async function forgetRememberedPassphrase(dataDir: string): Promise<boolean> {
  try {
    await unlink(rememberedPath(dataDir))
    return true
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false
    throw e
  }
}
