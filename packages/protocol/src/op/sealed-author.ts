/**
 * Authoring sealed ops (ENV2-*, EPOCH-4..7): what a node (and the tests)
 * call to make a v2 op, and to split a re-key into parts.
 */
import { randomBytes } from '@noble/hashes/utils.js'
import { compareBytes, fromHex, toHex } from '../encoding/bytes'
import { epochCommitment, randomEpochKey, BOX_NONCE_BYTES } from '../crypto/seal'
import type { KeyPair } from '../crypto/identity'
import { pureCrypto, referencedOps, type CryptoSuite } from './envelope'
import type { CommunityId, OpId } from './ids'
import { clearFor, encodeSealedOp, recipientTag, type Entropy, type SealedOp } from './sealed-envelope'
import { KEY_CARRYING, MAX_PARTS, MAX_WRAPS, type SealedBodyOf, type SealedKind } from './sealed-kinds'

export interface SealedDraft<K extends SealedKind = SealedKind> {
  /** null only for a genesis op. */
  community: CommunityId | null
  seq: number
  deps: readonly OpId[]
  time: number
  kind: K
  body: SealedBodyOf<K>
  /** The epoch to seal under and its key; `id: null` in a genesis or a re-key's first part, whose `key` is the one they create. */
  epoch: { id: OpId | null; key: Uint8Array }
  /** Key-carrying kinds: the agree keys the epoch key is wrapped to (EPOCH-7/8/9). */
  wrapTo?: readonly Uint8Array[]
  /** epoch.rekey: this part's number and how many there are. */
  part?: { part: number; parts: number }
  /** Randomness for the ephemeral key and the nonce (tests make runs reproducible); random otherwise. */
  entropy?: Entropy
}

/** Make a sealed op: the clear part, the box, the signature. Throws RangeError on an unusable recipient key. */
export function createSealedOp<K extends SealedKind>(draft: SealedDraft<K>, device: KeyPair, crypto: CryptoSuite = pureCrypto): SealedOp<K> {
  const rand = draft.entropy ?? randomBytes
  const deps = [...new Set([...draft.deps, ...referencedOps(draft.kind as never, draft.body)])].sort()
  const clear = KEY_CARRYING.has(draft.kind) ? clearFor(draft.epoch.key, draft.wrapTo ?? [], rand(32), draft.part, crypto.agree) : null
  return encodeSealedOp(
    {
      community: draft.community,
      seq: draft.seq,
      deps,
      kind: draft.kind,
      epoch: draft.epoch.id,
      clear,
      content: { time: draft.time, body: draft.body },
      sealWith: draft.epoch.key,
      nonce: rand(BOX_NONCE_BYTES),
    },
    device,
    crypto,
  ) as SealedOp<K>
}

export interface RekeyDraft {
  community: CommunityId
  /** The first part's seq; part k has seq + k − 1. */
  seq: number
  deps: readonly OpId[]
  time: number
  /** EPOCH-4: the live epochs at `deps`, with the keys the author holds (an author includes every one it has). */
  supersedes: readonly { readonly id: OpId; readonly key?: Uint8Array }[]
  /** EPOCH-7: every member's and live invite's agree key at `deps`. */
  recipients: readonly Uint8Array[]
  /** The new epoch key (random when absent). */
  key?: Uint8Array
  entropy?: Entropy
}

/**
 * EPOCH-4..7: a re-key as parts of at most MAX_WRAPS wraps each (each well
 * under ENV-2's 256 KiB). Part 1 creates the epoch; part k names it, depends
 * on part k − 1 and is signed by the same device. Returns the key and the parts in order.
 */
export function createRekey(draft: RekeyDraft, device: KeyPair, crypto: CryptoSuite = pureCrypto): { key: Uint8Array; ops: SealedOp<'epoch.rekey'>[] } {
  const key = draft.key ?? randomEpochKey()
  const commit = epochCommitment(key)
  const byTag = new Map<string, Uint8Array>()
  for (const a of draft.recipients) byTag.set(toHex(recipientTag(commit, a)), a)
  const sorted = [...byTag.entries()].sort((a, b) => compareBytes(fromHex(a[0]), fromHex(b[0]))).map(([, a]) => a)
  const chunks: Uint8Array[][] = []
  for (let i = 0; i < sorted.length; i += MAX_WRAPS) chunks.push(sorted.slice(i, i + MAX_WRAPS))
  if (chunks.length === 0) throw new RangeError('a re-key reaches at least its author')
  if (chunks.length > MAX_PARTS) throw new RangeError(`a re-key has at most ${MAX_PARTS} parts (${MAX_PARTS * MAX_WRAPS} recipients)`)
  const sup = [...draft.supersedes].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  const ops: SealedOp<'epoch.rekey'>[] = []
  for (let k = 0; k < chunks.length; k++) {
    const first = k === 0
    const prev = ops[k - 1]
    ops.push(createSealedOp({
      community: draft.community,
      seq: draft.seq + k,
      deps: first ? draft.deps : [(prev as SealedOp).id],
      time: draft.time,
      kind: 'epoch.rekey',
      body: first
        ? { supersedes: sup.map((s) => fromHex(s.id, 32)), keys: sup.filter((s) => s.key).map((s) => [fromHex(s.id, 32), s.key as Uint8Array] as [Uint8Array, Uint8Array]) }
        : { supersedes: [], keys: [] },
      epoch: { id: first ? null : (ops[0] as SealedOp).id, key },
      wrapTo: chunks[k] as Uint8Array[],
      part: { part: k + 1, parts: chunks.length },
      ...(draft.entropy ? { entropy: draft.entropy } : {}),
    }, device, crypto))
  }
  return { key, ops }
}
