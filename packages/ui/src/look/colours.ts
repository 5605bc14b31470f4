/**
 * Colours derived from a key or a Yjs client (A11Y-1): a hue from the key,
 * then a lightness and text colour per theme chosen so that the chip's text
 * keeps 4.5:1 or more for every one of the 360 hues (test/presence-colour.test.ts
 * checks them all). Light theme: a dark chip with white text; dark theme: a
 * light chip with near-black text, so the chip also stands out on the page.
 */
import type { Theme } from './theme'

export const CHIP = {
  light: { saturation: 55, lightness: 28, text: '#ffffff' },
  dark: { saturation: 60, lightness: 80, text: '#111418' },
} as const

/** A hue (0–359) from a Yjs client id (golden-angle steps, so neighbouring ids differ). */
export const hueOfClient = (client: number): number => Math.floor((client * 137.508) % 360)

/** A hue (0–359) from a hex key (a member or community id): its first 16 bits. */
export const hueOfKey = (hex: string): number => (Number.parseInt(hex.slice(0, 4), 16) || 0) % 360

export function chipColours(hue: number, theme: Theme): { background: string; color: string } {
  const c = CHIP[theme]
  return { background: `hsl(${hue}deg ${c.saturation}% ${c.lightness}%)`, color: c.text }
}
