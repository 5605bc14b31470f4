/**
 * INGEST-1: every op a node takes in goes through one path, whatever its
 * source — made here, from a peer (sync and gossip call `receiveOps`), from a
 * bundle file, or relayed by a browser. So the same op gets the same verdict
 * by every route: a valid one is applied, stored and evented; a forged one is
 * refused with the same message; one that breaks a rule is refused with the
 * same rule, the node's own attempt included.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { randomBytes } from 'node:crypto'
import {
  DEFAULT_RULES, GENESIS_CERT_COMMUNITY, certifyAgreeKey, certifyDevice, createSealedOp, decodeSealedOpUnverified, generateKeyPair, inviteKeysFromSecret,
  memberAgreeKeyPair, randomEpochKey, recoveryPhraseOf, toHex, type CommunityId, type KeyPair, type OpId, type SealedOp,
} from '@polity/protocol'
import type { PolityEvent } from '@polity/api'
import { PolityNode, RefusedError, decodeBundle, encodeBundle, encodeInviteLink } from '../src/index'
import { PASS, freshNode, withIdentity } from './helpers'

const open: PolityNode[] = []
afterEach(async () => {
  for (const n of open.splice(0)) await n.close()
})

/**
 * A sealed community made outside any node, so the test holds the founder's
 * device key and can sign what it likes. `link`: a link carrying the
 * invite's secret (so a node holds its agree key and opens everything,
 * EPOCH-8) but naming an invite that never arrives, so no node signs a join
 * of its own and every route's results stay comparable.
 */
function foreignCommunity(): {
  founder: KeyPair; device: KeyPair; community: CommunityId; genesis: SealedOp; invite: SealedOp; valid: SealedOp; selfRole: SealedOp; forged: Uint8Array; link: string
} {
  const founder = generateKeyPair()
  const device = generateKeyPair()
  const time = Date.now()
  const key = randomEpochKey()
  const agree = memberAgreeKeyPair(founder.secretKey).publicKey
  const genesis = createSealedOp({
    community: null, seq: 1, deps: [], time, kind: 'genesis', epoch: { id: null, key }, wrapTo: [agree],
    body: {
      name: 'Paths', purpose: '', charter: '', rules: DEFAULT_RULES, founder: founder.publicKey, cert: certifyDevice(founder, device.publicKey), parent: undefined,
      agree, agreeCert: certifyAgreeKey(founder, GENESIS_CERT_COMMUNITY, agree),
    },
  }, device)
  const community = genesis.community
  const epoch = { id: genesis.id, key }
  const secret = new Uint8Array(randomBytes(32))
  const ik = inviteKeysFromSecret(secret)
  const invite = createSealedOp({
    community, seq: 2, deps: [genesis.id], time, kind: 'invite.create', epoch, wrapTo: [ik.agree.publicKey],
    body: { key: ik.sign.publicKey, uses: 1, expires: Number.MAX_SAFE_INTEGER, member: undefined, agree: ik.agree.publicKey },
  }, device)
  const valid = createSealedOp({ community, seq: 3, deps: [invite.id], time, kind: 'profile.set', body: { name: 'Valid' }, epoch }, device)
  // ROSTER-9: no one may change their own role — a founder's device signing it is still refused.
  const selfRole = createSealedOp({ community, seq: 4, deps: [valid.id], time, kind: 'member.role', body: { member: founder.publicKey, role: 'member' }, epoch }, device)
  const other = createSealedOp({ community, seq: 4, deps: [valid.id], time, kind: 'profile.set', body: { name: 'Forged' }, epoch }, device)
  const forged = other.bytes.slice()
  forged[forged.length - 2] = (forged[forged.length - 2] as number) ^ 0x01
  const link = encodeInviteLink({
    community, invite: toHex(randomBytes(32)) as OpId, inviteSecret: secret, communitySecret: new Uint8Array(32).fill(7), name: 'Paths', addresses: [],
  })
  return { founder, device, community, genesis, invite, valid, selfRole, forged, link }
}

async function node(label: string): Promise<PolityNode> {
  const n = (await withIdentity(label)).node
  open.push(n)
  return n
}

function events(n: PolityNode): PolityEvent[] {
  const seen: PolityEvent[] = []
  n.subscribe((e) => seen.push(e))
  return seen
}

const ids = async (n: PolityNode, c: CommunityId): Promise<string[]> =>
  decodeBundle(await n.exportBundle({ community: c })).map((b) => decodeSealedOpUnverified(b).op.id).sort()

describe('INGEST-1: one ingest path for own, network, bundle and relay ops', () => {
  it('INGEST-1: the same ops get the same verdict by every route: applied, stored and evented, or refused with the same rule', async () => {
    const f = foreignCommunity()
    const envelopes = [f.genesis.bytes, f.invite.bytes, f.valid.bytes, f.selfRole.bytes, f.forged]
    const c = f.community

    const viaBundle = await node('path-bundle')
    const viaRelay = await node('path-relay')
    const viaNetwork = await node('path-network')
    // Sealed (§18): each holds the link's invite key, so the ops open. The relay serves members and invitees only:
    // these devices hold the community's secret and no roster yet (NET-G4).
    for (const n of [viaBundle, viaRelay, viaNetwork]) expect((await n.acceptInvite({ link: f.link })).status).toBe('waiting')
    const seen = [viaBundle, viaRelay, viaNetwork].map(events)

    const bundle = await viaBundle.importBundle({ bytes: encodeBundle(envelopes) })
    const relay = await viaRelay.importEnvelopes({ community: c, envelopes })
    const network = await viaNetwork.receiveOps(c, envelopes)

    for (const r of [bundle, relay, network]) expect(r).toMatchObject({ applied: 3, rejected: 2 })
    const refusals = [bundle.errors, relay.errors, network.errors].map((e) => [...e].sort())
    expect(refusals[0]).toHaveLength(2)
    expect(refusals[1]).toEqual(refusals[0])
    expect(refusals[2]).toEqual(refusals[0])
    const rule = refusals[0]!.find((m) => m.startsWith('ROSTER-9: '))
    expect(rule).toBe('ROSTER-9: no one may change their own role')
    expect(refusals[0]!.some((m) => /^ENV-6/.test(m))).toBe(true)

    // Applied means stored (what a bundle exports is read back from disk) and told to the UIs.
    const held = [f.genesis.id, f.invite.id, f.valid.id].sort()
    for (const n of [viaBundle, viaRelay, viaNetwork]) {
      expect(await ids(n, c)).toEqual(held)
      expect((await n.getCommunity({ community: c })).members.map((m) => m.name)).toEqual(['Valid'])
    }
    for (const s of seen) expect(s).toContainEqual({ type: 'community', community: c, ops: 3, parts: ['charter', 'draft', 'proposals', 'roster'], proposals: [] })

    // Own: the founder's identity on a node of its own (a new device, which links itself on the way in).
    const { node: own } = await freshNode('path-own')
    open.push(own)
    await own.restoreIdentity({ phrase: recoveryPhraseOf(f.founder.secretKey), passphrase: PASS })
    expect((await own.importBundle({ bytes: encodeBundle([f.genesis.bytes, f.invite.bytes, f.valid.bytes]) })).applied).toBe(3)
    const before = await ids(own, c)
    expect(before).toHaveLength(4) // genesis, invite, profile, and this device's device.link
    const ownSeen = events(own)
    const refused = await own.changeRole({ community: c, member: toHex(f.founder.publicKey), role: 'member' }).then(() => undefined, (e: unknown) => e)
    expect(refused).toBeInstanceOf(RefusedError)
    expect((refused as Error).message).toBe('No one may change their own role (rule ROSTER-9).')
    expect(await ids(own, c)).toEqual(before)
    expect(ownSeen).toEqual([])

    await own.setProfile({ community: c, name: 'Own' })
    expect(ownSeen).toContainEqual({ type: 'community', community: c, ops: 5, parts: ['proposals', 'roster'], proposals: [] })
    // What the own path stored is what the other routes apply; all four end in the same state.
    const mine = decodeBundle(await own.exportBundle({ community: c }))
    expect((await viaBundle.importBundle({ bytes: encodeBundle(mine) })).applied).toBe(2)
    expect((await viaNetwork.receiveOps(c, mine)).applied).toBe(2)
    // NET-G4: now that the roster is here, the relay device is judged by it — and it is no member.
    await expect(viaRelay.importEnvelopes({ community: c, envelopes: mine })).rejects.toThrow(/no longer\) a member/)
    expect((await viaRelay.importBundle({ bytes: encodeBundle(mine) })).applied).toBe(2)
    const state = await own.getCommunity({ community: c })
    expect(state.members.map((m) => m.name)).toEqual(['Own'])
    for (const n of [viaBundle, viaRelay, viaNetwork]) expect(await n.getCommunity({ community: c })).toEqual(state)
  })

  it('INGEST-1: commands issued at once each take their own turn: none claims another\'s seq, all apply', async () => {
    const a = await node('turns')
    const c = await a.createCommunity({ name: 'Turns', purpose: '', charter: '' })
    const before = a.replicaOf(c).size
    await Promise.all(Array.from({ length: 12 }, (_, i) => a.setProfile({ community: c, name: `Name ${i}` })))
    expect(a.replicaOf(c).size).toBe(before + 12)
    expect((await a.getCommunity({ community: c })).members[0]?.name).toBe('Name 11')
  })
})
