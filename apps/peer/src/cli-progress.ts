/**
 * BRIDGE-9 on the command line: the node's progress events (replay, import,
 * unlock, identity, sync) as one line on stderr redrawn in place — only when
 * stderr is a terminal; piped or redirected, nothing is printed.
 */
import type { PolityEvent } from '@polity/api'

const LABELS: ReadonlyMap<string, string> = new Map([
  ['replay', 'Opening the community'], ['import', 'Importing'], ['unlock', 'Unlocking'], ['identity', 'Protecting the keys'], ['sync', 'Syncing'],
])
const WIDTH = 24

/** One progress line: `Importing [######------] 120/400`. */
export function progressLine(e: Extract<PolityEvent, { type: 'progress' }>): string {
  const filled = e.total > 0 ? Math.floor((e.done * WIDTH) / e.total) : WIDTH
  const count = e.task === 'unlock' || e.task === 'identity' ? `${Math.floor((e.done * 100) / Math.max(1, e.total))}%` : `${e.done}/${e.total}`
  return `${LABELS.get(e.task) ?? e.task} [${'#'.repeat(filled)}${'-'.repeat(WIDTH - filled)}] ${count}`
}

/** Print a node's progress on stderr while `fn` runs, when stderr is a TTY. Returns the unsubscribe. */
export function showProgress(node: { subscribe(l: (e: PolityEvent) => void): () => void }, stream: NodeJS.WriteStream = process.stderr): () => void {
  if (!stream.isTTY) return () => undefined
  let open = false
  const off = node.subscribe((e) => {
    if (e.type !== 'progress') return
    stream.write(`\r\x1b[2K${progressLine(e)}`)
    open = e.done < e.total
    if (!open) stream.write('\n')
  })
  return () => {
    off()
    if (open) stream.write('\n')
  }
}
