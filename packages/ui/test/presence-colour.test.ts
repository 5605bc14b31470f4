/// <reference types="node" />
/**
 * A11Y-1 (axe colour contrast): every presence chip colour on the charter
 * screen keeps white text at 4.5:1 or more, whatever the Yjs client id (it is
 * random per device, so a weak hue made the e2e axe check fail by chance).
 */
import { describe, expect, it } from 'vitest'
import { colourOf } from '../src/screens/Charter'

const lin = (c: number): number => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4)

/** Contrast of white on `hsl(h deg s% l%)`, as WCAG defines it. */
function contrastWithWhite(css: string): number {
  const [h, s, l] = (/hsl\(([\d.]+)deg (\d+)% (\d+)%\)/.exec(css) as RegExpExecArray).slice(1).map(Number) as [number, number, number]
  const a = (s / 100) * Math.min(l / 100, 1 - l / 100)
  const f = (n: number): number => {
    const k = (n + h / 30) % 12
    return l / 100 - a * Math.max(-1, Math.min(k - 3, 9 - k, 1))
  }
  const L = 0.2126 * lin(f(0)) + 0.7152 * lin(f(8)) + 0.0722 * lin(f(4))
  return 1.05 / (L + 0.05)
}

describe('presence colours', () => {
  it('A11Y-1: white text on every presence colour meets 4.5:1 (every client id modulo the hue cycle, seeded sample)', () => {
    let worst = Infinity
    for (let client = 0; client < 20_000; client++) worst = Math.min(worst, contrastWithWhite(colourOf(client * 7919 + 20261202)))
    expect(worst).toBeGreaterThanOrEqual(4.5)
  })
})
