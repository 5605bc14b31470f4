/**
 * How the generator (generate.ts) writes its ops: sealed (protocol v2, the
 * default — what a node writes) or clear (v1, `sealed: false`, for protocol
 * tests and the bench's comparison rows). Everything deterministic from the
 * seed: keys, epoch keys, ephemeral secrets and nonces.
 *
 * Sealed: the genesis creates epoch 0 and wraps it to the founder's agree key
 * (KEY-1, memberAgreeKeyPair of the founder identity, so a node restored from
 * the founder's phrase opens everything); every invite carries its own agree
 * key and a wrap of the current epoch key (EPOCH-8); every join its agree key
 * and certificate (KEY-1); every op is sealed under the current epoch. X25519
 * and ed25519 run on node:crypto (the pure functions would take ~1 ms per key).
 */
import { createHash, createPrivateKey, createPublicKey, hkdfSync } from 'node:crypto'
import {
  GENESIS_CERT_COMMUNITY, agreeCertMessage, createOp, createRekey, createSealedOp, fromHex, memberAgreeKeyPair, openWithKey,
  type AgreeKeyPair, type AnyOp, type BodyOf, type CommunityId, type CryptoSuite, type KeyPair, type OpId, type OpKind, type SealedOp,
} from '@polity/protocol'

const PKCS8_X25519 = Buffer.from('302e020100300506032b656e04220420', 'hex')
const MEMBER_AGREE_INFO = Buffer.from('polity/member-agree/v2')

/** An X25519 key pair from a 32-byte secret, on node:crypto (the same key as agreeKeyPairFromSecret). */
export function nativeAgreeKeyPair(secret: Uint8Array): AgreeKeyPair {
  const jwk = createPublicKey(createPrivateKey({ key: Buffer.concat([PKCS8_X25519, secret]), format: 'der', type: 'pkcs8' })).export({ format: 'jwk' })
  return { secretKey: secret, publicKey: new Uint8Array(Buffer.from(jwk.x as string, 'base64url')) }
}

/** KEY-1 on node:crypto: the member's agree key from the identity secret (memberAgreeKeyPair, checked equal on the founder). */
export function nativeMemberAgreeKeyPair(identitySecret: Uint8Array): AgreeKeyPair {
  return nativeAgreeKeyPair(new Uint8Array(hkdfSync('sha256', identitySecret, new Uint8Array(0), MEMBER_AGREE_INFO, 32)))
}

/** A deterministic byte stream from (seed, label): the generator's ephemeral secrets, nonces and epoch keys. */
export function seededBytes(seed: number, label: string): (n: number) => Uint8Array {
  let counter = 0
  let buf = new Uint8Array(0)
  return (n) => {
    while (buf.length < n) {
      const d = createHash('sha256').update(`polity-bench/${seed}/${label}/${counter++}`).digest()
      const next = new Uint8Array(buf.length + d.length)
      next.set(buf)
      next.set(d, buf.length)
      buf = next
    }
    const out = buf.slice(0, n)
    buf = buf.slice(n)
    return out
  }
}

export interface Draft<K extends OpKind = OpKind> {
  community: CommunityId | null
  seq: number
  deps: readonly OpId[]
  time: number
  kind: K
  body: BodyOf<K>
}

/** What the generator asks of a format: ops, and the extra fields of the admitting and invite bodies. */
export interface Writer {
  readonly sealed: boolean
  op<K extends OpKind>(draft: Draft<K>, device: KeyPair): AnyOp
  /** Extra genesis fields: the founder's agree key and certificate (v2). */
  genesisExtras(founder: KeyPair): Record<string, unknown>
  /** Extra invite.create fields: the invite's agree key (v2). */
  inviteExtras(i: number): Record<string, unknown>
  /** Extra member.join fields: the member's agree key and certificate (v2). */
  joinExtras(member: KeyPair, community: CommunityId): Record<string, unknown>
  /** EPOCH-4..7: a re-key by `device` wrapping to every member (v2 only); returns its parts, opened. */
  rekey(draft: Omit<Draft, 'kind' | 'body'>, device: KeyPair): AnyOp[]
  /** The agree keys of the founder and of each member, in join order (v2; empty for v1). */
  readonly agreeKeys: AgreeKeyPair[]
  /** Every epoch made so far, oldest first (v2; empty for v1). */
  readonly epochs: { id: OpId; key: Uint8Array }[]
}

export function clearWriter(crypto: CryptoSuite): Writer {
  return {
    sealed: false,
    op: (draft, device) => createOp(draft as never, device, crypto) as AnyOp,
    genesisExtras: () => ({}),
    inviteExtras: () => ({}),
    joinExtras: () => ({}),
    rekey: () => {
      throw new Error('a v1 community has no epochs to re-key')
    },
    agreeKeys: [],
    epochs: [],
  }
}

export function sealedWriter(seed: number, crypto: CryptoSuite): Writer {
  if (!crypto.agree || !crypto.sign) throw new Error('the sealed generator needs a crypto suite with native agree and sign (createNativeCrypto)')
  const sign = crypto.sign
  const entropy = seededBytes(seed, 'entropy')
  const epochs: { id: OpId; key: Uint8Array }[] = []
  const agreeKeys: AgreeKeyPair[] = []
  const current = (): { id: OpId; key: Uint8Array } => {
    const e = epochs.at(-1)
    if (!e) throw new Error('no epoch before the genesis')
    return e
  }
  const agreeCert = (identity: KeyPair, community: Uint8Array, agree: Uint8Array): Uint8Array => sign(agreeCertMessage(community, agree), identity.secretKey)
  return {
    sealed: true,
    agreeKeys,
    epochs,
    op(draft, device) {
      const genesis = draft.kind === 'genesis'
      const epoch = genesis ? { id: null, key: entropy(32) } : current()
      const b = draft.body as Record<string, unknown>
      const wrapTo = genesis || draft.kind === 'invite.create' ? [b['agree'] as Uint8Array] : undefined
      const sealed = createSealedOp({ ...draft, kind: draft.kind, body: draft.body as never, epoch, entropy, ...(wrapTo ? { wrapTo } : {}) }, device, crypto)
      if (genesis) epochs.push({ id: sealed.id, key: epoch.key })
      return openWithKey(sealed, epoch.key) as unknown as AnyOp
    },
    genesisExtras(founder) {
      const agree = nativeMemberAgreeKeyPair(founder.secretKey)
      // The node derives it with the pure function: the two must agree, or a restored founder could open nothing.
      if (Buffer.compare(agree.publicKey, memberAgreeKeyPair(founder.secretKey).publicKey) !== 0) throw new Error('native member agree key differs from memberAgreeKeyPair')
      agreeKeys.push(agree)
      return { agree: agree.publicKey, agreeCert: agreeCert(founder, GENESIS_CERT_COMMUNITY, agree.publicKey) }
    },
    inviteExtras(i) {
      const agree = nativeAgreeKeyPair(new Uint8Array(createHash('sha256').update(`polity-bench/${seed}/invite-agree-${i}`).digest()))
      return { agree: agree.publicKey }
    },
    joinExtras(member, community) {
      const agree = nativeMemberAgreeKeyPair(member.secretKey)
      agreeKeys.push(agree)
      return { agree: agree.publicKey, agreeCert: agreeCert(member, fromHex(community, 32), agree.publicKey) }
    },
    rekey(draft, device) {
      const { key, ops } = createRekey({
        community: draft.community as CommunityId, seq: draft.seq, deps: draft.deps, time: draft.time,
        supersedes: [current()], recipients: agreeKeys.map((a) => a.publicKey), key: entropy(32), entropy,
      }, device, crypto)
      epochs.push({ id: (ops[0] as SealedOp).id, key })
      return ops.map((o) => openWithKey(o, key) as unknown as AnyOp)
    },
  }
}
