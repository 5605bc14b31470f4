/**
 * @polity/sync — transport-agnostic reconciliation of a community's signed
 * ops between two replicas, with challenge-response access control and
 * per-peer limits. Transports (libp2p streams, in-memory pipes) provide a
 * FrameDuplex.
 */
export { dialSync, listenSync, DEFAULT_SYNC_LIMITS } from './session'
export type { FrameDuplex, SyncReplica, SyncTarget, AccessControl, Proof, SyncLimits, SessionStats, DialOptions, ListenOptions } from './session'
export { SYNC_PROTOCOL, WIRE_VERSION, writeMessage, readMessage, isMessage, DEFAULT_WIRE_LIMITS, type SyncMessage, type WireLimits, type ProofKind } from './wire'
export { probesOf, opsOutside, keysFirst, MAX_KEYS_AHEAD } from './reconcile'
export { SyncError, SyncProtocolError, SyncLimitError, SyncAccessError, SyncClosedError } from './errors'
export { memoryPipe, type PipeHooks } from './memory-pipe'
export { rosterAccess, accessMessage, type RosterAccessOptions } from './access'
export { Simulator, type SimPeer, type SimulatorOptions, type SimRound } from './simulator'
