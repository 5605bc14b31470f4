/**
 * BRIDGE-10: browser mode's session, kept so a restarted `polity ui` on the
 * same data directory comes back where the open tab looks for it — the same
 * port when it is free, and the same token. One file of the data directory,
 * readable by its owner only (0600 in a 0700 directory, STORE-10). It is
 * forgotten (so the next start makes a new token; the port is kept) by
 * `polity lock` and by `polity ui --new-token`.
 */
import { randomBytes } from 'node:crypto'
import { readFile, rename, unlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

export const UI_SESSION_FILE = 'ui-session.json'

export interface UiSession {
  readonly token: string
  /** The port the last start listened on; absent before the first start. */
  readonly port?: number
}

const TOKEN = /^[A-Za-z0-9_-]{32}$/

export const uiSessionPath = (dataDir: string): string => join(dataDir, UI_SESSION_FILE)

export const newUiToken = (): string => randomBytes(24).toString('base64url')

/** The kept session; a new token when none is kept, the file is damaged, or `fresh` asks for one (the kept port stays). */
export async function loadUiSession(dataDir: string, fresh = false): Promise<UiSession> {
  let v: { token?: unknown; port?: unknown } = {}
  try {
    v = JSON.parse(await readFile(uiSessionPath(dataDir), 'utf8')) as { token?: unknown; port?: unknown }
  } catch {
    // none yet, or not ours: a new token, any port
  }
  const port = typeof v.port === 'number' && Number.isInteger(v.port) && v.port > 0 && v.port < 65536 ? v.port : undefined
  const token = !fresh && typeof v.token === 'string' && TOKEN.test(v.token) ? v.token : newUiToken()
  return port === undefined ? { token } : { token, port }
}

/** Keep the session (owner-only, written whole: a crash leaves the old file or the new one). */
export async function saveUiSession(dataDir: string, session: UiSession): Promise<void> {
  const path = uiSessionPath(dataDir)
  const tmp = `${path}.${process.pid}.tmp`
  await writeFile(tmp, JSON.stringify({ token: session.token, port: session.port }), { mode: 0o600 })
  await rename(tmp, path)
}

/** Forget the session's token (the port is kept): the next `polity ui` makes a new token. False when none was kept. */
export async function forgetUiSession(dataDir: string): Promise<boolean> {
  let kept: { token?: unknown; port?: unknown }
  try {
    kept = JSON.parse(await readFile(uiSessionPath(dataDir), 'utf8')) as { token?: unknown; port?: unknown }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false
    kept = {}
  }
  await unlink(uiSessionPath(dataDir)).catch(() => undefined)
  const port = kept.port
  if (typeof port === 'number' && Number.isInteger(port) && port > 0 && port < 65536) {
    const path = uiSessionPath(dataDir)
    await writeFile(`${path}.${process.pid}.tmp`, JSON.stringify({ port }), { mode: 0o600 })
    await rename(`${path}.${process.pid}.tmp`, path)
  }
  return typeof kept.token === 'string'
}
