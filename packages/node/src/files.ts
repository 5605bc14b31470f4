/**
 * Files: bundles (BUNDLE-1: a community's envelopes, carried by hand and
 * imported through the one ingest path, source `bundle`) and dossiers
 * (DOSSIER-1..3: the ops with a census anyone can verify offline; DOSSIER-R1..R3:
 * redacted, from op keys alone: counts and decisions without names or texts).
 */
import {
  boxNonce, decodeSealedOpUnverified, dossierKind, encodeDossier, encodeRedactedDossier, fromHex, opKeyOf, ownEpoch, verifyDossier as verifyDossierBytes, verifyRedactedDossier,
  type CommunityId, type OpId, type SealedOp,
} from '@polity/protocol'
import { InvalidInputError, KeyMissingError } from './errors'
import type { DossierReport, ImportResult } from '@polity/api'
import type { NodeContext } from './context'
import { decodeBundle, encodeBundle } from './bundle'
import { stillWaiting } from './ingest'
import { messageOf } from './input-checks'
import { decodeUnverified, type UncheckedSealed } from './verify'
import { Progress } from './progress'

/** Messages an import reports at most. */
const MAX_ERRORS = 10

export async function exportBundle(ctx: NodeContext, input: { community: CommunityId }): Promise<Uint8Array> {
  ctx.vault.require()
  const rt = await ctx.runtimes.ready(input.community)
  // Every op applied so far is in the bundle: ops apply before they are stored (INGEST-1), so wait for the community's turn.
  await rt.applying
  return encodeBundle(await storedEnvelopes(ctx, rt.id))
}

export async function importBundle(ctx: NodeContext, input: { bytes: Uint8Array }): Promise<ImportResult> {
  ctx.vault.require()
  const raw = decodeBundle(input.bytes)
  // BRIDGE-9: the ops of the bundle, told as each batch is taken in.
  const progress = new Progress((e) => ctx.emit(e), 'import', null, raw.length)
  // Route each op to its community; an op that does not even decode is reported, not imported.
  const byCommunity = new Map<CommunityId, UncheckedSealed[]>()
  const errors: string[] = []
  const report = (m: string): void => {
    if (errors.length < MAX_ERRORS) errors.push(m)
  }
  let rejected = 0
  raw.forEach((bytes, i) => {
    try {
      const u = decodeUnverified(bytes, ctx.crypto)
      const list = byCommunity.get(u.op.community) ?? []
      list.push(u)
      byCommunity.set(u.op.community, list)
    } catch (e) {
      rejected++
      report(`Op #${i + 1}: ${messageOf(e)}`)
    }
  })
  let applied = 0
  let duplicates = 0
  let pending = 0
  let dropped = 0
  for (const [cid, ops] of byCommunity) {
    const rt = await ctx.runtimes.ready(cid, true)
    const r = await ctx.ingest.receive(rt, ops, 'bundle', (n) => progress.add(n))
    applied += r.applied.length
    duplicates += r.duplicates
    pending += stillWaiting(rt, r.waiting)
    dropped += r.dropped
    rejected += r.rejected.length
    for (const m of r.rejected) report(m)
    if (r.joinError !== undefined) report(r.joinError)
  }
  progress.end()
  ctx.emit({ type: 'communities' })
  if (dropped > 0) report(`DAG-5: ${dropped} ops were not kept: the buffer of ops waiting for missing ops is full (import the missing ops first, or sync).`)
  return { applied, duplicates, rejected, pending, dropped, communities: [...byCommunity.keys()], errors }
}

export async function exportDossier(ctx: NodeContext, input: { community: CommunityId; redacted?: boolean }): Promise<Uint8Array> {
  if (input.redacted !== undefined && typeof input.redacted !== 'boolean') throw new InvalidInputError('exportDossier.redacted must be true or false.')
  const rt = await ctx.runtimes.ready(input.community)
  if (input.redacted) return exportRedacted(ctx, rt.id, rt.replica.keyRing)
  // The store iterates in (height, id) order, the order a dossier lists its ops in.
  // DOSSIER-3: a deliberate disclosure: the epoch keys go with the sealed ops, so anyone can check the census.
  const ring = rt.replica.keyRing
  const keys = ring.epochs().map((e) => [fromHex(e, 32), ring.key(e) as Uint8Array] as const)
  return encodeDossier(rt.replica.state(), await storedEnvelopes(ctx, rt.id), keys)
}

/**
 * DOSSIER-R1: every op with its op key only (SEAL-1/SEAL-7: structure, no
 * texts) and the census folded from those structures, counting what another
 * member acknowledged (DOSSIER-R2).
 */
async function exportRedacted(ctx: NodeContext, c: CommunityId, ring: { key(e: OpId): Uint8Array | undefined }): Promise<Uint8Array> {
  const ops = (await storedEnvelopes(ctx, c)).map((b) => decodeSealedOpUnverified(b, ctx.crypto).op)
  const keyOf = (op: SealedOp): Uint8Array => {
    const k = ring.key(ownEpoch(op))
    if (!k) throw new KeyMissingError(`This device lacks the key of epoch ${ownEpoch(op).slice(0, 12)}…, so it cannot disclose op ${op.id.slice(0, 12)}….`)
    return opKeyOf(k, boxNonce(op.box))
  }
  return encodeRedactedDossier(c, ops, keyOf, ctx.crypto)
}

export function verifyDossier(ctx: NodeContext, input: { bytes: Uint8Array }): DossierReport {
  if (dossierKind(input.bytes) === 'redacted') {
    const r = verifyRedactedDossier(input.bytes, ctx.crypto)
    return {
      ok: r.ok,
      redacted: true,
      community: (r.community as CommunityId | null) ?? null,
      name: null,
      opCount: r.opCount,
      unacknowledged: r.unacknowledged,
      members: r.census?.members.length ?? 0,
      decisions: r.census?.decisions.length ?? 0,
      charterVersions: r.census?.charter.length ?? 0,
      problems: r.problems,
    }
  }
  const r = verifyDossierBytes(input.bytes, ctx.crypto)
  return {
    ok: r.ok,
    redacted: false,
    unacknowledged: 0,
    community: (r.community as CommunityId | null) ?? null,
    name: r.name,
    opCount: r.opCount,
    members: r.census?.members.length ?? 0,
    decisions: r.census?.decisions.length ?? 0,
    charterVersions: r.census?.charter.length ?? 0,
    problems: r.problems,
  }
}

/** Every stored envelope of a community in (height, id) order: a causal order. */
export async function storedEnvelopes(ctx: NodeContext, c: CommunityId): Promise<Uint8Array[]> {
  const out: Uint8Array[] = []
  for await (const rec of ctx.store.iterate(fromHex(c, 32))) out.push(rec.bytes)
  return out
}
