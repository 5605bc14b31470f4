/**
 * The node on the network: starts and stops PolityNetwork (@polity/net) and
 * hands it the NetworkHost — which communities are ready, their secrets, what
 * a sync session reads and proves (SYNC-3: the keys stay here), the ingest
 * every network op goes through (the one path, source `network`), the
 * peers to keep dialing (pending joins' inviters, NET-P1's known peers), and
 * how the roster judges a proven peer now (NET-G1, NET-G2).
 */
import { fromHex, inviteKeysFromSecret, toHex, type CommunityId, type MemberId, type OpId } from '@polity/protocol'
import { PolityNetwork, type NetworkHost, type PolityNetworkInit } from '@polity/net'
import { admissionOf } from './admission'
import { rosterAccess, type SessionStats } from '@polity/sync'
import type { NodeContext } from './context'
import type { Store } from './storage'
import { syncStatus } from './views'
import { nameSecretOf } from './sealing'
import { keyAskOf, noteKeyRequest } from './grants'
import { rememberPorts, stableNetworkOptions } from './peer-identity'
import { Progress } from './progress'
import { joinRoundDone, noteSessionForJoin } from './join-status'

export class NodeNetwork {
  private net: PolityNetwork | undefined

  constructor(private readonly ctx: NodeContext) {}

  /** The running network, or undefined when offline. */
  get current(): PolityNetwork | undefined {
    return this.net
  }

  /** Join the network (libp2p): serve sync, gossip, reconcile periodically. Returns our addresses. */
  async start(options: PolityNetworkInit = {}): Promise<string[]> {
    this.ctx.vault.require()
    // BRIDGE-7: every completed session (SYNC-7) reaches subscribers as a `sync` event with the community's status.
    const onSyncStatus = (c: CommunityId, peer: string): void => {
      // JOIN-1: a member's device that completed a session with us holds our join.
      const rt = this.ctx.runtimes.get(c)
      const st = this.net?.peerStatus(c).find((p) => p.peer === peer)
      if (rt && st?.member) void noteSessionForJoin(this.ctx, rt, { kind: 'member', member: st.member }).catch(() => undefined)
      void syncStatus(this.ctx, { community: c }).then((status) => this.ctx.emit({ type: 'sync', community: c, status }), () => undefined)
    }
    if (!this.net) {
      // NET-ID-1: the same PeerId every time, and the ports of last time when they are free.
      const init = { ...options, onSyncStatus }
      let net: PolityNetwork
      try {
        net = await PolityNetwork.start(this.host(), await stableNetworkOptions(this.ctx, init, true))
      } catch {
        net = await PolityNetwork.start(this.host(), await stableNetworkOptions(this.ctx, init, false))
      }
      this.net = net
      await rememberPorts(this.ctx, options.listen, net.addresses()).catch(() => undefined)
    }
    return this.net.addresses()
  }

  async stop(): Promise<void> {
    const n = this.net
    this.net = undefined
    await n?.stop()
  }

  /** Subscribe to a community's gossip topic now (it needs the community's secret). */
  joinCommunity(c: CommunityId): void {
    this.net?.joinCommunity(c)
  }

  /** Our replica of `c` applied ops: the network judges its proven peers again (NET-G2), and follows a re-key to the new names (SEAL-5). */
  rosterChanged(c: CommunityId): void {
    this.net?.rosterChanged(c)
    this.net?.joinCommunity(c)
  }

  /** Announce an op on the community's gossip topic (best effort; reconciliation is the backstop). */
  publish(c: CommunityId, envelope: Uint8Array): void {
    this.net?.publish(c, envelope)
  }

  /** Dial peers by address, then reconcile every community with them; returns each session's figures. */
  async connectPeers(addresses: readonly string[]): Promise<SessionStats[]> {
    const net = this.net
    if (!net) return []
    const out: SessionStats[] = []
    for (const p of await net.connect(addresses)) {
      for (const c of [...this.ctx.runtimes.ids()]) {
        const s = await net.syncPeer(c, p)
        if (s) out.push(s)
      }
    }
    return out
  }

  private host(): NetworkHost {
    const { runtimes, vault, crypto, store } = this.ctx
    return {
      // A community still reloading behind its checkpoint is not served or synced until it is whole.
      communities: () => [...runtimes.values()].filter((rt) => !rt.loading).map((rt) => rt.id),
      // SEAL-5: a sealed community is named by its current epoch's name secret; without one it is not named at all.
      secret: (c) => {
        const rt = runtimes.get(c)
        return rt && nameSecretOf(rt) ? rt.secret : undefined
      },
      epochSecret: (c) => {
        const rt = runtimes.get(c)
        return rt ? nameSecretOf(rt) : undefined
      },
      // SYNC-3: the keys stay here; the network only gets the session's target and access control.
      syncSession: (c, binding) => {
        const rt = runtimes.get(c)
        if (!rt || rt.loading || !vault.unlocked) return undefined
        const pj = rt.pendingJoin
        // BRIDGE-9, SYNC-10: a sync that starts far behind the peer's total shows progress against it.
        let progress: Progress | undefined
        let goal = 0
        return {
          target: {
            replica: rt.replica,
            ingest: async (envs) => {
              const r = await receiveOps(this.ctx, c, envs)
              if (progress) {
                progress.set(rt.replica.size, goal)
                if (rt.replica.size >= goal) {
                  progress.end()
                  progress = undefined
                }
              }
              return r
            },
            envelopes: (ids) => envelopesOf(store, ids),
            keyAsk: () => keyAskOf(this.ctx, rt),
            keyRequest: (member, agree, cert) => {
              noteKeyRequest(this.ctx, rt, toHex(member) as MemberId, agree, cert)
            },
            // SYNC-10: progress counts against what the peer holds.
            peerTotal: (total) => {
              if (!progress && total - rt.replica.size >= SYNC_PROGRESS_MIN) {
                goal = total
                progress = new Progress((e) => this.ctx.emit(e), 'sync', c, total)
                progress.set(rt.replica.size)
              }
              rt.peerTotals.delete(toHex(binding.remote))
              rt.peerTotals.set(toHex(binding.remote), total)
              if (rt.peerTotals.size > 64) rt.peerTotals.delete(rt.peerTotals.keys().next().value as string)
            },
          },
          access: rosterAccess({
            replica: rt.replica, community: c, identity: vault.require().identity,
            ...(pj ? { invite: { id: pj.invite, key: inviteKeysFromSecret(pj.inviteSecret).sign } } : {}),
            localBinding: binding.local, remoteBinding: binding.remote, verify: crypto.verify,
          }),
        }
      },
      ingest: (c, envs) => receiveOps(this.ctx, c, envs),
      retryTargets: () => [...runtimes.values()].flatMap((rt) => (rt.pendingJoin ? [...rt.pendingJoin.addresses] : [])),
      roundDone: (connected, synced) => joinRoundDone(this.ctx, runtimes.values(), connected, synced),
      knownPeerTargets: () => [...new Set([...runtimes.values()].flatMap((rt) => [...rt.knownPeers.values()].flatMap((p) => p.addrs)))],
      rememberPeer: (c, peer, addresses) => runtimes.rememberPeer(c, peer, addresses),
      forgetPeer: (c, peer) => runtimes.forgetPeer(c, peer),
      admission: (c, proof) => {
        const rt = runtimes.get(c)
        return rt ? admissionOf(rt.replica.roster(), proof, this.ctx.now()) : 'departed'
      },
    }
  }
}

/** A sync shows progress when it starts at least this many ops behind the peer's total (BRIDGE-9). */
const SYNC_PROGRESS_MIN = 200

/** Ops from a peer (a sync session or gossip) through the one ingest path; `errors`: why some were refused (at most 10). */
export async function receiveOps(ctx: NodeContext, community: CommunityId, ops: readonly Uint8Array[]): Promise<{ applied: number; rejected: number; errors: string[] }> {
  const rt = await ctx.runtimes.ready(community, true)
  const r = await ctx.ingest.receive(rt, ops, 'network')
  return { applied: r.applied.length, rejected: r.rejected.length, errors: r.rejected.slice(0, 10) }
}

/** Envelopes of held ops: the replica keeps none in memory (keepEnvelopes: false), the store has them all. */
export function envelopesOf(store: Store, ids: readonly OpId[]): Promise<(Uint8Array | undefined)[]> {
  return store.getOps(ids.map((id) => fromHex(id, 32)))
}
