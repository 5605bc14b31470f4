/**
 * Ancestry among roster ops. Roster ops are numbered in insertion order
 * (ordinals); an ancestor always has a smaller ordinal. For each roster op we
 * keep its highest ancestor (`top`) and the ordinals at or below it that are
 * NOT ancestors (`gaps`), as ascending closed intervals:
 *
 *   downset(j) = { k ≤ top(j) } \ gaps(j)
 *
 * Along linear history gaps are empty. An op built far behind the tip (a
 * stale join, a device link on an old past) shares its parent's gaps, and the
 * ops it missed are implied by `top`, so it costs O(1) however many roster
 * ops it is concurrent with. (The earlier representation listed every missed
 * op per roster op: 1,000 concurrent joins held ~500,000 entries, and
 * merging frontiers probed them ~170 million times.) An op built on a stale
 * one adds one interval; gaps are prefix views of shared arrays, so a chain
 * extends them in place.
 */

/** Closed intervals a0, b0, a1, b1, … (ascending, disjoint) in arr[0, len). */
export interface Gaps {
  readonly arr: number[]
  readonly len: number
}

const NO_GAPS: Gaps = { arr: [], len: 0 }

export interface Closure {
  /** Highest ordinal in the downset (−1 when empty). */
  readonly top: number
  readonly gaps: Gaps
}

const EMPTY_CLOSURE: Closure = { top: -1, gaps: NO_GAPS }

/** Is x in one of the intervals? Binary search. */
function inGaps(g: Gaps, x: number): boolean {
  let lo = 0
  let hi = (g.len >> 1) - 1
  while (lo <= hi) {
    const mid = (lo + hi) >> 1
    const a = g.arr[2 * mid] as number
    if (x < a) hi = mid - 1
    else if (x > (g.arr[2 * mid + 1] as number)) lo = mid + 1
    else return true
  }
  return false
}

/** The intervals of `g`, then [a, b] when non-empty (callers keep them ascending). */
function withInterval(g: Gaps, a: number, b: number): Gaps {
  if (a > b) return g
  // Extend the shared array in place when this view is its whole length; copy otherwise.
  const arr = g.len === g.arr.length ? g.arr : g.arr.slice(0, g.len)
  arr.push(a, b)
  return { arr, len: g.len + 2 }
}

/** Intersection of two ascending interval lists (flattened). */
function intersect(x: readonly number[], y: readonly number[]): number[] {
  const out: number[] = []
  let i = 0
  let j = 0
  while (i < x.length && j < y.length) {
    const a = Math.max(x[i] as number, y[j] as number)
    const b = Math.min(x[i + 1] as number, y[j + 1] as number)
    if (a <= b) out.push(a, b)
    if ((x[i + 1] as number) < (y[j + 1] as number)) i += 2
    else j += 2
  }
  return out
}

export class RosterAncestry {
  private readonly tops: number[] = []
  private readonly gapsOf: Gaps[] = []
  /** Deterministic work counter: ancestry questions asked and interval steps taken (tests bound it). */
  work = 0

  get size(): number {
    return this.tops.length
  }

  /** Register the next roster op, whose frontier (its maximal roster ancestors) is `items`. Returns its ordinal. */
  add(items: readonly number[]): number {
    const c = this.closureOf(items)
    this.tops.push(c.top)
    this.gapsOf.push(c.gaps)
    return this.tops.length - 1
  }

  /** Is roster op `i` in the causal past of roster op `j`? */
  isAncestor(i: number, j: number): boolean {
    this.work++
    return i < j && i <= (this.tops[j] as number) && !inGaps(this.gapsOf[j] as Gaps, i)
  }

  concurrent(a: number, b: number): boolean {
    return a !== b && !this.isAncestor(a, b) && !this.isAncestor(b, a)
  }

  /** The union of the closed downsets of `items` (a frontier): everything up to the highest item, minus gaps. */
  closureOf(items: readonly number[]): Closure {
    if (items.length === 0) return EMPTY_CLOSURE
    if (items.length === 1) {
      const p = items[0] as number
      return { top: p, gaps: withInterval(this.gapsOf[p] as Gaps, (this.tops[p] as number) + 1, p - 1) }
    }
    let q = items[0] as number
    for (const p of items) if (p > q) q = p
    let cur = this.outsideClosed(q, q)
    for (const p of items) {
      if (p === q || cur.length === 0) continue
      const outside = this.outsideClosed(p, q)
      this.work += cur.length + outside.length
      cur = intersect(cur, outside)
    }
    return { top: q, gaps: cur.length === 0 ? NO_GAPS : { arr: cur, len: cur.length } }
  }

  /** The ordinals up to `limit` outside p's closed downset (p and its ancestors), as intervals. */
  private outsideClosed(p: number, limit: number): number[] {
    const g = this.gapsOf[p] as Gaps
    const out = g.arr.slice(0, g.len)
    const top = this.tops[p] as number
    if (top + 1 <= p - 1) out.push(top + 1, p - 1)
    if (p + 1 <= limit) out.push(p + 1, limit)
    return out
  }

  /** Every ordinal in a closure, ascending. */
  members(c: Closure): number[] {
    const out: number[] = []
    let k = 0
    for (let i = 0; i < c.gaps.len; i += 2) {
      for (; k < (c.gaps.arr[i] as number); k++) out.push(k)
      k = (c.gaps.arr[i + 1] as number) + 1
    }
    for (; k <= c.top; k++) out.push(k)
    this.work += out.length
    return out
  }

  /**
   * The maximal elements of a union of frontiers. Each candidate is checked
   * against the maximal elements found so far (in descending order every
   * dominating op is among them), once per distinct downset: ops that share
   * their gaps and top (concurrent joins on one stale past) are one check.
   */
  maximal(items: Iterable<number>): number[] {
    const sorted = [...new Set(items)].sort((a, b) => b - a)
    const kept: number[] = []
    const groups = new Map<Gaps, Set<number>>()
    for (const i of sorted) {
      let dominated = false
      for (const [gaps, tops] of groups) {
        for (const top of tops) {
          this.work++
          if (i <= top && !inGaps(gaps, i)) {
            dominated = true
            break
          }
        }
        if (dominated) break
      }
      if (dominated) continue
      kept.push(i)
      const gaps = this.gapsOf[i] as Gaps
      let tops = groups.get(gaps)
      if (!tops) groups.set(gaps, (tops = new Set()))
      tops.add(this.tops[i] as number)
    }
    return kept
  }
}
