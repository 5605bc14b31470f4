/** Line diff for charter versions: delegates to the protocol's charter helpers. */
import type { DiffHunk } from '@polity/api'

/** Longest-common-subsequence line diff, grouped into hunks of one kind. */
export function lineDiff(a: string, b: string): DiffHunk[] {
  const x = a.split('\n')
  const y = b.split('\n')
  const n = x.length
  const m = y.length
  const lcs: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1))
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      ;(lcs[i] as Uint32Array)[j] = x[i] === y[j] ? ((lcs[i + 1] as Uint32Array)[j + 1] as number) + 1 : Math.max((lcs[i + 1] as Uint32Array)[j] as number, (lcs[i] as Uint32Array)[j + 1] as number)
    }
  }
  const out: DiffHunk[] = []
  const push = (kind: DiffHunk['kind'], line: string): void => {
    const last = out[out.length - 1]
    if (last && last.kind === kind) out[out.length - 1] = { kind, text: `${last.text}${line}\n` }
    else out.push({ kind, text: `${line}\n` })
  }
  let i = 0
  let j = 0
  while (i < n && j < m) {
    if (x[i] === y[j]) {
      push('same', x[i] as string)
      i++
      j++
    } else if (((lcs[i + 1] as Uint32Array)[j] as number) >= ((lcs[i] as Uint32Array)[j + 1] as number)) push('del', x[i++] as string)
    else push('add', y[j++] as string)
  }
  while (i < n) push('del', x[i++] as string)
  while (j < m) push('add', y[j++] as string)
  return out
}
