/**
 * Loading and checkpoints. On unlock every stored community is replayed into
 * a fresh replica — re-verified on the pool as it loads (a damaged or altered
 * disk must not pass) — or, when a checkpoint matches the store, served from
 * it at once while the replay runs in the background (CHECKPOINT-1/2). On
 * lock and close each whole community's state is checkpointed. A community
 * that fails to load, fold or checkpoint is marked with the reason and the
 * others carry on (CHARTER-F5).
 */
import { ProtocolError, fromHex, isSealedEnvelope, toHex, type AnyOp, type CommunityId, type CommunityState, type SealedOp } from '@polity/protocol'
import type { NodeContext } from './context'
import type { CommunityRuntime } from './runtimes'
import { CHANGED_PARTS } from '@polity/api'
import { decodeCheckpointState, encodeCheckpointState, openCheckpoint, sealCheckpoint } from './checkpoint'
import { META_PREFIX } from './community-meta'
import { INGEST_CHUNK } from './ingest'
import { messageOf } from './input-checks'
import { heightOf } from './replica-access'
import { checkSignatures } from './verify'
import { Progress } from './progress'

/** Longest stretch of background replay before other work gets a turn. */
const REPLAY_SLICE_MS = 15

/** Every community in the store, and every one known only by its meta (a pending join). */
export async function loadCommunities(ctx: NodeContext): Promise<void> {
  await ctx.lineages.restoreKept()
  for (const id of await ctx.store.listCommunities()) {
    const rt = ctx.runtimes.runtime(toHex(id) as CommunityId, true)
    // One community that fails to load must not keep the node (or the other communities) from opening.
    await loadCommunity(ctx, rt, id).catch((e: unknown) => {
      rt.failure = `Loading failed: ${messageOf(e)}`
    })
  }
  for (const key of await ctx.store.listMeta(META_PREFIX)) {
    const c = key.slice(META_PREFIX.length) as CommunityId
    // The stored communities' meta was read before their replay.
    if (!ctx.runtimes.get(c)) await ctx.runtimes.loadMeta(ctx.runtimes.runtime(c, true))
  }
  // JOIN-2: a cancelled join's community is not held (its ops, if any came, stay stored until its link is accepted again).
  for (const rt of [...ctx.runtimes.values()]) if (rt.cancelled) ctx.runtimes.drop(rt.id)
  ctx.lineages.refresh()
}

/** ENV2-8: what a community made before sealed communities says when this version opens it (it is never written again). */
export const V1_COMMUNITY = 'This community was made by Polity before sealed communities (protocol v1), which this version does not open or write. '
  + 'Export what you need with an older version of Polity, and found it again here.'

async function loadCommunity(ctx: NodeContext, rt: CommunityRuntime, id: Uint8Array): Promise<void> {
  // KEY-4: the epoch keys (and a waiting invite's agree key) first, so the replay opens every op.
  await ctx.runtimes.loadMeta(rt)
  if (rt.cancelled) return
  // ENV2-8: a v1 community is refused, not migrated (docs/PROTOCOL.md §18): it stays on disk, untouched, marked.
  for await (const rec of ctx.store.iterate(id)) {
    if (!isSealedEnvelope(rec.bytes)) {
      rt.failure = V1_COMMUNITY
      return
    }
    break
  }
  // A checkpoint that cannot be read is ignored like one that does not decode (CHECKPOINT-2).
  const cp = await ctx.store.getCheckpoint(id).catch(() => undefined)
  let snapshot: CommunityState | undefined
  // CHECKPOINT-2: the store only ever adds ops, so the same op count means the same set of ops. (Listing
  // the heads instead walked ~200k deleted head entries until LevelDB compacted them: ~100 ms.)
  if (cp && cp.opCount === (await ctx.store.count(id))) {
    // CHECKPOINT-3: sealed under the data key; one that does not open is ignored like a damaged one.
    const plain = openCheckpoint(ctx.vault.require().dataKey, id, cp.state)
    snapshot = plain ? decodeCheckpointState(plain) : undefined // undefined when damaged: that only costs the fast path
  }
  if (!snapshot) return replay(ctx, rt, id)
  // CHECKPOINT-1: the state is ready now; the replica (needed to act) reloads in the background.
  rt.snapshot = snapshot
  rt.loading = replay(ctx, rt, id).finally(() => {
    rt.loading = undefined
    rt.snapshot = undefined
    // FORK-5: the community is whole now: its own lineage and its forks' can be asked.
    if (ctx.runtimes.get(rt.id) === rt) {
      ctx.lineages.refresh(rt.id)
      // BRIDGE-8: screens showing the checkpoint's pages (`loading`) fetch the whole replica's now.
      ctx.emit({ type: 'community', community: rt.id, ops: rt.replica.size, parts: [...CHANGED_PARTS], proposals: null })
    }
  })
  rt.loading.catch((e: unknown) => {
    rt.failure = `Loading failed: ${messageOf(e)}`
  })
}

/**
 * Replay a community's stored ops into its replica, yielding now and then so the node stays responsive;
 * its progress is told against the stored count (BRIDGE-9).
 */
async function replay(ctx: NodeContext, rt: CommunityRuntime, id: Uint8Array): Promise<void> {
  const progress = new Progress((e) => ctx.emit(e), 'replay', rt.id, await ctx.store.count(id))
  // Yield by time, not by count: a 2,000-op chunk took ~0.6 s at 200k ops and held every command (and unlock's own return) behind it.
  let slice = performance.now()
  const pause = async (): Promise<void> => {
    if (performance.now() - slice > REPLAY_SLICE_MS) {
      await new Promise((r) => setImmediate(r))
      slice = performance.now()
    }
  }
  // While the workers check one chunk's signatures, this thread folds the one before.
  let checking: Promise<(AnyOp | SealedOp | ProtocolError)[]> | undefined
  let folded = 0
  const fold = async (checked: readonly (AnyOp | SealedOp | ProtocolError)[]): Promise<void> => {
    for (const x of checked) {
      if (!(x instanceof ProtocolError)) rt.replica.receive(x)
      if ((++folded & 255) === 0) progress.set(folded)
      await pause()
    }
  }
  let chunk: Uint8Array[] = []
  for await (const rec of ctx.store.iterate(id)) {
    chunk.push(rec.bytes)
    if (chunk.length < INGEST_CHUNK) continue
    const next = checkSignatures(ctx.crypto, rt, chunk, pause)
    if (checking) await fold(await checking)
    checking = next
    chunk = []
  }
  const last = checkSignatures(ctx.crypto, rt, chunk, pause)
  if (checking) await fold(await checking)
  await fold(await last)
  rt.replica.trimCaches()
  progress.end()
}

/** Write a checkpoint of every fully loaded community (on close and lock). */
export async function writeCheckpoints(ctx: NodeContext): Promise<void> {
  for (const rt of ctx.runtimes.values()) {
    if (rt.loading || !rt.replica.roster().genesis) continue
    await writeCheckpoint(ctx, rt).catch((e: unknown) => {
      rt.failure = `Saving a checkpoint failed: ${messageOf(e)}`
    })
  }
}

async function writeCheckpoint(ctx: NodeContext, rt: CommunityRuntime): Promise<void> {
  const state = rt.replica.state()
  const height = Math.max(0, ...state.heads.map((h) => heightOf(rt.replica, h) ?? 0))
  const community = fromHex(rt.id, 32)
  await ctx.store.putCheckpoint(community, {
    heads: state.heads.map((h) => fromHex(h, 32)),
    opCount: state.opCount,
    height,
    state: sealCheckpoint(ctx.vault.require().dataKey, community, encodeCheckpointState(state)),
  })
}
