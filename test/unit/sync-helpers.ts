import { randomBytes } from 'node:crypto'
import { KeyRing, Replica, createOp, createSealedOp, toHex, type AgreeKeyPair, type AnyOp, type BodyOf, type KeyPair, type OpKind } from '@polity/protocol'
import { createNativeCrypto } from '@polity/node'
import { dialSync, listenSync, memoryPipe, rosterAccess, type PipeHooks, type SessionStats, type SyncTarget } from '@polity/sync'
import type { GeneratedCommunity } from '../bench/generate'

export const crypto = createNativeCrypto()
export const nonce = (): Uint8Array => new Uint8Array(randomBytes(32))

export interface Peer {
  readonly name: string
  readonly replica: Replica
  readonly identity: KeyPair
  readonly target: SyncTarget
}

/** A replica with a sync target; in a sealed community it opens what the agree keys in `agree` reach (KEY-4). */
export function peer(name: string, identity: KeyPair, ops: readonly AnyOp[] = [], community?: string, agree: readonly AgreeKeyPair[] = []): Peer {
  const replica = new Replica({ crypto, keyRing: new KeyRing(agree), ...(community ? { community: community as never } : {}) })
  for (const op of ops) replica.receive(op)
  return {
    name,
    replica,
    identity,
    target: {
      replica,
      ingest: async (envs) => {
        let applied = 0
        let rejected = 0
        for (const e of envs) {
          const r = replica.receive(e)
          if (r.status === 'applied') applied += r.applied.length
          if (r.status === 'rejected') rejected++
        }
        return { applied, rejected }
      },
    },
  }
}

/**
 * Peers of a generated community. Sealed (v2): each replica holds the
 * founder's agree key, which opens epoch 0 and, by the chain, every later one
 * (a member's node holds the keys its wraps and invite link gave it; the sync
 * tests only need every replica able to open what it is sent).
 */
export function peersOf(g: GeneratedCommunity): (name: string, identity: KeyPair, ops?: readonly AnyOp[], community?: string) => Peer {
  return (name, identity, ops = [], community) => peer(name, identity, ops, community, g.agreeKeys.slice(0, 1))
}

const bind = (p: Peer): Uint8Array => new TextEncoder().encode(p.name)

/** One session: `a` dials `b`. */
export async function syncPair(a: Peer, b: Peer, community: string, hooks: PipeHooks = {}): Promise<[SessionStats, SessionStats]> {
  const [da, db] = memoryPipe(hooks)
  const accessA = rosterAccess({ replica: a.replica, community, identity: a.identity, localBinding: bind(a), remoteBinding: bind(b), verify: crypto.verify })
  const accessB = rosterAccess({ replica: b.replica, community, identity: b.identity, localBinding: bind(b), remoteBinding: bind(a), verify: crypto.verify })
  return Promise.all([
    dialSync({ duplex: da, community, target: a.target, access: accessA, randomNonce: nonce }),
    listenSync({ duplex: db, resolve: (c) => (c === community ? { target: b.target, access: accessB } : undefined), randomNonce: nonce }),
  ])
}

/**
 * Author an op with a device on top of a replica's heads (and the device's
 * previous op), and apply it; in a sealed community sealed under the epoch an
 * honest author picks, with a key the replica holds.
 */
export function author<K extends OpKind>(replica: Replica, device: KeyPair, kind: K, body: BodyOf<K>): AnyOp {
  const last = replica.lastOf(toHex(device.publicKey) as never)
  const draft = { community: replica.community as never, seq: (last?.op.seq ?? 0) + 1, deps: [...new Set([...replica.heads(), ...(last ? [last.op.id] : [])])], time: Date.now(), kind, body }
  let op: AnyOp
  if (replica.sealed) {
    const id = replica.sealedView()?.epochFor(draft.deps, kind)
    const key = id && replica.keyRing.key(id)
    if (!id || !key) throw new Error(`no usable epoch key to seal ${kind} under`)
    op = createSealedOp({ ...draft, body: body as never, epoch: { id, key } }, device, crypto) as unknown as AnyOp
  } else op = createOp(draft, device, crypto) as AnyOp
  const r = replica.receive(op)
  if (r.status !== 'applied') throw new Error(`not applied: ${r.status}`)
  return op
}
