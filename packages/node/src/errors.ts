/**
 * Named errors of the node, each with a stable code and a message a person can
 * act on. The bridge and the CLI show `message` as is.
 */
export class NodeError extends Error {
  readonly code: string
  constructor(code: string, message: string) {
    super(message)
    this.name = new.target.name
    this.code = code
  }
}

export class NoIdentityError extends NodeError {
  constructor() {
    super('ERR_NO_IDENTITY', 'There is no identity on this device yet: create one or restore it from your recovery phrase.')
  }
}

export class IdentityExistsError extends NodeError {
  constructor() {
    super('ERR_IDENTITY_EXISTS', 'This device already has an identity. Use a different data directory to hold another one.')
  }
}

export class LockedError extends NodeError {
  constructor() {
    super('ERR_LOCKED', 'Polity is locked: unlock it with your passphrase first.')
  }
}

export class WeakPassphraseError extends NodeError {
  constructor() {
    super('ERR_WEAK_PASSPHRASE', 'Choose a passphrase of at least 8 characters.')
  }
}

export class UnknownCommunityError extends NodeError {
  constructor(id: string) {
    super('ERR_UNKNOWN_COMMUNITY', `This device holds no community with id ${id.slice(0, 12)}….`)
  }
}

export class NotAMemberError extends NodeError {
  constructor() {
    super('ERR_NOT_A_MEMBER', 'You are not (or no longer) a member of this community.')
  }
}

export class InvalidInputError extends NodeError {
  constructor(message: string) {
    super('ERR_INVALID_INPUT', message)
  }
}

export class InvalidInviteError extends NodeError {
  constructor(message: string) {
    super('ERR_INVALID_INVITE', `This invite link cannot be used: ${message}`)
  }
}

/** The replica refused an op the member tried to make (a rule says no). */
export class RefusedError extends NodeError {
  constructor(message: string) {
    super('ERR_REFUSED', message)
  }
}

export class InvalidFileError extends NodeError {
  constructor(message: string) {
    super('ERR_INVALID_FILE', message)
  }
}

/** This device lacks an epoch key it needs (e.g. to disclose an op in a redacted dossier). */
export class KeyMissingError extends NodeError {
  constructor(message: string) {
    super('ERR_KEY_MISSING', message)
  }
}

/** DEVLINK-*: linking a second device failed; the message says why and what to do. */
export class DeviceLinkError extends NodeError {
  constructor(message: string) {
    super('ERR_DEVICE_LINK', message)
  }
}
