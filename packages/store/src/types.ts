/**
 * The Store interface (STORE-1..5 in docs/PROTOCOL.md). The store never
 * decodes or verifies ops: the protocol does, and hands it records.
 */
export interface OpRecord {
  /** sha256 of the envelope bytes (32 bytes). */
  readonly id: Uint8Array
  /** The community id (a genesis op's own id). */
  readonly community: Uint8Array
  /** 1 + max dep height; (height, id) ascending is a causal order. */
  readonly height: number
  /** The signed envelope, verbatim. */
  readonly bytes: Uint8Array
}

export interface StoredOp {
  readonly id: Uint8Array
  readonly height: number
  readonly bytes: Uint8Array
}

export interface Checkpoint {
  readonly heads: readonly Uint8Array[]
  readonly opCount: number
  readonly height: number
  /** Opaque to the store: a serialized folded state. */
  readonly state: Uint8Array
}

export interface PutOptions {
  /**
   * The caller guarantees that no record is stored yet (a node's own op, made
   * just now): the lookup that makes puts idempotent is skipped. Wrongly set,
   * only the count drifts, which makes the next checkpoint stale (CHECKPOINT-2).
   */
  readonly fresh?: boolean
}

export interface Store {
  /** Atomic and durable: all of the batch or none of it is stored once this resolves. Idempotent. */
  putOps(records: readonly OpRecord[], options?: PutOptions): Promise<void>
  getOp(id: Uint8Array): Promise<Uint8Array | undefined>
  /** Many envelopes in one read, in the order asked; undefined where absent. */
  getOps(ids: readonly Uint8Array[]): Promise<(Uint8Array | undefined)[]>
  hasOp(id: Uint8Array): Promise<boolean>
  /** Ops in (height, id) order — a causal order. */
  iterate(community: Uint8Array, options?: { afterHeight?: number; signal?: AbortSignal }): AsyncIterable<StoredOp>
  count(community: Uint8Array): Promise<number>
  listCommunities(): Promise<Uint8Array[]>
  putCheckpoint(community: Uint8Array, checkpoint: Checkpoint): Promise<void>
  getCheckpoint(community: Uint8Array): Promise<Checkpoint | undefined>
  getMeta(key: string): Promise<Uint8Array | undefined>
  putMeta(key: string, value: Uint8Array): Promise<void>
  /** Meta keys that start with the prefix. */
  listMeta(prefix: string): Promise<string[]>
  close(): Promise<void>
}
