/**
 * Shared pieces of the community screens: who the local member is, member
 * names, fractions as people type them, a client-side line diff, role and
 * fraction fields (the rules and method forms are in rules-form.tsx).
 */
import { useEffect, useId, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { CommunityState, MemberId, Role } from '@polity/api'
import { useApi } from '../api-context'

export const ROLES: readonly Role[] = ['member', 'steward', 'founder']
export const roleRank = (r: Role | null | undefined): number => (r === 'founder' ? 3 : r === 'steward' ? 2 : r === 'member' ? 1 : 0)

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
export function nameOf(state: CommunityState, id: string): string {
  const m = state.members.find((x) => x.id === id) ?? state.former.find((x) => x.id === id)
  return m?.name ?? `${id.slice(0, 8)}…`
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b))

/** "1/2", "66%", "66" → [num, den]; null when it is not a fraction between 0 and 1. */
export function parseFraction(s: string): [number, number] | null {
  const t = s.trim()
  let num: number
  let den: number
  const slash = /^(\d{1,6})\s*\/\s*(\d{1,6})$/.exec(t)
  if (slash) {
    num = Number(slash[1])
    den = Number(slash[2])
  } else {
    const pct = /^(\d{1,3})(?:[.,](\d{1,2}))?\s*%?$/.exec(t)
    if (!pct) return null
    const decimals = pct[2] ?? ''
    den = 100 * 10 ** decimals.length
    num = Number(pct[1]) * 10 ** decimals.length + (decimals ? Number(decimals) : 0)
  }
  if (!Number.isInteger(num) || !Number.isInteger(den) || den < 1 || num > den) return null
  const g = gcd(num, den) || 1
  return [num / g, den / g]
}

export const formatFraction = (f: readonly [number, number]): string => `${f[0]}/${f[1]}`
export const percent = (f: readonly [number, number]): number => Math.round((f[0] / f[1]) * 1000) / 10
/** Ballots needed for quorum (TALLY-Q): the least n with n × den ≥ eligible × num. */
export const quorumNeeded = (eligible: number, q: readonly [number, number]): number => Math.ceil((eligible * q[0]) / q[1])
/** Yes votes needed (TALLY-YN): the least yes with yes × den > (eligible − abstain) × num. */
export const yesNeeded = (eligible: number, abstain: number, t: readonly [number, number]): number => Math.floor((Math.max(0, eligible - abstain) * t[0]) / t[1]) + 1

export interface DiffLine {
  readonly kind: 'same' | 'add' | 'del'
  readonly text: string
}

/** Line diff by longest common subsequence (charters are small; very large inputs fall back to replace-all). */
export function lineDiff(a: string, b: string): DiffLine[] {
  const x = a.split('\n')
  const y = b.split('\n')
  if (x.length * y.length > 4_000_000) return [...x.map((text) => ({ kind: 'del' as const, text })), ...y.map((text) => ({ kind: 'add' as const, text }))]
  const n = x.length
  const m = y.length
  const table = new Uint32Array((n + 1) * (m + 1))
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      table[i * (m + 1) + j] = x[i] === y[j] ? (table[(i + 1) * (m + 1) + j + 1] as number) + 1 : Math.max(table[(i + 1) * (m + 1) + j] as number, table[i * (m + 1) + j + 1] as number)
    }
  }
  const out: DiffLine[] = []
  let i = 0
  let j = 0
  while (i < n && j < m) {
    if (x[i] === y[j]) {
      out.push({ kind: 'same', text: x[i] as string })
      i++
      j++
    } else if ((table[(i + 1) * (m + 1) + j] as number) >= (table[i * (m + 1) + j + 1] as number)) out.push({ kind: 'del', text: x[i++] as string })
    else out.push({ kind: 'add', text: y[j++] as string })
  }
  while (i < n) out.push({ kind: 'del', text: x[i++] as string })
  while (j < m) out.push({ kind: 'add', text: y[j++] as string })
  return out
}

/** A diff as lines marked added or removed, with a text marker so colour is never the only cue. */
export function DiffView({ lines, testid }: { lines: readonly DiffLine[]; testid?: string }): React.JSX.Element {
  const { t } = useTranslation()
  if (lines.every((l) => l.kind === 'same')) return <p className="muted" data-testid={testid}>{t('diff.none')}</p>
  return (
    <div className="diff" data-testid={testid}>
      {lines.map((l, i) => (l.kind === 'add'
        ? <ins key={i} className="diff-line"><span className="diff-mark" aria-hidden="true">+ </span>{l.text || ' '}</ins>
        : l.kind === 'del'
          ? <del key={i} className="diff-line"><span className="diff-mark" aria-hidden="true">− </span>{l.text || ' '}</del>
          : <span key={i} className="diff-line"><span className="diff-mark" aria-hidden="true">  </span>{l.text || ' '}</span>))}
    </div>
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
      <span id={`${id}-hint`} className={parsed === null ? 'error' : 'muted'}>{parsed === null ? t('fraction.invalid') : t('fraction.shown', { percent: percent(parsed) })}</span>
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
