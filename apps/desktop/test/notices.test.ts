/**
 * DESK-4: which notifications the desktop app gives (notices.ts, pure): new
 * proposals by others, proposals closing within 24 h you may vote on and have
 * not, a join whose first sync finished — each once — and member-chosen names
 * made safe to show.
 */
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import type { CommunityId, CommunitySummary, MemberId, OpId, ProposalRow } from '@polity/api'
import { CLOSING_WINDOW_MS, MAX_SHOWN, NoticeTracker, shown } from '../src/notices'
import { seeded } from '../../../packages/protocol/test/seeds'

const ME = 'aa'.repeat(32) as MemberId
const THEM = 'bb'.repeat(32) as MemberId
const C = 'cc'.repeat(32) as CommunityId
const NOW = 1_800_000_000_000
const HOUR = 3600_000

function proposal(id: string, o: Partial<ProposalRow> = {}): ProposalRow {
  return {
    id: id as OpId, author: THEM, authorName: null, title: `Proposal ${id}`, kind: 'resolution',
    method: { type: 'yesno', quorum: [1, 2], threshold: [1, 2] }, deadline: NOW + 7 * 24 * HOUR, created: NOW - HOUR,
    status: 'open', votes: 0, comments: 0, eligible: 2, required: { quorum: [1, 2], threshold: [1, 2], entrenched: false },
    tally: { type: 'yesno', yes: 0, no: 0, abstain: 0 }, counted: false, cast: 0, quorumNeeded: 1, yesNeeded: 2, passed: null,
    settled: false, stale: false, canVote: true, canClose: true, closeBlocked: null, canWithdraw: false, myBallot: null, ...o,
  }
}
/** The open rows the notifier reads (VIEW-1); what the node answers for VOTE-2 is each row's canVote. */
function state(open: ProposalRow[], name = 'Free Town'): { community: CommunityId; name: string; open: ProposalRow[] } {
  return { community: C, name, open }
}
const summary = (pendingJoin: boolean, role: CommunitySummary['role'] = 'member'): CommunitySummary => ({
  id: C, name: 'Free\u202eTown', purpose: '', memberCount: 2, role, openProposals: 0, opCount: 1, parent: null, lineage: null, pendingJoin,
})

describe('notices (DESK-4)', () => {
  it('DESK-4: proposals already there at first sight are not news; a later one by someone else is, once; your own is not', () => {
    const t = new NoticeTracker()
    expect(t.community(state([proposal('p1')]), ME, NOW)).toEqual([])
    const next = t.community(state([proposal('p1'), proposal('p2'), proposal('p3', { author: ME })]), ME, NOW)
    expect(next).toEqual([{ kind: 'proposal', community: C, name: 'Free Town', proposal: 'p2', title: 'Proposal p2' }])
    expect(t.community(state([proposal('p1'), proposal('p2'), proposal('p3', { author: ME })]), ME, NOW)).toEqual([])
    expect(t.community(state([proposal('p4', { status: 'withdrawn' })]), ME, NOW)).toEqual([])
  })

  it('DESK-4, VOTE-2: closing within 24 h and not voted: once; not when voted, past, too far, or when you may not vote on it (not in its causal past)', () => {
    const t = new NoticeTracker()
    const soon = proposal('s', { deadline: NOW + 5 * HOUR + 1 })
    const out = t.community(state([soon, proposal('far'), proposal('past', { deadline: NOW - 1 }), proposal('voted', { deadline: NOW + HOUR, myBallot: { type: 'yesno', choice: 'yes' } })]), ME, NOW)
    expect(out).toEqual([{ kind: 'closing', community: C, name: 'Free Town', proposal: 's', title: 'Proposal s', hours: 6 }])
    expect(t.community(state([soon]), ME, NOW + HOUR)).toEqual([])
    const edge = proposal('edge', { deadline: NOW + CLOSING_WINDOW_MS })
    expect(t.community(state([soon, edge]), ME, NOW).filter((n) => n.kind === 'closing').map((n) => n.proposal)).toEqual(['edge'])
    const late = new NoticeTracker()
    expect(late.community(state([proposal('old', { deadline: NOW + HOUR, canVote: false })]), ME, NOW)).toEqual([])
  })

  it('DESK-4: a waiting join that completes is a finished first sync (once); a join seen complete at once is not; a lock forgets all', () => {
    const t = new NoticeTracker()
    expect(t.communities([summary(true, null)])).toEqual([])
    expect(t.communities([summary(false)])).toEqual([{ kind: 'synced', community: C, name: 'Free Town' }])
    expect(t.communities([summary(false)])).toEqual([])
    const fresh = new NoticeTracker()
    expect(fresh.communities([summary(false)])).toEqual([])
    fresh.communities([summary(true, null)])
    fresh.reset()
    expect(fresh.communities([summary(false)])).toEqual([])
  })

  seeded('DESK-4: member-chosen text is shown on one line, without control or bidi characters, at most 80 characters', { fixed: [20261216] }, (run) => run.each(({ seed }) => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (s) => {
      const out = shown(s)
      expect(out.length).toBeLessThanOrEqual(MAX_SHOWN)
      expect(out).not.toMatch(/[\p{Cc}\p{Cf}\u2028\u2029]/u)
      expect(out).toBe(out.trim())
    }), { seed, numRuns: 500 })
    expect(shown('Vote\u202e\u0007 now\n\nplease')).toBe('Vote now please')
  }))
})
