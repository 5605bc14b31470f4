/**
 * Fork lineage on this device (FORK-5 in docs/PROTOCOL.md). For every fork
 * it holds, the node says whether the parent's ops it holds prove the fork's
 * claim: verified, unchecked (and why) or false (and what is wrong).
 *
 * When it runs: the node asks whenever a fork or its parent changes here —
 * after ops are applied to either (created, synced, imported, relayed), when
 * either finishes loading — and whenever a fork is listed or shown. An answer
 * is cached per fork with the parent's op count: an unchecked one is asked
 * again only after the parent gained ops. `verified` and `false` are final:
 * they depend only on the causal past of the cited heads, which never
 * changes once held (DAG-4). Final answers are kept sealed in the store's
 * metadata (`lineage/<fork id>`), so a restarted device shows them before
 * its replicas have reloaded.
 *
 * Cost: `checkForkLineage` against the parent's replica — a lookup per cited
 * head, then the roster at those heads (one fold at that frontier) — once
 * per fork for a final answer; an unchecked fork costs ≤ 64 lookups per batch
 * of parent ops applied.
 */
import { checkForkLineage, toHex, type CborValue, type CommunityId, type CommunityState, type ForkGenesis, type LineageProblem, type OpId, type Replica } from '@polity/protocol'
import type { ForkLineage } from '@polity/api'
import type { Store } from './storage'
import { seal, unseal } from './secrets'

/** What lineage needs of a community the node holds (a CommunityRuntime fits). */
export interface LineageRuntime {
  readonly id: CommunityId
  readonly replica: Replica
  /** Set while the replica replays its stored ops behind a checkpoint. */
  readonly loading: Promise<void> | undefined
  readonly snapshot: CommunityState | undefined
}

export interface LineageHost {
  runtimes(): Iterable<LineageRuntime>
  runtime(id: CommunityId): LineageRuntime | undefined
  /** The node's metadata store, where final answers are kept sealed. */
  readonly meta: Pick<Store, 'getMeta' | 'putMeta' | 'listMeta'>
  /** The data key, while unlocked. */
  dataKey(): Uint8Array | undefined
  /** An answer moved: UIs should list the communities again. */
  changed(): void
}

interface Entry {
  readonly value: ForkLineage
  /** What the answer was computed from: the parent's op count and loading state. */
  readonly key: string
}

const unchecked = (parent: CommunityId, parentName: string | null, version: number, why: NonNullable<ForkLineage['unchecked']>, missingHeads = 0): ForkLineage =>
  ({ parent, parentName, version, status: 'unchecked', unchecked: why, missingHeads, problems: [] })

/** The genesis op of a fork, when the community's replica holds it. */
function forkGenesisOf(rt: LineageRuntime): ForkGenesis | undefined {
  const g = rt.replica.entry(rt.id as unknown as OpId)?.op
  return g && g.kind === 'genesis' && g.body.parent ? g : undefined
}

export class ForkLineages {
  private readonly entries = new Map<CommunityId, Entry>()

  constructor(private readonly host: LineageHost) {}

  /** A final answer (verified or false), if there is one. */
  final(fork: CommunityId): ForkLineage | undefined {
    const e = this.entries.get(fork)
    return e && e.value.status !== 'unchecked' ? e.value : undefined
  }

  /** A final answer kept from an earlier run. */
  restore(fork: CommunityId, value: ForkLineage): void {
    if (value.status !== 'unchecked') this.entries.set(fork, { value, key: 'final' })
  }

  clear(): void {
    this.entries.clear()
  }

  /** FORK-5: a community's lineage as this device can tell it; null when it is not a fork (or its genesis is not here yet). */
  of(rt: LineageRuntime): ForkLineage | null {
    const final = this.final(rt.id)
    if (final) return final
    if (rt.loading) {
      const p = rt.snapshot?.parent
      return p ? unchecked(p.community, null, p.version, 'loading') : null
    }
    const genesis = forkGenesisOf(rt)
    if (!genesis) return null
    const claim = genesis.body.parent as NonNullable<ForkGenesis['body']['parent']>
    const parentId = toHex(claim.community) as CommunityId
    const parent = this.host.runtime(parentId)
    // Asked again only when the parent changed (its op count, or whether it is still loading).
    const key = parent ? `${parent.loading ? 'loading' : 'whole'}:${parent.replica.size}` : 'none'
    const known = this.entries.get(rt.id)
    if (known && known.key === key) return known.value
    let value: ForkLineage
    if (parent?.loading) value = unchecked(parentId, null, claim.version, 'loading')
    else if (!parent || parent.replica.roster().genesis === null) value = unchecked(parentId, null, claim.version, 'parent-not-held')
    else {
      const check = checkForkLineage(genesis, parent.replica)
      value = check.status === 'unchecked'
        ? unchecked(parentId, parent.replica.roster().genesis?.name ?? null, claim.version, 'parent-ops-missing', check.missingHeads.length)
        : { parent: parentId, parentName: check.parentName, version: claim.version, status: check.status, unchecked: null, missingHeads: 0, problems: check.status === 'false' ? check.problems : [] }
    }
    this.entries.set(rt.id, { value, key })
    if (value.status !== 'unchecked') this.keep(rt.id, value)
    return value
  }

  /** Ask again for the forks that `changed` is (or is the parent of), or for every fork; tell UIs if an answer moved. */
  refresh(changed?: CommunityId): void {
    let moved = false
    for (const rt of this.host.runtimes()) {
      if (rt.loading || this.final(rt.id)) continue
      const genesis = forkGenesisOf(rt)
      if (!genesis) continue
      if (changed !== undefined && rt.id !== changed && toHex((genesis.body.parent as { community: Uint8Array }).community) !== changed) continue
      const before = this.entries.get(rt.id)?.value
      const after = this.of(rt)
      if (before?.status !== after?.status || before?.unchecked !== after?.unchecked || before?.missingHeads !== after?.missingHeads) moved = true
    }
    if (moved) this.host.changed()
  }

  /** Keep a final answer, sealed, so a restarted device shows it before its replicas reload. */
  private keep(fork: CommunityId, value: ForkLineage): void {
    const dataKey = this.host.dataKey()
    if (!dataKey) return
    const name = `${LINEAGE_META_PREFIX}${fork}`
    void this.host.meta.putMeta(name, seal(dataKey, name, encodeLineage(value))).catch(() => undefined)
  }

  /** Restore the kept final answers (on unlock, before the replicas load); a damaged one is simply asked again. */
  async restoreKept(): Promise<void> {
    const dataKey = this.host.dataKey()
    if (!dataKey) return
    for (const name of await this.host.meta.listMeta(LINEAGE_META_PREFIX)) {
      const raw = await this.host.meta.getMeta(name)
      let value: ForkLineage | undefined
      try {
        value = raw ? decodeLineage(unseal(dataKey, name, raw)) : undefined
      } catch {
        value = undefined
      }
      if (value) this.restore(name.slice(LINEAGE_META_PREFIX.length) as CommunityId, value)
    }
  }
}

// ---- keeping final answers -------------------------------------------------------

export const LINEAGE_META_PREFIX = 'lineage/'

export function encodeLineage(v: ForkLineage): CborValue {
  return {
    v: 1, parent: v.parent, parentName: v.parentName, version: v.version, status: v.status,
    problems: v.problems.map((p) => ({ rule: p.rule, code: p.code, message: p.message })),
  }
}

const RULES = new Set(['FORK-2', 'FORK-3', 'FORK-4'])
const CODES = new Set(['heads', 'version', 'charter-hash', 'charter-text', 'members'])

/** A kept answer (as unsealed), checked field by field (own keys only); undefined when it is not one, so it is asked again. */
export function decodeLineage(v: CborValue): ForkLineage | undefined {
  if (v === null || typeof v !== 'object' || Array.isArray(v) || v instanceof Uint8Array) return undefined
  const own = (o: object, k: string): CborValue | undefined => (Object.hasOwn(o, k) ? (o as Record<string, CborValue>)[k] : undefined)
  const parent = own(v, 'parent')
  const parentName = own(v, 'parentName')
  const version = own(v, 'version')
  const status = own(v, 'status')
  const problems = own(v, 'problems')
  if (own(v, 'v') !== 1 || typeof parent !== 'string' || !/^[0-9a-f]{64}$/.test(parent)) return undefined
  if (!(parentName === null || typeof parentName === 'string') || typeof version !== 'number') return undefined
  if ((status !== 'verified' && status !== 'false') || !Array.isArray(problems)) return undefined
  const list: LineageProblem[] = []
  for (const p of problems) {
    if (p === null || typeof p !== 'object' || Array.isArray(p) || p instanceof Uint8Array) return undefined
    const rule = own(p, 'rule')
    const code = own(p, 'code')
    const message = own(p, 'message')
    if (typeof rule !== 'string' || !RULES.has(rule) || typeof code !== 'string' || !CODES.has(code) || typeof message !== 'string') return undefined
    list.push({ rule: rule as LineageProblem['rule'], code: code as LineageProblem['code'], message })
  }
  if ((status === 'false') !== (list.length > 0)) return undefined
  return { parent: parent as CommunityId, parentName, version, status, unchecked: null, missingHeads: 0, problems: list }
}
