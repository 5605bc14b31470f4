/**
 * DESK-4: what deserves a notification, from what the node reports (pure; no
 * Electron). Each notice is given once per run:
 *   - a new open proposal by someone else (not for what was already there
 *     when the app first saw the community);
 *   - an open proposal whose deadline is within 24 hours, that you may vote
 *     on (VOTE-2 by its causal past: the node's `canVote`, VIEW-1) and have
 *     not voted on;
 *   - a join that waited for the community's data completed: the first sync
 *     is done.
 * Names and titles are chosen by members: control and bidi-override
 * characters are removed and their length is capped before they are shown.
 */
import type { CommunityId, CommunitySummary, MemberId, OpId, ProposalRow } from '@polity/api'

export const CLOSING_WINDOW_MS = 24 * 3600_000
export const MAX_SHOWN = 80

export type Notice =
  | { readonly kind: 'proposal'; readonly community: CommunityId; readonly name: string; readonly proposal: OpId; readonly title: string }
  | { readonly kind: 'closing'; readonly community: CommunityId; readonly name: string; readonly proposal: OpId; readonly title: string; readonly hours: number }
  | { readonly kind: 'synced'; readonly community: CommunityId; readonly name: string }

/** A member-chosen string made safe to show in one line. */
export function shown(s: string, max = MAX_SHOWN): string {
  const clean = s.replace(/[\p{Cc}\p{Cf}\u2028\u2029]+/gu, ' ').replace(/\s+/g, ' ').trim()
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean
}

export class NoticeTracker {
  private readonly known = new Map<CommunityId, Set<OpId>>()
  private readonly warned = new Set<OpId>()
  private readonly waitingJoin = new Set<CommunityId>()

  /** Forget everything (the node locked: another identity may unlock next). */
  reset(): void {
    this.known.clear()
    this.warned.clear()
    this.waitingJoin.clear()
  }

  /** The list of communities: a join that was waiting and is now complete is a finished first sync. */
  communities(list: readonly CommunitySummary[]): Notice[] {
    const out: Notice[] = []
    for (const c of list) {
      if (c.pendingJoin) this.waitingJoin.add(c.id)
      else if (this.waitingJoin.delete(c.id) && c.role !== null) out.push({ kind: 'synced', community: c.id, name: shown(c.name) })
    }
    return out
  }

  /** One community's open proposals (VIEW-1 rows): new ones by others, and ones closing soon that you may vote on and have not. */
  community(view: { readonly community: CommunityId; readonly name: string; readonly open: readonly ProposalRow[] }, me: MemberId, now: number): Notice[] {
    const out: Notice[] = []
    const name = shown(view.name)
    const known = this.known.get(view.community)
    const first = known === undefined
    const seen = known ?? new Set<OpId>()
    this.known.set(view.community, seen)
    for (const p of view.open) {
      const isNew = !seen.has(p.id)
      seen.add(p.id)
      if (p.status !== 'open') continue
      if (isNew && !first && p.author !== me) out.push({ kind: 'proposal', community: view.community, name, proposal: p.id, title: shown(p.title) })
      const left = p.deadline - now
      if (p.canVote && left > 0 && left <= CLOSING_WINDOW_MS && !this.warned.has(p.id) && p.myBallot === null) {
        this.warned.add(p.id)
        out.push({ kind: 'closing', community: view.community, name, proposal: p.id, title: shown(p.title), hours: Math.max(1, Math.ceil(left / 3600_000)) })
      }
    }
    return out
  }
}
