/**
 * Light and dark themes: the OS's `prefers-color-scheme` unless the person
 * picked one (kept in localStorage on this device). The resolved theme is set
 * on <html data-theme> so styles.css's variables follow it.
 */
import { useEffect, useSyncExternalStore } from 'react'

export type ThemePref = 'system' | 'light' | 'dark'
export type Theme = 'light' | 'dark'
const KEY = 'polity.theme'
const listeners = new Set<() => void>()
const dark = (): MediaQueryList | null => (typeof matchMedia === 'function' ? matchMedia('(prefers-color-scheme: dark)') : null)

export function themePref(): ThemePref {
  const v = typeof localStorage === 'undefined' ? null : localStorage.getItem(KEY)
  return v === 'light' || v === 'dark' ? v : 'system'
}

export function setThemePref(p: ThemePref): void {
  if (p === 'system') localStorage.removeItem(KEY)
  else localStorage.setItem(KEY, p)
  for (const l of listeners) l()
}

export function resolvedTheme(): Theme {
  const p = themePref()
  return p === 'system' ? (dark()?.matches ? 'dark' : 'light') : p
}

function subscribe(l: () => void): () => void {
  listeners.add(l)
  const mq = dark()
  mq?.addEventListener('change', l)
  return () => {
    listeners.delete(l)
    mq?.removeEventListener('change', l)
  }
}

/** The person's choice and the theme in force, kept in step with the OS and with <html data-theme>. */
export function useTheme(): { pref: ThemePref; theme: Theme } {
  const pref = useSyncExternalStore(subscribe, themePref)
  const theme = useSyncExternalStore(subscribe, resolvedTheme)
  useEffect(() => {
    document.documentElement.dataset['theme'] = theme
    document.documentElement.style.colorScheme = theme
  }, [theme])
  return { pref, theme }
}
