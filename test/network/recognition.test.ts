/**
 * Diplomatic recognition between two communities on two sets of peers (real
 * libp2p on 127.0.0.1, real LevelDB): A recognizes B by vote; the letter,
 * carried by hand, verifies on a node with no identity; B imports it and
 * every member of B sees "recognized by A"; B recognizes A back, A imports
 * B's letter, and both show a treaty (REL-3..5, LETTER-1..8).
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { PolityNode } from '@polity/node'
import { verifyLetter, type CommunityId, type OpId } from '@polity/protocol'
import { netNode, within } from './helpers'

const open: PolityNode[] = []
afterEach(async () => {
  for (const n of open.splice(0)) await n.close().catch(() => undefined)
})

const quick = { decisions: { resolution: { quorum: [1, 2] as [number, number], threshold: [1, 2] as [number, number], period: 0 } } }

async function pair(label: string, name: string): Promise<{ founder: PolityNode; member: PolityNode; community: CommunityId }> {
  const founder = (await netNode(`${label}-founder`)).node
  const member = (await netNode(`${label}-member`)).node
  open.push(founder, member)
  const community = await founder.createCommunity({ name, purpose: '', charter: `# ${name}\n\nA secret charter line.\n`, founderName: `${label} founder`, rules: quick })
  const { link } = await founder.createInvite({ community })
  const joined = await member.acceptInvite({ link, name: `${label} member` })
  if (joined.status !== 'joined') throw new Error(`join: ${joined.status}`)
  return { founder, member, community }
}

/** Propose to recognize `other`, both vote yes, close, and wait until the other member has built on the close (LETTER-5). */
async function recognize(a: { founder: PolityNode; member: PolityNode; community: CommunityId }, other: CommunityId, name: string): Promise<OpId> {
  const c = a.community
  const proposal = await a.founder.createProposal({
    community: c, title: `Recognize ${name} (a sealed title)`, text: 'Sealed text.', deadlineInHours: 0,
    action: { type: 'recognize', community: other, name, statement: `We recognize ${name}.` }, method: { type: 'yesno', quorum: [1, 2], threshold: [1, 2] },
  })
  await within(20_000, async () => (await a.member.getCommunity({ community: c })).proposals.some((p) => p.id === proposal), 'the proposal reached the other member')
  await a.member.vote({ community: c, proposal, ballot: { type: 'yesno', choice: 'yes' } })
  await a.founder.vote({ community: c, proposal, ballot: { type: 'yesno', choice: 'yes' } })
  await within(20_000, async () => (await a.founder.getCommunity({ community: c })).proposals.find((p) => p.id === proposal)!.votes.length === 2, 'both votes at the founder')
  await a.founder.closeProposal({ community: c, proposal })
  await within(20_000, async () => (await a.member.getCommunity({ community: c })).proposals.find((p) => p.id === proposal)!.status === 'closed', 'the close reached the member')
  await a.member.setProfile({ community: c, name: 'still here' })
  const size = a.member.replicaOf(c).size
  await within(20_000, () => a.founder.replicaOf(c).size >= size, 'the member\'s op (built on the close) reached the founder')
  return proposal
}

describe('diplomatic recognition on two sets of peers (REL-3, REL-4, REL-5, LETTER-1..8)', () => {
  it('REL-4, REL-5, LETTER-5: A recognizes B by vote; the letter verifies with no identity; every member of B sees "recognized by A"; B recognizes A back: a treaty on both sides', async () => {
    const A = await pair('a', 'Lighthouse Keepers')
    const B = await pair('b', 'Harbour Commons')
    const pA = await recognize(A, B.community, 'Harbour Commons')
    const letter = await A.founder.exportLetter({ community: A.community, proposal: pA })
    // With no identity at all: the protocol function, and a node on an empty data directory.
    const pure = verifyLetter(letter)
    expect(pure.problems).toEqual([])
    expect(pure.statement).toMatchObject({ from: A.community, to: B.community, action: 'recognize', name: 'Harbour Commons', tally: { eligible: 2, yes: 2, no: 0, abstain: 0 } })
    const empty = await PolityNode.open({ dataDir: join(mkdtempSync(join(tmpdir(), 'polity-net-noid-')), 'data'), kdfLogN: 10 })
    open.push(empty)
    expect((await empty.identityStatus()).state).toBe('none')
    const report = await empty.verifyLetter({ bytes: letter })
    expect(report.ok).toBe(true)
    expect(report.fromName).toBe('Lighthouse Keepers')
    for (const secret of ['a founder', 'a member', 'A secret charter line', 'a sealed title', 'Sealed text.']) expect(Buffer.from(letter).includes(Buffer.from(secret)), secret).toBe(false)
    // B imports it; every member of B sees it.
    await B.founder.importLetter({ community: B.community, bytes: letter })
    for (const n of [B.founder, B.member]) {
      await within(20_000, async () => (await n.relationsView({ community: B.community })).communities.some((c) => c.community === A.community && c.theyRecognize), 'B sees "recognized by A"')
      const r = (await n.relationsView({ community: B.community })).communities.find((c) => c.community === A.community)!
      expect(r).toMatchObject({ name: 'Lighthouse Keepers', theyRecognize: true, weRecognize: false, treaty: false })
      expect(r.theirs!.tally).toEqual({ eligible: 2, yes: 2, no: 0, abstain: 0 })
    }
    // A letter addressed elsewhere is refused by A itself (REL-5).
    await expect(A.founder.importLetter({ community: A.community, bytes: letter })).rejects.toThrow(/REL-5/)
    // B recognizes A back; A imports B's letter.
    const pB = await recognize(B, A.community, 'Lighthouse Keepers')
    const back = await B.member.exportLetter({ community: B.community, proposal: pB })
    await A.member.importLetter({ community: A.community, bytes: back })
    for (const [side, other] of [[A, B], [B, A]] as const) {
      for (const n of [side.founder, side.member]) {
        await within(20_000, async () => (await n.relationsView({ community: side.community })).communities.some((c) => c.community === other.community && c.treaty), 'a treaty on both sides')
      }
    }
  }, 120_000)
})
