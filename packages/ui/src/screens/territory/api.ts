/**
 * The territory, crowdfunding and census part of the API as the screens use
 * it (issue 17): the client typed with TerritoryApi, and a view that
 * refetches when an event names this community's places, campaigns or roster
 * (BRIDGE-8), coalescing a burst into one fetch.
 */
import { useCallback, useEffect, useState } from 'react'
import type { CommunityId, PolityClient } from '@polity/api'
import { messageOf, useApi } from '../../api-context'
import type { TerritoryApi } from './types'

export type TerritoryClient = PolityClient & TerritoryApi

export function useTerritoryApi(): TerritoryClient {
  return useApi() as TerritoryClient
}

/** Refetch on mount, on `deps`, and on any `community` event for this community; `refetch` after an own action. */
export function useCommunityView<T>(community: CommunityId, fetch: () => Promise<T>, deps: readonly unknown[]): { value: T | null; error: string | null; refetch: () => void } {
  const api = useApi()
  const [value, setValue] = useState<T | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [tick, setTick] = useState(0)
  const refetch = useCallback(() => setTick((n) => n + 1), [])
  useEffect(() => {
    let live = true
    fetch().then((v) => {
      if (live) {
        setValue(v)
        setError(null)
      }
    }, (e: unknown) => {
      if (live) setError(messageOf(e))
    })
    return () => {
      live = false
    }
  }, [api, community, tick, ...deps])
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined
    const un = api.subscribe((e) => {
      if (e.type !== 'community' || e.community !== community) return
      timer ??= setTimeout(() => {
        timer = undefined
        refetch()
      }, 100)
    })
    return () => {
      un()
      if (timer) clearTimeout(timer)
    }
  }, [api, community, refetch])
  return { value, error, refetch }
}

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
