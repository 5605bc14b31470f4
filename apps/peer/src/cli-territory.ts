/**
 * `polity census`, `polity place …` and `polity campaign …` (issue 17:
 * PLACE-*, FUND-*, CENSUS-*). Amounts are whole minor units ("12500" is
 * 125.00 EUR); deadlines are ISO dates or hours from now.
 */
import { readFile, writeFile } from 'node:fs/promises'
import type { Command } from 'commander'
import { verifyPublicCensus } from '@polity/protocol'
import { decisionClassOf, type CampaignGoal, type CensusView, type CommunityId, type OpId, type PlaceGeometry, type PlaceInput, type PlaceKind, type PlacePrecision, type PlaceStatus, type ProposalActionInput, type ReceiptStatus } from '@polity/api'
import type { PolityNode } from './lazy'
import { UsageError } from './parse'

export interface TerritoryCommandContext {
  withNode<T>(fn: (node: PolityNode) => Promise<T>, opts?: { unlock?: boolean }): Promise<T>
  communityId(node: PolityNode, ref: string): Promise<CommunityId>
  print(value: unknown, human: () => string): void
}

/** A full op id or a unique prefix (≥ 4 characters) among `ids`. */
function pick(ids: readonly string[], ref: string, what: string): OpId {
  const hits = ids.filter((id) => id === ref || (ref.length >= 4 && id.startsWith(ref)))
  if (hits.length === 1) return hits[0] as OpId
  throw new UsageError(hits.length === 0 ? `No ${what} matches "${ref}".` : `"${ref}" matches ${hits.length} ${what}s; give more of the id.`)
}

function geometryOf(o: { point?: string; polygon?: string }): PlaceGeometry | null {
  const nums = (s: string): number[] => s.split(',').map((x) => {
    const n = Number(x.trim())
    if (!Number.isFinite(n)) throw new UsageError(`"${x}" is not a number of degrees.`)
    return n
  })
  if (o.point) {
    const [lon, lat] = nums(o.point)
    if (lon === undefined || lat === undefined) throw new UsageError('--point is "longitude,latitude".')
    return { type: 'Point', coordinates: [lon, lat] }
  }
  if (o.polygon) {
    const v = nums(o.polygon)
    if (v.length < 6 || v.length % 2 !== 0) throw new UsageError('--polygon is "lon,lat,lon,lat,…" with at least 3 corners.')
    const ring: [number, number][] = []
    for (let i = 0; i < v.length; i += 2) ring.push([v[i] as number, v[i + 1] as number])
    return { type: 'Polygon', coordinates: [ring] }
  }
  return null
}

function deadlineOf(v: string): number {
  if (/^\d+(\.\d+)?h$/.test(v)) return Date.now() + Math.round(Number(v.slice(0, -1)) * 3_600_000)
  const t = Date.parse(v)
  if (Number.isNaN(t)) throw new UsageError('--deadline is an ISO date (2030-06-30T12:00Z) or hours from now (48h).')
  return t
}

function censusCsv(c: CensusView): string {
  const lines = ['section,key,value1,value2,value3,value4']
  for (const p of c.byMonth) lines.push(`month,${p.period},${p.members},${p.joins},${p.leaves},${p.removals}`)
  for (const p of c.byDay) lines.push(`day,${p.period},${p.members},${p.joins},${p.leaves},${p.removals}`)
  for (const [s, v] of Object.entries(c.footprint.byStatus)) lines.push(`places,${s},${v.places},${v.areaM2},,`)
  for (const m of c.money) lines.push(`money,${m.currency},${m.pledged},${m.received},,`)
  for (const d of c.decisions) lines.push(`decision,${d.proposal},${new Date(d.closedAt).toISOString()},${d.passed ? 'passed' : 'failed'},${d.cast},${d.eligible}`)
  return `${lines.join('\n')}\n`
}

export function registerTerritoryCommands(program: Command, ctx: TerritoryCommandContext): void {
  const { withNode, communityId, print } = ctx
  const census = program.command('census').description('the community\'s census: population, places, money, decisions (CENSUS-1..5)')
  census.command('show <community>', { isDefault: true }).description('print the census (--json for JSON, --csv for CSV)').option('--csv', 'CSV rows').action((ref: string, o: { csv?: boolean }) =>
    withNode(async (node) => {
      const c = await node.censusView({ community: await communityId(node, ref) })
      if (o.csv) return void process.stdout.write(censusCsv(c))
      print(c, () => [
        `${c.members} members; ${c.footprint.places} places, ${c.footprint.areaM2} m² in ${c.footprint.countries.join(', ') || 'no country named'}`,
        ...c.byMonth.map((p) => `  ${p.period}: ${p.members} (+${p.joins} −${p.leaves + p.removals})`),
        ...c.money.map((m) => `  ${m.currency}: pledged ${m.pledged}, received ${m.received} (minor units)`),
        `  ${c.decisions.length} decisions, ${c.decisions.filter((d) => d.passed).length} passed`,
      ].join('\n'))
    }))
  census.command('export <community> <file>').description('write the public census file (no names or texts; CENSUS-5)').action((ref: string, file: string) =>
    withNode(async (node) => {
      await writeFile(file, await node.exportPublicCensus({ community: await communityId(node, ref) }))
      print({ file }, () => `Public census written to ${file}.`)
    }))
  census.command('verify <file>').description('verify a public census file offline, with nothing but the file').action(async (file: string) => {
    const v = verifyPublicCensus(new Uint8Array(await readFile(file)))
    print(v, () => (v.ok ? `OK: ${v.census?.members} members, ${v.census?.footprint.places} places, ${v.census?.decisions.length} decisions (${v.opCount} ops).` : `NOT VALID:\n${v.problems.map((p) => `  ${p}`).join('\n')}`))
    if (!v.ok) process.exitCode = 1
  })

  const place = program.command('place').description('the community\'s places (PLACE-*)')
  type PlaceOpts = { kind: string; precision: string; status?: string; point?: string; polygon?: string; area?: string; country?: string; title?: string; text?: string }
  const placeOptions = (c: Command): Command => c
    .requiredOption('--kind <kind>', 'hub, land, building, office or digital').option('--precision <p>', 'exact, city, country or hidden', 'exact')
    .option('--status <status>', 'proposed, funding, acquired, …').option('--point <lon,lat>', 'a point').option('--polygon <lon,lat,…>', 'an outline')
    .option('--area <m2>', 'area in square metres').option('--country <code>', 'ISO 3166-1 alpha-2')
  const placeFields = (name: string, o: PlaceOpts): Omit<PlaceInput, 'community'> => ({
    name, kind: o.kind as PlaceKind, precision: o.precision as PlacePrecision, geometry: geometryOf(o),
    ...(o.status ? { status: o.status as PlaceStatus } : {}), ...(o.area ? { areaM2: Number(o.area) } : {}), ...(o.country ? { country: o.country } : {}),
  })
  /** PLACE-7: a yes/no proposal at the floor the rules set for its class (GOV-1); the deadline defaults to the rules' period. */
  const propose = async (node: PolityNode, community: CommunityId, title: string, text: string, action: Extract<ProposalActionInput, { type: 'place' | 'placeStatus' }>): Promise<OpId> => {
    const floor = (await node.charterView({ community })).rules.decisions[decisionClassOf(action.type)]
    return node.createProposal({ community, title, text, action, method: { type: 'yesno', quorum: floor.quorum, threshold: floor.threshold } })
  }
  placeOptions(place.command('add <community> <name>').description('add a place (the location is rounded to --precision before signing)'))
    .action((ref: string, name: string, o: PlaceOpts) =>
      withNode(async (node) => {
        const id = await node.addPlace({ community: await communityId(node, ref), ...placeFields(name, o) })
        print({ id }, () => `Place added: ${id}`)
      }))
  placeOptions(place.command('propose <community> <name>').description('propose a place for a vote, with the options of place add (PLACE-7; without the role to add it directly)'))
    .option('--title <text>', 'the proposal\'s title (default: "Add the place <name>")').option('--text <text>', 'the proposal in full', '')
    .action((ref: string, name: string, o: PlaceOpts) =>
      withNode(async (node) => {
        const community = await communityId(node, ref)
        const id = await propose(node, community, o.title ?? `Add the place ${name}`, o.text ?? '', { type: 'place', ...placeFields(name, o) })
        print({ proposal: id }, () => `Proposal created: ${id}`)
      }))
  place.command('list <community>').description('list the places with status, precision and area').action((ref: string) =>
    withNode(async (node) => {
      const v = await node.placesView({ community: await communityId(node, ref) })
      print(v, () => [...v.places.map((p) => `${p.id.slice(0, 12)}  ${p.status.padEnd(8)} ${p.kind.padEnd(8)} ${p.name}  ${p.areaM2} m²  ${p.precision}${p.country ? ` ${p.country}` : ''}`),
        `${v.footprint.places} places, ${v.footprint.areaM2} m²`].join('\n'))
    }))
  place.command('move <community> <place> <status>').description('move a place along its lifecycle (PLACE-5)').action((ref: string, p: string, status: string) =>
    withNode(async (node) => {
      const community = await communityId(node, ref)
      const id = pick((await node.placesView({ community })).places.map((x) => x.id), p, 'place')
      await node.movePlace({ community, place: id, status: status as PlaceStatus })
      print({ place: id, status }, () => `Place ${id.slice(0, 12)} is now ${status}.`)
    }))

  place.command('propose-status <community> <place> <status>').description('propose moving a place along its lifecycle, for a vote (PLACE-7, PLACE-9)')
    .option('--title <text>', 'the proposal\'s title (default: "Move <place> to <status>")').option('--text <text>', 'the proposal in full', '')
    .action((ref: string, p: string, status: string, o: { title?: string; text?: string }) =>
      withNode(async (node) => {
        const community = await communityId(node, ref)
        const places = (await node.placesView({ community })).places
        const id = pick(places.map((x) => x.id), p, 'place')
        const name = places.find((x) => x.id === id)?.name ?? id.slice(0, 12)
        const proposal = await propose(node, community, o.title ?? `Move ${name} to ${status}`, o.text ?? '', { type: 'placeStatus', place: id, status: status as PlaceStatus })
        print({ proposal }, () => `Proposal created: ${proposal}`)
      }))

  const campaign = program.command('campaign').description('crowdfunding campaigns (FUND-*); Polity records pledges and receipts, it moves no money')
  const campaignRef = async (node: PolityNode, ref: string, c: string): Promise<{ community: CommunityId; campaign: OpId }> => {
    const community = await communityId(node, ref)
    return { community, campaign: pick((await node.campaignsView({ community })).map((x) => x.id), c, 'campaign') }
  }
  campaign.command('open <community> <title>').description('open a campaign for an amount (--amount in minor units, --currency) or a number of participants (treasurer)').requiredOption('--deadline <when>', 'ISO date or hours from now (48h)')
    .option('--amount <minor>', 'goal in minor units').option('--currency <code>', 'ISO 4217', 'EUR').option('--participants <n>', 'goal in members taking part')
    .option('--model <m>', 'all-or-nothing or keep', 'all-or-nothing').option('--text <text>', 'description', '').option('--place <id>', 'the place it funds')
    .action((ref: string, title: string, o: { deadline: string; amount?: string; currency: string; participants?: string; model: string; text: string; place?: string }) =>
      withNode(async (node) => {
        const community = await communityId(node, ref)
        if ((o.amount === undefined) === (o.participants === undefined)) throw new UsageError('Give either --amount (with --currency) or --participants.')
        const goal: CampaignGoal = o.amount !== undefined ? { kind: 'amount', amount: o.amount, currency: o.currency } : { kind: 'participants', count: Number(o.participants) }
        const place = o.place ? pick((await node.placesView({ community })).places.map((x) => x.id), o.place, 'place') : null
        const id = await node.openCampaign({ community, title, text: o.text, goal, model: o.model as 'keep', deadline: deadlineOf(o.deadline), place })
        print({ id }, () => `Campaign opened: ${id}`)
      }))
  campaign.command('list <community>').description('list the campaigns with what each has raised').action((ref: string) =>
    withNode(async (node) => {
      const list = await node.campaignsView({ community: await communityId(node, ref) })
      print(list, () => list.map((c) => `${c.id.slice(0, 12)}  ${c.status.padEnd(6)} ${c.pledged}/${c.goal.kind === 'amount' ? `${c.goal.amount} ${c.goal.currency}` : `${c.goal.count} people`}  ${c.title}`).join('\n') || 'No campaigns.')
    }))
  campaign.command('show <community> <campaign>').description('a campaign: goal, deadline, ledger and outcome').action((ref: string, c: string) =>
    withNode(async (node) => {
      const d = await node.campaignView(await campaignRef(node, ref, c))
      print(d, () => [`${d.title} (${d.model}, ${d.status}${d.met === null ? '' : d.met ? ', goal met' : ', goal not met'})`, `pledged ${d.pledged} by ${d.pledgers}; deadline ${new Date(d.deadline).toISOString()}`,
        ...d.ledger.map((r) => `  ${r.member.slice(0, 12)} ${r.name.padEnd(16)} pledged ${r.amount}, received ${r.received}`)].join('\n'))
    }))
  campaign.command('pledge <community> <campaign> <amount>').description('make, raise or lower your pledge; 0 withdraws it').action((ref: string, c: string, amount: string) =>
    withNode(async (node) => {
      await node.pledge({ ...(await campaignRef(node, ref, c)), amount })
      print({ amount }, () => (amount === '0' ? 'Pledge withdrawn.' : `Pledged ${amount}.`))
    }))
  campaign.command('close <community> <campaign>').description('close after the deadline; the outcome is computed from the pledges seen (FUND-8)').action((ref: string, c: string) =>
    withNode(async (node) => {
      const id = await campaignRef(node, ref, c)
      await node.closeCampaign(id)
      const d = await node.campaignView(id)
      print(d, () => `Closed: ${d.pledged} pledged by ${d.pledgers}; goal ${d.met ? 'met' : 'not met'}.`)
    }))
  campaign.command('receipt <community> <campaign> <member> <status> <amount>').description('record what a payment rail did: fulfilled, partial or refunded (treasurer)')
    .action((ref: string, c: string, member: string, status: string, amount: string) =>
      withNode(async (node) => {
        await node.recordReceipt({ ...(await campaignRef(node, ref, c)), member, status: status as ReceiptStatus, amount })
        print({ status, amount }, () => `Receipt recorded: ${status} ${amount}.`)
      }))
  campaign.command('export <community> <campaign>').description('the campaign\'s ledger as CSV or JSON').option('--format <f>', 'csv or json', 'csv').option('--out <file>', 'write to a file').action((ref: string, c: string, o: { format: string; out?: string }) =>
    withNode(async (node) => {
      const text = await node.exportLedger({ ...(await campaignRef(node, ref, c)), format: o.format as 'csv' })
      if (o.out) await writeFile(o.out, text)
      else process.stdout.write(text)
    }))
}
