/**
 * DESK-4 wiring: watch the node's events (and a clock, for deadlines) and
 * hand each notice to `show`. A burst of ops for one community is looked at
 * once, after a short pause; the list of communities (joins completing) at
 * once; nothing is read while the node is locked.
 */
import { MAX_PAGE, type CommunityId, type MemberId, type PolityClient, type ProposalRow, type ProposalsPage } from '@polity/api'
import { NoticeTracker, type Notice } from './notices'

export interface NotifierOptions {
  readonly show: (notice: Notice) => void
  readonly enabled: () => boolean
  readonly now?: () => number
  /** How long a community's ops settle before it is looked at. */
  readonly settleMs?: number
  /** How often deadlines are checked without any new op. */
  readonly clockMs?: number
}

export function startNotifier(node: PolityClient, o: NotifierOptions): { stop(): void } {
  const tracker = new NoticeTracker()
  const now = o.now ?? Date.now
  const timers = new Map<CommunityId | '*', ReturnType<typeof setTimeout>>()
  let stopped = false

  const emit = (notices: Notice[]): void => {
    if (o.enabled()) for (const n of notices) o.show(n)
  }
  const me = async (): Promise<MemberId | undefined> => {
    const s = await node.identityStatus()
    return s.state === 'unlocked' ? s.member : undefined
  }
  const lookAt = async (community: CommunityId): Promise<void> => {
    const member = await me()
    if (member === undefined) return
    // VIEW-1: the open proposals only, a page at a time, never the whole community.
    const open: ProposalRow[] = []
    let page: ProposalsPage
    do {
      page = await node.proposalsView({ community, filter: 'open', offset: open.length, limit: MAX_PAGE })
      open.push(...page.rows)
    } while (page.rows.length > 0 && open.length < page.total)
    // While it reloads behind its checkpoint nobody may vote yet (VIEW-6): look again once it is whole.
    if (page.loading) return
    emit(tracker.community({ community, name: (await node.homeView({ community })).name, open }, member, now()))
  }
  const lookAtAll = async (): Promise<void> => {
    if ((await me()) === undefined) return
    const list = await node.listCommunities()
    emit(tracker.communities(list))
    for (const c of list) if (c.role !== null) await lookAt(c.id)
  }
  // The list is read at once on every change, in order: a join that completes within the pause must still be seen waiting first.
  let listing = Promise.resolve()
  const listNow = (): void => {
    listing = listing.then(async () => {
      if ((await me()) !== undefined) emit(tracker.communities(await node.listCommunities()))
    }).catch(() => undefined)
  }
  const later = (key: CommunityId | '*', work: () => Promise<void>): void => {
    if (stopped || timers.has(key)) return
    timers.set(key, setTimeout(() => {
      timers.delete(key)
      work().catch(() => undefined)
    }, o.settleMs ?? 1500))
  }

  const unsubscribe = node.subscribe((e) => {
    if (e.type === 'identity') {
      if (e.status.state !== 'unlocked') tracker.reset()
      else later('*', lookAtAll)
    } else if (e.type === 'communities') {
      listNow()
      later('*', lookAtAll)
    }
    else if (e.type === 'community') later(e.community, () => lookAt(e.community))
  })
  const clock = setInterval(() => later('*', lookAtAll), o.clockMs ?? 10 * 60_000)
  clock.unref?.()
  later('*', lookAtAll)

  return {
    stop() {
      stopped = true
      unsubscribe()
      clearInterval(clock)
      for (const t of timers.values()) clearTimeout(t)
      timers.clear()
    },
  }
}
