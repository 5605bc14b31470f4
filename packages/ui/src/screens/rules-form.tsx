/**
 * Governance rules and proposal methods as forms: the rules editor (per
 * decision class a quorum, a threshold and a voting period: GOV-1 in
 * docs/PROTOCOL.md), the rules in words, and a proposal's method fields,
 * pre-filled with the floor the rules set for its class and refusing less
 * (GOV-2, GOV-3). The node refuses the same before signing; the form says it
 * first. The protocol's facts (DEFAULT_RULES, decision classes, entrenched
 * clauses, FRAC-1 fractions) come from @polity/api, defined once in the protocol.
 */
import { useId } from 'react'
import { useTranslation } from 'react-i18next'
import {
  atLeast, DECISION_CLASSES, decisionClassOf, formatFraction, parseFraction, RELATIONS_DEFAULTS, TERRITORY_DEFAULTS,
  type DecisionClass, type Method, type ProposalActionInput, type Role, type Rules,
} from '@polity/api'
import { FractionField, RoleSelect } from './common'

const DAY = 24 * 3600 * 1000
const HOUR = 3600 * 1000
type F = readonly [number, number]

/** a ≥ b, exactly (the protocol's comparison). */
const ge = (a: F, b: F): boolean => atLeast(a, b)

export interface Floor {
  readonly quorum: F
  readonly threshold: F
  readonly hours: number
  /** The entrenched threshold applies. */
  readonly entrenched: boolean
}

/**
 * GOV-1: the least a proposal of this kind may ask for under `rules`.
 * `entrenchedAmend`: an amendment that touches an entrenched clause;
 * `newRules`: a rules change (lowering the entrenched threshold needs it).
 */
export function floorOf(rules: Rules, type: ProposalActionInput['type'], opts: { entrenchedAmend?: boolean; newRules?: Rules | null } = {}): Floor {
  const d = rules.decisions[decisionClassOf(type)]
  const entrenched = (type === 'amend' && opts.entrenchedAmend === true) || (type === 'rules' && !!opts.newRules && (!ge(opts.newRules.entrenchedThreshold, rules.entrenchedThreshold) || (rules.treaties === 'entrenched' && opts.newRules.treaties !== 'entrenched'))) || ((type === 'recognize' || type === 'unrecognize') && rules.treaties === 'entrenched')
  const threshold = entrenched && !ge(d.threshold, rules.entrenchedThreshold) ? rules.entrenchedThreshold : d.threshold
  return { quorum: d.quorum, threshold, hours: d.period / HOUR, entrenched }
}

const days = (ms: number): string => String(Math.round((ms / DAY) * 100) / 100)

/** Editable rules as text fields. */
export interface DecisionDraft {
  readonly quorum: string
  readonly threshold: string
  readonly days: string
}
export interface RulesDraft {
  readonly invite: Role
  readonly remove: Role
  readonly roles: Role
  readonly propose: Role
  readonly editDraft: Role
  readonly decisions: { readonly [K in DecisionClass]: DecisionDraft }
  readonly entrenchedThreshold: string
  /** PLACE-1, FUND-1: who may add places and act as treasurer (issue 17). */
  readonly places: Role
  readonly treasurer: Role
  /** REL-2, REL-6: recognitions need a resolution or the entrenched threshold; who may add an outside body (issue 18). */
  readonly treaties: Treaties
  readonly bodies: Role
}

export type Treaties = 'resolution' | 'entrenched'

export const rulesDraftOf = (r: Rules): RulesDraft => ({
  invite: r.invite, remove: r.remove, roles: r.roles, propose: r.propose, editDraft: r.editDraft,
  decisions: Object.fromEntries(DECISION_CLASSES.map((c) => {
    const d = r.decisions[c]
    return [c, { quorum: formatFraction(d.quorum), threshold: formatFraction(d.threshold), days: days(d.period) }]
  })) as RulesDraft['decisions'],
  entrenchedThreshold: formatFraction(r.entrenchedThreshold),
  places: r.places ?? TERRITORY_DEFAULTS.places,
  treasurer: r.treasurer ?? TERRITORY_DEFAULTS.treasurer,
  treaties: r.treaties ?? RELATIONS_DEFAULTS.treaties,
  bodies: r.bodies ?? RELATIONS_DEFAULTS.bodies,
})

/** A threshold is below 1 (GOV-5: a threshold of 1 could never be met). */
const parseThreshold = (s: string): [number, number] | null => {
  const f = parseFraction(s)
  return f && f[0] < f[1] ? f : null
}

/** The rules, or null while any field does not parse (GOV-5: thresholds below 1, periods 0 to 366 days). */
export function rulesOf(d: RulesDraft): Rules | null {
  const decisions: Partial<Record<DecisionClass, Rules['decisions'][DecisionClass]>> = {}
  for (const c of DECISION_CLASSES) {
    const x = d.decisions[c]
    const quorum = parseFraction(x.quorum)
    const threshold = parseThreshold(x.threshold)
    const n = Number(x.days)
    if (!quorum || !threshold || x.days.trim() === '' || !(n >= 0 && n <= 366)) return null
    decisions[c] = { quorum, threshold, period: Math.round(n * DAY) }
  }
  const entrenchedThreshold = parseThreshold(d.entrenchedThreshold)
  if (!entrenchedThreshold) return null
  return {
    invite: d.invite, remove: d.remove, roles: d.roles, propose: d.propose, editDraft: d.editDraft, decisions: decisions as Rules['decisions'], entrenchedThreshold,
    places: d.places, treasurer: d.treasurer, treaties: d.treaties, bodies: d.bodies,
  }
}

export function RulesFields({ value, onChange }: { value: RulesDraft; onChange: (d: RulesDraft) => void }): React.JSX.Element {
  const { t } = useTranslation()
  const id = useId()
  const set = <K extends keyof RulesDraft>(k: K) => (v: RulesDraft[K]): void => onChange({ ...value, [k]: v })
  const setClass = (c: DecisionClass, k: keyof DecisionDraft) => (v: string): void =>
    onChange({ ...value, decisions: { ...value.decisions, [c]: { ...value.decisions[c], [k]: v } } })
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
        <RoleSelect label={t('rules.places')} value={value.places} onChange={set('places')} testid="rule-places" />
        <RoleSelect label={t('rules.treasurer')} value={value.treasurer} onChange={set('treasurer')} testid="rule-treasurer" />
        <RoleSelect label={t('rules.bodies')} value={value.bodies} onChange={set('bodies')} testid="rule-bodies" />
        <div className="field">
          <label htmlFor={`${id}-treaties`}>{t('rules.treaties')}</label>
          <select id={`${id}-treaties`} data-testid="rule-treaties" value={value.treaties} onChange={(e) => set('treaties')(e.target.value as Treaties)}>
            <option value="resolution">{t('rules.treaties.resolution')}</option>
            <option value="entrenched">{t('rules.treaties.entrenched')}</option>
          </select>
        </div>
      </div>
      <p className="muted">{t('rules.decisionsHelp')}</p>
      {DECISION_CLASSES.map((c) => (
        <fieldset key={c} className="fieldset inner" data-testid={`rule-class-${c}`}>
          <legend>{t(`rules.class.${c}`)}</legend>
          <div className="grid">
            <FractionField label={t('rules.quorum')} value={value.decisions[c].quorum} onChange={setClass(c, 'quorum')} testid={`rule-${c}-quorum`} />
            <FractionField label={t('rules.threshold')} value={value.decisions[c].threshold} onChange={setClass(c, 'threshold')} testid={`rule-${c}-threshold`} />
            <div className="field">
              <label htmlFor={`${id}-${c}-days`}>{t('rules.votingDays')}</label>
              <input id={`${id}-${c}-days`} data-testid={`rule-${c}-days`} type="number" min="0" max="366" step="any" value={value.decisions[c].days} onChange={(e) => setClass(c, 'days')(e.target.value)} />
            </div>
          </div>
        </fieldset>
      ))}
      <FractionField label={t('rules.entrenched')} value={value.entrenchedThreshold} onChange={set('entrenchedThreshold')} testid="rule-entrenched" />
    </fieldset>
  )
}

/** One rules object in words (for a rules proposal and its outcome). */
export function RulesSummary({ rules }: { rules: Rules }): React.JSX.Element {
  const { t } = useTranslation()
  const role = (r: Role): string => t(`roster.role.${r}`)
  return (
    <div>
      <dl className="facts small">
        <dt>{t('rules.invite')}</dt><dd>{role(rules.invite)}</dd>
        <dt>{t('rules.remove')}</dt><dd>{role(rules.remove)}</dd>
        <dt>{t('rules.roles')}</dt><dd>{role(rules.roles)}</dd>
        <dt>{t('rules.propose')}</dt><dd>{role(rules.propose)}</dd>
        <dt>{t('rules.editDraft')}</dt><dd>{role(rules.editDraft)}</dd>
        <dt>{t('rules.places')}</dt><dd>{role(rules.places ?? TERRITORY_DEFAULTS.places)}</dd>
        <dt>{t('rules.treasurer')}</dt><dd>{role(rules.treasurer ?? TERRITORY_DEFAULTS.treasurer)}</dd>
        <dt>{t('rules.bodies')}</dt><dd>{role(rules.bodies ?? RELATIONS_DEFAULTS.bodies)}</dd>
        <dt>{t('rules.treaties')}</dt><dd>{t(`rules.treaties.${rules.treaties ?? RELATIONS_DEFAULTS.treaties}`)}</dd>
        <dt>{t('rules.entrenched')}</dt><dd>{formatFraction(rules.entrenchedThreshold)}</dd>
      </dl>
      <table className="rules-table small" data-testid="rules-summary">
        <thead><tr><th scope="col">{t('rules.classColumn')}</th><th scope="col">{t('rules.quorum')}</th><th scope="col">{t('rules.threshold')}</th><th scope="col">{t('rules.votingDays')}</th></tr></thead>
        <tbody>
          {DECISION_CLASSES.map((c) => (
            <tr key={c}><th scope="row">{t(`rules.class.${c}`)}</th><td>{formatFraction(rules.decisions[c].quorum)}</td><td>{formatFraction(rules.decisions[c].threshold)}</td><td>{days(rules.decisions[c].period)}</td></tr>
          ))}
        </tbody>
      </table>
    </div>
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

/** Pre-filled with the floor (GOV-2, GOV-3). */
export const methodDraftOf = (floor: Floor, type: MethodType = 'yesno'): MethodDraft => ({
  type, quorum: formatFraction(floor.quorum), threshold: formatFraction(floor.threshold), options: '', hours: String(Math.round(floor.hours * 100) / 100),
})

export const optionsOf = (d: MethodDraft): string[] => d.options.split('\n').map((s) => s.trim()).filter((s) => s !== '')

/** The API's method, or a reason (an i18n key and its values) it cannot be built: below the floor is refused here. */
export function methodOf(d: MethodDraft, floor: Floor): { method: Method } | { problem: string; values?: Record<string, string | number> } {
  const quorum = parseFraction(d.quorum)
  if (!quorum) return { problem: 'method.badQuorum' }
  if (!ge(quorum, floor.quorum)) return { problem: 'method.belowQuorum', values: { floor: formatFraction(floor.quorum) } }
  const hours = Number(d.hours)
  if (d.hours.trim() === '' || !(hours >= 0)) return { problem: 'method.badHours' }
  if (hours < floor.hours) return { problem: 'method.belowPeriod', values: { hours: Math.round(floor.hours * 100) / 100 } }
  if (d.type === 'yesno') {
    const threshold = parseThreshold(d.threshold)
    if (!threshold) return { problem: 'method.badThreshold' }
    if (!ge(threshold, floor.threshold)) return { problem: floor.entrenched ? 'method.belowEntrenched' : 'method.belowThreshold', values: { floor: formatFraction(floor.threshold) } }
    return { method: { type: 'yesno', quorum, threshold } }
  }
  const options = optionsOf(d)
  if (options.length < 2 || options.length > 64) return { problem: 'method.needOptions' }
  if (new Set(options).size !== options.length) return { problem: 'method.distinctOptions' }
  if (options.some((o) => o.length > 200)) return { problem: 'method.longOption' }
  return { method: { type: d.type, quorum, options } }
}

/**
 * Method, quorum, threshold or options, and the deadline, with the floor the
 * rules set beside them. Only resolutions may use approval or ranked choice
 * (PROP-4); the choice is disabled otherwise.
 */
export function MethodFields({ value, onChange, allowChoice, floor }: { value: MethodDraft; onChange: (d: MethodDraft) => void; allowChoice: boolean; floor: Floor }): React.JSX.Element {
  const { t } = useTranslation()
  const id = useId()
  const set = <K extends keyof MethodDraft>(k: K) => (v: MethodDraft[K]): void => onChange({ ...value, [k]: v })
  const type = allowChoice ? value.type : 'yesno'
  return (
    <fieldset className="fieldset" data-testid="method-fields">
      <legend>{t('method.title')}</legend>
      <p className="muted" data-testid="method-floor">
        {t(type === 'yesno' ? 'method.floor' : 'method.floorQuorum', { quorum: formatFraction(floor.quorum), threshold: formatFraction(floor.threshold), hours: Math.round(floor.hours * 100) / 100 })}
        {floor.entrenched ? ` ${t('method.floorEntrenched')}` : ''}
      </p>
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
          <input id={`${id}-h`} data-testid="proposal-deadline" type="number" min={floor.hours} step="any" value={value.hours} onChange={(e) => set('hours')(e.target.value)} />
        </div>
      </div>
    </fieldset>
  )
}
