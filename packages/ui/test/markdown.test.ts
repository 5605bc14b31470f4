/** Charter Markdown renders with no markup from the text and no unsafe links (CHARTER-MD-1). */
import { describe, expect, it } from 'vitest'
import { renderMarkdown, safeLink } from '../src/markdown/render'

describe('charter Markdown (CHARTER-MD-1)', () => {
  it('CHARTER-MD-1: headings, lists, emphasis and safe links render', () => {
    const html = renderMarkdown('# Charter\n\n1. **Free** speech\n2. _Fair_ votes\n\nSee [the site](https://example.org) or <https://polity.example/x>.')
    expect(html).toContain('<h1>Charter</h1>')
    expect(html).toContain('<ol>')
    expect(html).toContain('<strong>Free</strong>')
    expect(html).toContain('<em>Fair</em>')
    expect(html).toContain('href="https://example.org"')
    expect(html).toContain('rel="noopener noreferrer"')
    expect(html).toContain('href="https://polity.example/x"')
  })
  it('CHARTER-MD-1: raw HTML in the text is escaped, never markup', () => {
    const html = renderMarkdown('<script>alert(1)</script>\n\n<img src=x onerror=alert(1)> <a href="javascript:alert(1)">x</a> <iframe src="https://e.org"></iframe>')
    expect(html).not.toMatch(/<script|<img|<iframe|<a href="(?!https:)/i)
    expect(html).toContain('&lt;script&gt;')
  })
  it('CHARTER-MD-1: javascript:, vbscript:, data: and file: links are not links, however written', () => {
    const attempts = [
      '[x](javascript:alert(1))', '[x](JavaScript:alert(1))', '[x](javascript&#58;alert(1))', '[x](java%09script:alert(1))',
      '[x](<java\tscript:alert(1)>)', '[x](vbscript:msgbox(1))', '[x](data:text/html;base64,PHNjcmlwdD4=)', '[x](file:///etc/passwd)',
      '[x][r]\n\n[r]: javascript:alert(1)', '<javascript:alert(1)>',
    ]
    for (const a of attempts) {
      const html = renderMarkdown(a)
      expect(html, a).not.toMatch(/href="(?!https?:|mailto:)[^"]*:/i)
      expect(html.toLowerCase(), a).not.toContain('href="javascript')
      expect(html.toLowerCase(), a).not.toContain('href="data')
    }
    expect(safeLink('https://a.org')).toBe(true)
    expect(safeLink('mailto:a@b.org')).toBe(true)
    expect(safeLink('#part-2')).toBe(true)
    expect(safeLink(' javascript:x')).toBe(false)
    expect(safeLink('data:image/png;base64,AAAA')).toBe(false)
  })
  it('CHARTER-MD-1: images are not loaded (shown as text)', () => {
    expect(renderMarkdown('![tracker](https://evil.example/pixel.png)')).not.toContain('<img')
  })
})
