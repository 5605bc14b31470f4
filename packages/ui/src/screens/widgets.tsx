/** Small shared form pieces: every input has a visible label. */
import { useId } from 'react'

export function Field(p: { label: string; value: string; onChange: (v: string) => void; testid: string; type?: string; multiline?: boolean }): React.JSX.Element {
  const id = useId()
  return (
    <div className="field">
      <label htmlFor={id}>{p.label}</label>
      {p.multiline
        ? <textarea id={id} data-testid={p.testid} value={p.value} onChange={(e) => p.onChange(e.target.value)} rows={6} />
        : <input id={id} data-testid={p.testid} type={p.type ?? 'text'} value={p.value} onChange={(e) => p.onChange(e.target.value)} />}
    </div>
  )
}

/** An error as words: the screens' own messages and the node's (messageOf adds "Something went wrong" only for internal failures). */
export function ErrorText({ error }: { error: string | null }): React.JSX.Element | null {
  return error ? <p role="alert" className="error">{error}</p> : null
}
