/**
 * DIFF-1: one bounded line diff. Small edits give hunks that rebuild both
 * texts exactly; texts too different to diff within the cap say so instead
 * of allocating a table the size of their product (two 15,000-line texts
 * once took ~1 GB; a 64 KiB all-newline charter would have needed ~17 GB).
 */
import { describe, expect, it } from 'vitest'
import type { TextDiff } from '@polity/api'
import { lineDiff, MAX_EDITS } from '../src/diff'
import { withIdentity } from './helpers'

const sides = (d: TextDiff): [string, string] => [
  d.hunks.filter((h) => h.kind !== 'add').map((h) => h.text).join(''),
  d.hunks.filter((h) => h.kind !== 'del').map((h) => h.text).join(''),
]

describe('charter diff (DIFF-1)', () => {
  it('DIFF-1: a few changed lines in 15,000 give hunks that rebuild both texts (the control)', () => {
    const a = Array.from({ length: 15_000 }, (_, i) => `line ${i}`).join('\n')
    const lines = a.split('\n')
    lines[10] = 'changed'
    lines.splice(7_000, 3)
    lines.push('appended')
    const b = lines.join('\n')
    const d = lineDiff(a, b)
    expect(d.tooLarge).toBe(false)
    expect(sides(d)).toEqual([a, b])
    expect(d.hunks.filter((h) => h.kind === 'add').map((h) => h.text)).toEqual(['changed\n', 'line 14999\nappended'])
    expect(lineDiff('', '')).toEqual({ hunks: [], tooLarge: false })
    expect(lineDiff('same\n', 'same\n')).toEqual({ hunks: [{ kind: 'same', text: 'same\n' }], tooLarge: false })
  })

  it('DIFF-1: two wholly different 15,000-line texts, and a 64 KiB all-newline charter against text, are too large to diff, with bounded memory', () => {
    const before = process.memoryUsage().heapUsed
    const a = Array.from({ length: 15_000 }, (_, i) => `a ${i}`).join('\n')
    const b = Array.from({ length: 15_000 }, (_, i) => `b ${i}`).join('\n')
    expect(lineDiff(a, b)).toEqual({ hunks: [], tooLarge: true })
    const newlines = '\n'.repeat(65_536)
    expect(lineDiff(newlines, 'x\n'.repeat(32_768))).toEqual({ hunks: [], tooLarge: true })
    // Within the cap it is still a diff: all newlines against all newlines but a few lines.
    const near = lineDiff(newlines, `${'\n'.repeat(30_000)}x\n${'\n'.repeat(35_535)}`)
    expect(near.tooLarge).toBe(false)
    expect(sides(near)).toEqual([newlines, `${'\n'.repeat(30_000)}x\n${'\n'.repeat(35_535)}`])
    // The old n×m table would have held 225 million cells (900 MB) for the first pair.
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(300 * 1024 * 1024)
    expect(MAX_EDITS).toBeLessThan(15_000)
  })

  it('DIFF-1 (node): charterDiff and diffTexts answer through the API; a text over a charter\'s bound is refused', async () => {
    const { node } = await withIdentity('diff-api')
    const community = await node.createCommunity({ name: 'D', purpose: '', charter: '# One\n' })
    expect(await node.charterDiff({ community, from: 0, to: 0 })).toEqual({ hunks: [{ kind: 'same', text: '# One\n' }], tooLarge: false })
    expect(await node.diffTexts({ a: 'a\nb\n', b: 'a\nc\n' })).toEqual({
      hunks: [{ kind: 'same', text: 'a\n' }, { kind: 'del', text: 'b\n' }, { kind: 'add', text: 'c\n' }], tooLarge: false,
    })
    await expect(node.diffTexts({ a: 'x'.repeat(65_537), b: '' })).rejects.toThrow(/too long/)
    await node.close()
  })
})
