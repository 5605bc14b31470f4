/**
 * Linking a second device without typing the phrase (DEVLINK-1..6): the
 * first device offers its identity for a few minutes, once, over
 * `/polity/link/1.0.0`; the new device proves it holds the link's secret with
 * a MAC, and receives the identity secret and the community secrets sealed
 * under a key from that secret. The identity never reaches a UI: only the
 * link (its one-time secret and this device's addresses) does.
 */
import { randomBytes } from '@noble/hashes/utils.js'
import { dialDeviceLink, type DeviceLinkChannel } from '@polity/net'
import { decodeCanonical, encodeCanonical, recoveryPhraseOf, type CborValue, type CommunityId } from '@polity/protocol'
import type { DeviceLinkOffer } from '@polity/api'
import type { NodeContext } from './context'
import { DeviceLinkError, IdentityExistsError, WeakPassphraseError } from './errors'
import { keystoreExists } from './storage'
import { fetchCommunity } from './joining'
import { decodeDeviceLink, encodeDeviceLink, linkMac, openFromLink, sameMac, sealForLink, transcript } from './device-link-code'

/** DEVLINK-4: an offer lasts this long, answers once, and ends after this many wrong proofs. */
export const DEVICE_LINK_MS = 5 * 60_000
export const DEVICE_LINK_MAX_FAILURES = 3

interface Offer {
  readonly secret: Uint8Array
  readonly expires: number
  failures: number
  stop: () => Promise<void>
  timer: ReturnType<typeof setTimeout>
}

type Msg = { [k: string]: CborValue }

async function next(it: AsyncIterator<Uint8Array>): Promise<Msg> {
  const r = await it.next()
  if (r.done) throw new DeviceLinkError('The other device closed the link exchange (rule DEVLINK-2).')
  const m = decodeCanonical(r.value, 64 * 1024, 'device link message')
  if (m === null || typeof m !== 'object' || Array.isArray(m) || m instanceof Uint8Array) throw new DeviceLinkError('The other device sent something that is not a device-link message.')
  if (m['t'] === 'error') throw new DeviceLinkError(`The other device refused: ${typeof m['why'] === 'string' ? m['why'] : 'no reason'} (rule DEVLINK-2).`)
  return m
}

const bytes = (m: Msg, k: string, n: number): Uint8Array => {
  const v = m[k]
  if (!(v instanceof Uint8Array) || v.length !== n) throw new DeviceLinkError(`The other device's ${k} is malformed (rule DEVLINK-2).`)
  return v
}

export class DeviceLinks {
  private offer: Offer | undefined

  constructor(private readonly ctx: NodeContext) {}

  /** DEVLINK-1: offer this identity to one new device for DEVICE_LINK_MS; a previous offer ends. */
  async offerLink(): Promise<DeviceLinkOffer> {
    this.ctx.vault.require()
    const net = this.ctx.network.current
    if (!net) throw new DeviceLinkError('Go online first: the new device reaches this one over the network (rule DEVLINK-1).')
    await this.cancel()
    const secret = randomBytes(32)
    const expires = this.ctx.now() + DEVICE_LINK_MS
    const offer: Offer = { secret, expires, failures: 0, stop: async () => undefined, timer: setTimeout(() => void this.cancel(), DEVICE_LINK_MS) }
    offer.timer.unref?.()
    this.offer = offer
    offer.stop = await net.serveDeviceLink((c) => this.answer(offer, c))
    const addresses = net.inviteAddresses()
    return { link: encodeDeviceLink({ secret, addresses }), expires }
  }

  /** Whether an offer is open now (not used, expired or cancelled). */
  get active(): boolean {
    return this.offer !== undefined && this.ctx.now() <= this.offer.expires
  }

  /** End the offer now (also on lock and close). */
  async cancel(): Promise<void> {
    const o = this.offer
    this.offer = undefined
    if (!o) return
    clearTimeout(o.timer)
    o.secret.fill(0)
    await o.stop().catch(() => undefined)
  }

  /** The offering side of one exchange (DEVLINK-2, DEVLINK-3). */
  private async answer(offer: Offer, c: DeviceLinkChannel): Promise<void> {
    const it = c.frames.frames[Symbol.asyncIterator]()
    const send = (m: Msg): Promise<void> => c.frames.send(encodeCanonical(m))
    if (this.offer !== offer || this.ctx.now() > offer.expires) return send({ t: 'error', why: 'this device is not offering a link any more' })
    const hello = await next(it)
    const newNonce = bytes(hello, 'nonce', 32)
    const nonce = randomBytes(32)
    await send({ t: 'challenge', nonce })
    const proof = await next(it)
    const t = transcript(nonce, newNonce, c.localPeer, c.remotePeer)
    if (this.offer !== offer || !sameMac(bytes(proof, 'mac', 32), linkMac(offer.secret, t))) {
      // DEVLINK-4: a wrong proof counts; the third ends the offer.
      await send({ t: 'error', why: 'the link is wrong or was already used' })
      if (++offer.failures >= DEVICE_LINK_MAX_FAILURES) setTimeout(() => void this.cancel(), 200).unref?.()
      return
    }
    // DEVLINK-4: one use: the offer ends before the identity goes out (serving stops once it is sent).
    const secret = offer.secret.slice()
    if (this.offer === offer) this.offer = undefined
    clearTimeout(offer.timer)
    const s = this.ctx.vault.require()
    const communities: CborValue[] = []
    for (const rt of this.ctx.runtimes.values()) {
      if (rt.secret && rt.replica.roster().members.has(this.ctx.vault.member)) communities.push([rt.id, rt.secret])
    }
    const plain = encodeCanonical({ v: 1, identity: s.identity.secretKey, communities })
    try {
      await send({ t: 'identity', sealed: sealForLink(secret, t, plain, randomBytes(24)) })
    } finally {
      secret.fill(0)
      plain.fill(0)
      offer.secret.fill(0)
      setTimeout(() => void offer.stop().catch(() => undefined), 1000).unref?.()
    }
  }
}

/** What the new device received: the identity secret and the communities (id, secret) to fetch from the offering device. */
export interface ReceivedIdentity {
  readonly identity: Uint8Array
  readonly communities: ReadonlyArray<readonly [CommunityId, Uint8Array]>
  readonly addresses: readonly string[]
  readonly peer: string
}

/** DEVLINK-2: the new device's side: prove the link's secret, open the identity. Nothing is written here. */
export async function receiveIdentity(ctx: NodeContext, input: { link: string; passphrase: string }): Promise<ReceivedIdentity> {
  if (keystoreExists(ctx.paths)) throw new IdentityExistsError()
  if (typeof input.passphrase !== 'string' || [...input.passphrase].length < 8) throw new WeakPassphraseError()
  const d = decodeDeviceLink(input.link)
  return dialDeviceLink(d.addresses, async (c) => {
    const it = c.frames.frames[Symbol.asyncIterator]()
    const send = (m: Msg): Promise<void> => c.frames.send(encodeCanonical(m))
    const nonce = randomBytes(32)
    await send({ t: 'hello', nonce })
    const challenge = await next(it)
    const t = transcript(bytes(challenge, 'nonce', 32), nonce, c.remotePeer, c.localPeer)
    await send({ t: 'proof', mac: linkMac(d.secret, t) })
    const answer = await next(it)
    const sealed = answer['sealed']
    if (!(sealed instanceof Uint8Array)) throw new DeviceLinkError('The other device sent no identity (rule DEVLINK-3).')
    const o = decodeCanonical(openFromLink(d.secret, t, sealed), 1024 * 1024, 'linked identity') as Msg
    const identity = o['identity']
    if (!(identity instanceof Uint8Array) || identity.length !== 32) throw new DeviceLinkError('The identity the other device sent is malformed (rule DEVLINK-3).')
    recoveryPhraseOf(identity)
    const list = Array.isArray(o['communities']) ? o['communities'] : []
    const communities = list.flatMap((e): [CommunityId, Uint8Array][] => (
      Array.isArray(e) && typeof e[0] === 'string' && /^[0-9a-f]{64}$/.test(e[0]) && e[1] instanceof Uint8Array && e[1].length === 32 ? [[e[0] as CommunityId, e[1]]] : []
    ))
    return { identity, communities, addresses: d.addresses.map((a) => (a.includes('/p2p/') ? a : `${a}/p2p/${c.remotePeer}`)), peer: c.remotePeer }
  }).catch((e: unknown) => {
    if (e instanceof DeviceLinkError) throw e
    throw new DeviceLinkError(`The other device could not be reached, or is not offering a link any more (it lasts ${DEVICE_LINK_MS / 60_000} minutes and works once): ${(e as Error).message} (rule DEVLINK-4).`)
  })
}

/**
 * DEVLINK-2, DEVLINK-5: take the identity another device offers: seal it here under `passphrase` with a new
 * device key (ID-4), unlock (`unlocked`), then fetch each community from the offering device, which this
 * device also remembers as a peer (NET-P1); each community links this device (device.link) as it arrives.
 */
export async function acceptDeviceLink(ctx: NodeContext, input: { link: string; passphrase: string }, unlocked: () => Promise<void>): Promise<void> {
  const got = await receiveIdentity(ctx, input)
  const phrase = recoveryPhraseOf(got.identity)
  got.identity.fill(0)
  await ctx.vault.restore(phrase, input.passphrase)
  await unlocked()
  for (const [c, secret] of got.communities) {
    const rt = await ctx.runtimes.ready(c, true)
    rt.secret = secret
    await ctx.runtimes.saveMeta(rt)
    ctx.runtimes.rememberPeer(c, got.peer, got.addresses)
    ctx.network.joinCommunity(c)
  }
  ctx.emit({ type: 'communities' })
  for (const [c] of got.communities) await fetchCommunity(ctx, c, got.addresses).catch(() => 0)
  ctx.emit({ type: 'communities' })
}
