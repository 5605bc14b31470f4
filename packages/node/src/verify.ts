/**
 * The first step of every bulk path (ingest, the startup replay): decode raw
 * envelopes without verifying them (a DecodeError is that op's answer), then
 * check every owed signature of the batch in one `verifyMany` call, on every
 * core (SIG-5). Signatures inside bodies (device certificates, join proofs)
 * ride along in the same call; the ones that verify are kept in the
 * community's VerifiedAhead for the fold to use up.
 */
import {
  decodeOpUnverified, decodeSealedOpUnverified, innerSignatureChecks, isSealedEnvelope, signatureError, signedBytesOf, ProtocolError, DecodeError,
  type AnyOp, type CryptoSuite, type OpId, type Replica, type SealedOp, type UncheckedOp,
} from '@polity/protocol'
import type { VerifiedAhead } from './verified-ahead'
import { inviteKeyOf } from './replica-access'

/** A decoded v2 op still owing its signature check. */
export interface UncheckedSealed {
  readonly op: SealedOp
  readonly check: UncheckedOp['check']
}

/** What the node takes in: raw envelopes, decoded ops still owing their check, or ops already verified. */
export type Incoming = Uint8Array | AnyOp | SealedOp | UncheckedOp | UncheckedSealed

/** ENV2-8: what the node says of a v1 op (it holds sealed communities only, docs/PROTOCOL.md §18). */
export const V1_REFUSED = 'ENV2-8: this op was made by Polity before sealed communities (protocol v1); this version holds sealed (v2) communities only'

/**
 * Decode an envelope without its signature check: a v2 op as a SealedOp
 * (nothing in it opened: a relay, a bundle, the store see only this); a v1
 * op is refused (ENV2-8). Throws DecodeError.
 */
export function decodeUnverified(bytes: Uint8Array, crypto: CryptoSuite): UncheckedSealed {
  if (isSealedEnvelope(bytes)) return decodeSealedOpUnverified(bytes, crypto)
  decodeOpUnverified(bytes, crypto) // a damaged envelope: its own error
  throw new DecodeError(V1_REFUSED)
}

/** What the checks need of a community. */
export interface CheckTarget {
  readonly replica: Replica
  readonly ahead: VerifiedAhead
}

/** Each input as a verified op, or the error that refuses it, in input order. */
export async function checkSignatures(
  crypto: CryptoSuite, rt: CheckTarget, ops: readonly Incoming[], pause?: () => Promise<void>,
): Promise<(AnyOp | SealedOp | ProtocolError)[]> {
  const out: (AnyOp | SealedOp | ProtocolError)[] = []
  const owed: number[] = []
  const checks: UncheckedOp['check'][] = []
  // Signatures inside bodies go in the same call (answers past owed.length); their ops may use them in the fold.
  const inner: UncheckedOp['check'][] = []
  const invites = new Map<OpId, Uint8Array>()
  const inviteKey = (id: OpId): Uint8Array | undefined => invites.get(id) ?? inviteKeyOf(rt.replica, id)
  const ahead = (op: AnyOp | SealedOp): void => {
    // A sealed op's body is opened by the replica: its inner signatures are checked in the fold.
    if ('box' in op) return
    if (op.kind === 'invite.create') invites.set(op.id, op.body.key)
    for (const c of innerSignatureChecks(op, inviteKey)) inner.push(c)
  }
  for (const x of ops) {
    let u: UncheckedOp | UncheckedSealed | undefined
    if (x instanceof Uint8Array) {
      try {
        u = decodeUnverified(x, crypto)
      } catch (e) {
        out.push(e instanceof ProtocolError ? e : new DecodeError(String(e)))
        continue
      } finally {
        if (pause) await pause()
      }
    } else if ('check' in x) u = x
    if (u) {
      owed.push(out.length)
      checks.push(u.check)
      out.push(u.op)
      ahead(u.op)
    } else out.push(x as AnyOp | SealedOp)
  }
  if (checks.length === 0) return out
  const all = inner.length > 0 ? [...checks, ...inner] : checks
  const ok = crypto.verifyMany ? await crypto.verifyMany(all) : all.map((c) => crypto.verify(c.signature, signedBytesOf(c), c.key))
  for (let j = 0; j < owed.length; j++) if (!ok[j]) out[owed[j] as number] = signatureError(checks[j])
  for (let j = 0; j < inner.length; j++) if (ok[checks.length + j]) rt.ahead.add(inner[j] as UncheckedOp['check'])
  return out
}
