/**
 * FOUND-1 over the real network on 127.0.0.1: a community is on gossip from
 * the moment it is founded, whether it was created or forked — both go
 * through one `foundCommunity`. (Forking once skipped joining the topic: a
 * fork's founder heard nothing its members published until it next signed
 * something itself or the periodic reconciliation came round.) Here no
 * reconciliation runs (interval one hour, no `syncNow`), so only gossip can
 * carry the op.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { certifyDevice, createSealedOp, epochNameSecret, generateKeyPair, identityFromRecoveryPhrase, memberAgreeKeyPair, type OpId } from '@polity/protocol'
import { communityTopic, type PolityNetwork } from '@polity/net'
import { PolityNode } from '@polity/node'
import { NetworkSet, QUIET, ReplicaHost } from './network-helpers'
import { PASS, within } from './helpers'

const set = new NetworkSet()
const open: PolityNode[] = []
afterEach(async () => {
  for (const n of open.splice(0)) await n.close().catch(() => undefined)
  await set.stopAll()
})

const subscribers = (n: PolityNetwork, topic: string): string[] =>
  (n.libp2p.services.pubsub as unknown as { getSubscribers(t: string): { toString(): string }[] }).getSubscribers(topic).map(String)

describe('FOUND-1: created and forked communities alike are on gossip at once', () => {
  for (const how of ['created', 'forked'] as const) {
    it(`FOUND-1 (NET-3): a ${how} community's founder subscribes to its topic, and a member device's op published there reaches it live`, async () => {
      const dataDir = join(mkdtempSync(join(tmpdir(), `polity-net-found-${how}-`)), 'data')
      const a = await PolityNode.open({ dataDir, kdfLogN: 10, network: QUIET })
      open.push(a)
      const founder = identityFromRecoveryPhrase((await a.createIdentity({ passphrase: PASS })).recoveryPhrase)
      let c = await a.createCommunity({ name: 'Gossip', purpose: '', charter: '# Gossip\n' })
      if (how === 'forked') c = await a.forkCommunity({ community: c, name: 'Gossip fork', version: 0 })
      expect(a.communitySecret(c)).toBeInstanceOf(Uint8Array)
      // Sealed (§18): the community is named by its epoch (SEAL-5); another device of the founder holds the epoch key.
      const key = a.replicaOf(c).keyRing.key(c as unknown as OpId) as Uint8Array
      const secret = epochNameSecret(key)

      // Another device of the founder on the topic (the network is real; its host proves with the founder's
      // key, SYNC-3, so the two are proven to each other: gossip flows only between proven peers, NET-G1).
      const host = new ReplicaHost(c, secret, founder)
      host.replica.addAgreeKey(memberAgreeKeyPair(founder.secretKey))
      const observer = await set.add(host)
      observer.joinCommunity(c)
      const address = a.networkAddresses().find((x) => x.startsWith('/ip4/127.0.0.1/tcp/'))
      expect(address).toBeDefined()
      await observer.connect([address as string])
      const founderPeer = (address as string).split('/p2p/')[1] as string
      await within(20_000, () => subscribers(observer, communityTopic(secret)).includes(founderPeer), 'the founder is subscribed to the community topic')
      // The observer had no roster when the founder proved (SYNC-3b): the founder is proven once the session brought it.
      await within(20_000, () => observer.provenPeers(c).includes(founderPeer), 'the founder is proven to the observer (NET-G1)')

      // The founder's identity on a new device links it: an op only gossip can bring here.
      const device = generateKeyPair()
      const link = createSealedOp({
        community: c, seq: 1, deps: a.replicaOf(c).heads(), time: Date.now(), kind: 'device.link',
        body: { member: founder.publicKey, cert: certifyDevice(founder, device.publicKey) }, epoch: { id: c as unknown as OpId, key },
      }, device)
      observer.publish(c, link.bytes)
      await within(20_000, () => a.replicaOf(c).has(link.id), 'the op reached the founder by gossip')
      expect((await a.getCommunity({ community: c })).members[0]?.devices).toHaveLength(2)
    }, 60_000)
  }
})
