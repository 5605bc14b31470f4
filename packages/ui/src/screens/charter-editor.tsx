/**
 * The shared charter draft in CodeMirror 6: Markdown mode
 * (`@codemirror/lang-markdown`: list and quote markup continued on Enter),
 * the standard keymap (`@codemirror/commands`; undo/redo are the Yjs undo
 * manager's, so only this device's edits are undone), bound to the Yjs draft
 * through y-codemirror.next, with the size limit shown live and enforced
 * before the node would refuse an update (CHARTER-MD-2, `charter-limits.ts`).
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
import * as Y from 'yjs'
import { EditorView, drawSelection, highlightActiveLine, keymap } from '@codemirror/view'
import { EditorState, Prec } from '@codemirror/state'
import { defaultKeymap } from '@codemirror/commands'
import { markdown } from '@codemirror/lang-markdown'
import { HighlightStyle, syntaxHighlighting } from '@codemirror/language'
import { tags } from '@lezer/highlight'
import { yCollab, yUndoManagerKeymap } from 'y-codemirror.next'
import type { CommunityId } from '@polity/api'
import { messageOf, useApi } from '../api-context'
import { ErrorText } from './widgets'
import { useMemberName, useMemberNames, useMe, When } from './common'
import { DRAFT_MAX, draftLimits, type LimitProblem } from './charter-limits'
import { chipColours, hueOfClient } from '../look/colours'
import { useTheme, type Theme } from '../look/theme'

/** Markdown structure by weight and style only, no colours: readable in every theme. */
const markdownStyle = HighlightStyle.define([
  { tag: tags.heading, fontWeight: 'bold' },
  { tag: tags.heading1, fontWeight: 'bold', fontSize: '1.25em' },
  { tag: tags.heading2, fontWeight: 'bold', fontSize: '1.1em' },
  { tag: tags.strong, fontWeight: 'bold' },
  { tag: tags.emphasis, fontStyle: 'italic' },
  { tag: tags.strikethrough, textDecoration: 'line-through' },
  { tag: tags.link, textDecoration: 'underline' },
  { tag: tags.url, textDecoration: 'underline' },
  { tag: tags.monospace, fontFamily: 'monospace' },
  { tag: [tags.processingInstruction, tags.quote], fontStyle: 'italic' },
])

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

export function DraftEditor({ id, onText }: { id: CommunityId; onText: (text: string) => void }): React.JSX.Element {
  const api = useApi()
  const { t } = useTranslation()
  const me = useMe()
  const { theme } = useTheme()
  const host = useRef<HTMLDivElement | null>(null)
  const [ready, setReady] = useState(false)
  const [clientId, setClientId] = useState<number | null>(null)
  const [seen, setSeen] = useState<Seen>(new Map())
  const [error, setError] = useState<string | null>(null)
  const [problem, setProblem] = useState<LimitProblem | null>(null)
  const [length, setLength] = useState(0)
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
        setLength(ytext.length)
        if (view !== null || !host.current) return
        view = new EditorView({
          parent: host.current,
          state: EditorState.create({
            doc: ytext.toString(),
            extensions: [
              drawSelection(),
              highlightActiveLine(),
              EditorView.lineWrapping,
              markdown(),
              syntaxHighlighting(markdownStyle),
              Prec.high(keymap.of(yUndoManagerKeymap)),
              keymap.of(defaultKeymap),
              draftLimits(setProblem),
              EditorView.updateListener.of((u) => {
                if (u.docChanged) setLength(u.state.doc.length)
                if (u.transactions.some((tr) => tr.isUserEvent('input') || tr.isUserEvent('delete'))) setProblem(null)
              }),
              yCollab(ytext, null),
              EditorView.contentAttributes.of({ 'data-testid': 'charter-editor', 'aria-labelledby': labelId, 'aria-describedby': 'charter-presence charter-size' }),
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
      <SizeLine length={length} problem={problem} />
      <ErrorText error={error} />
    </div>
  )
}


/** "12,345 of 65,536 characters", and why the last paste or drop was refused (CHARTER-MD-2). */
function SizeLine({ length, problem }: { length: number; problem: LimitProblem | null }): React.JSX.Element {
  const { t, i18n } = useTranslation()
  const n = (x: number): string => x.toLocaleString(i18n.language)
  const near = length > DRAFT_MAX * 0.9
  return (
    <>
      <p id="charter-size" className={near ? 'warning small' : 'muted small'} data-testid="charter-size">
        {t('charter.size', { count: DRAFT_MAX, used: n(length), max: n(DRAFT_MAX) })}
      </p>
      {problem && (
        <p role="alert" className="error" data-testid="charter-limit">
          {problem.kind === 'tooLong'
            ? t('charter.pasteTooLong', { count: problem.adding, adding: n(problem.adding), room: n(problem.room), max: n(DRAFT_MAX) })
            : t('charter.dropTooLarge', { count: problem.adding, adding: n(problem.adding) })}
        </p>
      )}
    </>
  )
}
