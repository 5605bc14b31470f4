/**
 * A text diff from the node (DIFF-1), inline (one column, − and + lines) or
 * side by side (the old text beside the new, changed lines paired). The
 * choice is a toggle remembered on this device.
 */
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { TextDiff } from '@polity/api'
import './charter.css'

type Layout = 'inline' | 'split'
type Kind = 'add' | 'del' | 'same'
interface Row { readonly left: { kind: Kind; text: string } | null; readonly right: { kind: Kind; text: string } | null }

const LAYOUT_KEY = 'polity.diffLayout'
const savedLayout = (): Layout => {
  try {
    return localStorage.getItem(LAYOUT_KEY) === 'split' ? 'split' : 'inline'
  } catch {
    return 'inline'
  }
}

const linesOf = (text: string): string[] => text.replace(/\n$/, '').split('\n')

/** Rows for the side-by-side view: a removal followed by an addition is paired line by line. */
export function splitRows(diff: TextDiff): Row[] {
  const rows: Row[] = []
  const hunks = diff.hunks
  for (let i = 0; i < hunks.length; i++) {
    const h = hunks[i] as TextDiff['hunks'][number]
    if (h.kind === 'same') {
      for (const text of linesOf(h.text)) rows.push({ left: { kind: 'same', text }, right: { kind: 'same', text } })
      continue
    }
    const next = hunks[i + 1]
    const del = h.kind === 'del' ? linesOf(h.text) : []
    const add = h.kind === 'add' ? linesOf(h.text) : next?.kind === 'add' ? linesOf(next.text) : []
    if (h.kind === 'del' && next?.kind === 'add') i++
    for (let j = 0; j < Math.max(del.length, add.length); j++) {
      const l = del[j]
      const r = add[j]
      rows.push({ left: l === undefined ? null : { kind: 'del', text: l }, right: r === undefined ? null : { kind: 'add', text: r } })
    }
  }
  return rows
}

function Cell({ line }: { line: Row['left'] }): React.JSX.Element {
  if (!line) return <td className="diff-cell empty" />
  const mark = line.kind === 'add' ? '+ ' : line.kind === 'del' ? '− ' : '  '
  const body = <><span className="diff-mark" aria-hidden="true">{mark}</span>{line.text || ' '}</>
  return <td className="diff-cell">{line.kind === 'add' ? <ins>{body}</ins> : line.kind === 'del' ? <del>{body}</del> : body}</td>
}

export function DiffView({ diff, testid }: { diff: TextDiff | null; testid?: string }): React.JSX.Element {
  const { t } = useTranslation()
  const [layout, setLayout] = useState<Layout>(savedLayout)
  if (!diff) return <p className="muted" data-testid={testid}>{t('common.loading')}</p>
  if (diff.tooLarge) return <p className="warning" data-testid={testid}>{t('diff.tooLarge')}</p>
  if (diff.hunks.every((h) => h.kind === 'same')) return <p className="muted" data-testid={testid}>{t('diff.none')}</p>
  const choose = (l: Layout): void => {
    setLayout(l)
    try {
      localStorage.setItem(LAYOUT_KEY, l)
    } catch {
      // Private mode: the choice lasts for this page only.
    }
  }
  const lines = diff.hunks.flatMap((h) => linesOf(h.text).map((text) => ({ kind: h.kind, text })))
  return (
    <div data-testid={testid} data-layout={layout}>
      <div className="row diff-toggle" role="group" aria-label={t('diff.layout')}>
        <button type="button" className="secondary small" aria-pressed={layout === 'inline'} data-testid="diff-inline" onClick={() => choose('inline')}>{t('diff.inline')}</button>
        <button type="button" className="secondary small" aria-pressed={layout === 'split'} data-testid="diff-split" onClick={() => choose('split')}>{t('diff.split')}</button>
      </div>
      {layout === 'inline'
        ? (
          <div className="diff">
            {lines.map((l, i) => (l.kind === 'add'
              ? <ins key={i} className="diff-line"><span className="diff-mark" aria-hidden="true">+ </span>{l.text || ' '}</ins>
              : l.kind === 'del'
                ? <del key={i} className="diff-line"><span className="diff-mark" aria-hidden="true">− </span>{l.text || ' '}</del>
                : <span key={i} className="diff-line"><span className="diff-mark" aria-hidden="true">  </span>{l.text || ' '}</span>))}
          </div>
          )
        : (
          <table className="diff diff-split">
            <thead><tr><th scope="col">{t('diff.before')}</th><th scope="col">{t('diff.after')}</th></tr></thead>
            <tbody>
              {splitRows(diff).map((r, i) => <tr key={i}><Cell line={r.left} /><Cell line={r.right} /></tr>)}
            </tbody>
          </table>
          )}
    </div>
  )
}
