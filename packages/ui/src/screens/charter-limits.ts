/**
 * The draft's limits in the editor, shown before they bite (CHARTER-MD-2).
 *
 * - A draft is at most 65,536 characters (an amended charter's bound,
 *   CHARTER-E4): typing, pasting or dropping past it is refused and says so;
 *   nothing already in the draft is touched.
 * - Each Yjs update the editor sends is at most 64 KiB (CHARTER-Y4): a paste
 *   is inserted in runs of PASTE_RUN characters (at most 3 UTF-8 bytes a
 *   UTF-16 unit, so well under 64 KiB each), one transaction, one update, per
 *   run; any other input that inserts more at once (a drop) is refused.
 */
import { EditorState, type Extension, type Transaction } from '@codemirror/state'
import { EditorView } from '@codemirror/view'

/** The longest draft, in UTF-16 code units like the node's check (CHARTER-E4). */
export const DRAFT_MAX = 65_536
/** Characters inserted per transaction when pasting. */
export const PASTE_RUN = 8_192

export type LimitProblem = { readonly kind: 'tooLong'; readonly adding: number; readonly room: number } | { readonly kind: 'dropTooLarge'; readonly adding: number }

const inserted = (tr: Transaction): number => {
  let n = 0
  tr.changes.iterChanges((_fa, _ta, _fb, _tb, text) => {
    n += text.length
  })
  return n
}

/** Room left for a change that replaces `replacing` characters. */
const roomOf = (state: EditorState, replacing: number): number => DRAFT_MAX - state.doc.length + replacing

/** Refuses local input past the limits, reporting why; remote (Yjs) changes always pass: they are already signed. */
export function draftLimits(report: (p: LimitProblem) => void): Extension {
  const filter = EditorState.transactionFilter.of((tr) => {
    if (!tr.docChanged || !tr.isUserEvent('input')) return tr
    const adding = inserted(tr)
    if (tr.newDoc.length > DRAFT_MAX && tr.newDoc.length > tr.startState.doc.length) {
      report({ kind: 'tooLong', adding, room: Math.max(0, DRAFT_MAX - (tr.newDoc.length - adding)) })
      return []
    }
    if (adding > PASTE_RUN && !tr.isUserEvent('input.paste')) {
      report({ kind: 'dropTooLarge', adding })
      return []
    }
    return tr
  })
  const paste = EditorView.domEventHandlers({
    paste(event, view) {
      const text = event.clipboardData?.getData('text/plain') ?? ''
      if (text.length === 0) return false
      event.preventDefault()
      const { from, to } = view.state.selection.main
      const room = roomOf(view.state, to - from)
      const clean = text.replace(/\r\n?/g, '\n')
      if (clean.length > room) {
        report({ kind: 'tooLong', adding: clean.length, room: Math.max(0, room) })
        return true
      }
      // One run per transaction (and so per Yjs update); a run never ends between the halves of a surrogate pair.
      let at = from
      let replace = to
      for (let i = 0; i < clean.length;) {
        let end = Math.min(clean.length, i + PASTE_RUN)
        const c = clean.charCodeAt(end - 1)
        if (end < clean.length && c >= 0xd800 && c <= 0xdbff) end++
        const run = clean.slice(i, end)
        view.dispatch({ changes: { from: at, to: replace, insert: run }, selection: { anchor: at + run.length }, userEvent: 'input.paste', scrollIntoView: true })
        at += run.length
        replace = at
        i = end
      }
      return true
    },
  })
  return [filter, paste]
}
