/**
 * Fork lineage (FORK-1..5 in docs/PROTOCOL.md): does a fork's genesis tell the
 * truth about its parent — the heads it cites, the ratified charter version it
 * starts from, and who the parent's members were there?
 *
 * - `checkForkLineage(genesis, parentReplica)` answers against a replica of the
 *   parent that already holds (and has verified) the parent's ops: the state at
 *   the cited heads is the roster a new op with those heads as deps would see,
 *   which the replica keeps per frontier. Cost: a lookup per head and one
 *   roster fold at that frontier, however long the parent's history.
 * - `verifyForkLineage(genesis, parentOps)` answers from the ops alone (a
 *   standalone check, e.g. of files): it folds the causal past of the cited
 *   heads into a fresh replica, then asks the same question.
 */
import { toHex, utf8 } from './encoding/bytes'
import { sha256 } from './crypto/hash'
import type { AnyOp, CryptoSuite, HeldOpOf } from './op/envelope'
import { pureCrypto } from './op/envelope'
import type { CommunityId, MemberId, OpId } from './op/ids'
import { Replica } from './replica/replica'

/** What is wrong with a fork's claim: the rule, a stable code, and words for a person. */
export interface LineageProblem {
  readonly rule: 'FORK-2' | 'FORK-3' | 'FORK-4'
  readonly code: 'heads' | 'version' | 'charter-hash' | 'charter-text' | 'members'
  readonly message: string
}

export type LineageCheck =
  /** The parent's ops prove the claim (FORK-2..4). */
  | { readonly status: 'verified'; readonly parentName: string }
  /** The parent replica lacks some of the cited heads: nothing can be concluded yet. */
  | { readonly status: 'unchecked'; readonly missingHeads: readonly OpId[] }
  /** The parent's ops at the cited heads contradict the claim. Final: those ops never change (DAG-4). */
  | { readonly status: 'false'; readonly parentName: string; readonly problems: readonly LineageProblem[] }

/** A fork's genesis: the held op or the decoded one. */
export type ForkGenesis = Pick<HeldOpOf<'genesis'>, 'body'>

const problem = (rule: LineageProblem['rule'], code: LineageProblem['code'], message: string): LineageProblem => ({ rule, code, message })

/** FORK-2..4 against a replica of the named parent. Throws only if `parent` is not that community's replica or the op is not a fork. */
export function checkForkLineage(genesis: ForkGenesis, parent: Replica): LineageCheck {
  const claim = genesis.body.parent
  if (!claim) throw new Error('checkForkLineage: this genesis names no parent.')
  const parentId = toHex(claim.community) as CommunityId
  if (parent.community !== parentId) throw new Error('checkForkLineage: the replica is not the named parent.')
  const heads = [...new Set(claim.heads.map((h) => toHex(h) as OpId))]
  const missingHeads = heads.filter((h) => !parent.has(h))
  if (missingHeads.length > 0) return { status: 'unchecked', missingHeads }
  // FORK-2: the parent's state folded from exactly the causal past of the cited heads.
  const past = parent.rosterAt(heads)
  const parentName = past.genesis?.name ?? ''
  const problems: LineageProblem[] = []
  const v = claim.version < past.charterVersions.length ? past.charterVersions[claim.version] : undefined
  if (!v) problems.push(problem('FORK-3', 'version', `FORK-3: the parent had no ratified version ${claim.version} at the cited heads.`))
  else {
    if (toHex(sha256(utf8.encode(v.text))) !== toHex(claim.charterHash)) problems.push(problem('FORK-3', 'charter-hash', 'FORK-3: the cited charter hash is not the hash of that ratified version.'))
    if (v.text !== genesis.body.charter) problems.push(problem('FORK-3', 'charter-text', 'FORK-3: the fork\'s starting charter is not the cited ratified version.'))
  }
  const cited = claim.members.map((m) => toHex(m) as MemberId)
  const citedSet = new Set(cited)
  if (citedSet.size !== cited.length || citedSet.size !== past.members.size || cited.some((m) => !past.members.has(m))) {
    problems.push(problem('FORK-4', 'members', 'FORK-4: the fork names parent members who were not the members at the cited heads.'))
  }
  return problems.length === 0 ? { status: 'verified', parentName } : { status: 'false', parentName, problems }
}

export interface LineageProof {
  ok: boolean
  parent: string | null
  parentName: string | null
  version: number | null
  charterHash: string | null
  problems: string[]
}

/**
 * FORK-2..4 from the parent's ops alone (`parentOps` is taken to be all the
 * parent's ops the checker has: a cited head that is not among them is a
 * FORK-2 problem here, where the node says "cannot be checked yet").
 * Ops must carry their envelope bytes (AnyOp).
 */
export function verifyForkLineage(forkGenesis: AnyOp, parentOps: Iterable<AnyOp>, crypto: CryptoSuite = pureCrypto): LineageProof {
  if (forkGenesis.kind !== 'genesis' || !forkGenesis.body.parent) {
    return { ok: false, parent: null, parentName: null, version: null, charterHash: null, problems: ['This op is not the genesis of a fork.'] }
  }
  const claim = forkGenesis.body.parent
  const parentId = toHex(claim.community) as CommunityId
  const base = { parent: parentId, version: claim.version, charterHash: toHex(claim.charterHash) }
  const problems: string[] = []
  const all = new Map<OpId, AnyOp>()
  for (const op of parentOps) if (op.community === parentId) all.set(op.id, op)
  const heads = [...new Set(claim.heads.map((h) => toHex(h) as OpId))]
  for (const h of heads) if (!all.has(h)) problems.push(`FORK-2: the cited parent head ${h.slice(0, 12)}… is not among the parent's ops.`)
  // The causal past of the cited heads, deps before dependents (an iterative post-order walk).
  const ordered: AnyOp[] = []
  const seen = new Set<OpId>()
  const stack: { id: OpId; expanded: boolean }[] = heads.map((id) => ({ id, expanded: false }))
  while (stack.length > 0) {
    const top = stack.pop() as { id: OpId; expanded: boolean }
    const op = all.get(top.id)
    if (!op) continue
    if (top.expanded) {
      ordered.push(op)
      continue
    }
    if (seen.has(top.id)) continue
    seen.add(top.id)
    stack.push({ id: top.id, expanded: true })
    for (const d of op.deps) if (!seen.has(d)) stack.push({ id: d, expanded: false })
  }
  const replica = new Replica({ community: parentId, crypto })
  for (const op of ordered) replica.receive(op)
  if (replica.roster().genesis === null) {
    problems.push('FORK-2: the parent\'s genesis is not in the past of the cited heads.')
    return { ok: false, ...base, parentName: null, problems }
  }
  if (replica.pendingCount() > 0) problems.push('FORK-2: ops in the past of the cited heads are missing.')
  const check = checkForkLineage(forkGenesis, replica)
  if (check.status === 'unchecked') {
    for (const h of check.missingHeads) if (all.has(h)) problems.push(`FORK-2: the cited parent head ${h.slice(0, 12)}… is not a valid op of the parent.`)
  } else if (check.status === 'false') for (const p of check.problems) problems.push(p.message)
  return { ok: problems.length === 0, ...base, parentName: replica.roster().genesis?.name ?? null, problems }
}
