/** Named sync errors: a peer that breaks the protocol or a limit is cut off with one of these. */
export class SyncError extends Error {
  readonly code: string
  constructor(code: string, message: string) {
    super(message)
    this.name = new.target.name
    this.code = code
  }
}

/** Malformed, unknown or out-of-order messages (SYNC-2). */
export class SyncProtocolError extends SyncError {
  constructor(message: string) {
    super('ERR_SYNC_PROTOCOL', message)
  }
}

/** A per-peer limit was exceeded (SYNC-5). */
export class SyncLimitError extends SyncError {
  constructor(message: string) {
    super('ERR_SYNC_LIMIT', message)
  }
}

/** The peer could not prove membership, or we could not (SYNC-3). */
export class SyncAccessError extends SyncError {
  constructor(message: string) {
    super('ERR_SYNC_ACCESS', message)
  }
}

export class SyncClosedError extends SyncError {
  constructor(message = 'The connection closed before the sync finished.') {
    super('ERR_SYNC_CLOSED', message)
  }
}
