/**
 * The territory, crowdfunding and census part of the API as the screens use
 * it (issue 17): the events each screen refetches on (through useView,
 * BRIDGE-8: the node names the `territory` part when places, campaigns,
 * pledges or receipts change), and downloads of exported files.
 */
import type { ChangedPart } from '@polity/api'
import { useApi } from '../../api-context'

export const useTerritoryApi = useApi

/** The parts of a `community` event each territory screen refetches on (BRIDGE-8). */
export const PLACES_PARTS: readonly ChangedPart[] = ['territory']
export const CAMPAIGN_PARTS: readonly ChangedPart[] = ['territory', 'roster']
export const CENSUS_PARTS: readonly ChangedPart[] = ['territory', 'roster', 'proposals']

/** Save text as a file the person downloads (a Blob URL; nothing leaves the device). */
export function download(name: string, text: string | Uint8Array, type: string): void {
  const blob = new Blob([typeof text === 'string' ? text : new Uint8Array(text)], { type })
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = name
  document.body.append(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 1000)
}
