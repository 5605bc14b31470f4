/**
 * The CLI's heavy dependencies, loaded when a command first needs them. The
 * node (libp2p, the store, crypto), the signaling server and the browser-mode
 * server are most of the bundle; `polity --help`, `--version` and usage
 * errors never load them, and the bundle (build.mjs) puts each in its own
 * chunk. Same names and types as the real exports, so cli.ts reads as if it
 * imported them directly.
 */
import type { PolityNode as RealNode, PolityNodeOptions } from '@polity/node'
import type { SignalingServer, SignalingServerOptions } from '@polity/net'
import type { UiServer, UiServerOptions } from './ui-server'

export type PolityNode = RealNode
export const PolityNode = {
  open: async (options: PolityNodeOptions): Promise<RealNode> => (await import('@polity/node')).PolityNode.open(options),
}

export const startSignalingServer = async (options?: SignalingServerOptions): Promise<SignalingServer> =>
  (await import('@polity/net')).startSignalingServer(options)

export const startUiServer = async (options: UiServerOptions): Promise<UiServer> =>
  (await import('./ui-server')).startUiServer(options)
