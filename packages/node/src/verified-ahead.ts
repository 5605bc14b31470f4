/**
 * Signatures inside op bodies (device certificates, join proofs) that were
 * checked ahead on the worker pool with their batch. The fold still calls
 * `verify` for each; a call for exactly the same signature, key and message
 * that verified ahead returns true at once (and uses the entry up), anything
 * else is verified as usual. So the answers are the verifier's own (SIG-5),
 * and a 10k-member community's ~20k such checks leave the main thread.
 */
import type { VerifyItem } from '@polity/protocol'

/** Entries never used (their op did not apply) are dropped past this many. */
const MAX_ENTRIES = 50_000

const latin1 = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1')

export class VerifiedAhead {
  private readonly known = new Set<string>()

  add(it: VerifyItem): void {
    if (this.known.size >= MAX_ENTRIES) this.known.clear()
    this.known.add(`${latin1(it.signature)}${latin1(it.key)}${latin1(it.prefix)}${latin1(it.message)}`)
  }

  /** Whether exactly this check verified ahead; the entry is used up. */
  take(signature: Uint8Array, message: Uint8Array, key: Uint8Array): boolean {
    if (this.known.size === 0 || signature.length !== 64 || key.length !== 32) return false
    return this.known.delete(`${latin1(signature)}${latin1(key)}${latin1(message)}`)
  }
}
