/**
 * Fork lineage (FORK-1..4 in docs/PROTOCOL.md): given the parent's ops and a
 * fork's genesis, prove from the ops alone which ratified version of whose
 * charter the fork started from, and who could join it.
 */
import { toHex, utf8 } from './encoding/bytes'
import { sha256 } from './crypto/hash'
import type { AnyOp, CryptoSuite, Op } from './op/envelope'
import { pureCrypto } from './op/envelope'
import type { OpId } from './op/ids'
import { Replica } from './replica/replica'

export interface LineageProof {
  ok: boolean
  parent: string | null
  parentName: string | null
  version: number | null
  charterHash: string | null
  problems: string[]
}

export function verifyForkLineage(forkGenesis: AnyOp, parentOps: Iterable<AnyOp>, crypto: CryptoSuite = pureCrypto): LineageProof {
  const problems: string[] = []
  if (forkGenesis.kind !== 'genesis' || !forkGenesis.body.parent) {
    return { ok: false, parent: null, parentName: null, version: null, charterHash: null, problems: ['This op is not the genesis of a fork.'] }
  }
  const g = forkGenesis as Op<'genesis'>
  const parent = g.body.parent as NonNullable<Op<'genesis'>['body']['parent']>
  const parentId = toHex(parent.community)
  const heads = parent.heads.map((h) => toHex(h) as OpId)
  const all = new Map<OpId, AnyOp>()
  for (const op of parentOps) if (op.community === parentId) all.set(op.id, op)
  // The parent's state at the cited heads: exactly the ops in their causal past.
  const past = new Map<OpId, AnyOp>()
  const stack = [...heads]
  for (const h of heads) if (!all.has(h)) problems.push(`FORK-2: the cited parent head ${h.slice(0, 12)}… is not among the parent's ops.`)
  while (stack.length > 0) {
    const id = stack.pop() as OpId
    const op = all.get(id)
    if (!op || past.has(id)) continue
    past.set(id, op)
    stack.push(...op.deps)
  }
  const replica = new Replica({ community: parentId as never, crypto })
  const ordered = [...past.values()].sort((a, b) => a.seq - b.seq)
  for (const op of ordered) replica.receive(op)
  if (replica.roster().genesis === null) {
    problems.push('FORK-2: the parent\'s genesis is not in the past of the cited heads.')
    return { ok: false, parent: parentId, parentName: null, version: parent.version, charterHash: toHex(parent.charterHash), problems }
  }
  if (replica.pendingCount() > 0) problems.push('FORK-2: ops in the past of the cited heads are missing.')
  const versions = replica.roster().charterVersions
  const v = versions[parent.version]
  if (!v) problems.push(`FORK-3: the parent had no ratified version ${parent.version} at the cited heads.`)
  else {
    if (toHex(sha256(utf8.encode(v.text))) !== toHex(parent.charterHash)) problems.push('FORK-3: the cited charter hash is not the hash of that ratified version.')
    if (v.text !== g.body.charter) problems.push('FORK-3: the fork\'s starting charter is not the cited ratified version.')
  }
  const members = [...replica.roster().members.keys()].sort()
  const cited = parent.members.map((m) => toHex(m)).sort()
  if (members.join() !== cited.join()) problems.push('FORK-4: the fork names parent members who were not the members at the cited heads.')
  return {
    ok: problems.length === 0,
    parent: parentId,
    parentName: replica.roster().genesis?.name ?? null,
    version: parent.version,
    charterHash: toHex(parent.charterHash),
    problems,
  }
}
