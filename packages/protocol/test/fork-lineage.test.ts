/**
 * FORK-5: a fork's lineage checked against a replica of the parent
 * (`checkForkLineage`): verified, cannot be checked yet, or false — and the
 * same verdict as the standalone check from the ops alone (`verifyForkLineage`)
 * on seeded random histories, at historical heads, with and without lies.
 */
import { describe, expect, it } from 'vitest'
import { sha256 } from '@noble/hashes/sha2.js'
import { DEFAULT_RULES, Replica, checkForkLineage, verifyForkLineage, type AnyOp, type LineageCheck } from '../src/index'
import { fromHex, utf8 } from '../src/encoding/bytes'
import { nodeCrypto } from './node-crypto'
import { range } from './random'
import { seeded } from './seeds'
import { Actor, close, community, propose, syncAll, TestKeys, vote } from './harness'

interface Claim { heads: string[]; version: number; charter: string; members: Uint8Array[] }

/** The truthful claim about a parent replica's state at its current heads. */
function truth(r: Replica, version?: number): Claim {
  const s = r.state()
  const v = version ?? s.charter.versions.length - 1
  return { heads: s.heads, version: v, charter: (s.charter.versions[v] as { text: string }).text, members: s.members.map((m) => fromHex(m.id)) }
}

function forkOf(by: Actor, parentCommunity: string, c: Claim, charterHash?: Uint8Array): AnyOp {
  const forker = new Actor(`${by.label}-fork`, new Replica({ crypto: nodeCrypto }), by.identity, by.keys)
  return forker.act('genesis', {
    name: 'Fork', purpose: '', charter: c.charter, rules: DEFAULT_RULES, founder: by.identity.publicKey, cert: forker.cert(),
    parent: {
      community: fromHex(parentCommunity), heads: c.heads.map((h) => fromHex(h)), version: c.version,
      charterHash: charterHash ?? sha256(utf8.encode(c.charter)), members: c.members,
    },
  })
}

function ratify(c: { founder: Actor; all: Actor[] }, text: string): void {
  const p = propose(c.founder, { type: 'amend', charter: text, base: c.founder.replica.state().charter.versions.length - 1 })
  syncAll(c.all)
  const active = c.founder.replica.roster().members
  for (const a of c.all) if (active.has(a.member)) vote(a, p, { type: 'yesno', choice: 'yes' })
  syncAll(c.all)
  close(c.founder, p)
  syncAll(c.all)
}

describe('fork lineage against the parent replica (FORK-5)', () => {
  it('FORK-5: a true fork is verified against the parent replica, with the parent\'s name', () => {
    const c = community(2)
    ratify(c, '# v1\n')
    const g = forkOf(c.members[0] as Actor, c.founder.community, truth(c.founder.replica))
    expect(checkForkLineage(g as never, c.founder.replica)).toEqual({ status: 'verified', parentName: 'Test Community' })
  })

  it('ADV-forged-lineage-member-list (FORK-4): real heads, the right charter hash, a made-up member list: false, never verified', () => {
    const c = community(2)
    const outsider = new Actor('outsider')
    const claim = { ...truth(c.founder.replica), members: [c.founder.identity.publicKey, outsider.identity.publicKey] }
    const g = forkOf(outsider, c.founder.community, claim)
    const r = checkForkLineage(g as never, c.founder.replica)
    expect(r.status).toBe('false')
    expect(r.status === 'false' && r.problems.map((p) => p.code)).toEqual(['members'])
    expect(verifyForkLineage(g, c.founder.replica.ops(), nodeCrypto).problems.join()).toMatch(/FORK-4/)
  })

  it('FORK-4: a member list with a repeat is not "exactly the members"', () => {
    const c = community(1)
    const t = truth(c.founder.replica)
    const g = forkOf(c.founder, c.founder.community, { ...t, members: [...t.members, t.members[0] as Uint8Array] })
    expect(checkForkLineage(g as never, c.founder.replica).status).toBe('false')
    expect(verifyForkLineage(g, c.founder.replica.ops(), nodeCrypto).ok).toBe(false)
  })

  it('FORK-5: cited heads this replica lacks: unchecked, naming them; verified once they arrive', () => {
    const c = community(2)
    const behind = c.members[1] as Actor
    c.founder.act('profile.set', { name: 'newer' })
    const g = forkOf(c.founder, c.founder.community, truth(c.founder.replica))
    const before = checkForkLineage(g as never, behind.replica)
    expect(before.status).toBe('unchecked')
    expect(before.status === 'unchecked' && before.missingHeads).toEqual(c.founder.replica.heads())
    behind.pull(c.founder)
    expect(checkForkLineage(g as never, behind.replica).status).toBe('verified')
  })

  it('FORK-5: the check is against the state at the cited heads, not the parent\'s latest state', () => {
    const c = community(2)
    const early = truth(c.founder.replica)
    ratify(c, '# later\n')
    c.founder.act('member.remove', { member: (c.members[0] as Actor).identity.publicKey, reason: '' })
    const g = forkOf(c.founder, c.founder.community, early)
    expect(checkForkLineage(g as never, c.founder.replica).status).toBe('verified')
    // The same claim at the new heads is a lie: the members and the latest version changed since.
    const moved = forkOf(c.founder, c.founder.community, { ...early, heads: c.founder.replica.heads() })
    expect(checkForkLineage(moved as never, c.founder.replica).status).toBe('false')
  })
})

describe('FORK-5 differential: the replica check agrees with the check from the ops alone', () => {
  seeded('FORK-5: seeded histories, claims at historical heads, with and without lies', { fixed: range(1, 30), fresh: 5, timeout: 120_000 }, (run) => {
    let cases = 0
    let multi = 0
    const verdicts = new Map<string, number>()
    run.each((rng) => {
      const { seed } = rng
      const keys = new TestKeys(seed)
      {
        const base = community(2, {}, undefined, keys)
        const c = { founder: base.founder, all: [...base.all] }
        const points: Claim[] = [truth(c.founder.replica)]
        for (let step = 0; step < 6; step++) {
          const roll = rng.int(5)
          const others = c.all.filter((a) => a !== c.founder && c.founder.replica.roster().members.has(a.member))
          if (roll === 4 && others.length > 0) {
            // Concurrent ops: the founder then holds two heads.
            const m = rng.pick(others)
            m.pull(c.founder)
            m.act('profile.set', { name: `m${step}` })
            c.founder.act('profile.set', { name: `f${step}` })
            c.founder.pull(m)
          } else if (roll === 0) ratify(c, `# v${step}\n\n${rng.int(1000)}\n`)
          else if (roll === 1) {
            const inv = c.founder.invite()
            const a = new Actor(`x${step}`, undefined, undefined, keys)
            a.pull(c.founder)
            a.join(inv)
            c.founder.pull(a)
            c.all.push(a)
          } else if (roll === 2 && c.founder.replica.state().members.length > 2) {
            const victim = rng.pick(c.founder.replica.state().members.filter((m) => m.id !== c.founder.member))
            c.founder.act('member.remove', { member: fromHex(victim.id), reason: '' })
          } else c.founder.act('profile.set', { name: `f${step}` })
          points.push(truth(c.founder.replica, rng.int(c.founder.replica.state().charter.versions.length)))
        }
        const ops = c.founder.replica.ops()
        for (const p of points) {
          const lie = rng.int(6)
          let claim = p
          if (lie === 1) claim = { ...p, members: p.members.slice(1) }
          else if (lie === 2) claim = { ...p, members: [...p.members, new Actor('o', undefined, undefined, keys).identity.publicKey] }
          else if (lie === 3) claim = { ...p, version: p.version + 1 + rng.int(2), charter: p.charter }
          else if (lie === 4) claim = { ...p, charter: `${p.charter}!` }
          // Citing fewer heads moves the point in history: true or false, both checks must say the same.
          else if (lie === 5) claim = { ...p, heads: p.heads.slice(0, 1) }
          const g = forkOf(c.founder, c.founder.community, claim)
          const fast: LineageCheck = checkForkLineage(g as never, c.founder.replica)
          const slow = verifyForkLineage(g, ops, nodeCrypto)
          if (lie !== 5 || p.heads.length === 1) expect(fast.status, `seed ${seed} lie ${lie}`).toBe(lie === 0 || lie === 5 ? 'verified' : 'false')
          expect(slow.ok, `seed ${seed} lie ${lie}: ${slow.problems.join('; ')}`).toBe(fast.status === 'verified')
          if (fast.status === 'false') expect(fast.problems.map((x) => x.message).sort()).toEqual([...slow.problems].sort())
          verdicts.set(fast.status, (verdicts.get(fast.status) ?? 0) + 1)
          if (p.heads.length > 1) multi++
          cases++
        }
      }
    })
    console.log(`FORK-5 differential: ${cases} claims over ${run.seeds.length} seeds (${multi} at two heads): ${[...verdicts].map(([k, n]) => `${n} ${k}`).join(', ')}`)
    if (run.fixed) {
      expect(cases).toBeGreaterThan(50)
      expect(multi).toBeGreaterThan(3)
    }
  })
})
