/**
 * Every failure in the protocol package is a named error with a stable `code`,
 * so callers (the node, the CLI, the UI) can react and show a message a person
 * can act on. Validation errors carry the rule ID from docs/PROTOCOL.md.
 */
export class ProtocolError extends Error {
  readonly code: string
  constructor(code: string, message: string) {
    super(message)
    this.name = new.target.name
    this.code = code
  }
}

/** Bytes that are not a well-formed, canonical, size-limited encoding. */
export class DecodeError extends ProtocolError {
  constructor(message: string) {
    super('ERR_DECODE', message)
  }
}

/** An envelope whose signature does not verify under its author key (ENV-6). */
export class SignatureError extends ProtocolError {
  /** The signature rule that failed (SIG-1..SIG-4), when known. */
  readonly rule: string
  constructor(message: string, rule = 'ENV-6') {
    super('ERR_SIGNATURE', message)
    this.rule = rule
  }
}

/** A structurally valid, signed op that breaks a validity or authorization rule. */
export class RuleViolation extends ProtocolError {
  readonly rule: string
  constructor(rule: string, message: string) {
    super('ERR_RULE', `${rule}: ${message}`)
    this.rule = rule
  }
}

/** A recovery phrase that is not a valid BIP39 English mnemonic. */
export class InvalidRecoveryPhraseError extends ProtocolError {
  constructor(message = 'The recovery phrase is not valid: check the words and their order.') {
    super('ERR_RECOVERY_PHRASE', message)
  }
}
