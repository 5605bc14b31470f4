/**
 * Entrenched clauses (CHARTER-V3): Markdown blocks wrapped in
 * `<!-- entrenched -->` … `<!-- /entrenched -->`. Amending any of them — changing,
 * removing or adding one — needs the rules' entrenchedThreshold.
 */
const BLOCK = /<!--\s*entrenched\s*-->([\s\S]*?)<!--\s*\/entrenched\s*-->/g

export function entrenchedClauses(text: string): string[] {
  return [...text.matchAll(BLOCK)].map((m) => (m[1] as string).trim())
}

export function touchesEntrenched(oldText: string, newText: string): boolean {
  const a = entrenchedClauses(oldText)
  const b = entrenchedClauses(newText)
  return a.length !== b.length || a.some((x, i) => x !== b[i])
}
