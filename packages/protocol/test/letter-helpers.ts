/**
 * A recognition story for letter tests: community A (a founder and four
 * members) with a secret name, a secret titled proposal and a charter,
 * removes one member, then votes to recognize community B; another member
 * builds on the close (LETTER-5).
 */
import {
  boxNonce, decodeCanonical, decodeSealedOp, encodeCanonical, encodeLetter, fromHex, opKeyOf, ownEpoch, type AnyOp, type CborValue, type CommunityId, type OpId, type SealedOp,
} from '../src/index'
import { Actor, TestKeys, close, flatRules, propose, proposalTime, sealedCommunity, syncAll, vote } from './harness'
import { nodeCrypto } from './node-crypto'

export const B = 'b'.repeat(64) as CommunityId
export const STATEMENT = 'We recognize Harbour Commons as a sister community and will honour its passports.'
/** Words no letter may carry (DISCLOSURE): a member's name, another proposal's title and text, the charter, the community's name, the recognize proposal's own title. */
export const SECRETS = ['Ardita Kelmendi', 'Buy the old lighthouse', 'Meet at the harbour wall at dawn', 'We govern together', 'Sealed Community', 'Secret title of the recognition', 'suspected informant']

export interface Story {
  founder: Actor
  members: Actor[]
  live: Actor[]
  removed: Actor
  proposal: AnyOp
  close: SealedOp
}

export const sealedOf = (a: Actor): SealedOp[] => a.replica.ops().map((o) => decodeSealedOp(o.bytes, nodeCrypto))
export const keyOf = (a: Actor) => (op: SealedOp): Uint8Array => opKeyOf(a.replica.keyRing.key(ownEpoch(op)) as Uint8Array, boxNonce(op.box))

export function recognizeAction(to: CommunityId = B): { type: 'recognize'; community: Uint8Array; name: string; statement: string; census: undefined } {
  return { type: 'recognize', community: fromHex(to, 32), name: 'Harbour Commons', statement: STATEMENT, census: undefined }
}

/** Open a proposal with a real title (the harness titles them 'P'). */
export function titled(a: Actor, title: string, action: Parameters<typeof propose>[1]): AnyOp {
  const p = propose(a, { type: 'resolution' })
  const t = proposalTime(a)
  const op = a.act('proposal.create', { title, text: 'Meet at the harbour wall at dawn', action, method: (p as unknown as { body: { method: never } }).body.method, deadline: t }, { time: t })
  return op
}

/** `votes`: the ballots of founder, m0, m1, m2 (m3 is removed before the proposal). */
export function story(seed: number, votes: ('yes' | 'no' | 'abstain')[] = ['yes', 'yes', 'yes', 'no']): Story {
  const { founder, members, all } = sealedCommunity(4, flatRules([1, 2], [1, 2], 0), new TestKeys(seed))
  const [m0, m1, m2, m3] = members as [Actor, Actor, Actor, Actor]
  m0.act('profile.set', { name: 'Ardita Kelmendi' })
  syncAll(all)
  const other = titled(m1, 'Buy the old lighthouse', { type: 'resolution' })
  syncAll(all)
  vote(m3, other, { type: 'yesno', choice: 'no' })
  syncAll(all)
  founder.act('member.remove', { member: m3.identity.publicKey, reason: 'suspected informant' })
  founder.rekey()
  const live = [founder, m0, m1, m2]
  syncAll(live)
  const proposal = titled(m1, 'Secret title of the recognition', recognizeAction())
  syncAll(live)
  live.forEach((a, i) => vote(a, proposal, { type: 'yesno', choice: votes[i] ?? 'yes' }))
  syncAll(live)
  const c = close(founder, proposal)
  syncAll(live)
  // Another member builds on the close (LETTER-5).
  m0.act('profile.set', { name: 'Ardita K.' })
  syncAll(live)
  return { founder, members, live, removed: m3, proposal, close: decodeSealedOp(c.bytes, nodeCrypto) }
}

export function letterOf(s: Story, by: Actor = s.founder, close: OpId = s.close.id): Uint8Array {
  return encodeLetter({ community: by.community, ops: sealedOf(by), close, opKeyOf: keyOf(by), fromName: 'Lighthouse Keepers' }, nodeCrypto)
}

export type LetterMap = Record<string, CborValue> & { ops: Uint8Array[]; keys: Uint8Array[]; ack: Uint8Array[]; statement: Record<string, CborValue> }
export const open = (file: Uint8Array): LetterMap => decodeCanonical(file, 1 << 28, 'letter') as LetterMap
export const seal = (m: LetterMap): Uint8Array => encodeCanonical(m as unknown as CborValue)

/** The letter without the op `id` (and its key). */
export function without(m: LetterMap, id: OpId): LetterMap {
  const i = m.ops.findIndex((b) => decodeSealedOp(b, nodeCrypto).id === id)
  if (i < 0) throw new Error('not in the letter')
  return { ...m, ops: m.ops.filter((_, j) => j !== i), keys: m.keys.filter((_, j) => j !== i) }
}
