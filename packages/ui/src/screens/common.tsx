/**
 * Shared pieces of the community screens: who the local member is, member
 * names, fractions as people type them, a client-side line diff, the
 * governance-rules fields and the voting-method fields.
 */
import { useEffect, useId, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { CommunityState, MemberId, Method, Role, Rules } from '@polity/api'
import { useApi } from '../api-context'

/** Mirrors DEFAULT_RULES in packages/protocol (the UI imports only the API's types). */
export const UI_DEFAULT_RULES: Rules = {
  invite: 'steward',
  remove: 'steward',
  roles: 'founder',
  propose: 'member',
  editDraft: 'member',
  quorum: [1, 2],
  threshold: [1, 2],
  entrenchedThreshold: [2, 3],
  votingPeriod: 7 * 24 * 3600 * 1000,
}

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

function RoleSelect({ label, value, onChange, testid }: { label: string; value: Role; onChange: (r: Role) => void; testid: string }): React.JSX.Element {
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

function FractionField({ label, value, onChange, testid }: { label: string; value: string; onChange: (v: string) => void; testid: string }): React.JSX.Element {
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

/** Editable rules as text fields; `rules` is null while any field does not parse. */
export interface RulesDraft {
  readonly invite: Role
  readonly remove: Role
  readonly roles: Role
  readonly propose: Role
  readonly editDraft: Role
  readonly quorum: string
  readonly threshold: string
  readonly entrenchedThreshold: string
  readonly votingDays: string
}

export const rulesDraftOf = (r: Rules): RulesDraft => ({
  invite: r.invite, remove: r.remove, roles: r.roles, propose: r.propose, editDraft: r.editDraft,
  quorum: formatFraction(r.quorum), threshold: formatFraction(r.threshold), entrenchedThreshold: formatFraction(r.entrenchedThreshold),
  votingDays: String(Math.round((r.votingPeriod / (24 * 3600 * 1000)) * 100) / 100),
})

export function rulesOf(d: RulesDraft): Rules | null {
  const quorum = parseFraction(d.quorum)
  const threshold = parseFraction(d.threshold)
  const entrenchedThreshold = parseFraction(d.entrenchedThreshold)
  const days = Number(d.votingDays)
  if (!quorum || !threshold || !entrenchedThreshold || !(days > 0 && days <= 366)) return null
  return { invite: d.invite, remove: d.remove, roles: d.roles, propose: d.propose, editDraft: d.editDraft, quorum, threshold, entrenchedThreshold, votingPeriod: Math.round(days * 24 * 3600 * 1000) }
}

export function RulesFields({ value, onChange }: { value: RulesDraft; onChange: (d: RulesDraft) => void }): React.JSX.Element {
  const { t } = useTranslation()
  const set = <K extends keyof RulesDraft>(k: K) => (v: RulesDraft[K]): void => onChange({ ...value, [k]: v })
  return (
    <fieldset className="fieldset" data-testid="rules-fields">
      <legend>{t('rules.title')}</legend>
      <p className="muted">{t('rules.help')}</p>
      <div className="grid">
        <RoleSelect label={t('rules.invite')} value={value.invite} onChange={set('invite')} testid="rule-invite" />
        <RoleSelect label={t('rules.remove')} value={value.remove} onChange={set('remove')} testid="rule-remove" />
        <RoleSelect label={t('rules.roles')} value={value.roles} onChange={set('roles')} testid="rule-roles" />
        <RoleSelect label={t('rules.propose')} value={value.propose} onChange={set('propose')} testid="rule-propose" />
        <RoleSelect label={t('rules.editDraft')} value={value.editDraft} onChange={set('editDraft')} testid="rule-edit-draft" />
        <FractionField label={t('rules.quorum')} value={value.quorum} onChange={set('quorum')} testid="rule-quorum" />
        <FractionField label={t('rules.threshold')} value={value.threshold} onChange={set('threshold')} testid="rule-threshold" />
        <FractionField label={t('rules.entrenched')} value={value.entrenchedThreshold} onChange={set('entrenchedThreshold')} testid="rule-entrenched" />
        <div className="field">
          <label htmlFor="rule-voting-days">{t('rules.votingDays')}</label>
          <input id="rule-voting-days" data-testid="rule-voting-days" type="number" min="0.01" step="any" value={value.votingDays} onChange={(e) => set('votingDays')(e.target.value)} />
        </div>
      </div>
    </fieldset>
  )
}

/** One rules object in words (for a rules proposal and its outcome). */
export function RulesSummary({ rules }: { rules: Rules }): React.JSX.Element {
  const { t } = useTranslation()
  const role = (r: Role): string => t(`roster.role.${r}`)
  return (
    <dl className="facts small">
      <dt>{t('rules.invite')}</dt><dd>{role(rules.invite)}</dd>
      <dt>{t('rules.remove')}</dt><dd>{role(rules.remove)}</dd>
      <dt>{t('rules.roles')}</dt><dd>{role(rules.roles)}</dd>
      <dt>{t('rules.propose')}</dt><dd>{role(rules.propose)}</dd>
      <dt>{t('rules.editDraft')}</dt><dd>{role(rules.editDraft)}</dd>
      <dt>{t('rules.quorum')}</dt><dd>{formatFraction(rules.quorum)}</dd>
      <dt>{t('rules.threshold')}</dt><dd>{formatFraction(rules.threshold)}</dd>
      <dt>{t('rules.entrenched')}</dt><dd>{formatFraction(rules.entrenchedThreshold)}</dd>
      <dt>{t('rules.votingDays')}</dt><dd>{Math.round((rules.votingPeriod / (24 * 3600 * 1000)) * 100) / 100}</dd>
    </dl>
  )
}

export type MethodType = Method['type']

/** How a proposal is decided, as the person fills it in. */
export interface MethodDraft {
  readonly type: MethodType
  readonly quorum: string
  readonly threshold: string
  /** One option per line (approval and ranked choice). */
  readonly options: string
  readonly hours: string
}

export const methodDraftOf = (rules: Rules, type: MethodType = 'yesno'): MethodDraft => ({
  type, quorum: formatFraction(rules.quorum), threshold: formatFraction(rules.threshold), options: '',
  hours: String(Math.round((rules.votingPeriod / 3_600_000) * 100) / 100),
})

export const optionsOf = (d: MethodDraft): string[] => d.options.split('\n').map((s) => s.trim()).filter((s) => s !== '')

/** The API's method, or a reason (an i18n key) it cannot be built yet. */
export function methodOf(d: MethodDraft): { method: Method } | { problem: string } {
  const quorum = parseFraction(d.quorum)
  if (!quorum) return { problem: 'method.badQuorum' }
  if (d.type === 'yesno') {
    const threshold = parseFraction(d.threshold)
    if (!threshold) return { problem: 'method.badThreshold' }
    return { method: { type: 'yesno', quorum, threshold } }
  }
  const options = optionsOf(d)
  if (options.length < 2 || options.length > 64) return { problem: 'method.needOptions' }
  if (new Set(options).size !== options.length) return { problem: 'method.distinctOptions' }
  if (options.some((o) => o.length > 200)) return { problem: 'method.longOption' }
  return { method: { type: d.type, quorum, options } }
}

/**
 * Method, quorum, threshold or options, and the deadline. Only resolutions may
 * use approval or ranked choice (PROP-4); the choice is disabled otherwise.
 */
export function MethodFields({ value, onChange, allowChoice }: { value: MethodDraft; onChange: (d: MethodDraft) => void; allowChoice: boolean }): React.JSX.Element {
  const { t } = useTranslation()
  const id = useId()
  const set = <K extends keyof MethodDraft>(k: K) => (v: MethodDraft[K]): void => onChange({ ...value, [k]: v })
  const type = allowChoice ? value.type : 'yesno'
  return (
    <fieldset className="fieldset" data-testid="method-fields">
      <legend>{t('method.title')}</legend>
      <div className="field">
        <label htmlFor={`${id}-m`}>{t('method.label')}</label>
        <select id={`${id}-m`} data-testid="proposal-method" value={type} disabled={!allowChoice} aria-describedby={allowChoice ? undefined : `${id}-why`} onChange={(e) => set('type')(e.target.value as MethodType)}>
          <option value="yesno">{t('method.yesno')}</option>
          <option value="approval">{t('method.approval')}</option>
          <option value="irv">{t('method.irv')}</option>
        </select>
        {!allowChoice && <span id={`${id}-why`} className="muted">{t('method.onlyResolutions')}</span>}
      </div>
      {type !== 'yesno' && (
        <div className="field">
          <label htmlFor={`${id}-o`}>{t('method.options')}</label>
          <textarea id={`${id}-o`} data-testid="proposal-options" rows={4} value={value.options} onChange={(e) => set('options')(e.target.value)} />
        </div>
      )}
      <div className="grid">
        <FractionField label={t('method.quorum')} value={value.quorum} onChange={set('quorum')} testid="proposal-quorum" />
        {type === 'yesno' && <FractionField label={t('method.threshold')} value={value.threshold} onChange={set('threshold')} testid="proposal-threshold" />}
        <div className="field">
          <label htmlFor={`${id}-h`}>{t('proposals.deadline')}</label>
          <input id={`${id}-h`} data-testid="proposal-deadline" type="number" min="0" step="any" value={value.hours} onChange={(e) => set('hours')(e.target.value)} />
        </div>
      </div>
    </fieldset>
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
