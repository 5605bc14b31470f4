/**
 * The per-peer filter on gossipsub (NET-G1): for a gated topic (a Polity
 * community topic), nothing goes to a peer `allows` refuses — no message, no
 * subscription announcement (so an unproven peer cannot list who is on the
 * topic), no IHAVE, GRAFT or PRUNE naming it — and nothing of that topic from
 * it is taken in (messages, IHAVE, GRAFT are dropped before gossipsub sees
 * them, so it cannot draw IWANTs that would show we are subscribed).
 *
 * gossipsub has no per-topic peer filter, so this wraps the instance's
 * methods every RPC passes through (sendRpc and its piggybacking,
 * sendRpcInBatch, handleReceivedRpc). The network tests (NET-G*) read what a
 * raw gossipsub client receives, so a gossipsub change that bypasses this
 * fails them. Peer scoring (appSpecificScore, libp2p-node.ts) keeps unproven
 * subscribers out of the mesh on top of this.
 */
import type { GossipSub } from '@libp2p/gossipsub'
import type { PeerId } from '@libp2p/interface'

/** May `peer` exchange messages of `topic` with us? Called on every RPC; must be cheap. */
export type TopicPeerFilter = (peer: string, topic: string) => boolean

interface TopicRef { topicID?: string }
interface ControlRpc { ihave?: TopicRef[]; iwant?: unknown[]; graft?: TopicRef[]; prune?: TopicRef[]; idontwant?: unknown[] }
interface Rpc { subscriptions?: Array<{ topic?: string }>; messages?: Array<{ topic: string }>; control?: ControlRpc }
interface ControlQueue { graft: TopicRef[]; prune: TopicRef[] }

/** The gossipsub methods wrapped; a rename there makes installGossipGate throw, not silently pass everything. */
interface GossipInternals {
  sendRpc(id: string, rpc: Rpc): boolean
  sendRpcInBatch(tosend: Set<string>, rpc: Rpc): void
  piggybackControl(id: string, out: Rpc, ctrl: ControlQueue): void
  piggybackGossip(id: string, out: Rpc, ihave: TopicRef[]): void
  handleReceivedRpc(from: PeerId, rpc: Rpc): Promise<void>
  sendSubscriptions(toPeer: string, topics: string[], subscribe: boolean): void
  subscriptions: Set<string>
}

const WRAPPED = ['sendRpc', 'sendRpcInBatch', 'piggybackControl', 'piggybackGossip', 'handleReceivedRpc', 'sendSubscriptions'] as const

export interface GossipGate {
  /** `peer` was just proven for `topic`: tell it we are subscribed (the announcement it was refused before). */
  opened(peer: string, topic: string): void
  uninstall(): void
}

export function installGossipGate(pubsub: GossipSub, allows: TopicPeerFilter): GossipGate {
  const g = pubsub as unknown as GossipInternals
  for (const m of WRAPPED) if (typeof g[m] !== 'function') throw new Error(`gossipsub has no ${m}: the gossip gate cannot be installed`)
  const orig = {
    sendRpc: g.sendRpc.bind(g),
    sendRpcInBatch: g.sendRpcInBatch.bind(g),
    piggybackControl: g.piggybackControl.bind(g),
    piggybackGossip: g.piggybackGossip.bind(g),
    handleReceivedRpc: g.handleReceivedRpc.bind(g),
  }
  const ok = (peer: string) => (ref: TopicRef | { topic?: string }): boolean => {
    const t = 'topicID' in ref ? ref.topicID : (ref as { topic?: string }).topic
    return t === undefined || t === null || allows(peer, t)
  }
  const filterRpc = (peer: string, rpc: Rpc): Rpc => {
    const keep = ok(peer)
    const c = rpc.control
    return {
      ...rpc,
      ...(rpc.subscriptions ? { subscriptions: rpc.subscriptions.filter(keep) } : {}),
      ...(rpc.messages ? { messages: rpc.messages.filter(keep) } : {}),
      ...(c ? { control: { ...c, ...(c.ihave ? { ihave: c.ihave.filter(keep) } : {}), ...(c.graft ? { graft: c.graft.filter(keep) } : {}), ...(c.prune ? { prune: c.prune.filter(keep) } : {}) } } : {}),
    }
  }
  const empty = (rpc: Rpc): boolean => {
    const c = rpc.control
    const n = (a: unknown[] | undefined): number => a?.length ?? 0
    return n(rpc.subscriptions) + n(rpc.messages) + n(c?.ihave) + n(c?.iwant) + n(c?.graft) + n(c?.prune) + n(c?.idontwant) === 0
  }

  g.sendRpc = (id, rpc) => {
    const f = filterRpc(id, rpc)
    // Something was asked for and all of it was refused: nothing goes out (piggybacked control waits for a real RPC).
    if (!empty(rpc) && empty(f)) return false
    return orig.sendRpc(id, f)
  }
  g.piggybackControl = (id, out, ctrl) => orig.piggybackControl(id, out, { graft: ctrl.graft.filter(ok(id)), prune: ctrl.prune.filter(ok(id)) })
  g.piggybackGossip = (id, out, ihave) => orig.piggybackGossip(id, out, ihave.filter(ok(id)))
  g.sendRpcInBatch = (tosend, rpc) => {
    const topics = new Set((rpc.messages ?? []).map((m) => m.topic))
    const to = new Set<string>()
    for (const id of tosend) {
      // A batch of messages goes only to peers allowed every topic in it; an IDONTWANT (no topic) only to
      // peers allowed some topic we hold (mesh peers are, as unproven subscribers are kept out of meshes).
      const allowed = topics.size > 0 ? [...topics].every((t) => allows(id, t)) : [...g.subscriptions].some((t) => allows(id, t))
      if (allowed) to.add(id)
    }
    orig.sendRpcInBatch(to, rpc)
    // The caller reads back who it went to.
    for (const id of [...tosend]) if (!to.has(id)) tosend.delete(id)
  }
  g.handleReceivedRpc = async (from, rpc) => {
    const peer = from.toString()
    const keep = ok(peer)
    const c = rpc.control
    const inbound: Rpc = {
      ...rpc,
      messages: (rpc.messages ?? []).filter(keep),
      ...(c ? { control: { ...c, ...(c.ihave ? { ihave: c.ihave.filter(keep) } : {}), ...(c.graft ? { graft: c.graft.filter(keep) } : {}) } } : {}),
    }
    return orig.handleReceivedRpc(from, inbound)
  }
  return {
    opened(peer, topic) {
      if (g.subscriptions.has(topic)) g.sendSubscriptions(peer, [topic], true)
    },
    uninstall() {
      for (const m of ['sendRpc', 'sendRpcInBatch', 'piggybackControl', 'piggybackGossip', 'handleReceivedRpc'] as const) {
        delete (g as unknown as Record<string, unknown>)[m]
      }
    },
  }
}
