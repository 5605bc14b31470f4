/** A labelled select over a fixed list of values, each shown through i18n. */
import { useId } from 'react'

export function SelectField<T extends string>({ label, value, options, text, onChange, testid, hideLabel }: {
  label: string
  value: T
  options: readonly T[]
  text: (v: T) => string
  onChange: (v: T) => void
  testid: string
  /** Keep the label for screen readers only (a select inside a table row whose header says it). */
  hideLabel?: boolean
}): React.JSX.Element {
  const id = useId()
  return (
    <div className="field">
      <label htmlFor={id} className={hideLabel ? 'visually-hidden' : undefined}>{label}</label>
      <select id={id} data-testid={testid} value={value} onChange={(e) => onChange(e.target.value as T)}>
        {options.map((o) => <option key={o} value={o}>{text(o)}</option>)}
      </select>
    </div>
  )
}
