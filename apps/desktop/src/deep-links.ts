/**
 * DESK-2: `polity://join?…` links the operating system hands over — in the
 * first process's argv (cold start), a second instance's argv (Linux,
 * Windows) or `open-url` (macOS) — reach the UI as a typed `deepLink` event.
 * Links that come before the UI listens wait for it. Any web page can open a
 * polity:// link, so a link only fills in the Join screen: nothing joins until
 * the member presses Join. Other polity:// links, oversized links and links
 * with spaces, control or formatting (bidi) characters are ignored.
 */
export const MAX_LINK_LENGTH = 8192
/** Links kept while the UI is not listening; older ones are dropped. */
export const MAX_WAITING_LINKS = 4

/** The join link in `s`, normalised (`polity://join/?…` as some launchers pass it), or undefined. */
export function joinLink(s: unknown): string | undefined {
  if (typeof s !== 'string' || s.length > MAX_LINK_LENGTH) return undefined
  const m = /^polity:\/\/join\/?\?([^\s\p{Cc}\p{Cf}]*)$/iu.exec(s)
  return m && m[1] !== '' ? `polity://join?${m[1]}` : undefined
}

export function joinLinkIn(argv: readonly string[]): string | undefined {
  for (const a of argv) {
    const link = joinLink(a)
    if (link) return link
  }
  return undefined
}

export class DeepLinks {
  private listening = false
  private readonly waiting: string[] = []

  constructor(private readonly deliver: (url: string) => void) {}

  /** A link from the operating system; false when it is not one we act on. */
  accept(url: unknown): boolean {
    const link = joinLink(url)
    if (!link) return false
    if (this.listening) this.deliver(link)
    else {
      this.waiting.push(link)
      if (this.waiting.length > MAX_WAITING_LINKS) this.waiting.shift()
    }
    return true
  }

  /** The UI subscribed to events: hand over what waited. */
  uiListening(): void {
    this.listening = true
    for (const link of this.waiting.splice(0)) this.deliver(link)
  }

  /** The page is loading again or the window closed: hold links until the UI listens. */
  uiGone(): void {
    this.listening = false
  }
}
