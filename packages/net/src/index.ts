/**
 * @polity/net — a Polity node on the network: PolityNetwork (what the node
 * runs), built from this package's helpers — the libp2p node with its
 * transports and limits, DHT rendezvous and gossip under names derived from
 * community secrets, length-prefixed frame streams carrying the sync
 * protocol (see @polity/sync), and address checks for untrusted input.
 */
export { PolityNetwork, NETWORK_DEFAULTS, type PolityNetworkInit } from './network'
export type { NetworkHost, ChannelBinding, SyncSessionView } from './network-host'
export { breaksProtocol } from './sync-service'
export { BanList } from './ban-list'
export { PeerGate, PEER_GATE_DEFAULTS, type PeerProof, type Admission, type PeerGateOptions } from './peer-gate'
export { installGossipGate, type GossipGate, type TopicPeerFilter } from './gossip-gate'
export { COMMUNITY_TOPIC_PREFIX, UNPROVEN_SUBSCRIBER_SCORE } from './community-gate'
export { RedialSchedule, KNOWN_PEER_BACKOFF_MIN_MS, KNOWN_PEER_BACKOFF_MAX_MS } from './redial'
export { transportOf, MAX_STATUS_PEERS, type PeerSyncStatus, type PeerTransport } from './peer-status'
export { createPolityLibp2p, NODE_LIMITS, POLITY_DHT_PROTOCOL, DEFAULT_LISTEN, CIRCUIT_LISTEN, type PolityLibp2p, type PolityLibp2pOptions, type PolityServices } from './libp2p-node'
export { dialDeviceLink, DEVICE_LINK_PROTOCOL, type DeviceLinkChannel } from './device-link'
export { generatePeerKey, peerKeyToBytes, peerKeyFromBytes, peerIdOfKey } from './peer-key'
export { parseAddress, parseAddresses, peerIdOfAddress, shareableAddresses, MAX_ADDRESS_LENGTH, MAX_ADDRESSES, type ShareableAddressOptions } from './addresses'
export { streamFrames, MAX_FRAME_BYTES, DEFAULT_IDLE_TIMEOUT_MS, type FrameStream, type FrameStreamOptions } from './frames'
export { handleProtocol, dialProtocol, DEFAULT_PROTOCOL_LIMITS, type FrameHandler, type HandleOptions, type InboundInfo, type ProtocolLimits, type DialProtocolOptions } from './protocols'
export { networkNames, rendezvousKey, communityTopic, webrtcRoom, type NameSource, type NetworkNames, RENDEZVOUS_LABEL, TOPIC_LABEL, WEBRTC_ROOM_LABEL, WEBRTC_PASSWORD_LABEL } from './names'
export { startSignalingServer, readSignalingMessage, DEFAULT_SIGNALING_LIMITS, type SignalingServer, type SignalingServerOptions, type SignalingLimits, type SignalingStats } from './signaling'
export { advertise, findRendezvousPeers, type FindRendezvousOptions, type RendezvousPeer } from './rendezvous'
export { joinGossip, GOSSIP_MAX_MESSAGE_BYTES, COMMUNITY_TOPIC_SCORE, type GossipTopic, type GossipValidator, type GossipVerdict, type JoinGossipOptions } from './gossip'
export {
  NetError,
  InvalidAddressError,
  InvalidPeerKeyError,
  InvalidSecretError,
  FrameTooLargeError,
  StreamIdleTimeoutError,
  StreamClosedError,
  NetAbortedError,
  ProtocolDialError,
  GossipMessageTooLargeError,
  TopicAlreadyJoinedError,
  RendezvousError,
  NetworkStartError,
} from './errors'
