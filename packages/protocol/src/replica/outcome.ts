/**
 * Tallies (TALLY-* in docs/PROTOCOL.md): pure functions of the eligible
 * voters and the one counted ballot per voter, in exact integer arithmetic
 * (fractions are compared by cross-multiplying BigInts; no floats anywhere).
 *
 * - TALLY-Q: quorum is met when (ballots cast, abstentions included) ×
 *   quorum.den ≥ eligible × quorum.num.
 * - TALLY-YN: yes/no/abstain passes when the quorum is met and
 *   yes × threshold.den > (eligible − abstain) × threshold.num: strictly more
 *   than the threshold of the eligible members who did not abstain. Members
 *   who did not vote count as not in favour, so a closer who leaves ballots
 *   out of its causal past can only make passing harder (omission safety).
 * - GOV-6: the quorum and threshold applied are the stricter of the
 *   proposal's own and the rules' floor at the close (decisions.ts).
 * - TALLY-AP: approval — the option(s) with the most approvals win; a tie
 *   for first place is a tie: the outcome names every tied option and the
 *   proposal does not pass (a decision nobody can break without a rule
 *   voters never saw). An empty ballot counts toward quorum.
 * - TALLY-IRV: ranked choice by instant runoff — each round counts every
 *   continuing ballot for its highest-ranked continuing option; an option
 *   with a strict majority of continuing ballots wins. Otherwise the option
 *   with the fewest votes is eliminated; ties for fewest are broken by fewer
 *   votes in the earliest round where they differ, then by the higher option
 *   index (later-listed options go first). Exhausted ballots are counted per
 *   round. If two options remain tied, the proposal does not pass (a tie).
 */
import type { Ballot, Method, Rules } from '../op/kinds'
import type { Op } from '../op/envelope'
import type { MemberId } from '../op/ids'
import type { CharterVersion } from './roster'
import { effectiveValues, requirementOf } from './decisions'

export interface Outcome {
  readonly passed: boolean
  readonly method: Method['type']
  /** Method-specific, serializable result (counts, rounds), for display and verification. */
  readonly detail: YesNoDetail | ApprovalDetail | IrvDetail
}

export interface YesNoDetail {
  readonly eligible: number
  readonly yes: number
  readonly no: number
  readonly abstain: number
  readonly quorumMet: boolean
  /** The quorum that applied (GOV-6), as [num, den]. */
  readonly quorum: readonly [number, number]
  /** The threshold that applied (GOV-6), as [num, den]. */
  readonly threshold: readonly [number, number]
  /** The entrenched threshold applied (GOV-1). */
  readonly entrenched: boolean
}

export interface ApprovalDetail {
  readonly eligible: number
  readonly ballots: number
  readonly quorumMet: boolean
  /** The quorum that applied (GOV-6). */
  readonly quorum: readonly [number, number]
  readonly approvals: readonly number[]
  /** Winning option indexes (more than one = a tie, which does not pass). */
  readonly winners: readonly number[]
}

export interface IrvRound {
  readonly counts: readonly number[]
  readonly exhausted: number
  readonly eliminated: number | null
}

export interface IrvDetail {
  readonly eligible: number
  readonly ballots: number
  readonly quorumMet: boolean
  /** The quorum that applied (GOV-6). */
  readonly quorum: readonly [number, number]
  readonly rounds: readonly IrvRound[]
  readonly winner: number | null
  readonly tie: readonly number[]
}

export interface OutcomeInput {
  readonly proposal: Op<'proposal.create'>['body']
  /** The members at the proposal's causal past (a roster's member map works as is: no copy per tally). */
  readonly eligible: readonly MemberId[] | { has(m: MemberId): boolean; readonly size: number }
  readonly ballots: ReadonlyMap<MemberId, Ballot>
  /** The rules at the close's causal past (GOV-6). */
  readonly rulesAtClose: Rules | null
  readonly charterAtClose: readonly CharterVersion[]
}

const big = BigInt

/** TALLY-Q */
export function quorumMet(cast: number, eligible: number, quorum: readonly [number, number]): boolean {
  return big(cast) * big(quorum[1]) >= big(eligible) * big(quorum[0])
}

export function tallyYesNo(ballots: readonly Ballot[], eligible: number, quorum: readonly [number, number], threshold: readonly [number, number], entrenched = false): { passed: boolean; detail: YesNoDetail } {
  let yes = 0
  let no = 0
  let abstain = 0
  for (const b of ballots) {
    if (b.type !== 'yesno') continue
    if (b.choice === 'yes') yes++
    else if (b.choice === 'no') no++
    else abstain++
  }
  const q = quorumMet(yes + no + abstain, eligible, quorum)
  // TALLY-YN: yes × den > (eligible − abstain) × num; members who did not vote are not in favour.
  const passed = q && big(yes) * big(threshold[1]) > big(Math.max(0, eligible - abstain)) * big(threshold[0])
  return { passed, detail: { eligible, yes, no, abstain, quorumMet: q, quorum, threshold, entrenched } }
}

export function tallyApproval(ballots: readonly Ballot[], options: number, eligible: number, quorum: readonly [number, number]): { passed: boolean; detail: ApprovalDetail } {
  const approvals = new Array<number>(options).fill(0)
  let cast = 0
  for (const b of ballots) {
    if (b.type !== 'approval') continue
    cast++
    for (const i of new Set(b.approve)) if (i < options) approvals[i] = (approvals[i] as number) + 1
  }
  const q = quorumMet(cast, eligible, quorum)
  const top = Math.max(0, ...approvals)
  const winners = top === 0 ? [] : approvals.flatMap((n, i) => (n === top ? [i] : []))
  return { passed: q && winners.length === 1, detail: { eligible, ballots: cast, quorumMet: q, quorum, approvals, winners } }
}

export function tallyIrv(ballots: readonly Ballot[], options: number, eligible: number, quorum: readonly [number, number]): { passed: boolean; detail: IrvDetail } {
  // Rankings as one flat array with offsets: no per-ballot arrays, and duplicates or
  // out-of-range options dropped in one pass with a per-ballot stamp (VOTE-3 makes
  // ballots from the fold valid already; this keeps the function total for any input).
  let total = 0
  let n = 0
  for (const b of ballots) {
    if (b.type !== 'irv') continue
    total += b.rank.length
    n++
  }
  const flat = new Int32Array(total)
  const start = new Int32Array(n + 1)
  const stamp = new Int32Array(options)
  {
    let k = 0
    let i = 0
    for (const b of ballots) {
      if (b.type !== 'irv') continue
      start[i] = k
      for (const x of b.rank) {
        if (Number.isInteger(x) && x >= 0 && x < options && stamp[x] !== i + 1) {
          stamp[x] = i + 1
          flat[k++] = x
        }
      }
      i++
    }
    start[n] = k
  }
  const ballotCount = n
  const q = quorumMet(ballotCount, eligible, quorum)
  const continuing = new Set(Array.from({ length: options }, (_, i) => i))
  const live = new Uint8Array(options).fill(1)
  const rounds: IrvRound[] = []
  let winner: number | null = null
  let tie: number[] = []
  // Each ballot points at its highest-ranked continuing option; only ballots whose option is
  // eliminated move, so the whole count costs what the rankings hold, not rounds × ballots.
  const pos = new Int32Array(ballotCount)
  const counts = new Array<number>(options).fill(0)
  const holders: number[][] = Array.from({ length: options }, () => [])
  let exhausted = 0
  const place = (b: number): void => {
    const end = start[b + 1] as number
    let p = (start[b] as number) + (pos[b] as number)
    while (p < end && live[flat[p] as number] === 0) p++
    pos[b] = p - (start[b] as number)
    if (p >= end) exhausted++
    else {
      const o = flat[p] as number
      counts[o] = (counts[o] as number) + 1
      ;(holders[o] as number[]).push(b)
    }
  }
  for (let b = 0; b < ballotCount; b++) place(b)
  while (continuing.size > 0) {
    const active = ballotCount - exhausted
    const leader = [...continuing].find((i) => big(counts[i] as number) * 2n > big(active))
    if (leader !== undefined) {
      rounds.push({ counts: [...counts], exhausted, eliminated: null })
      winner = leader
      break
    }
    const alive = [...continuing]
    if (active === 0) {
      // Every ballot is exhausted: nobody ranks a continuing option, so there is no winner.
      rounds.push({ counts: [...counts], exhausted, eliminated: null })
      break
    }
    if (alive.length === 2 && counts[alive[0] as number] === counts[alive[1] as number]) {
      rounds.push({ counts: [...counts], exhausted, eliminated: null })
      tie = alive
      break
    }
    const fewest = Math.min(...alive.map((i) => counts[i] as number))
    let candidates = alive.filter((i) => counts[i] === fewest)
    // Tie for fewest: fewer votes in the earliest round where they differ, then the higher index.
    for (let r = 0; r < rounds.length && candidates.length > 1; r++) {
      const prev = (rounds[r] as IrvRound).counts
      const min = Math.min(...candidates.map((i) => prev[i] as number))
      candidates = candidates.filter((i) => prev[i] === min)
    }
    const out = Math.max(...candidates)
    rounds.push({ counts: [...counts], exhausted, eliminated: out })
    continuing.delete(out)
    live[out] = 0
    counts[out] = 0
    const moving = holders[out] as number[]
    holders[out] = []
    for (const b of moving) place(b)
  }
  return { passed: q && winner !== null, detail: { eligible, ballots: ballotCount, quorumMet: q, quorum, rounds, winner, tie } }
}

/**
 * CLOSE-5: the outcome a close produces. GOV-6: the quorum and threshold are
 * the stricter of the proposal's own and the floor of the rules at the close
 * (which may have been raised since the proposal was made).
 */
export function decideOutcome(input: OutcomeInput): Outcome {
  const m = input.proposal.method
  const eligible = Array.isArray(input.eligible) ? new Set(input.eligible) : (input.eligible as { has(m: MemberId): boolean; readonly size: number })
  const ballots = [...input.ballots.entries()].filter(([member]) => eligible.has(member)).map(([, b]) => b)
  const n = Array.isArray(input.eligible) ? input.eligible.length : eligible.size
  let quorum: readonly [number, number] = m.quorum
  let threshold: readonly [number, number] | null = m.type === 'yesno' ? m.threshold : null
  let entrenched = false
  if (input.rulesAtClose) {
    const req = requirementOf(input.rulesAtClose, input.proposal.action, input.charterAtClose)
    const e = effectiveValues(m, req)
    quorum = e.quorum
    threshold = e.threshold
    entrenched = req.entrenched
  }
  if (m.type === 'yesno') {
    const r = tallyYesNo(ballots, n, quorum, threshold ?? m.threshold, entrenched)
    return { passed: r.passed, method: 'yesno', detail: r.detail }
  }
  if (m.type === 'approval') {
    const r = tallyApproval(ballots, m.options.length, n, quorum)
    return { passed: r.passed, method: 'approval', detail: r.detail }
  }
  const r = tallyIrv(ballots, m.options.length, n, quorum)
  return { passed: r.passed, method: 'irv', detail: r.detail }
}
