/**
 * Relations (REL-*, LETTER-* in docs/PROTOCOL.md §20): the relations view,
 * letters of recognition (export, verify with no identity, import as a
 * signed op), outside bodies and their signed statements. Every input is
 * checked before anything is signed; the replica has the last word.
 */
import {
  RELATIONS_DEFAULTS, boxNonce, toHex, relationBodyShapes, decodeSealedOpUnverified, encodeLetter, fromHex, opKeyOf, ownEpoch, relationsOf, verifyLetter as verifyLetterBytes,
  verifyStatement as verifyStatementBytes, type CommunityId, type MemberId, type OpId, type SealedOp, type LetterVerification, type StatementVerification,
} from '@polity/protocol'
import type { LetterReport, OutsideBodyInput, RelationsView, StatementReport } from '@polity/api'
import type { NodeContext } from './context'
import type { CommunityRuntime } from './runtimes'
import { author } from './author'
import { InvalidFileError, InvalidInputError, KeyMissingError, RefusedError } from './errors'
import { checkText, hash32, messageOf, opRef } from './input-checks'

const BODY = relationBodyShapes['relation.body']

const joined = (ctx: NodeContext, c: CommunityId): Promise<CommunityRuntime> => ctx.runtimes.joined(c, ctx.vault.member)
const authorRelation = (ctx: NodeContext, rt: CommunityRuntime, kind: 'relation.letter' | 'relation.body' | 'relation.statement', body: Record<string, unknown>) =>
  author(ctx, rt, kind as never, body as never)

export async function relationsView(ctx: NodeContext, input: { community: CommunityId }): Promise<RelationsView> {
  const rt = await joined(ctx, input.community)
  const r = relationsOf(rt.replica)
  const roster = rt.replica.roster()
  const need = roster.rules?.bodies ?? RELATIONS_DEFAULTS.bodies
  return {
    community: rt.id,
    communities: r.communities.map((c) => ({
      community: c.community,
      name: c.name,
      ours: c.ours && { action: c.ours.action, proposal: c.ours.proposal, close: c.ours.close, date: c.ours.date, tally: c.ours.tally, statement: c.ours.statement },
      theirs: c.theirs && { action: c.theirs.action, letter: c.theirs.letter, date: c.theirs.date, tally: c.theirs.tally, recordedBy: c.theirs.recordedBy },
      weRecognize: c.weRecognize,
      theyRecognize: c.theyRecognize,
      treaty: c.treaty,
    })),
    bodies: r.bodies.map((b) => ({
      body: b.body, label: b.label, source: b.source, addedBy: b.addedBy, removed: b.removed, recognizes: b.recognizes,
      statements: b.statements.map((s) => ({ statement: s.statement, action: s.action, date: s.date, text: s.text, recordedBy: s.recordedBy })),
    })),
    canAddBody: roster.hasRole(roster.members.get(ctx.vault.member), need),
  }
}

/** LETTER-*: the letter of a passed recognition: its settling close, the close's causal past with op keys, an ack path. */
export async function exportLetter(ctx: NodeContext, input: { community: CommunityId; proposal: OpId }): Promise<Uint8Array> {
  const rt = await joined(ctx, input.community)
  const id = opRef(input.proposal)
  const state = rt.replica.state()
  const p = state.proposals.find((x) => fromHex(x.id, 32).every((b, i) => b === id[i]))
  if (!p) throw new InvalidInputError('There is no such proposal in this community.')
  if (p.action.type !== 'recognize' && p.action.type !== 'unrecognize') throw new InvalidInputError('A letter is for a recognize or unrecognize proposal (LETTER-4).')
  if (p.status !== 'closed' || !p.outcome?.passed || !p.settledBy) throw new RefusedError('The proposal has not passed: a letter proves a passed decision only (LETTER-6).')
  const ring = rt.replica.keyRing
  const ops: SealedOp[] = []
  for await (const rec of ctx.store.iterate(fromHex(rt.id, 32))) ops.push(decodeSealedOpUnverified(rec.bytes, ctx.crypto).op)
  const keyOf = (op: SealedOp): Uint8Array => {
    const k = ring.key(ownEpoch(op))
    if (!k) throw new KeyMissingError(`This device lacks the key of epoch ${ownEpoch(op).slice(0, 12)}…, so it cannot disclose op ${op.id.slice(0, 12)}….`)
    return opKeyOf(k, boxNonce(op.box))
  }
  try {
    return encodeLetter({ community: rt.id, ops, close: p.settledBy, opKeyOf: keyOf, fromName: state.name }, ctx.crypto)
  } catch (e) {
    if (e instanceof KeyMissingError) throw e
    throw new RefusedError(messageOf(e))
  }
}

function letterReport(v: LetterVerification): LetterReport {
  const s = v.statement
  return {
    ok: v.ok, sha256: v.sha256,
    from: (s?.from as CommunityId | undefined) ?? null, fromName: s?.fromName ?? null, to: (s?.to as CommunityId | undefined) ?? null,
    action: s?.action ?? null, name: s?.name ?? null, statement: s?.statement ?? null, census: s?.census ?? null,
    proposal: (s?.proposal as OpId | undefined) ?? null, close: (s?.close as OpId | undefined) ?? null, date: s?.date ?? null, tally: s?.tally ?? null,
    eligible: s?.eligible ?? [], opCount: v.opCount, acknowledgedBy: (v.acknowledgedBy as MemberId | null) ?? null, selfVouched: v.selfVouched, problems: v.problems,
  }
}

const bytesOf = (b: unknown, what: string): Uint8Array => {
  if (!(b instanceof Uint8Array)) throw new InvalidInputError(`${what} must be the file's bytes.`)
  return b
}

/** LETTER-1..8: with nothing but the file. */
export function verifyLetter(ctx: NodeContext, input: { bytes: Uint8Array }): LetterReport {
  return letterReport(verifyLetterBytes(bytesOf(input.bytes, 'The letter'), ctx.crypto))
}

/** REL-5: verify, check it is addressed to us, and record it (once per file). */
export async function importLetter(ctx: NodeContext, input: { community: CommunityId; bytes: Uint8Array }): Promise<LetterReport> {
  const rt = await joined(ctx, input.community)
  const v = verifyLetterBytes(bytesOf(input.bytes, 'The letter'), ctx.crypto)
  const report = letterReport(v)
  const s = v.statement
  if (!v.ok || !s) throw new InvalidFileError(`The letter does not verify: ${v.problems[0] ?? 'unknown problem'}`)
  if (s.to !== rt.id) throw new InvalidInputError('REL-5: the letter recognizes another community, not this one.')
  if (relationsOf(rt.replica).communities.some((c) => c.theirs?.letter === v.sha256)) return report
  await authorRelation(ctx, rt, 'relation.letter', {
    letter: fromHex(v.sha256, 32), from: fromHex(s.from, 32), name: s.fromName.slice(0, 120), action: s.action,
    decision: fromHex(s.proposal, 32), close: fromHex(s.close, 32), date: s.date, tally: s.tally,
  })
  return report
}

export async function addOutsideBody(ctx: NodeContext, input: OutsideBodyInput): Promise<OpId> {
  const rt = await joined(ctx, input.community)
  const body = hash32(input.body, 'The body\'s public key')
  const label = checkText(input.label, 'The label', BODY.label)
  const source = checkText(input.source ?? '', 'How the key was obtained', BODY.source)
  return (await authorRelation(ctx, rt, 'relation.body', { body, label, source })).id
}

/** REL-9: the latest relation.body of the key, marked removed; its label and source stay. */
export async function removeOutsideBody(ctx: NodeContext, input: { community: CommunityId; body: string }): Promise<OpId> {
  const rt = await joined(ctx, input.community)
  const key = hash32(input.body, 'The body\'s public key')
  const known = relationsOf(rt.replica).bodies.find((b) => b.body === toHex(key))
  if (!known) throw new InvalidInputError('REL-9: this community has not added that body.')
  if (known.removed) throw new RefusedError('REL-9: that body is already removed.')
  return (await authorRelation(ctx, rt, 'relation.body', { body: key, label: known.label, source: known.source, status: 'removed' })).id
}

function statementReport(v: StatementVerification, label: string | null): StatementReport {
  const s = v.statement
  return {
    ok: v.ok, sha256: v.sha256, body: s?.body ?? null, to: (s?.to as CommunityId | undefined) ?? null, action: s?.action ?? null,
    date: s?.date ?? null, text: s?.text ?? null, label, problems: v.problems,
  }
}

/** REL-8: a statement file; with `community`, addressed to it and by a body it knows (REL-7). */
export async function verifyStatement(ctx: NodeContext, input: { bytes: Uint8Array; community?: CommunityId }): Promise<StatementReport> {
  const bytes = bytesOf(input.bytes, 'The statement')
  if (input.community === undefined) return statementReport(verifyStatementBytes(bytes), null)
  const rt = await joined(ctx, input.community)
  const v = verifyStatementBytes(bytes, { to: rt.id })
  const body = v.statement ? relationsOf(rt.replica).bodies.find((b) => b.body === v.statement?.body) : undefined
  const problems = v.statement && !body ? [...v.problems, 'REL-7: this community has not added the body that signed it; add it first (its key, a label, how the key was obtained).']
    : body?.removed ? [...v.problems, 'REL-9: this community removed the body that signed it; add it again to record its statements.'] : v.problems
  return statementReport({ ...v, ok: problems.length === 0, problems }, body?.label ?? null)
}

export async function importStatement(ctx: NodeContext, input: { community: CommunityId; bytes: Uint8Array }): Promise<StatementReport> {
  const report = await verifyStatement(ctx, input)
  if (!report.ok) throw new InvalidFileError(`The statement does not verify: ${report.problems[0] ?? 'unknown problem'}`)
  const rt = await joined(ctx, input.community)
  const known = relationsOf(rt.replica).bodies.some((b) => b.statements.some((s) => s.statement === report.sha256))
  if (known) return report
  await authorRelation(ctx, rt, 'relation.statement', {
    statement: fromHex(report.sha256, 32), body: fromHex(report.body as string, 32), action: report.action, date: report.date, text: report.text,
    signature: fromHex(verifyStatementBytes(input.bytes).statement?.signature as string, 64),
  })
  return report
}
