/**
 * The charter: the shared draft in CodeMirror 6 bound to the Yjs draft
 * through y-codemirror.next, who is editing, the ratified versions, a diff
 * between any two, and "propose this draft as an amendment".
 *
 * The UI's Y.Doc uses this device's bound Yjs clientID (CHARTER-B1); every
 * local change goes to `editDraft` as a Yjs update and the node signs one op
 * per pause. Remote edits arrive as `draft` events and merge into the same
 * document. Presence: the sync protocol carries signed ops only, no ephemeral
 * awareness (cursors would leak activity to every peer and cost a signature
 * each), so the editor names the members whose signed edits arrived in the
 * last two minutes (see docs/ARCHITECTURE.md, "The UI").
 */
import { useEffect, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Link } from 'wouter'
import * as Y from 'yjs'
import { EditorView, drawSelection, highlightActiveLine, keymap, type Command } from '@codemirror/view'
import { EditorState, Prec } from '@codemirror/state'
import { yCollab, yUndoManagerKeymap } from 'y-codemirror.next'
import { touchesEntrenched, type CharterView, type CommunityId, type TextDiff } from '@polity/api'
import { messageOf, useApi } from '../api-context'
import { ErrorText, Field } from './widgets'
import { DiffView, useMemberName, useMemberNames, useView, useMe, useTextDiff, VersionSelect, When } from './common'
import { floorOf, MethodFields, methodDraftOf, methodOf, type MethodDraft } from './rules-form'
import { chipColours, hueOfClient } from '../look/colours'
import { useTheme, type Theme } from '../look/theme'
import { charterVersionPath } from '../routes'

/** Enter inserts a line break (the editor has no command package; typing, deletion and arrows are the browser's). */
const newline: Command = (view) => {
  view.dispatch({ ...view.state.replaceSelection('\n'), scrollIntoView: true, userEvent: 'input.type' })
  return true
}

/** A stable colour per Yjs client whose text passes 4.5:1 in either theme (look/colours.ts). */
const chipStyle = (client: number, theme: Theme): React.CSSProperties => chipColours(hueOfClient(client), theme)

/** Remote editors (member id, or a Yjs client id when the signer is unknown) with when their last edit arrived. */
type Seen = ReadonlyMap<string, { readonly client: number; readonly member: string | null; readonly time: number }>

function clientsOf(update: Uint8Array): number[] {
  try {
    const d = Y.decodeUpdate(update)
    return [...new Set(d.structs.map((s) => s.id.client))]
  } catch {
    return []
  }
}

function DraftEditor({ id, onText }: { id: CommunityId; onText: (text: string) => void }): React.JSX.Element {
  const api = useApi()
  const { t } = useTranslation()
  const { theme } = useTheme()
  const me = useMe()
  const host = useRef<HTMLDivElement | null>(null)
  const [ready, setReady] = useState(false)
  const [clientId, setClientId] = useState<number | null>(null)
  const [seen, setSeen] = useState<Seen>(new Map())
  const [error, setError] = useState<string | null>(null)
  const [, setTick] = useState(0)
  const labelId = 'charter-draft-label'
  useEffect(() => {
    let live = true
    const d = new Y.Doc()
    const ytext = d.getText('draft')
    let view: EditorView | null = null
    d.on('update', (u: Uint8Array, origin: unknown) => {
      if (origin !== 'remote') void api.editDraft({ community: id, update: u }).catch((e: unknown) => setError(messageOf(e)))
    })
    ytext.observe(() => onText(ytext.toString()))
    const remote = (u: Uint8Array, member: string | null): void => {
      Y.applyUpdate(d, u, 'remote')
      const client = clientsOf(u).find((c) => c !== d.clientID && c !== 0)
      if (client !== undefined) {
        const time = Date.now()
        setSeen((m) => new Map(m).set(member ?? `client:${client}`, { client, member, time }))
      }
    }
    const load = (): void => {
      api.getDraft({ community: id }).then((draft) => {
        if (!live) return
        Y.applyUpdate(d, draft.update, 'remote')
        // After the remote state, not before: Yjs gives a doc a new random client id when a remote update
        // carries structs under its own id (this device's earlier edits), and the node refuses those (CHARTER-Y1).
        d.clientID = draft.clientId
        if (view === null) setClientId(draft.clientId)
        onText(ytext.toString())
        if (view !== null || !host.current) return
        view = new EditorView({
          parent: host.current,
          state: EditorState.create({
            doc: ytext.toString(),
            extensions: [
              drawSelection(),
              highlightActiveLine(),
              EditorView.lineWrapping,
              Prec.high(keymap.of([...yUndoManagerKeymap, { key: 'Enter', run: newline }])),
              yCollab(ytext, null),
              EditorView.contentAttributes.of({ 'data-testid': 'charter-editor', 'aria-labelledby': labelId, 'aria-describedby': 'charter-presence' }),
            ],
          }),
        })
        setReady(true)
      }, (e: unknown) => setError(messageOf(e)))
    }
    load()
    const un = api.subscribe((e) => {
      if (e.type === 'draft' && e.community === id) remote(e.update, e.member)
    })
    // After the bridge reconnects, events may have been missed: merge the node's whole draft again (idempotent).
    const onConn = (api as { onConnection?: (l: (c: boolean) => void) => () => void }).onConnection
    const un2 = onConn?.((c) => {
      if (c) load()
    })
    const timer = setInterval(() => setTick((n) => n + 1), 5000)
    return () => {
      live = false
      clearInterval(timer)
      un()
      un2?.()
      view?.destroy()
      d.destroy()
    }
  }, [api, id, onText])
  const myName = useMemberName(id, me) ?? ''
  const recent = [...seen.entries()].filter(([key, s]) => key !== me && Date.now() - s.time < 120_000).sort((a, b) => b[1].time - a[1].time)
  const names = useMemberNames(id, recent.map(([, s]) => s.member).filter((m): m is string => m !== null))
  return (
    <div>
      <h3 id={labelId}>{t('charter.draft')}</h3>
      <div id="charter-presence" className="presence" data-testid="presence" aria-live="polite">
        {clientId !== null && <span className="chip" style={chipStyle(clientId, theme)}>{t('charter.youEditing', { name: myName })}</span>}
        {recent.length === 0
          ? <span className="muted">{t('charter.noOthers')}</span>
          : recent.map(([key, s], i) => (
            <span key={key} className="chip" data-testid="presence-remote" style={chipStyle(s.client, theme)}>
              {s.member === null ? t('charter.otherDevice', { n: i + 1 }) : t('charter.otherEditing', { name: names.get(s.member) ?? `${s.member.slice(0, 8)}…` })} · <When time={s.time} />
            </span>
          ))}
      </div>
      <p className="muted small">{t('charter.presenceNote')}</p>
      {!ready && <p>{t('common.loading')}</p>}
      <div ref={host} className="editor" />
      <ErrorText error={error} />
    </div>
  )
}

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
              <pre>{v.text}</pre>
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
