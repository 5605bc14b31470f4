/**
 * DIFF-1: the one line diff of charter texts (versions, a draft, an
 * amendment), by jsdiff's Myers algorithm with a cap: at most MAX_EDITS
 * changed lines and MAX_DIFF_MS of work. Past either the result says the
 * texts are too large to diff (`tooLarge`, no hunks) instead of using time
 * and memory that grow with the product of the texts' lengths.
 */
import { diffLines } from 'diff'
import type { TextDiff, DiffHunk } from '@polity/api'

/** The most lines added plus removed a diff computes (Myers' D). */
export const MAX_EDITS = 2_000
/** The longest a diff may work, in milliseconds (a guard beside MAX_EDITS). */
export const MAX_DIFF_MS = 500

export function lineDiff(a: string, b: string): TextDiff {
  if (a === b) return { hunks: a === '' ? [] : [{ kind: 'same', text: a }], tooLarge: false }
  const changes = diffLines(a, b, { maxEditLength: MAX_EDITS, timeout: MAX_DIFF_MS })
  if (changes === undefined) return { hunks: [], tooLarge: true }
  const hunks: DiffHunk[] = []
  for (const c of changes) {
    const kind: DiffHunk['kind'] = c.added ? 'add' : c.removed ? 'del' : 'same'
    const last = hunks[hunks.length - 1]
    if (last && last.kind === kind) hunks[hunks.length - 1] = { kind, text: last.text + c.value }
    else hunks.push({ kind, text: c.value })
  }
  return { hunks, tooLarge: false }
}
