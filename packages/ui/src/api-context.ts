/** The API client the screens use (Electron preload or the browser-mode WebSocket bridge). */
import { createContext, useContext } from 'react'
import i18n from 'i18next'
import type { PolityClient } from '@polity/api'
import { errorText } from './i18n/errors'

export const ApiContext = createContext<PolityClient | null>(null)

export function useApi(): PolityClient {
  const api = useContext(ApiContext)
  if (!api) throw new Error('No Polity API client.')
  return api
}

/** Codes that mean Polity itself failed, not that the input was wrong: only these read "Something went wrong: …". */
const UNEXPECTED = new Set(['ERR_INTERNAL', 'ERR_BRIDGE_MESSAGE', 'ERR_UNKNOWN_METHOD'])

/**
 * Turn an API error into words for the person: translated by its code where
 * the code says it all (I18N-3), else the node's own sentence for an error
 * with a code of ours (bad input, a rule, a wrong passphrase — it says what
 * to fix), and "Something went wrong: …" only for an internal failure.
 */
export function messageOf(e: unknown): string {
  const code = typeof e === 'object' && e !== null && typeof (e as { code?: unknown }).code === 'string' ? (e as { code: string }).code : null
  return code !== null && code.startsWith('ERR_') && !UNEXPECTED.has(code) ? errorText(e) : i18n.t('common.error', { message: errorText(e) })
}
