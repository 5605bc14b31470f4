/**
 * Node errors in the reader's language (I18N-3). The API's errors carry a
 * stable `code` (BRIDGE-6); a code whose message says nothing more than the
 * code is shown from `errors.<code>` in the i18n files; any other error (one
 * whose message names the field or the reason, like ERR_INVALID_INPUT) shows
 * its own message.
 */
import i18n from 'i18next'

/** Codes shown by translation; each has an `errors.<code>` key in every language. */
export const TRANSLATED_CODES = [
  'ERR_NO_IDENTITY', 'ERR_IDENTITY_EXISTS', 'ERR_LOCKED', 'ERR_WEAK_PASSPHRASE', 'ERR_WRONG_PASSPHRASE',
  'ERR_UNKNOWN_COMMUNITY', 'ERR_NOT_A_MEMBER', 'ERR_DISCONNECTED', 'ERR_STORE_LOCKED', 'ERR_KEYSTORE_CORRUPT',
  'ERR_UNTRUSTED_SENDER', 'ERR_NO_KEYCHAIN', 'ERR_BRIDGE_MESSAGE', 'ERR_INTERNAL',
] as const

const codes: ReadonlySet<string> = new Set(TRANSLATED_CODES)

/** The words for an error: its code's translation when it has one, else its message. */
export function errorText(e: unknown): string {
  const code = typeof e === 'object' && e !== null ? (e as { code?: unknown }).code : undefined
  if (typeof code === 'string' && codes.has(code) && i18n.isInitialized) return i18n.t(`errors.${code}`)
  return e instanceof Error ? e.message : String(e)
}
