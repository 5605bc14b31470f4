/**
 * @polity/net — the libp2p node and the names derived from community
 * secrets. The sync protocol runs over its streams (see @polity/sync).
 */
export { createPolityLibp2p, generatePeerKey, peerKeyToBytes, peerKeyFromBytes, parseAddress, type PolityLibp2p, type PolityLibp2pOptions, type PolityServices } from './libp2p-node'
export { streamFrames, MAX_FRAME_BYTES } from './frames'
export { rendezvousKey, communityTopic } from './names'
export { NetError, InvalidAddressError, FrameTooLargeError } from './errors'
