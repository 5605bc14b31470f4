/** The API client the screens use (Electron preload or the browser-mode WebSocket bridge). */
import { createContext, useContext } from 'react'
import type { PolityClient } from '@polity/api'
import { errorText } from './i18n/errors'

export const ApiContext = createContext<PolityClient | null>(null)

export function useApi(): PolityClient {
  const api = useContext(ApiContext)
  if (!api) throw new Error('No Polity API client.')
  return api
}

/** Turn an API error into words for the person: translated by its code where the code says it all (I18N-3). */
export const messageOf = (e: unknown): string => errorText(e)
