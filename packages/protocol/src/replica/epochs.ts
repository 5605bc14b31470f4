/**
 * The epochs of a sealed community along the DAG (EPOCH-* and KEY-1/2 in
 * docs/PROTOCOL.md §18). Every rule here reads an op and its causal past only
 * (DAG-4): for each held op a Summary of its past (itself included) — the
 * epochs created and superseded there, those whose parts are all there, and
 * the maximal departures — merged from its deps' summaries.
 */
import { RuleViolation } from '../errors'
import { equalBytes, toHex } from '../encoding/bytes'
import { keyMatches } from '../crypto/seal'
import { GENESIS_CERT_COMMUNITY, isUsableAgreeKey, verifyAgreeCert } from '../crypto/agree'
import type { Verifier } from '../crypto/ed25519'
import type { DeviceKey, MemberId, OpId } from '../op/ids'
import { recipientTag, type OpenedOp } from '../op/sealed-envelope'
import type { Clear } from '../op/sealed-kinds'
import { canonicalCompare, type Dag, type DagEntry } from './dag'
import { inviteOpen, type RosterState } from './roster'

/** EPOCH-3: the ops allowed under a due epoch, beside epoch.rekey: more departures. */
export const DEPARTURES = new Set(['member.remove', 'member.leave', 'invite.revoke'])

/** What an op's causal past (itself included) holds, as far as epochs go. Shared between ops; never mutated. */
export interface EpochSummary {
  readonly created: ReadonlySet<OpId>
  readonly superseded: ReadonlySet<OpId>
  /** Epochs whose parts are all there (EPOCH-6). */
  readonly complete: ReadonlySet<OpId>
  /** The maximal departures (EPOCH-3): every departure there is one of them or in the past of one. */
  readonly maxDep: readonly DagEntry[]
  /** KEY-6: the grants that publish agree keys (of members who have none). */
  readonly announced: ReadonlySet<OpId>
}

interface EpochInfo {
  readonly id: OpId
  readonly entry: DagEntry
  readonly commit: Uint8Array
  readonly parts: number
  readonly author: DeviceKey
  /** Re-keys: the recipient tags expected at the first part's past (EPOCH-7). */
  readonly expected: ReadonlySet<string> | null
}

/** What a check found that insertion records. */
export interface EpochVerdict {
  readonly expected?: ReadonlySet<string>
  readonly tags?: ReadonlySet<string>
}

export interface EpochCheckContext {
  readonly roster: RosterState
  readonly member: MemberId
  readonly community: Uint8Array
  readonly verify: Verifier
  readonly timeWitnessedFor: (creator: MemberId) => number
}

const EMPTY: EpochSummary = { created: new Set(), superseded: new Set(), complete: new Set(), maxDep: [], announced: new Set() }
const violation = (rule: string, why: string): never => {
  throw new RuleViolation(rule, why)
}

function union<T>(a: ReadonlySet<T>, b: ReadonlySet<T>): ReadonlySet<T> {
  if (a === b || b.size === 0) return a
  if (a.size === 0) return b
  let bInA = true
  for (const x of b) if (!a.has(x)) bInA = false
  if (bInA) return a
  let aInB = true
  for (const x of a) if (!b.has(x)) aInB = false
  if (aInB) return b
  return new Set([...a, ...b])
}
const plus = <T>(a: ReadonlySet<T>, x: T): ReadonlySet<T> => (a.has(x) ? a : new Set([...a, x]))
const tagsOf = (c: Clear): Set<string> => new Set(c.wraps.map((w) => toHex(w.to)))

export class Epochs {
  private readonly summaries: EpochSummary[] = []
  private readonly infos = new Map<OpId, EpochInfo>()
  /** Re-key parts: their epoch, number, and the tags of every part up to them. */
  private readonly parts = new Map<OpId, { epoch: OpId; part: number; tags: ReadonlySet<string> }>()
  /** EPOCH-12: per epoch, the recipient tags held ops wrap its key to (its creating op's parts, invites, grants), and how many times. */
  private readonly wrapped = new Map<OpId, Map<string, number>>()
  /** KEY-6: per grant that publishes agree keys, the members and their keys. */
  private readonly announcements = new Map<OpId, readonly { member: string; agree: Uint8Array }[]>()

  constructor(private readonly dag: Dag) {}

  /** The summary of the causal past of an op with these (held) deps. */
  pastOf(deps: readonly OpId[]): EpochSummary {
    let s: EpochSummary | undefined
    for (const d of deps) {
      const x = this.summaries[(this.dag.get(d) as DagEntry).index] as EpochSummary
      s = s ? this.merge(s, x) : x
    }
    return s ?? EMPTY
  }

  private merge(a: EpochSummary, b: EpochSummary): EpochSummary {
    if (a === b) return a
    const created = union(a.created, b.created)
    const superseded = union(a.superseded, b.superseded)
    const complete = union(a.complete, b.complete)
    const announced = union(a.announced, b.announced)
    const maxDep = this.maximal([...a.maxDep, ...b.maxDep.filter((x) => !a.maxDep.includes(x))])
    if (created === a.created && superseded === a.superseded && complete === a.complete && announced === a.announced && maxDep.length === a.maxDep.length && maxDep.every((x, i) => x === a.maxDep[i])) return a
    return { created, superseded, complete, maxDep, announced }
  }

  private maximal(xs: DagEntry[]): DagEntry[] {
    return xs.filter((x) => !xs.some((y) => y !== x && this.dag.isAncestor(x, y)))
  }

  /** EPOCH-1: live epochs (created and not superseded), oldest first in canonical order. */
  live(s: EpochSummary): OpId[] {
    return [...s.created].filter((e) => !s.superseded.has(e)).sort((a, b) => this.order(a, b))
  }

  private order(a: OpId, b: OpId): number {
    return canonicalCompare((this.infos.get(a) as EpochInfo).entry, (this.infos.get(b) as EpochInfo).entry)
  }

  /** EPOCH-3: a departure lies in the past whose creating op does not descend from it. */
  isDue(epoch: OpId, s: EpochSummary): boolean {
    const e = (this.infos.get(epoch) as EpochInfo).entry
    return s.maxDep.some((d) => d !== e && !this.dag.isAncestor(d, e))
  }

  /** Epochs an op with this past may be sealed under (EPOCH-2, EPOCH-3; a departure: due ones too), oldest first. */
  usable(s: EpochSummary, departure = false): OpId[] {
    return this.live(s).filter((e) => s.complete.has(e) && (departure || !this.isDue(e, s)))
  }

  /** EPOCH-5: may any member re-key at this past (several live epochs, or every live one due)? */
  anyoneMayRekey(s: EpochSummary): boolean {
    const live = this.live(s)
    return live.length > 1 || live.every((e) => this.isDue(e, s))
  }

  commitOf(epoch: OpId): Uint8Array | undefined {
    return this.infos.get(epoch)?.commit
  }

  /** KEY-3: the agree key in the op that admitted a member, if any. */
  private admissionAgree(by: OpId): Uint8Array | undefined {
    const body = this.dag.get(by)?.op.body as { agree?: unknown } | undefined
    return body?.agree instanceof Uint8Array ? body.agree : undefined
  }

  /**
   * EPOCH-7: the agree keys a key must reach at a past: every member's key
   * from their admission (KEY-3) or, for a member admitted without one, the
   * keys grants in the past published for them (KEY-6), and every live
   * invite's, by tag.
   */
  recipients(commit: Uint8Array | undefined, ctx: Pick<EpochCheckContext, 'roster' | 'timeWitnessedFor'>, time: number, past?: EpochSummary): Map<string, Uint8Array> {
    const out = new Map<string, Uint8Array>()
    const put = (agree: Uint8Array): void => {
      out.set(commit ? toHex(recipientTag(commit, agree)) : toHex(agree), agree)
    }
    const add = (by: OpId): void => {
      const agree = this.admissionAgree(by)
      if (agree) put(agree)
    }
    for (const m of ctx.roster.members.values()) add(m.admittedBy)
    for (const g of past?.announced ?? []) {
      for (const a of this.announcements.get(g) ?? []) {
        const m = ctx.roster.members.get(a.member as MemberId)
        if (m && !this.admissionAgree(m.admittedBy)) put(a.agree)
      }
    }
    for (const inv of ctx.roster.invites.values()) {
      if (!inviteOpen(inv) || time > inv.expires || ctx.timeWitnessedFor(inv.creator) > inv.expires) continue
      add(inv.id)
    }
    return out
  }

  /** Validity of a sealed op at its causal past `past` (beyond the v1 rules). Throws RuleViolation. */
  check(op: OpenedOp, past: EpochSummary, ctx: EpochCheckContext): EpochVerdict {
    switch (op.kind) {
      case 'genesis': {
        const b = op.body
        this.checkAgree(b.founder, GENESIS_CERT_COMMUNITY, b.agree, b.agreeCert, ctx)
        this.checkSingleWrap(op.clear as Clear, b.agree, 'genesis')
        return {}
      }
      case 'member.join':
      case 'fork.join':
        this.checkAgree(op.body.member, ctx.community, op.body.agree, op.body.agreeCert, ctx)
        break
      case 'invite.create':
        if (!isUsableAgreeKey(op.body.agree)) violation('KEY-2', 'the invite\'s agree key is not a usable X25519 key')
        break
      case 'epoch.rekey':
        if (op.createsEpoch) return this.checkRekey(op, past, ctx)
        break
      default:
    }
    const info = this.infos.get(op.epoch)
    if (!info || !past.created.has(op.epoch)) violation('EPOCH-2', 'the op is sealed under an epoch not created in its causal past')
    if (past.superseded.has(op.epoch)) violation('EPOCH-2', 'the op is sealed under an epoch that a re-key in its causal past superseded')
    const epoch = info as EpochInfo
    if (op.kind === 'epoch.rekey') return this.checkPart(op, epoch)
    if (!past.complete.has(op.epoch)) violation('EPOCH-2', 'the op is sealed under an epoch whose parts are not all in its causal past')
    if (!DEPARTURES.has(op.kind) && this.isDue(op.epoch, past)) {
      violation('EPOCH-3', 'the op is sealed under an epoch due for a re-key (a departure is in its causal past): only re-keys and departures until one')
    }
    const clear = op.clear
    if (clear && !equalBytes(clear.commit, epoch.commit)) violation('EPOCH-8', 'the op\'s commit is not its epoch\'s commitment')
    if (op.kind === 'invite.create') this.checkSingleWrap(clear as Clear, op.body.agree, 'an invite')
    if (op.kind === 'epoch.grant') {
      const expected = this.recipients(epoch.commit, ctx, op.time, past)
      for (const a of op.body.agrees ?? []) expected.set(toHex(recipientTag(epoch.commit, this.checkAnnounced(a, ctx))), a.agree)
      for (const w of (clear as Clear).wraps) if (!expected.has(toHex(w.to))) violation('EPOCH-9', 'a grant wraps the key to someone who is neither a member nor a live invite at its causal past')
    }
    return {}
  }

  /** KEY-6: a grant publishes the certified agree key of an active member who was admitted without one. */
  private checkAnnounced(a: { member: Uint8Array; agree: Uint8Array; agreeCert: Uint8Array }, ctx: EpochCheckContext): Uint8Array {
    const m = ctx.roster.members.get(toHex(a.member) as MemberId)
    if (!m) violation('KEY-6', 'a grant publishes an agree key only for a member at its causal past')
    if (this.admissionAgree((m as { admittedBy: OpId }).admittedBy)) violation('KEY-6', 'a grant publishes an agree key only for a member admitted without one (by proposal)')
    this.checkAgree(a.member, ctx.community, a.agree, a.agreeCert, ctx)
    return a.agree
  }

  /**
   * EPOCH-12: the recipients at a past (EPOCH-7, KEY-6) that no op held here
   * wraps this epoch's key to: a member who joined by invite (the invite was
   * wrapped to, not their own agree key), one published by a grant, an invite
   * made concurrently with the re-key that created the epoch. Not a rule of
   * validity (it reads what this replica holds, not the past): what a node grants.
   */
  lacking(epoch: OpId, past: EpochSummary, ctx: Pick<EpochCheckContext, 'roster' | 'timeWitnessedFor'>, time: number): Uint8Array[] {
    const info = this.infos.get(epoch)
    if (!info) return []
    const have = this.wrapped.get(epoch) ?? new Map<string, number>()
    return [...this.recipients(info.commit, ctx, time, past)].filter(([t]) => !have.has(t)).map(([, a]) => a)
  }

  /** KEY-3, KEY-6: a member's agree keys at a past: their admission's, else those grants there published. */
  agreeKeysOf(member: MemberId, roster: RosterState, past: EpochSummary): Uint8Array[] {
    const m = roster.members.get(member)
    if (!m) return []
    const own = this.admissionAgree(m.admittedBy)
    if (own) return [own]
    const out: Uint8Array[] = []
    for (const g of past.announced) for (const a of this.announcements.get(g) ?? []) if (a.member === member) out.push(a.agree)
    return out
  }

  /** EPOCH-12: how many held ops wrap this epoch's key to this agree key (a grant to it raises the count). */
  wrapsTo(epoch: OpId, agree: Uint8Array): number {
    const info = this.infos.get(epoch)
    return info ? this.wrapped.get(epoch)?.get(toHex(recipientTag(info.commit, agree))) ?? 0 : 0
  }

  private checkAgree(member: Uint8Array, community: Uint8Array, agree: Uint8Array, cert: Uint8Array, ctx: EpochCheckContext): void {
    if (!isUsableAgreeKey(agree)) violation('KEY-2', 'the agree key is not a usable X25519 key')
    if (!verifyAgreeCert(member, community, agree, cert, ctx.verify)) violation('KEY-1', 'the agree key is not certified by the member\'s identity key')
  }

  /** EPOCH-8: a genesis or an invite wraps its key to exactly its own agree key. */
  private checkSingleWrap(clear: Clear, agree: Uint8Array, what: string): void {
    const w = clear.wraps[0]
    if (clear.wraps.length !== 1 || !w || !equalBytes(w.to, recipientTag(clear.commit, agree))) violation('EPOCH-8', `${what} wraps its key to exactly its own agree key`)
  }

  private checkRekey(op: OpenedOp & { kind: 'epoch.rekey' }, past: EpochSummary, ctx: EpochCheckContext): EpochVerdict {
    const live = [...this.live(past)].sort()
    const sup = op.body.supersedes.map((e) => toHex(e) as OpId)
    if (sup.join() !== live.join()) violation('EPOCH-4', 'a re-key supersedes exactly the live epochs at its causal past, sorted')
    const seen = new Set<string>()
    for (const [e, k] of op.body.keys) {
      const id = toHex(e) as OpId
      if (!live.includes(id) || seen.has(id)) violation('EPOCH-4', 'a re-key carries keys only of the epochs it supersedes, each once')
      seen.add(id)
      if (!keyMatches(k, (this.infos.get(id) as EpochInfo).commit)) violation('EPOCH-4', 'a superseded key does not match its epoch\'s commitment (SEAL-3)')
    }
    const me = ctx.roster.members.get(ctx.member)
    const rules = ctx.roster.rules as NonNullable<RosterState['rules']>
    if (!this.anyoneMayRekey(past) && !ctx.roster.hasRole(me, rules.remove)) {
      violation('EPOCH-5', `re-keying on demand (no departure since the live epoch, one live epoch) needs the ${rules.remove} role`)
    }
    const clear = op.clear as Clear
    const expected = new Set(this.recipients(clear.commit, ctx, op.time, past).keys())
    const tags = tagsOf(clear)
    for (const t of tags) if (!expected.has(t)) violation('EPOCH-7', 'a re-key wraps the key to someone who is neither a member nor a live invite at its causal past')
    if (clear.parts === 1 && tags.size !== expected.size) violation('EPOCH-7', 'a re-key must wrap the key to every member and live invite at its causal past')
    return { expected, tags }
  }

  private checkPart(op: OpenedOp & { kind: 'epoch.rekey' }, epoch: EpochInfo): EpochVerdict {
    const clear = op.clear as Clear
    if (op.author !== epoch.author) violation('EPOCH-6', 'every part of a re-key is signed by the device that signed its first part')
    if (clear.parts !== epoch.parts || !equalBytes(clear.commit, epoch.commit)) violation('EPOCH-6', 'a part names the parts and the commitment of its first part')
    if (op.body.supersedes.length > 0 || op.body.keys.length > 0) violation('EPOCH-6', 'only a re-key\'s first part supersedes epochs and carries keys')
    const prev = op.deps.map((d) => this.parts.get(d)).find((p) => p !== undefined && p.epoch === epoch.id && p.part === (clear.part as number) - 1)
    if (!prev) violation('EPOCH-6', 'part k of a re-key lists its part k − 1 among its deps')
    const before = (prev as { tags: ReadonlySet<string> }).tags
    const expected = epoch.expected as ReadonlySet<string>
    const tags = new Set(before)
    for (const w of clear.wraps) {
      const t = toHex(w.to)
      if (!expected.has(t)) violation('EPOCH-7', 'a re-key wraps the key to someone who is neither a member nor a live invite at its first part\'s causal past')
      if (tags.has(t)) violation('EPOCH-7', 'a recipient is wrapped to in two parts')
      tags.add(t)
    }
    if (clear.part === clear.parts && tags.size !== expected.size) violation('EPOCH-7', 'the parts of a re-key must together wrap the key to every member and live invite')
    return { tags }
  }

  /** Record an inserted op (after `check` passed): its summary, and the epoch or part it creates. */
  inserted(entry: DagEntry, op: OpenedOp, past: EpochSummary, verdict: EpochVerdict, departure: boolean): void {
    let s = past
    if (op.kind === 'genesis' || (op.kind === 'epoch.rekey' && op.createsEpoch)) {
      const clear = op.clear as Clear
      const parts = clear.parts ?? 1
      this.infos.set(op.id, { id: op.id, entry, commit: clear.commit, parts, author: op.author, expected: verdict.expected ?? null })
      const superseded = op.kind === 'epoch.rekey' ? op.body.supersedes.reduce((acc, e) => plus(acc, toHex(e) as OpId), s.superseded) : s.superseded
      s = { ...s, created: plus(s.created, op.id), superseded, complete: parts === 1 ? plus(s.complete, op.id) : s.complete }
    }
    if (op.kind === 'epoch.rekey') {
      const clear = op.clear as Clear
      this.parts.set(op.id, { epoch: op.epoch, part: clear.part as number, tags: verdict.tags ?? new Set() })
      if (!op.createsEpoch && clear.part === clear.parts) s = { ...s, complete: plus(s.complete, op.epoch) }
    }
    if (op.clear) {
      let w = this.wrapped.get(op.epoch)
      if (!w) this.wrapped.set(op.epoch, (w = new Map()))
      for (const x of op.clear.wraps) {
        const t = toHex(x.to)
        w.set(t, (w.get(t) ?? 0) + 1)
      }
    }
    if (op.kind === 'epoch.grant' && op.body.agrees) {
      this.announcements.set(op.id, op.body.agrees.map((a) => ({ member: toHex(a.member), agree: a.agree })))
      s = { ...s, announced: plus(s.announced, op.id) }
    }
    if (departure) s = { ...s, maxDep: [entry] }
    this.summaries[entry.index] = s
  }
}
