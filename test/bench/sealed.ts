/**
 * Sealed communities (issue 15): the cost of a re-key of 10,000 members
 * (time and bytes) and of opening one sealed op, each beside a baseline from
 * the same run. Part of `pnpm bench`; alone: `npx -y pnpm@10 exec tsx test/bench/sealed.ts`.
 */
import { randomBytes } from 'node:crypto'
import {
  agreeKeyPairFromSecret, createOp, createRekey, createSealedOp, decodeOp, decodeSealedOp, generateKeyPair, openWithKey, randomEpochKey, toHex,
  type CommunityId, type CryptoSuite, type OpId,
} from '@polity/protocol'
import { createNativeCrypto } from '@polity/node'

export type RowFn = (name: string, value: number, unit: string, baseline: string, baselineValue: number, note?: string) => void

const bytes = (n: number): Uint8Array => new Uint8Array(randomBytes(n))
const id = (): OpId => toHex(bytes(32)) as OpId

function rekeyOf(crypto: CryptoSuite, members: readonly Uint8Array[]): { ms: number; bytes: number; parts: number } {
  const device = generateKeyPair()
  const t = performance.now()
  const { ops } = createRekey({ community: id() as unknown as CommunityId, seq: 5, deps: [id()], time: Date.now(), supersedes: [{ id: id(), key: bytes(32) }], recipients: members }, device, crypto)
  return { ms: performance.now() - t, bytes: ops.reduce((n, o) => n + o.bytes.length, 0), parts: ops.length }
}

/** Median time per call of `f` over `n` calls, in µs, after a warm-up. */
function perOp(n: number, f: (i: number) => void): number {
  for (let i = 0; i < Math.min(200, n); i++) f(i)
  const t = performance.now()
  for (let i = 0; i < n; i++) f(i)
  return ((performance.now() - t) * 1000) / n
}

export function sealedRows(row: RowFn, opts: { members?: number } = {}): void {
  const native = createNativeCrypto()
  const N = opts.members ?? 10_000
  const members = Array.from({ length: N }, () => agreeKeyPairFromSecret(bytes(32)).publicKey)
  const fast = rekeyOf(native, members)
  const pure = rekeyOf({ verify: native.verify, hash: native.hash, ...(native.sign ? { sign: native.sign } : {}) }, members)
  row(`re-key of a ${N.toLocaleString('en')}-member community: time (native X25519)`, fast.ms, 'ms', 'the same re-key with pure-JS X25519 (@noble/curves)', pure.ms, `${fast.parts} parts`)
  row(`re-key of a ${N.toLocaleString('en')}-member community: bytes`, fast.bytes, 'bytes', `the ${N.toLocaleString('en')} 48-byte wraps alone`, N * 48, `${fast.parts} envelopes, each under 256 KiB`)

  // One vote, sealed (v2) and clear (v1), decoded with the signature checked; then the open alone.
  const device = generateKeyPair()
  const community = id() as unknown as CommunityId
  const key = randomEpochKey()
  const epoch = id()
  const proposal = bytes(32)
  const body = { proposal, ballot: { type: 'yesno', choice: 'yes' } }
  const sealed = Array.from({ length: 2000 }, (_, i) => createSealedOp({ community, seq: i + 2, deps: [toHex(proposal) as OpId, id()], time: Date.now(), kind: 'vote.cast', body: body as never, epoch: { id: epoch, key } }, device, native).bytes)
  const clear = Array.from({ length: 2000 }, (_, i) => createOp({ community, seq: i + 2, deps: [toHex(proposal) as OpId, id()], time: Date.now(), kind: 'vote.cast', body: body as never }, device, native).bytes)
  const decodedSealed = sealed.map((b) => decodeSealedOp(b, native))
  const openUs = perOp(2000, (i) => openWithKey(decodedSealed[i % 2000]!, key))
  const sealedUs = perOp(2000, (i) => openWithKey(decodeSealedOp(sealed[i % 2000]!, native), key))
  const clearUs = perOp(2000, (i) => decodeOp(clear[i % 2000]!, native))
  row('open a sealed vote: decode + verify + decrypt', sealedUs, 'µs', 'decode + verify the same vote unsealed (v1)', clearUs, `decrypt + decode the body alone: ${openUs.toFixed(1)} µs; envelope ${sealed[0]!.length} vs ${clear[0]!.length} bytes`)
}

if (import.meta.url === `file://${process.argv[1]}`) {
  sealedRows((name, value, unit, baseline, baselineValue, note) => console.log(`${name}: ${value.toFixed(1)} ${unit} (baseline ${baseline}: ${baselineValue.toFixed(1)}; ratio ${(value / baselineValue).toFixed(3)})${note ? ` — ${note}` : ''}`))
}
