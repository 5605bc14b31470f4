/**
 * Charter Markdown to HTML (CHARTER-MD-1), with markdown-it.
 *
 * - `html: false`: any HTML in the text (`<script>`, `<img onerror>`, …) is
 *   escaped and shown as text, never parsed as markup.
 * - Links: only `http:`, `https:` and `mailto:` URLs and scheme-less ones
 *   (`#section`, relative) become links; `javascript:`, `vbscript:`, `data:`,
 *   `file:` and every other scheme stay plain text. Links open outside the
 *   app (`rel="noopener noreferrer"`).
 * - Images are off: a remote image would tell its host who read the charter
 *   and when (and the CSP refuses remote images anyway); `![alt](url)` shows
 *   as text.
 */
import MarkdownIt from 'markdown-it'

const SCHEME = /^([a-z][a-z0-9+.-]*):/i
const ALLOWED = new Set(['http', 'https', 'mailto'])

/** Whether a link target may be rendered as a link (markdown-it's validateLink, after its normalisation). */
export function safeLink(url: string): boolean {
  // Browsers ignore control characters and spaces inside a scheme ("java\tscript:"); so do we before looking.
  const u = url.replace(/[\u0000-\u0020\u007f-\u009f]/g, '')
  const m = SCHEME.exec(u)
  if (m) return ALLOWED.has((m[1] as string).toLowerCase())
  // No scheme before the first ':' might still be a scheme encoded as an entity; refuse any ':' before '/', '?' or '#'.
  return !/^[^/?#]*:/.test(u) && !/^[^/?#]*&#/i.test(u)
}

const md = new MarkdownIt({ html: false, linkify: true, typographer: false, breaks: false })
md.validateLink = safeLink
md.disable('image')

const defaultLinkOpen = md.renderer.rules.link_open ?? ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options))
md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
  const token = tokens[idx]
  if (token) {
    token.attrSet('rel', 'noopener noreferrer')
    token.attrSet('target', '_blank')
  }
  return defaultLinkOpen(tokens, idx, options, env, self)
}

/** The charter text as HTML that holds no markup from the text itself (CHARTER-MD-1). */
export function renderMarkdown(text: string): string {
  return md.render(text)
}
