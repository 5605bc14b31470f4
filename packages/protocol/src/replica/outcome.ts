/**
 * Adapter from the fold to the tally functions: which ballots and which
 * threshold a close counts (CLOSE-5, CHARTER-V3).
 */
import type { Ballot, Method, Rules } from '../op/kinds'
import type { Op } from '../op/envelope'
import type { MemberId } from '../op/ids'
import type { CharterVersion } from './roster'

export interface Outcome {
  readonly passed: boolean
  readonly method: Method['type']
  /** Method-specific, serializable result (counts, rounds, ratios as strings). */
  readonly detail: unknown
}

export interface OutcomeInput {
  readonly proposal: Op<'proposal.create'>['body']
  readonly eligible: readonly MemberId[]
  readonly ballots: ReadonlyMap<MemberId, Ballot>
  readonly rulesAtClose: Rules | null
  readonly charterAtClose: readonly CharterVersion[]
}

/** Interim yes/no tally in exact integer arithmetic; replaced by the governance module. */
export function decideOutcome(input: OutcomeInput): Outcome {
  const m = input.proposal.method
  if (m.type !== 'yesno') return { passed: false, method: m.type, detail: null }
  let yes = 0n
  let no = 0n
  let abstain = 0n
  for (const [member, b] of input.ballots) {
    if (!input.eligible.includes(member) || b.type !== 'yesno') continue
    if (b.choice === 'yes') yes++
    else if (b.choice === 'no') no++
    else abstain++
  }
  const n = BigInt(input.eligible.length)
  const turnout = yes + no + abstain
  const quorumMet = turnout * BigInt(m.quorum[1]) >= n * BigInt(m.quorum[0])
  const passed = quorumMet && yes + no > 0n && yes * BigInt(m.threshold[1]) > (yes + no) * BigInt(m.threshold[0])
  return { passed, method: 'yesno', detail: { yes: String(yes), no: String(no), abstain: String(abstain), quorumMet } }
}
