/** A charter text rendered from Markdown (CHARTER-MD-1: markdown-it, no HTML from the text, safe links only). */
import { useMemo } from 'react'
import { renderMarkdown } from './render'
import '../screens/charter.css'

export function Markdown({ text, testid }: { text: string; testid?: string }): React.JSX.Element {
  const html = useMemo(() => renderMarkdown(text), [text])
  // The only innerHTML in the UI: markdown-it's output with html: false, so every tag in it is markdown-it's own.
  return <div className="markdown" data-testid={testid} dangerouslySetInnerHTML={{ __html: html }} />
}
