/** Named network errors with messages a person can act on. Each has a stable `code`. */
export class NetError extends Error {
  readonly code: string
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = new.target.name
    this.code = code
  }
}

/** An address from an invite, a config file or a peer is not one we will dial. */
export class InvalidAddressError extends NetError {
  constructor(address: string, reason = 'it is not a peer address this node can dial') {
    super('ERR_INVALID_ADDRESS', `"${String(address).slice(0, 80)}" was refused: ${reason}.`)
  }
}

/** Bytes that should hold a serialized libp2p private key do not. */
export class InvalidPeerKeyError extends NetError {
  constructor(cause?: unknown) {
    super('ERR_INVALID_PEER_KEY', 'The stored network key is unreadable; generate a new one with generatePeerKey().', { cause })
  }
}

/** A frame (sent or received) was over the size limit; a received one resets the stream. */
export class FrameTooLargeError extends NetError {
  constructor(limit: number, direction: 'received' | 'sent' = 'received') {
    super(
      'ERR_FRAME_TOO_LARGE',
      direction === 'received'
        ? `A peer sent a frame over the ${limit}-byte limit; the stream was reset.`
        : `Refused to send a frame over the ${limit}-byte limit; split the message.`,
    )
  }
}

/** Nothing was sent or received on a stream for too long; the stream was reset. */
export class StreamIdleTimeoutError extends NetError {
  constructor(ms: number) {
    super('ERR_STREAM_IDLE_TIMEOUT', `The stream was idle for ${ms} ms and was reset.`)
  }
}

/** The caller's AbortSignal fired; the operation stopped (and any stream was reset). */
export class NetAbortedError extends NetError {
  constructor(what: string, cause?: unknown) {
    super('ERR_NET_ABORTED', `${what} was cancelled.`, { cause })
  }
}

/** Opening a stream to a peer failed (unreachable, protocol not supported, limit reached). */
export class ProtocolDialError extends NetError {
  constructor(protocol: string, peer: string, cause: unknown) {
    super('ERR_PROTOCOL_DIAL', `Could not open ${protocol} to ${peer.slice(0, 64)}: ${(cause as Error)?.message ?? String(cause)}`, { cause })
  }
}

/** Writing to a stream that is already closed or reset. */
export class StreamClosedError extends NetError {
  constructor(cause?: unknown) {
    super('ERR_STREAM_CLOSED', 'The stream is closed; open a new one.', { cause })
  }
}

/** A gossip message over the size cap (refused on publish, rejected on receive). */
export class GossipMessageTooLargeError extends NetError {
  constructor(size: number, limit: number) {
    super('ERR_GOSSIP_TOO_LARGE', `A ${size}-byte gossip message is over the ${limit}-byte cap; send it through sync instead.`)
  }
}

/** A topic already has a gossip handler on this node. */
export class TopicAlreadyJoinedError extends NetError {
  constructor(topic: string) {
    super('ERR_TOPIC_JOINED', `Already joined gossip topic ${topic.slice(0, 40)}…; leave it first.`)
  }
}

/** Publishing a DHT provider record failed (no DHT peers reachable, or refused). */
export class RendezvousError extends NetError {
  constructor(message: string, cause?: unknown) {
    super('ERR_RENDEZVOUS', message, { cause })
  }
}

/** A community secret too short to hide the community's names. */
export class InvalidSecretError extends NetError {
  constructor() {
    super('ERR_INVALID_SECRET', 'A community secret must be at least 16 random bytes (32 are used by invites).')
  }
}

/** The network could not start (e.g. a listen address is in use or not ours); nothing is left running. */
export class NetworkStartError extends NetError {
  constructor(cause: unknown) {
    super('ERR_NETWORK_START', `The network could not start: ${(cause as Error)?.message ?? String(cause)}`, { cause })
  }
}
