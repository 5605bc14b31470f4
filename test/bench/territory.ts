/**
 * Territory, crowdfunding and the census (issue 17) at scale, on the bare
 * Replica the sealed-ingest rows folded (the bench community, sealed):
 * - the census of the whole community (CENSUS-1..4) beside a plain pass over its ops;
 * - a campaign with up to 10,000 pledges (one per member): ingesting the
 *   pledges beside ingesting the same members' votes on a proposal, and the
 *   signed close that tallies them (FUND-7..10) beside the close of that proposal.
 * Part of `pnpm bench` (run.ts).
 */
import { createSealedOp, fromHex, toHex, type CommunityId, type KeyPair, type OpId, type Replica, type SealedDraft, type SealedKind } from '@polity/protocol'
import { censusOfReplica } from '@polity/protocol'
import { createNativeCrypto } from '@polity/node'
import type { GeneratedCommunity } from './generate'
import type { RowFn } from './sealed'

const DAY = 86_400_000

export function territoryRows(row: RowFn, g: GeneratedCommunity, replica: Replica): void {
  // 1. The census beside a plain pass over the ops.
  let t = performance.now()
  let n = 0
  for (const id of replica.idsFrom(0, replica.size)) {
    const o = replica.entry(id)?.op as { kind: string; time: number }
    n += o.kind.length + o.time
  }
  const passMs = performance.now() - t
  t = performance.now()
  const census = censusOfReplica(replica)
  const censusMs = performance.now() - t
  row(`census of the ${replica.size.toLocaleString('en')}-op community (population by day/month, decisions and turnout; ${census.members} members)`, censusMs, 'ms', 'a plain pass over its ops (kind and time of each)', passMs, n > 0 ? undefined : 'empty')

  // 2. A campaign with a pledge from every member (up to 10,000), beside a proposal with a vote from the same members.
  const crypto = createNativeCrypto()
  const view = replica.sealedView()
  if (!view) throw new Error('territoryRows needs a sealed replica')
  const epochId = view.live(replica.heads())[0] as OpId
  const epoch = { id: epochId, key: replica.keyRing.key(epochId) as Uint8Array }
  const deviceOf = new Map<string, KeyPair>()
  g.memberKeys.forEach((m, i) => deviceOf.set(toHex(m.publicKey), g.devices[i + 1] as KeyPair))
  const founderDevice = g.devices[0] as KeyPair
  const members = replica.state().members.map((m) => deviceOf.get(m.id)).filter((d): d is KeyPair => d !== undefined).slice(0, 10_000)
  const seqs = new Map<string, { seq: number; last: OpId }>()
  const next = (d: KeyPair): { seq: number; deps: OpId[] } => {
    const k = toHex(d.publicKey)
    const s = seqs.get(k) ?? (() => {
      const e = replica.lastOf(k as never)
      return { seq: e?.op.seq ?? 0, last: (e?.op.id ?? replica.heads()[0]) as OpId }
    })()
    return { seq: s.seq + 1, deps: [s.last] }
  }
  let time = Math.max(...replica.heads().map((h) => replica.entry(h)?.op.time ?? 0)) + DAY
  const make = <K extends SealedKind>(d: KeyPair, kind: K, body: SealedDraft<K>['body'], deps: OpId[] = []): OpId => {
    const s = next(d)
    const op = createSealedOp({ community: g.community as CommunityId, seq: s.seq, deps: [...new Set([...s.deps, ...deps, ...replica.heads()])], time, kind, body, epoch }, d, crypto)
    const r = replica.receive(op)
    if (r.status !== 'applied') throw new Error(`territory bench: ${kind} ${r.status}: ${JSON.stringify(r, (_k, v) => (v instanceof Error ? v.message : v))}`)
    seqs.set(toHex(d.publicKey), { seq: s.seq, last: op.id })
    return op.id
  }
  const campaign = make(founderDevice, 'campaign.open', { title: 'Buy the old lighthouse', text: '', goal: { type: 'amount', amount: 100_000_000, currency: 'EUR' }, deadline: time + DAY, model: 'all-or-nothing' } as never)
  time += 1000
  t = performance.now()
  members.forEach((d, i) => make(d, 'pledge.set', { campaign: fromHex(campaign, 32), amount: 1000 + i } as never, [campaign]))
  const pledgeMs = performance.now() - t
  const proposalTime = time
  const proposal = make(founderDevice, 'proposal.create', { title: 'Buy it', text: '', action: { type: 'resolution' }, method: { type: 'yesno', quorum: [1, 2], threshold: [1, 2] }, deadline: proposalTime + 30 * DAY } as never)
  t = performance.now()
  members.forEach((d) => make(d, 'vote.cast', { proposal: fromHex(proposal, 32), ballot: { type: 'yesno', choice: 'yes' } } as never, [proposal]))
  const voteMs = performance.now() - t
  row(`ingest of ${members.length.toLocaleString('en')} pledges (sealed: verify, open, FUND-3..6 checks, fold)`, pledgeMs, 'ms', `${members.length.toLocaleString('en')} votes by the same members on one proposal`, voteMs)
  time = proposalTime + 30 * DAY + 1000
  t = performance.now()
  make(founderDevice, 'campaign.close', { campaign: fromHex(campaign, 32) } as never, [campaign])
  const closeCampaignMs = performance.now() - t
  t = performance.now()
  make(founderDevice, 'proposal.close', { proposal: fromHex(proposal, 32) } as never, [proposal])
  const closeProposalMs = performance.now() - t
  const outcome = replica.state().territory?.campaigns.find((c) => c.id === campaign)?.outcome
  row(`campaign close: exact tally of ${members.length.toLocaleString('en')} pledges (FUND-7..10)`, closeCampaignMs, 'ms', `the close of a proposal with ${members.length.toLocaleString('en')} votes`, closeProposalMs, outcome ? `goal ${outcome.met ? 'met' : 'not met'}` : 'no outcome')
}
