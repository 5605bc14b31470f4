/**
 * The charter: the shared Markdown draft (`charter-editor.tsx`) with a
 * rendered preview, the ratified versions rendered from Markdown
 * (CHARTER-MD-1), a diff between any two (inline or side by side, DIFF-1),
 * and "propose this draft as an amendment".
 */
import { useEffect, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Link } from 'wouter'
import { touchesEntrenched, type CharterView, type CommunityId, type TextDiff } from '@polity/api'
import { messageOf, useApi } from '../api-context'
import { ErrorText, Field } from './widgets'
import { DiffView, useView, useTextDiff, VersionSelect } from './common'
import { DraftEditor } from './charter-editor'
import { Markdown } from '../markdown/Markdown'

import { floorOf, MethodFields, methodDraftOf, methodOf, type MethodDraft } from './rules-form'
import { charterVersionPath } from '../routes'

function Versions({ id, state, linked }: { id: CommunityId; state: CharterView; linked: number | null }): React.JSX.Element {
  const api = useApi()
  const { t, i18n } = useTranslation()
  const versions = state.charter.versions
  const last = versions.length - 1
  const [from, setFrom] = useState(Math.max(0, last - 1))
  const [to, setTo] = useState(last)
  const [diff, setDiff] = useState<TextDiff | null>(null)
  const [error, setError] = useState<string | null>(null)
  const linkedRef = useRef<HTMLLIElement | null>(null)
  // Opened by a link or a reload: bring that version into view.
  useEffect(() => {
    linkedRef.current?.scrollIntoView({ block: 'start' })
  }, [linked])
  useEffect(() => {
    setFrom(Math.max(0, last - 1))
    setTo(last)
  }, [last])
  useEffect(() => {
    let live = true
    setDiff(null)
    api.charterDiff({ community: id, from, to }).then((d) => {
      if (live) setDiff(d)
    }, (e: unknown) => setError(messageOf(e)))
    return () => {
      live = false
    }
  }, [api, id, from, to, last])
  return (
    <div>
      <h2>{t('charter.versions')}</h2>
      <ol className="list" data-testid="charter-versions" start={0}>
        {versions.map((v) => (
          <li key={v.version} data-testid="charter-version" data-version={v.version} ref={v.version === linked ? linkedRef : undefined} className={v.version === linked ? 'linked' : undefined}>
            <details open={v.version === linked || undefined}>
              <summary>{t('charter.version', { n: v.version })} · {new Date(v.time).toLocaleString(i18n.language)}{v.proposal ? ` · ${t('charter.byProposal', { title: v.title ?? '' })}` : ` · ${t('charter.founding')}`}</summary>
              <Markdown text={v.text} testid="charter-version-text" />
            </details>
            <Link href={charterVersionPath(id, v.version)} className="small" data-testid="charter-version-link">{t('charter.linkToVersion', { n: v.version })}</Link>
          </li>
        ))}
      </ol>
      {versions.length > 1 && (
        <div>
          <h3>{t('charter.compare')}</h3>
          <div className="row">
            <VersionSelect id="diff-from" label={t('charter.from')} versions={versions} value={from} onChange={setFrom} />
            <VersionSelect id="diff-to" label={t('charter.to')} versions={versions} value={to} onChange={setTo} />
          </div>
          <DiffView diff={diff} testid="charter-diff" />
        </div>
      )}
      <ErrorText error={error} />
    </div>
  )
}

function ProposeAmendment({ id, state, draft, onDone }: { id: CommunityId; state: CharterView; draft: string; onDone: () => void }): React.JSX.Element {
  const api = useApi()
  const { t } = useTranslation()
  const next = state.charter.versions.length
  const [open, setOpen] = useState(false)
  const [title, setTitle] = useState('')
  const [text, setText] = useState('')
  const current = state.charter.versions[next - 1]?.text ?? ''
  // GOV-1: an amendment touching an entrenched clause needs the entrenched threshold too.
  const floor = floorOf(state.rules, 'amend', { entrenchedAmend: touchesEntrenched(current, draft) })
  const [method, setMethod] = useState<MethodDraft>(() => methodDraftOf(floor))
  const [note, setNote] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)
  const submit = async (): Promise<void> => {
    setError(null)
    const m = methodOf(method, floor)
    if ('problem' in m) return setError(t(m.problem, m.values))
    try {
      await api.flushDraft({ community: id })
      await api.createProposal({
        community: id, title: title.trim() || t('charter.amendTitle', { n: next }), text,
        action: { type: 'amend', charter: draft }, method: m.method, deadlineInHours: Number(method.hours),
      })
      setOpen(false)
      setNote(t('charter.proposed'))
      onDone()
    } catch (e) {
      setError(messageOf(e))
    }
  }
  return (
    <div>
      {!open && <button type="button" data-testid="propose-draft" disabled={draft === current} onClick={() => {
        setMethod(methodDraftOf(floor))
        setOpen(true)
        setNote(null)
      }}>{t('charter.propose')}</button>}
      {draft === current && !open && <span className="muted">{t('charter.sameAsCurrent')}</span>}
      {open && (
        <div className="form card inner" data-testid="amend-form">
          <h3>{t('charter.propose')}</h3>
          <Field label={t('proposals.titleField')} testid="amend-title" value={title} onChange={setTitle} />
          <Field label={t('proposals.text')} testid="amend-text" value={text} onChange={setText} multiline />
          <MethodFields value={method} onChange={setMethod} allowChoice={false} floor={floor} />
          <button type="button" data-testid="submit-amendment" onClick={() => void submit()}>{t('proposals.submit')}</button>
          <button type="button" className="secondary" onClick={() => setOpen(false)}>{t('common.cancel')}</button>
        </div>
      )}
      {note && <p role="status" data-testid="amend-note">{note}</p>}
      <ErrorText error={error} />
    </div>
  )
}

export function Charter({ id, version = null }: { id: CommunityId; version?: number | null }): React.JSX.Element {
  const api = useApi()
  const { t } = useTranslation()
  // VIEW-5, BRIDGE-8: refetched when versions change, never the whole community (the draft itself arrives as Yjs updates).
  const { value: state, error, refetch } = useView(id, ['charter'], () => api.charterView({ community: id }), [id])
  if (!state) return error ? <ErrorText error={error} /> : <p>{t('common.loading')}</p>
  return <CharterOf id={id} state={state} onChange={refetch} linked={version} />
}

function CharterOf({ id, state, onChange, linked }: { id: CommunityId; state: CharterView; onChange: () => void; linked: number | null }): React.JSX.Element {
  const api = useApi()
  const { t } = useTranslation()
  const [draft, setDraft] = useState(state.charter.draft)
  const [error, setError] = useState<string | null>(null)
  const current = state.charter.versions[state.charter.versions.length - 1]?.text ?? ''
  return (
    <div>
      <DraftEditor id={id} onText={setDraft} />
      <details data-testid="draft-preview">
        <summary>{t('charter.preview')}</summary>
        <Markdown text={draft} testid="draft-rendered" />
      </details>
      <div className="row">
        <button type="button" className="secondary" data-testid="save-draft" onClick={() => void api.flushDraft({ community: id }).then(onChange, (e: unknown) => setError(messageOf(e)))}>{t('charter.saveDraft')}</button>
      </div>
      <details>
        <summary>{t('charter.draftChanges', { n: state.charter.versions.length - 1 })}</summary>
        <DiffViewOf a={current} b={draft} />
      </details>
      <ProposeAmendment id={id} state={state} draft={draft} onDone={onChange} />
      <ErrorText error={error} />
      <Versions id={id} state={state} linked={linked} />
    </div>
  )
}

function DiffViewOf({ a, b }: { a: string; b: string }): React.JSX.Element {
  // Asked of the node after typing pauses, not on every keystroke (DIFF-1).
  return <DiffView diff={useTextDiff(a, b, 300)} testid="draft-diff" />
}
