/**
 * Roster frontiers. The roster at an op's causal past is a function of the
 * roster ops in that past; the *frontier* is the set of maximal roster ops
 * there. Frontiers are interned, so in the common case (a run of ops with no
 * new roster op between them) every op shares one object and the roster state
 * behind it is computed once.
 */
export interface Frontier {
  readonly key: string
  /** Roster-op ordinals (positions in RosterDag.ops), ascending. */
  readonly items: readonly number[]
}

export const EMPTY_FRONTIER: Frontier = { key: '', items: [] }

export class FrontierInterner {
  private readonly table = new Map<string, Frontier>([['', EMPTY_FRONTIER]])

  intern(items: number[]): Frontier {
    items.sort((a, b) => a - b)
    const key = items.join(',')
    let f = this.table.get(key)
    if (!f) this.table.set(key, (f = { key, items }))
    return f
  }
}
