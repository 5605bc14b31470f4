/**
 * What is new since this device last looked: per community, the ids of the
 * open proposals this device has shown on its Proposals screen, kept in
 * localStorage (this device only; nothing is sent). A proposal is new when it
 * is open, by someone else, and not among them. Marking seen fires a window
 * event so the sidebar's badges update at once.
 */
import { useEffect, useState } from 'react'
import type { CommunityId, MemberId, ProposalRow } from '@polity/api'
import { useApi } from '../api-context'

const KEY = (c: CommunityId): string => `polity.seen.${c}`
const EVENT = 'polity-seen'
/** How many seen ids are kept per community (the oldest are dropped first). */
const KEEP = 1000

export function seenIds(community: CommunityId): ReadonlySet<string> {
  try {
    const v: unknown = JSON.parse(localStorage.getItem(KEY(community)) ?? '[]')
    return new Set(Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [])
  } catch {
    return new Set()
  }
}

export function markSeen(community: CommunityId, ids: readonly string[]): void {
  const seen = seenIds(community)
  if (ids.every((i) => seen.has(i))) return
  const all = [...seen, ...ids.filter((i) => !seen.has(i))].slice(-KEEP)
  localStorage.setItem(KEY(community), JSON.stringify(all))
  dispatchEvent(new Event(EVENT))
}

export const isNew = (p: { readonly id: string; readonly status: ProposalRow['status']; readonly author: string }, seen: ReadonlySet<string>, me: MemberId | null): boolean =>
  p.status === 'open' && p.author !== me && !seen.has(p.id)

/** New open proposals in a community (its first page of open ones), refetched on proposal events and when something is marked seen. */
export function useUnreadCount(community: CommunityId, me: MemberId | null): number {
  const api = useApi()
  const [rows, setRows] = useState<readonly ProposalRow[]>([])
  const [tick, setTick] = useState(0)
  useEffect(() => {
    let live = true
    api.proposalsView({ community, filter: 'open' }).then((p) => {
      if (live) setRows(p.rows)
    }, () => undefined)
    return () => {
      live = false
    }
  }, [api, community, tick])
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined
    const soon = (): void => {
      timer ??= setTimeout(() => {
        timer = undefined
        setTick((n) => n + 1)
      }, 300)
    }
    const un = api.subscribe((e) => {
      if (e.type === 'community' && e.community === community && e.parts.includes('proposals')) soon()
    })
    const onSeen = (): void => setTick((n) => n + 1)
    addEventListener(EVENT, onSeen)
    return () => {
      un()
      removeEventListener(EVENT, onSeen)
      if (timer) clearTimeout(timer)
    }
  }, [api, community])
  const seen = seenIds(community)
  return rows.filter((p) => isNew(p, seen, me)).length
}
