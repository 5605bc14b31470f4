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
import { checkForkLineage, toHex, type CborValue, type CommunityId, type ForkGenesis, type LineageProblem, type Replica } from '@polity/protocol'
import type { ForkLineage } from '@polity/api'

/** The parent as this device holds it, if at all. */
export interface HeldParent {
  readonly replica: Replica
  /** Still replaying its stored ops behind a checkpoint: not whole yet. */
  readonly loading: boolean
}

interface Entry {
  readonly value: ForkLineage
  /** What the answer was computed from: the parent's op count and loading state. */
  readonly key: string
}

const unchecked = (parent: CommunityId, parentName: string | null, version: number, why: NonNullable<ForkLineage['unchecked']>, missingHeads = 0): ForkLineage =>
  ({ parent, parentName, version, status: 'unchecked', unchecked: why, missingHeads, problems: [] })

export class ForkLineages {
  private readonly entries = new Map<CommunityId, Entry>()

  /** `onFinal` is told each verified or false answer once, to keep it (sealed) across restarts. */
  constructor(private readonly onFinal: (fork: CommunityId, value: ForkLineage) => void) {}

  /** A final answer, if there is one. */
  final(fork: CommunityId): ForkLineage | undefined {
    const e = this.entries.get(fork)
    return e && e.value.status !== 'unchecked' ? e.value : undefined
  }

  /** The last answer (final or not). */
  last(fork: CommunityId): ForkLineage | undefined {
    return this.entries.get(fork)?.value
  }

  /** A final answer kept from an earlier run. */
  restore(fork: CommunityId, value: ForkLineage): void {
    if (value.status !== 'unchecked') this.entries.set(fork, { value, key: 'final' })
  }

  clear(): void {
    this.entries.clear()
  }

  /** FORK-5: the fork's lineage against the parent as held here; asked again only when the parent changed. */
  of(fork: CommunityId, genesis: ForkGenesis, parent: HeldParent | undefined): ForkLineage {
    const claim = genesis.body.parent
    if (!claim) throw new Error('not a fork')
    const known = this.entries.get(fork)
    if (known && known.value.status !== 'unchecked') return known.value
    const key = parent ? `${parent.loading ? 'loading' : 'whole'}:${parent.replica.size}` : 'none'
    if (known && known.key === key) return known.value
    const parentId = toHex(claim.community) as CommunityId
    let value: ForkLineage
    if (parent?.loading) value = unchecked(parentId, null, claim.version, 'loading')
    else if (!parent || parent.replica.roster().genesis === null) value = unchecked(parentId, null, claim.version, 'parent-not-held')
    else {
      const check = checkForkLineage(genesis, parent.replica)
      const parentName = parent.replica.roster().genesis?.name ?? null
      value = check.status === 'unchecked'
        ? unchecked(parentId, parentName, claim.version, 'parent-ops-missing', check.missingHeads.length)
        : { parent: parentId, parentName: check.parentName, version: claim.version, status: check.status, unchecked: null, missingHeads: 0, problems: check.status === 'false' ? check.problems : [] }
    }
    this.entries.set(fork, { value, key })
    if (value.status !== 'unchecked') this.onFinal(fork, value)
    return value
  }
}

/** What a fork shows while its own replica is still loading and no final answer is kept. */
export function loadingLineage(parent: CommunityId, version: number): ForkLineage {
  return unchecked(parent, null, version, 'loading')
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
