/** Exports (EXPORT-1..3): the roster and votes as CSV/JSON, ranked ballots as BLT; CSV rows match the tallies; formulas are defused. */
import { describe, expect, it } from 'vitest'
import type { CommunityId } from '@polity/protocol'
import type { PolityNode } from '../src/index'
import { csvCell } from '../src/export-formats'
import { carry, withIdentity } from './helpers'

const METHOD = { type: 'yesno' as const, quorum: [1, 2] as [number, number], threshold: [1, 2] as [number, number] }
const rowsOf = (text: string): string[][] => text.trimEnd().split('\r\n').map((l) => l.split(','))

async function join(a: PolityNode, n: PolityNode, community: CommunityId, name: string): Promise<void> {
  await n.acceptInvite({ link: (await a.createInvite({ community })).link, name })
  await carry(a, n, community)
  await carry(n, a, community)
}

describe('exports (EXPORT-1..3)', () => {
  it('EXPORT-2: a cell starting with = + - @ is kept as text; quotes, commas and line breaks are quoted', () => {
    expect(csvCell('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"')
    expect(csvCell('+1')).toBe("'+1")
    expect(csvCell('-2')).toBe("'-2")
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)")
    expect(csvCell('a,b')).toBe('"a,b"')
    expect(csvCell('plain')).toBe('plain')
  })

  it('EXPORT-1, TALLY-YN: the roster and a closed proposal\'s votes as CSV and JSON; the CSV rows match the tally', async () => {
    const { node: a } = await withIdentity('exp-a')
    const { node: b } = await withIdentity('exp-b')
    const { node: c } = await withIdentity('exp-c')
    const community = await a.createCommunity({ name: 'Exports', purpose: '', charter: '', founderName: '=cmd|calc', rules: { decisions: { resolution: { quorum: [1, 2], threshold: [1, 2], period: 0 } } } })
    await join(a, b, community, 'Bea, the second')
    await join(a, c, community, 'Cy')
    const roster = rowsOf(await a.exportRoster({ community, format: 'csv' }))
    expect(roster[0]).toEqual(['member', 'did', 'name', 'role', 'since'])
    expect(roster).toHaveLength(4)
    expect(roster[1]![2]).toBe("'=cmd|calc")
    expect(JSON.parse(await a.exportRoster({ community, format: 'json' }))).toHaveLength(3)
    const p = await a.createProposal({ community, title: 'T', text: '', action: { type: 'resolution' }, method: METHOD })
    for (const n of [b, c]) await carry(a, n, community)
    await a.vote({ community, proposal: p, ballot: { type: 'yesno', choice: 'yes' } })
    await b.vote({ community, proposal: p, ballot: { type: 'yesno', choice: 'no' } })
    await c.vote({ community, proposal: p, ballot: { type: 'yesno', choice: 'yes' } })
    for (const n of [b, c]) await carry(n, a, community)
    await a.closeProposal({ community, proposal: p })
    const rows = rowsOf(await a.exportVotes({ community, proposal: p, format: 'csv' })).slice(1)
    const { row } = await a.proposalView({ community, proposal: p })
    expect(row.tally).toEqual({ type: 'yesno', yes: 2, no: 1, abstain: 0 })
    const count = (c: string): number => rows.filter((r) => r[r.length - 1] === c).length
    expect({ type: 'yesno', yes: count('yes'), no: count('no'), abstain: count('abstain') }).toEqual(row.tally)
    expect(JSON.parse(await a.exportVotes({ community, proposal: p, format: 'json' })).votes).toHaveLength(3)
    await expect(a.exportVotes({ community, proposal: p, format: 'blt' })).rejects.toThrow(/ranked-choice/)
    for (const n of [a, b, c]) await n.close()
  })

  it('EXPORT-3, TALLY-IRV: ranked ballots as BLT, one line per ballot, candidates numbered from 1', async () => {
    const { node: a } = await withIdentity('exp-blt')
    const community = await a.createCommunity({ name: 'BLT', purpose: '', charter: '', rules: { decisions: { resolution: { quorum: [1, 2], threshold: [1, 2], period: 0 } } } })
    const p = await a.createProposal({ community, title: 'Pick "one"', text: '', action: { type: 'resolution' }, method: { type: 'irv', options: ['Ana', 'Bo', 'Cy'], quorum: [1, 2] } })
    await a.vote({ community, proposal: p, ballot: { type: 'irv', rank: [2, 0] } })
    expect(await a.exportVotes({ community, proposal: p, format: 'blt' })).toBe('3 1\n1 3 1 0\n0\n"Ana"\n"Bo"\n"Cy"\n"Pick  one "\n')
    const csv = rowsOf(await a.exportVotes({ community, proposal: p, format: 'csv' }))
    expect(csv[0]).toEqual(['member', 'name', 'time', 'rank 1', 'rank 2', 'rank 3'])
    expect(csv[1]!.slice(3)).toEqual(['Cy', 'Ana', ''])
    await a.close()
  })
})
