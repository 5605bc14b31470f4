/**
 * The device-link channel (`/polity/link/1.0.0`, DEVLINK-1..6 in
 * docs/PROTOCOL.md): a frame stream between a device offering its identity
 * and a new device of the same member. This module only moves frames over an
 * encrypted, peer-authenticated libp2p connection (noise) and names both ends;
 * the secret, the MAC and the sealed identity are the node's (it holds the
 * keys). The new device has no identity and so no network of its own: it
 * dials from a throwaway libp2p node that listens nowhere.
 */
import type { Libp2p } from '@libp2p/interface'
import { dialProtocol, handleProtocol } from './protocols'
import type { FrameStream } from './frames'
import { createPolityLibp2p } from './libp2p-node'
import { parseAddresses } from './addresses'

export const DEVICE_LINK_PROTOCOL = '/polity/link/1.0.0'

/** One side of a device-link exchange: frames, and both ends' libp2p ids (authenticated by noise). */
export interface DeviceLinkChannel {
  readonly frames: FrameStream
  readonly localPeer: string
  readonly remotePeer: string
}

/** DEVLINK-5: frames are small (a sealed identity and a few community secrets); a quiet peer is dropped. */
const LIMITS = { maxFrameBytes: 64 * 1024, idleTimeoutMs: 20_000, maxConcurrentHandlers: 1, maxInboundStreamsPerConnection: 1, maxNewStreamsPerConnectionPerSecond: 1 }

/** Serve device-link exchanges on a running node (one at a time); returns the function that stops serving. */
export async function serveDeviceLink(libp2p: Libp2p, handler: (c: DeviceLinkChannel) => Promise<void>): Promise<() => Promise<void>> {
  return handleProtocol(libp2p, DEVICE_LINK_PROTOCOL, async (frames, info) => {
    await handler({ frames, localPeer: libp2p.peerId.toString(), remotePeer: info.remotePeer.toString() })
  }, { ...LIMITS, runOnLimitedConnection: true })
}

/** Dial the offering device at `addresses` from a throwaway node and run `fn` over the channel; everything is stopped after. */
export async function dialDeviceLink<T>(addresses: readonly string[], fn: (c: DeviceLinkChannel) => Promise<T>, timeoutMs = 30_000): Promise<T> {
  const targets = parseAddresses([...addresses])
  const node = await createPolityLibp2p({ listen: [], mdns: false, dhtMode: 'client' })
  try {
    const signal = AbortSignal.timeout(timeoutMs)
    const frames = await dialProtocol(node, targets, DEVICE_LINK_PROTOCOL, signal, { maxFrameBytes: LIMITS.maxFrameBytes, idleTimeoutMs: LIMITS.idleTimeoutMs, runOnLimitedConnection: true })
    try {
      return await fn({ frames, localPeer: node.peerId.toString(), remotePeer: frames.stream ? remoteOf(node, frames) : '' })
    } finally {
      await frames.close()
    }
  } finally {
    await Promise.resolve(node.stop()).catch(() => undefined)
  }
}

function remoteOf(node: Libp2p, frames: FrameStream): string {
  const c = node.getConnections().find((x) => x.streams.includes(frames.stream))
  return c?.remotePeer.toString() ?? ''
}
