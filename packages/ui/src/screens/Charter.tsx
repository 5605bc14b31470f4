/**
 * The charter: ratified versions, and the shared draft. The draft is edited
 * as Yjs updates under this device's bound clientID; remote edits arrive as
 * `draft` events and merge into the same document.
 */
import { useEffect, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import * as Y from 'yjs'
import type { CommunityId, CommunityState } from '@polity/api'
import { messageOf, useApi } from '../api-context'
import { ErrorText } from './widgets'

/** Turn `text` into `next` with one delete and one insert around the common prefix and suffix. */
function applyTextChange(text: Y.Text, next: string): void {
  const cur = text.toString()
  if (cur === next) return
  let start = 0
  while (start < cur.length && start < next.length && cur[start] === next[start]) start++
  let endCur = cur.length
  let endNext = next.length
  while (endCur > start && endNext > start && cur[endCur - 1] === next[endNext - 1]) {
    endCur--
    endNext--
  }
  text.doc?.transact(() => {
    if (endCur > start) text.delete(start, endCur - start)
    if (endNext > start) text.insert(start, next.slice(start, endNext))
  })
}

export function Charter({ id, state, onChange }: { id: CommunityId; state: CommunityState; onChange: () => void }): React.JSX.Element {
  const api = useApi()
  const { t } = useTranslation()
  const doc = useRef<Y.Doc | null>(null)
  const [text, setText] = useState('')
  const [error, setError] = useState<string | null>(null)
  useEffect(() => {
    let live = true
    const d = new Y.Doc()
    const ytext = d.getText('draft')
    d.on('update', (u: Uint8Array, origin: unknown) => {
      if (origin !== 'remote') void api.editDraft({ community: id, update: u }).catch((e: unknown) => setError(messageOf(e)))
    })
    ytext.observe(() => setText(ytext.toString()))
    api.getDraft({ community: id }).then((draft) => {
      if (!live) return
      d.clientID = draft.clientId
      Y.applyUpdate(d, draft.update, 'remote')
      doc.current = d
      setText(ytext.toString())
    }, (e: unknown) => setError(messageOf(e)))
    const un = api.subscribe((e) => {
      if (e.type === 'draft' && e.community === id) Y.applyUpdate(d, e.update, 'remote')
    })
    return () => {
      live = false
      un()
      d.destroy()
    }
  }, [api, id])
  const edit = (next: string): void => {
    setText(next)
    if (doc.current) applyTextChange(doc.current.getText('draft'), next)
  }
  return (
    <div>
      <h2>{t('charter.versions')}</h2>
      <ol className="list" data-testid="charter-versions">
        {state.charter.versions.map((v) => (
          <li key={v.version}><details><summary>{t('charter.version', { n: v.version })}</summary><pre>{v.text}</pre></details></li>
        ))}
      </ol>
      <div className="field">
        <label htmlFor="charter-draft">{t('charter.draft')}</label>
        <textarea id="charter-draft" data-testid="charter-editor" rows={14} value={text} onChange={(e) => edit(e.target.value)} />
      </div>
      <div className="row">
        <button type="button" data-testid="save-draft" onClick={() => void api.flushDraft({ community: id }).then(onChange, (e: unknown) => setError(messageOf(e)))}>{t('charter.saveDraft')}</button>
      </div>
      <ErrorText error={error} />
    </div>
  )
}
