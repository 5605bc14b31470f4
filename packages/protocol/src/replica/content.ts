/**
 * The parts of the state that merge without caring about order (CONTENT-* in
 * docs/PROTOCOL.md): profiles, proposals with their live votes and comments,
 * and the charter draft. Each is a "latest in canonical order" register or a
 * set, so applying the counted ops in any topological order gives the same
 * result; the replica rebuilds this fold from scratch only when a removal or
 * a concurrent roster change could alter which ops count.
 */
import * as Y from 'yjs'
import type { Op } from '../op/envelope'
import type { MemberId, OpId } from '../op/ids'
import { toHex } from '../encoding/bytes'
import { canonicalCompare, type DagEntry } from './dag'
import type { ReplicaView } from './view'
import type { DraftClocks } from './draft-clock'
import { countsOver } from './vote-order'
import { isRedacted } from '../op/texts'
import { DraftFold, type FoldError } from './draft-fold'

export interface ProposalFold {
  readonly entry: DagEntry
  readonly votes: Map<MemberId, DagEntry>
  readonly comments: DagEntry[]
  /** Counted closes and withdraws; the first in canonical order settles the proposal. */
  readonly settlers: DagEntry[]
}

export const DRAFT_TEXT = 'draft'

/**
 * CHARTER-D0: the draft starts as the founding charter, written by the
 * reserved Yjs client 0 (no device can bind it). Every replica builds the
 * same bytes from the genesis op, so the seed needs no op of its own.
 */
export function genesisDraft(charter: string): { update: Uint8Array; clock: number } {
  const doc = new Y.Doc()
  doc.clientID = 0
  doc.getText(DRAFT_TEXT).insert(0, charter)
  return { update: Y.encodeStateAsUpdate(doc), clock: Y.getState(doc.store, 0) }
}

export class ContentFold {
  readonly profiles = new Map<MemberId, DagEntry>()
  readonly proposals = new Map<OpId, ProposalFold>()
  /** The charter draft (CHARTER-D0, CHARTER-F*). */
  private readonly draftFold = new DraftFold()
  /** Votes and comments whose proposal has not been counted (yet). */
  private readonly orphans = new Map<OpId, DagEntry[]>()
  /** Members some of whose ops did not count because they were never admitted (ROSTER-14). */
  readonly unadmitted = new Set<MemberId>()

  constructor(
    private readonly view: Pick<ReplicaView, 'memberOf' | 'isCut' | 'roster'>,
    private readonly clocks: DraftClocks,
  ) {}

  get draft(): Y.Doc {
    return this.draftFold.doc
  }

  /** Edits whose folding threw (CHARTER-F5): kept so a node can show them; never thrown. */
  get foldErrors(): readonly FoldError[] {
    return this.draftFold.errors
  }

  /** Count an op if it counts (not cut, author ever admitted), else ignore it. Never throws (CHARTER-F5). */
  apply(e: DagEntry): void {
    this.draftFold.guard(e.op.id, () => this.fold(e))
  }

  private fold(e: DagEntry): void {
    const op = e.op
    if (op.kind === 'genesis') {
      this.draftFold.seed(op.id, genesisDraft(op.body.charter).update)
      return
    }
    if (op.kind === 'charter.edit') {
      if (isRedacted(op)) return // SEAL-7: no update disclosed (DOSSIER-R3).
      // Every valid edit is folded, counted or not, so the ids others name are always there (CHARTER-F1..F3).
      const clocks = this.clocks
      this.draftFold.apply(op.id, op.body.update, {
        counted: this.counts(e),
        clashed: (c) => clocks.clashed(c),
        past: clocks.pastOf(e),
        creation: (c, k) => clocks.creationOf(c, k),
      })
      return
    }
    switch (op.kind) {
      case 'profile.set':
      case 'proposal.create':
      case 'vote.cast':
      case 'comment.add':
      case 'proposal.close':
      case 'proposal.withdraw':
        break
      default:
        return
    }
    if (!this.counts(e)) return
    switch (op.kind) {
      case 'profile.set': {
        const m = this.view.memberOf(e)
        const prev = this.profiles.get(m)
        if (!prev || canonicalCompare(prev, e) < 0) this.profiles.set(m, e)
        return
      }
      case 'proposal.create': {
        const p: ProposalFold = { entry: e, votes: new Map(), comments: [], settlers: [] }
        this.proposals.set(op.id, p)
        for (const o of this.orphans.get(op.id) ?? []) this.attach(p, o)
        this.orphans.delete(op.id)
        return
      }
      case 'vote.cast':
      case 'comment.add':
      case 'proposal.close':
      case 'proposal.withdraw': {
        const pid = toHex((op as Op<'vote.cast'>).body.proposal) as OpId
        const p = this.proposals.get(pid)
        if (p) this.attach(p, e)
        else {
          const l = this.orphans.get(pid) ?? []
          l.push(e)
          this.orphans.set(pid, l)
        }
        return
      }
    }
  }

  private counts(e: DagEntry): boolean {
    if (this.view.isCut(e)) return false
    const m = this.view.memberOf(e)
    if (this.view.roster().everAdmitted.has(m)) return true
    this.unadmitted.add(m)
    return false
  }

  private attach(p: ProposalFold, e: DagEntry): void {
    switch (e.op.kind) {
      case 'vote.cast': {
        // VOTE-5/VOTE-6: the same rule a close counts by (yes/no: the strongest ballot).
        const m = this.view.memberOf(e)
        const prev = p.votes.get(m)
        if (!prev || countsOver(prev, e)) p.votes.set(m, e)
        return
      }
      case 'comment.add':
        p.comments.push(e)
        return
      default:
        p.settlers.push(e)
    }
  }

  draftText(): string {
    return this.draftFold.draftText()
  }
}
