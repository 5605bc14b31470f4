/// <reference types="node" />
/**
 * A11Y-1 (axe colour contrast): presence and identity chips take their hue
 * from a key or a Yjs client, so any of the 360 hues can turn up. Every hue
 * is checked, in both themes, for the chip's text against the chip — not the
 * keys a run happens to draw.
 */
import { describe, expect, it } from 'vitest'
import { CHIP, chipColours, hueOfClient, hueOfKey } from '../src/look/colours'

const lin = (c: number): number => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4)
const luminance = ([r, g, b]: readonly number[]): number => 0.2126 * lin(r as number) + 0.7152 * lin(g as number) + 0.0722 * lin(b as number)

/** `hsl(h deg s% l%)` as sRGB channels in 0..1 (CSS Color 4's conversion). */
function rgbOfHsl(css: string): number[] {
  const [h, s, l] = (/^hsl\(([\d.]+)deg (\d+)% (\d+)%\)$/.exec(css) as RegExpExecArray).slice(1).map(Number) as [number, number, number]
  const a = (s / 100) * Math.min(l / 100, 1 - l / 100)
  const f = (n: number): number => {
    const k = (n + h / 30) % 12
    return l / 100 - a * Math.max(-1, Math.min(k - 3, 9 - k, 1))
  }
  return [f(0), f(8), f(4)]
}

const rgbOfHex = (hex: string): number[] => [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16) / 255)

/** WCAG 2 contrast ratio of two colours. */
function contrast(a: readonly number[], b: readonly number[]): number {
  const [la, lb] = [luminance(a), luminance(b)]
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05)
}

describe('chip colours', () => {
  for (const theme of ['light', 'dark'] as const) {
    it(`A11Y-1: the text on a chip of each of the 360 hues has a contrast of at least 4.5:1 (${theme} theme)`, () => {
      let worst = { hue: -1, ratio: Infinity }
      for (let hue = 0; hue < 360; hue++) {
        const c = chipColours(hue, theme)
        const ratio = contrast(rgbOfHsl(c.background), rgbOfHex(c.color))
        if (ratio < worst.ratio) worst = { hue, ratio }
      }
      expect(worst.ratio, `hue ${worst.hue}`).toBeGreaterThanOrEqual(4.5)
    })
  }

  it('A11Y-1: the old colouring hsl(h 55% 32%) fails for some hues, so the check can fail', () => {
    const failing = Array.from({ length: 360 }, (_, h) => h).filter((h) => contrast(rgbOfHsl(`hsl(${h}deg 55% 32%)`), rgbOfHex(CHIP.light.text)) < 4.5)
    expect(failing.length).toBeGreaterThan(0)
  })

  it('A11Y-1: hues from clients and keys are whole degrees in 0..359', () => {
    for (const client of [0, 1, 7, 123456789, 2 ** 32 - 1]) {
      const h = hueOfClient(client)
      expect(Number.isInteger(h) && h >= 0 && h < 360).toBe(true)
    }
    expect(hueOfKey('ffff00')).toBe(0xffff % 360)
    expect(hueOfKey('')).toBe(0)
  })
})
