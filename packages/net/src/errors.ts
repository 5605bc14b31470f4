/** Named network errors with messages a person can act on. */
export class NetError extends Error {
  readonly code: string
  constructor(code: string, message: string) {
    super(message)
    this.name = new.target.name
    this.code = code
  }
}

export class InvalidAddressError extends NetError {
  constructor(address: string) {
    super('ERR_INVALID_ADDRESS', `"${address.slice(0, 80)}" is not a peer address this node can dial.`)
  }
}

export class FrameTooLargeError extends NetError {
  constructor(limit: number) {
    super('ERR_FRAME_TOO_LARGE', `A peer sent a frame over the ${limit}-byte limit; the stream was reset.`)
  }
}
