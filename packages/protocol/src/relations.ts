/**
 * The relations view (REL-3, REL-4 in docs/PROTOCOL.md §20), a pure function
 * of a member's replica: whom we recognize (our passed `recognize` decisions
 * not withdrawn by a later passed `unrecognize`), who recognizes us (letters
 * recorded, REL-5), mutual recognition (a treaty), and outside bodies with
 * their statements (REL-6..8). Each side shows its latest decision, dated
 * and tallied; a withdrawn one stays, marked withdrawn.
 */
import { toHex } from './encoding/bytes'
import type { CommunityId, MemberId, OpId } from './op/ids'
import type { YesNoDetail } from './replica/outcome'
import type { Replica } from './replica/replica'
import type { DagEntry } from './replica/dag'

export interface RelationTally {
  eligible: number
  yes: number
  no: number
  abstain: number
}

/** Our decision about a community (REL-3). */
export interface OurDecision {
  action: 'recognize' | 'unrecognize'
  proposal: OpId
  close: OpId
  date: number
  tally: RelationTally
  name: string | null
  statement: string | null
  census: string | null
}

/** A letter from a community, recorded by a member (REL-5). */
export interface TheirLetter {
  action: 'recognize' | 'unrecognize'
  letter: string
  name: string
  decision: OpId
  close: OpId
  date: number
  tally: RelationTally
  op: OpId
  recordedBy: MemberId
  recordedAt: number
}

export interface CommunityRelation {
  community: CommunityId
  name: string
  ours: OurDecision | null
  theirs: TheirLetter | null
  weRecognize: boolean
  theyRecognize: boolean
  /** REL-4: mutual recognition. */
  treaty: boolean
}

export interface BodyStatement {
  op: OpId
  statement: string
  action: 'recognize' | 'withdraw'
  date: string
  text: string
  signature: string
  recordedBy: MemberId
  recordedAt: number
}

export interface BodyRelation {
  body: string
  label: string
  source: string
  op: OpId
  addedBy: MemberId
  addedAt: number
  statements: BodyStatement[]
  /** REL-9: the body's latest relation.body marks it removed. */
  removed: boolean
  /** The latest statement (by date, then op id) is a recognition, and the body is not removed (REL-9). */
  recognizes: boolean
}

export interface RelationsState {
  communities: CommunityRelation[]
  bodies: BodyRelation[]
}

type Body = Record<string, unknown>
const hex = (b: unknown): string => toHex(b as Uint8Array)
const later = (a: { date: number | string; id: string }, b: { date: number | string; id: string }): boolean => (a.date !== b.date ? a.date > b.date : a.id > b.id)

/** REL-3, REL-4: the relations of the community this replica holds. */
export function relationsOf(replica: Replica): RelationsState {
  const state = replica.state()
  const ours = new Map<string, OurDecision>()
  /** The name our latest recognition gave each community (a withdrawal names none). */
  const names = new Map<string, { date: number; id: string; name: string }>()
  for (const p of state.proposals) {
    const a = p.action
    if ((a.type !== 'recognize' && a.type !== 'unrecognize') || p.status !== 'closed' || !p.outcome?.passed || !p.settledBy) continue
    const close = replica.entry(p.settledBy)
    const d = p.outcome.detail as YesNoDetail
    const decision: OurDecision = {
      action: a.type, proposal: p.id, close: p.settledBy, date: close?.op.time ?? 0,
      tally: { eligible: d.eligible, yes: d.yes, no: d.no, abstain: d.abstain },
      name: a.type === 'recognize' ? a.name : null, statement: a.type === 'recognize' ? a.statement : null, census: a.type === 'recognize' ? a.census : null,
    }
    if (a.type === 'recognize') {
      const n = names.get(a.community)
      if (!n || later({ date: decision.date, id: decision.close }, n)) names.set(a.community, { date: decision.date, id: decision.close, name: a.name })
    }
    const prev = ours.get(a.community)
    if (!prev || later({ date: decision.date, id: decision.close }, { date: prev.date, id: prev.close })) ours.set(a.community, decision)
  }
  const theirs = new Map<string, TheirLetter>()
  const bodies = new Map<string, BodyRelation>()
  const statements: { body: string; s: BodyStatement }[] = []
  const roster = replica.roster()
  for (const e of entries(replica)) {
    const op = e.op as unknown as { id: OpId; kind: string; time: number; author: string; body: Body }
    const b = op.body
    const by = (roster.memberOf(op.author as never) ?? op.author) as MemberId
    if (op.kind === 'relation.letter') {
      const t = b['tally'] as RelationTally
      const l: TheirLetter = {
        action: b['action'] as TheirLetter['action'], letter: hex(b['letter']), name: b['name'] as string, decision: hex(b['decision']) as OpId, close: hex(b['close']) as OpId,
        date: b['date'] as number, tally: { eligible: t.eligible, yes: t.yes, no: t.no, abstain: t.abstain }, op: op.id, recordedBy: by, recordedAt: op.time,
      }
      const from = hex(b['from'])
      const prev = theirs.get(from)
      if (!prev || later({ date: l.date, id: l.close }, { date: prev.date, id: prev.close })) theirs.set(from, l)
    } else if (op.kind === 'relation.body') {
      const key = hex(b['body'])
      const prev = bodies.get(key)
      // A body added again: the latest label and source (by time, then op id) hold; so does a removal (REL-9) and a re-adding.
      if (!prev || later({ date: op.time, id: op.id }, { date: prev.addedAt, id: prev.op })) {
        bodies.set(key, {
          body: key, label: b['label'] as string, source: b['source'] as string, op: op.id, addedBy: by, addedAt: op.time, statements: prev?.statements ?? [],
          removed: b['status'] === 'removed', recognizes: false,
        })
      }
    } else if (op.kind === 'relation.statement') {
      statements.push({
        body: hex(b['body']),
        s: { op: op.id, statement: hex(b['statement']), action: b['action'] as BodyStatement['action'], date: b['date'] as string, text: b['text'] as string, signature: hex(b['signature']), recordedBy: by, recordedAt: op.time },
      })
    }
  }
  for (const { body, s } of statements) {
    const r = bodies.get(body)
    if (r && !r.statements.some((x) => x.statement === s.statement)) r.statements.push(s)
  }
  for (const r of bodies.values()) {
    r.statements.sort((a, b) => (later({ date: a.date, id: a.op }, { date: b.date, id: b.op }) ? -1 : 1))
    r.recognizes = !r.removed && r.statements[0]?.action === 'recognize'
  }
  const ids = [...new Set([...ours.keys(), ...theirs.keys()])].sort()
  const communities = ids.map((id): CommunityRelation => {
    const o = ours.get(id) ?? null
    const t = theirs.get(id) ?? null
    const weRecognize = o?.action === 'recognize'
    const theyRecognize = t?.action === 'recognize'
    return { community: id as CommunityId, name: names.get(id)?.name ?? t?.name ?? '', ours: o, theirs: t, weRecognize, theyRecognize, treaty: weRecognize && theyRecognize }
  })
  return { communities, bodies: [...bodies.values()].sort((a, b) => (a.label < b.label ? -1 : a.label > b.label ? 1 : 0)) }
}

function* entries(replica: Replica): Generator<DagEntry> {
  const n = replica.size
  for (let i = 0; i < n; i += 1000) {
    for (const id of replica.idsFrom(i, 1000)) {
      const e = replica.entry(id)
      if (e && (e.op.kind as string).startsWith('relation.')) yield e
    }
  }
}
