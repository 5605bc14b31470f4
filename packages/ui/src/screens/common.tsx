/**
 * Shared pieces of the community screens: who the local member is, member
 * names, a view that refetches on the events naming its parts (BRIDGE-8),
 * the node's bounded diff (DIFF-1), role and fraction fields (FRAC-1, via
 * @polity/api; the rules and method forms are in rules-form.tsx).
 */
import { useCallback, useEffect, useId, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { parseFraction, percentOf, ROLES, type ChangedPart, type CommunityId, type MemberId, type OpId, type Role, type TextDiff } from '@polity/api'
import { messageOf, useApi } from '../api-context'

/** The local member's id (null until known or when locked). */
export function useMe(): MemberId | null {
  const api = useApi()
  const [me, setMe] = useState<MemberId | null>(null)
  useEffect(() => {
    let live = true
    api.identityStatus().then((s) => {
      if (live) setMe(s.member ?? null)
    }, () => undefined)
    return () => {
      live = false
    }
  }, [api])
  return me
}

/** A member's display name: their profile name, else the start of their id. */
export const displayName = (name: string | null | undefined, id: string): string => name ?? `${id.slice(0, 8)}…`

/** Members' display names, looked up by id through the roster view (VIEW-2), kept per community until a roster event (BRIDGE-8). */
const nameCache = new Map<string, string | null>()
export function useMemberNames(community: CommunityId, ids: readonly string[]): ReadonlyMap<string, string> {
  const api = useApi()
  const [tick, setTick] = useState(0)
  const key = [...new Set(ids)].sort().join(',')
  useEffect(() => api.subscribe((e) => {
    // A name may have changed: forget this community's names and ask again.
    if (e.type !== 'community' || e.community !== community || !e.parts.includes('roster')) return
    for (const k of [...nameCache.keys()]) if (k.startsWith(`${community}:`)) nameCache.delete(k)
    setTick((n) => n + 1)
  }), [api, community])
  useEffect(() => {
    let live = true
    for (const id of key === '' ? [] : key.split(',')) {
      if (nameCache.has(`${community}:${id}`)) continue
      api.rosterView({ community, query: id, limit: 1 }).then((p) => {
        nameCache.set(`${community}:${id}`, p.rows[0]?.id === id ? p.rows[0].name : null)
        if (live) setTick((n) => n + 1)
      }, () => undefined)
    }
    return () => {
      live = false
    }
    // `tick` is here so a roster event asks again; a name that arrives bumps it too, finding the cache filled.
  }, [api, community, key, tick])
  const out = new Map<string, string>()
  for (const id of key === '' ? [] : key.split(',')) out.set(id, displayName(nameCache.get(`${community}:${id}`), id))
  return out
}

export function useMemberName(community: CommunityId, id: MemberId | null): string | null {
  const names = useMemberNames(community, id === null ? [] : [id])
  return id === null ? null : names.get(id) ?? null
}

/** The node's bounded diff of two texts (DIFF-1), fetched when they change (after a pause while typing). */
export function useTextDiff(a: string, b: string, delayMs = 0): TextDiff | null {
  const api = useApi()
  const [diff, setDiff] = useState<TextDiff | null>(null)
  useEffect(() => {
    let live = true
    const timer = setTimeout(() => {
      api.diffTexts({ a, b }).then((d) => {
        if (live) setDiff(d)
      }, () => undefined)
    }, delayMs)
    return () => {
      live = false
      clearTimeout(timer)
    }
  }, [api, a, b, delayMs])
  return diff
}

/**
 * Refetch a view on mount and whenever a `community` event for this
 * community names one of `parts` (BRIDGE-8), coalescing a burst of events
 * into one fetch. `proposal`: refetch only when the event lists it (or lists
 * none). Returns the latest value, any error, and a refetch for own actions.
 */
export function useView<T>(
  community: CommunityId,
  parts: readonly ChangedPart[],
  fetch: () => Promise<T>,
  deps: readonly unknown[],
  proposal?: OpId,
): { value: T | null; error: string | null; refetch: () => void } {
  const api = useApi()
  const [value, setValue] = useState<T | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [tick, setTick] = useState(0)
  const refetch = useCallback(() => setTick((n) => n + 1), [])
  const key = parts.join(',')
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
    const wanted = new Set(key.split(','))
    const soon = (): void => {
      timer ??= setTimeout(() => {
        timer = undefined
        refetch()
      }, 100)
    }
    const un = api.subscribe((e) => {
      // A fork's lineage is settled by a `communities` event.
      if (e.type === 'communities') return soon()
      if (e.type !== 'community' || e.community !== community || !e.parts.some((p) => wanted.has(p))) return
      // A proposal's own view: only events that list it (or too many to list), or roster changes (names, eligibility).
      if (proposal !== undefined && e.proposals !== null && !e.proposals.includes(proposal) && !e.parts.includes('roster')) return
      soon()
    })
    // After the bridge reconnects, events may have been missed: fetch again.
    const onConn = (api as { onConnection?: (l: (c: boolean) => void) => () => void }).onConnection
    const un2 = onConn?.((c) => {
      if (c) soon()
    })
    return () => {
      un()
      un2?.()
      if (timer) clearTimeout(timer)
    }
  }, [api, community, key, proposal, refetch])
  return { value, error, refetch }
}

/** A diff's hunks as lines marked added or removed, with a text marker so colour is never the only cue; or why there is none (DIFF-1). */
/** The node's diff, inline or side by side (`diff-view.tsx`). */
export { DiffView } from './diff-view'

/** Previous and next page of a paged view, with where this page sits ("51–100 of 2,000"). */
export function Pager({ offset, shown, total, onOffset, testid, size = 50 }: { offset: number; shown: number; total: number; onOffset: (n: number) => void; testid: string; size?: number }): React.JSX.Element | null {
  const { t, i18n } = useTranslation()
  if (total <= size && offset === 0) return null
  const n = (x: number): string => x.toLocaleString(i18n.language)
  return (
    <nav className="row pager" aria-label={t('pager.label')} data-testid={testid}>
      <button type="button" className="secondary small" disabled={offset === 0} onClick={() => onOffset(Math.max(0, offset - size))}>{t('pager.previous')}</button>
      <span className="muted">{t('pager.range', { from: n(shown === 0 ? 0 : offset + 1), to: n(offset + shown), total: n(total) })}</span>
      <button type="button" className="secondary small" disabled={offset + shown >= total} onClick={() => onOffset(offset + size)}>{t('pager.next')}</button>
    </nav>
  )
}

export function RoleSelect({ label, value, onChange, testid }: { label: string; value: Role; onChange: (r: Role) => void; testid: string }): React.JSX.Element {
  const { t } = useTranslation()
  const id = useId()
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} data-testid={testid} value={value} onChange={(e) => onChange(e.target.value as Role)}>
        {ROLES.map((r) => <option key={r} value={r}>{t(`roster.role.${r}`)}</option>)}
      </select>
    </div>
  )
}

export function FractionField({ label, value, onChange, testid }: { label: string; value: string; onChange: (v: string) => void; testid: string }): React.JSX.Element {
  const { t } = useTranslation()
  const id = useId()
  const parsed = parseFraction(value)
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} data-testid={testid} value={value} onChange={(e) => onChange(e.target.value)} aria-invalid={parsed === null} aria-describedby={`${id}-hint`} inputMode="decimal" />
      <span id={`${id}-hint`} className={parsed === null ? 'error' : 'muted'}>{parsed === null ? t('fraction.invalid') : t('fraction.shown', { percent: percentOf(parsed) })}</span>
    </div>
  )
}

/** Relative time in the current language ("3 minutes ago"), with the exact time as a tooltip. */
export function When({ time }: { time: number }): React.JSX.Element {
  const { i18n } = useTranslation()
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 15_000)
    return () => clearInterval(timer)
  }, [])
  const s = Math.round((time - now) / 1000)
  const abs = Math.abs(s)
  const rtf = new Intl.RelativeTimeFormat(i18n.language, { numeric: 'auto' })
  const text = abs < 60 ? rtf.format(s, 'second') : abs < 3600 ? rtf.format(Math.round(s / 60), 'minute') : abs < 86_400 ? rtf.format(Math.round(s / 3600), 'hour') : rtf.format(Math.round(s / 86_400), 'day')
  return <time dateTime={new Date(time).toISOString()} title={new Date(time).toLocaleString(i18n.language)}>{text}</time>
}

/** A labelled choice of one ratified charter version (the diff's two ends, the fork's starting point). */
export function VersionSelect({ id, label, versions, value, onChange }: {
  id: string
  label: string
  versions: readonly { readonly version: number }[]
  value: number
  onChange: (version: number) => void
}): React.JSX.Element {
  const { t } = useTranslation()
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} data-testid={id} value={value} onChange={(e) => onChange(Number(e.target.value))}>
        {versions.map((v) => <option key={v.version} value={v.version}>{t('charter.version', { n: v.version })}</option>)}
      </select>
    </div>
  )
}
