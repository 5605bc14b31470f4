/** SHA-256, the protocol's only hash (op ids, derived keys). */
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js'

export type Hasher = (bytes: Uint8Array) => Uint8Array
export const sha256: Hasher = (bytes) => nobleSha256(bytes)
