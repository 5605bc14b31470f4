/**
 * The charter draft: a Y.Doc folded from signed `charter.edit` ops. A UI
 * binds a Yjs clientID to this device (CHARTER-B1) and sends its updates;
 * the node batches them into one signed edit per pause in typing
 * (CHARTER-E3), split into as few edits as CHARTER-Y7 allows. A caller
 * without a Y.Doc (the CLI) replaces the text instead (`setDraftText`).
 */
import { randomBytes } from '@noble/hashes/utils.js'
import * as Y from 'yjs'
import { DRAFT_TEXT, MAX_PARTS_PER_EDIT, type CommunityId } from '@polity/protocol'
import type { DraftState, TextDiff } from '@polity/api'
import type { NodeContext } from './context'
import type { CommunityRuntime } from './runtimes'
import { author } from './author'
import { lineDiff } from './diff'
import { InvalidInputError } from './errors'
import { LIMITS, checkText, versionAt } from './input-checks'
import { draftDocOf } from './replica-access'

const DEFAULT_BATCH_MS = 400

const joined = (ctx: NodeContext, c: CommunityId): Promise<CommunityRuntime> => ctx.runtimes.joined(c, ctx.vault.member)

export async function getDraft(ctx: NodeContext, input: { community: CommunityId }): Promise<DraftState> {
  const rt = await joined(ctx, input.community)
  const clientId = await boundClient(ctx, rt)
  const doc = draftDocOf(rt.replica)
  return { update: Y.encodeStateAsUpdate(doc), clientId, text: doc.getText(DRAFT_TEXT).toString() }
}

/** This device's Yjs clientID, bound by a `charter.bind` on first use (CHARTER-B1); a rare collision is retried. */
async function boundClient(ctx: NodeContext, rt: CommunityRuntime): Promise<number> {
  let clientId = rt.replica.roster().deviceClients.get(ctx.vault.deviceKey)
  const { min, max } = LIMITS.draftClient
  for (let i = 0; clientId === undefined && i < 8; i++) {
    const candidate = min + (new DataView(randomBytes(4).buffer).getUint32(0) % (max - min))
    if (rt.replica.roster().clientOwners.has(candidate)) continue
    await author(ctx, rt, 'charter.bind', { client: candidate })
    clientId = candidate
  }
  return clientId as number
}

export async function editDraft(ctx: NodeContext, input: { community: CommunityId; update: Uint8Array }): Promise<void> {
  const rt = await joined(ctx, input.community)
  const max = LIMITS.draftUpdate.max
  if (!(input.update instanceof Uint8Array) || input.update.length === 0 || input.update.length > max) {
    throw new InvalidInputError(`A draft update must be 1 byte to ${max / 1024} KiB.`)
  }
  rt.draftUpdates.push(input.update)
  if (rt.draftTimer) clearTimeout(rt.draftTimer)
  // Keystrokes are batched: one signed op per pause in typing (CHARTER-E3).
  rt.draftTimer = setTimeout(() => {
    flushRuntime(ctx, rt).catch(() => undefined)
  }, ctx.options.draftBatchMs ?? DEFAULT_BATCH_MS)
}

export async function flushDraft(ctx: NodeContext, input: { community: CommunityId }): Promise<void> {
  await flushRuntime(ctx, await joined(ctx, input.community))
}

/** Sign the batched updates now (also on lock and close). */
export async function flushRuntime(ctx: NodeContext, rt: CommunityRuntime): Promise<void> {
  if (rt.draftTimer) clearTimeout(rt.draftTimer)
  rt.draftTimer = undefined
  if (rt.draftUpdates.length === 0 || !ctx.vault.unlocked) return
  const updates = rt.draftUpdates
  rt.draftUpdates = []
  // One op per pause, or as few as the per-edit bounds allow (CHARTER-Y7): each a run of the updates, in order.
  for (const update of draftBatches(updates)) await author(ctx, rt, 'charter.edit', { update })
}

/**
 * Make the draft read `text`, as one collaborative edit by this device: one
 * deletion and one insertion around the common prefix and suffix, so
 * concurrent edits elsewhere in the text survive. Signed at once, with any
 * batched edits before it. A draft longer than an amendment may be could
 * never be ratified, so that is the bound.
 */
export async function setDraftText(ctx: NodeContext, input: { community: CommunityId; text: string }): Promise<void> {
  const rt = await joined(ctx, input.community)
  const next = checkText(input.text, 'The draft', LIMITS.amendedCharter)
  const clientId = await boundClient(ctx, rt)
  const doc = new Y.Doc()
  Y.applyUpdate(doc, Y.encodeStateAsUpdate(draftDocOf(rt.replica)), 'remote')
  // After the folded state: Yjs renames a doc whose own id arrives from remote (our earlier edits).
  doc.clientID = clientId
  // Only this change, as its transaction's update (encodeStateAsUpdate would resend every deletion ever made).
  const updates: Uint8Array[] = []
  doc.on('update', (u: Uint8Array, origin: unknown) => {
    if (origin !== 'remote') updates.push(u)
  })
  replaceText(doc.getText(DRAFT_TEXT), next)
  rt.draftUpdates.push(...updates)
  await flushRuntime(ctx, rt)
}

/** Characters per inserted run: a long insertion becomes several updates, so CHARTER-Y7's batching can split it over edits. */
const INSERT_RUN = 8192

/**
 * Turn `text` into `next` with one deletion and one insertion around the
 * common prefix and suffix (never between the two halves of a surrogate
 * pair), the insertion in runs of INSERT_RUN characters.
 */
function replaceText(text: Y.Text, next: string): void {
  const cur = text.toString()
  if (cur === next) return
  let start = 0
  while (start < cur.length && start < next.length && cur[start] === next[start]) start++
  if (start > 0 && isHighSurrogate(cur.charCodeAt(start - 1))) start--
  let endCur = cur.length
  let endNext = next.length
  while (endCur > start && endNext > start && cur[endCur - 1] === next[endNext - 1]) {
    endCur--
    endNext--
  }
  if (endCur < cur.length && isLowSurrogate(cur.charCodeAt(endCur))) {
    endCur++
    endNext++
  }
  const doc = text.doc as Y.Doc
  if (endCur > start) doc.transact(() => text.delete(start, endCur - start))
  for (let at = start; at < endNext;) {
    let end = Math.min(endNext, at + INSERT_RUN)
    if (end < endNext && isHighSurrogate(next.charCodeAt(end - 1))) end++
    const run = next.slice(at, end)
    doc.transact(() => text.insert(at, run))
    at = end
  }
}

const isHighSurrogate = (c: number): boolean => c >= 0xd800 && c <= 0xdbff
const isLowSurrogate = (c: number): boolean => c >= 0xdc00 && c <= 0xdfff

export async function charterDiff(ctx: NodeContext, input: { community: CommunityId; from: number; to: number }): Promise<TextDiff> {
  const versions = (await ctx.runtimes.ready(input.community)).replica.roster().charterVersions
  const a = versionAt(versions, input.from)
  const b = versionAt(versions, input.to)
  if (!a || !b) throw new InvalidInputError(`There are ratified versions 0 to ${versions.length - 1}.`)
  return lineDiff(a.text, b.text)
}

/** DIFF-1 for texts the caller holds (a draft, an amendment): each at most a charter's size. */
export async function diffTexts(_ctx: NodeContext, input: { a: string; b: string }): Promise<TextDiff> {
  const a = checkText(input.a, 'The first text', LIMITS.charter)
  const b = checkText(input.b, 'The second text', LIMITS.charter)
  return lineDiff(a, b)
}

/** Merge consecutive draft updates into as few edits as fit CHARTER-Y7; an update that alone does not fit stays alone (and is refused). */
function draftBatches(updates: readonly Uint8Array[]): Uint8Array[] {
  const out: Uint8Array[] = []
  let merged: Uint8Array | undefined
  for (const u of updates) {
    const next = merged ? Y.mergeUpdates([merged, u]) : Y.mergeUpdates([u])
    if (merged && (next.length > LIMITS.draftUpdate.max || partsOf(next) > MAX_PARTS_PER_EDIT)) {
      out.push(merged)
      merged = Y.mergeUpdates([u])
    } else merged = next
  }
  if (merged) out.push(merged)
  return out
}

/** Structs plus delete ranges: what CHARTER-Y7 counts per edit. */
function partsOf(update: Uint8Array): number {
  const u = Y.decodeUpdate(update)
  let n = u.structs.length
  for (const ranges of u.ds.clients.values()) n += ranges.length
  return n
}
