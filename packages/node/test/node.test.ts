import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import {
  certifyAgreeKey, certifyDevice, createSealedOp, decodeCanonical, encodeCanonical, fromHex, generateKeyPair, inviteKeysFromSecret, joinProofMessage,
  memberAgreeKeyPair, sign, toHex, type CborValue, type CommunityId, type MemberId, type OpId,
} from '@polity/protocol'
import { decodeInviteLink, PolityNode, LockedError, WeakPassphraseError, IdentityExistsError, NotAMemberError, RefusedError, InvalidInviteError } from '../src/index'
import { WeakKeystoreError, WrongPassphraseError } from '@polity/store'
import { PASS, carry, freshNode, withIdentity } from './helpers'

describe('PolityNode: identity and keys', () => {
  it('KEYS-1: creates an identity, locks, refuses a wrong passphrase, unlocks with the right one', async () => {
    const { node, dataDir } = await freshNode('id')
    expect((await node.identityStatus()).state).toBe('none')
    await expect(node.createIdentity({ passphrase: 'short' })).rejects.toThrow(WeakPassphraseError)
    const created = await node.createIdentity({ passphrase: PASS })
    expect(created.recoveryPhrase.split(' ')).toHaveLength(24)
    await expect(node.createIdentity({ passphrase: PASS })).rejects.toThrow(IdentityExistsError)
    await node.lock()
    await expect(node.listCommunities()).rejects.toThrow(LockedError)
    await expect(node.unlock({ passphrase: 'not the passphrase' })).rejects.toThrow(WrongPassphraseError)
    expect((await node.unlock({ passphrase: PASS })).did).toBe(created.did)
    await node.close()
    // A restart keeps the identity.
    // KEYS-6: without the test-only low cost, the 2^10 keystore is refused.
    const strict = await PolityNode.open({ dataDir })
    await expect(strict.unlock({ passphrase: PASS })).rejects.toThrow(WeakKeystoreError)
    await strict.close()
    const again = await PolityNode.open({ dataDir, kdfLogN: 10 })
    expect((await again.identityStatus()).state).toBe('locked')
    expect((await again.unlock({ passphrase: PASS })).did).toBe(created.did)
    await again.close()
  })

  it('KEYS-3/KEYS-5: unlock while unlocked still refuses a wrong passphrase; changePassphrase re-seals the same identity', async () => {
    const { node, dataDir } = await freshNode('keys')
    const created = await node.createIdentity({ passphrase: PASS })
    await expect(node.unlock({ passphrase: 'not the passphrase' })).rejects.toThrow(WrongPassphraseError)
    expect((await node.identityStatus()).state).toBe('unlocked')
    await expect(node.changePassphrase({ current: 'not the passphrase', next: 'another long passphrase' })).rejects.toThrow(WrongPassphraseError)
    await expect(node.changePassphrase({ current: PASS, next: 'short' })).rejects.toThrow(WeakPassphraseError)
    await node.changePassphrase({ current: PASS, next: 'another long passphrase' })
    await node.close()
    const again = await PolityNode.open({ dataDir, kdfLogN: 10 })
    await expect(again.unlock({ passphrase: PASS })).rejects.toThrow(WrongPassphraseError)
    expect((await again.unlock({ passphrase: 'another long passphrase' })).did).toBe(created.did)
    await again.close()
  })

  it('ID-2/ID-4: restoring the phrase elsewhere gives the same member with a new device, which links itself', async () => {
    const a = await freshNode('a')
    const created = await a.node.createIdentity({ passphrase: PASS })
    const community = await a.node.createCommunity({ name: 'Home', purpose: '', charter: '' })
    const b = await freshNode('b')
    const restored = await b.node.restoreIdentity({ phrase: created.recoveryPhrase, passphrase: PASS })
    expect(restored.did).toBe(created.did)
    expect(restored.deviceKey).not.toBe((await a.node.identityStatus()).deviceKey)
    await carry(a.node, b.node, community)
    const s = await b.node.getCommunity({ community })
    expect(s.members[0]?.devices).toHaveLength(2)
    await b.node.setProfile({ community, name: 'From laptop' })
    await carry(b.node, a.node, community)
    expect((await a.node.getCommunity({ community })).members[0]?.name).toBe('From laptop')
    await a.node.close()
    await b.node.close()
  })
})

describe('PolityNode: communities offline (I7)', () => {
  it('BUNDLE-1, STORE-9: invite, join and converge over bundle files alone; state survives a restart', async () => {
    const a = await withIdentity('founder')
    const b = await withIdentity('joiner')
    const community = await a.node.createCommunity({ name: 'Free Town', purpose: 'Self-rule', charter: '# Free Town\n', founderName: 'Ana' })
    const invite = await a.node.createInvite({ community, uses: 1, expiresInHours: 24 })
    expect(invite.link).toMatch(/^polity:\/\/join\?/)
    const accepted = await b.node.acceptInvite({ link: invite.link, name: 'Ben' })
    expect(accepted.status).toBe('waiting')
    expect((await b.node.listCommunities())[0]?.pendingJoin).toBe(true)
    await carry(a.node, b.node, community)
    expect((await b.node.listCommunities())[0]?.role).toBe('member')
    await carry(b.node, a.node, community)
    const sa = await a.node.getCommunity({ community })
    expect(sa.members.map((m) => m.name)).toEqual(['Ana', 'Ben'])
    expect(await b.node.getCommunity({ community })).toEqual(sa)
    await a.node.close()
    const reopened = await PolityNode.open({ dataDir: a.dataDir, kdfLogN: 10 })
    await reopened.unlock({ passphrase: PASS })
    expect(await reopened.getCommunity({ community })).toEqual(sa)
    await reopened.close()
    await b.node.close()
  })

  it('ROSTER-5: the node refuses a used single-use invite, and a damaged link, with a clear reason', async () => {
    const a = await withIdentity('f')
    const b = await withIdentity('b')
    const c = await withIdentity('c')
    const community = await a.node.createCommunity({ name: 'One seat', purpose: '', charter: '' })
    const { link } = await a.node.createInvite({ community, uses: 1 })
    await b.node.acceptInvite({ link })
    await carry(a.node, b.node, community)
    await carry(b.node, a.node, community)
    await carry(a.node, c.node, community)
    await expect(c.node.acceptInvite({ link })).rejects.toThrow(InvalidInviteError)
    await expect(c.node.acceptInvite({ link: 'polity://join?c=zz' })).rejects.toThrow(/community id/)
    for (const n of [a, b, c]) await n.node.close()
  })

  it('ROSTER-8, ROSTER-9: node commands that break a rule fail with a clear error and change nothing', async () => {
    const a = await withIdentity('f')
    const b = await withIdentity('b')
    const community = await a.node.createCommunity({ name: 'Rules', purpose: '', charter: '' })
    await b.node.acceptInvite({ link: (await a.node.createInvite({ community })).link })
    await carry(a.node, b.node, community)
    const before = await b.node.getCommunity({ community })
    await expect(b.node.changeRole({ community, member: before.members[1]!.id, role: 'founder' })).rejects.toThrow(RefusedError)
    await expect(b.node.removeMember({ community, member: before.members[0]!.id })).rejects.toThrow(/role/)
    await expect(b.node.removeMember({ community, member: 'nobody' })).rejects.toThrow(/id \(64 hex/)
    expect(await b.node.getCommunity({ community })).toEqual(before)
    await b.node.leaveCommunity({ community })
    await expect(b.node.setProfile({ community, name: 'x' })).rejects.toThrow(NotAMemberError)
    await a.node.close()
    await b.node.close()
  })

  it('ROSTER-13/3/5: a replayed used link contests a join; the inviter sees who, re-invites with a link bound to the member, and the same device joins again', async () => {
    const a = await withIdentity('f')
    const b = await withIdentity('b')
    const community = await a.node.createCommunity({ name: 'Contest', purpose: '', charter: '' })
    const { link } = await a.node.createInvite({ community, uses: 1 })
    await b.node.acceptInvite({ link })
    await carry(a.node, b.node, community)
    await carry(b.node, a.node, community)
    const ben = (await b.node.identityStatus()).member as string
    // Someone who later saw the used link joins on the invite alone (a stale past) and gets it to the founder.
    const d = decodeInviteLink(link)
    const mallory = generateKeyPair()
    const device = generateKeyPair()
    const proof = sign(joinProofMessage(community, d.invite, toHex(mallory.publicKey) as MemberId), inviteKeysFromSecret(d.inviteSecret).sign.secretKey)
    // Sealed (§18): the link's holder has the invite's epoch key (EPOCH-8), and joins with an agree key of its own (KEY-1).
    const agree = memberAgreeKeyPair(mallory.secretKey).publicKey
    const stale = createSealedOp({
      community, seq: 1, deps: [d.invite], time: Date.now(), kind: 'member.join',
      body: { member: mallory.publicKey, cert: certifyDevice(mallory, device.publicKey), invite: fromHex(d.invite, 32), proof, agree, agreeCert: certifyAgreeKey(mallory, fromHex(community, 32), agree) },
      epoch: { id: community as unknown as OpId, key: a.node.replicaOf(community).keyRing.key(community as unknown as OpId) as Uint8Array },
    }, device)
    expect((await a.node.importEnvelopes({ community, envelopes: [stale.bytes] })).applied).toBe(1)
    const s = await a.node.getCommunity({ community })
    expect(s.members.map((m) => m.id)).toEqual([(await a.node.identityStatus()).member])
    const contest = s.invites.find((i) => i.id === d.invite)!.contested
    expect(contest.map((c) => c.member).sort()).toEqual([ben, toHex(mallory.publicKey)].sort())
    // The founder invites Ben again, bound to his did:key; his device (no longer a member) joins with it.
    const again = await a.node.createInvite({ community, member: contest.find((c) => c.member === ben)!.did })
    await carry(a.node, b.node, community)
    expect((await b.node.listCommunities())[0]?.role).toBeNull()
    expect((await b.node.acceptInvite({ link: again.link })).status).toBe('joined')
    await carry(b.node, a.node, community)
    expect((await a.node.getCommunity({ community })).members.map((m) => m.id)).toContain(ben)
    // A bound link is useless to anyone else, and binding needs a real member key.
    const c = await withIdentity('c')
    const forBen = await a.node.createInvite({ community, member: ben })
    await carry(a.node, c.node, community)
    await expect(c.node.acceptInvite({ link: forBen.link })).rejects.toThrow(/for another member/)
    await expect(a.node.createInvite({ community, member: 'did:key:nobody' })).rejects.toThrow(/did:key/)
    for (const n of [a, b, c]) await n.node.close()
  })

  it('CHARTER-E3: draft edits are batched into one signed op per pause and reach the other member', async () => {
    const a = await withIdentity('f')
    const b = await withIdentity('b')
    const community = await a.node.createCommunity({ name: 'Drafting', purpose: '', charter: '' })
    await b.node.acceptInvite({ link: (await a.node.createInvite({ community })).link })
    await carry(a.node, b.node, community)
    await carry(b.node, a.node, community)
    const draft = await a.node.getDraft({ community })
    const doc = new Y.Doc()
    doc.clientID = draft.clientId
    Y.applyUpdate(doc, draft.update, 'remote')
    const before = a.node.replicaOf(community as CommunityId).size
    const updates: Uint8Array[] = []
    doc.on('update', (u: Uint8Array, origin: unknown) => {
      if (origin !== 'remote') updates.push(u)
    })
    for (const ch of 'Article 1. Everyone may speak.') doc.getText('draft').insert(doc.getText('draft').length, ch)
    for (const u of updates) await a.node.editDraft({ community, update: u })
    await a.node.flushDraft({ community })
    expect(a.node.replicaOf(community as CommunityId).size).toBe(before + 1)
    const events: unknown[] = []
    b.node.subscribe((e) => events.push(e))
    await carry(a.node, b.node, community)
    expect((await b.node.getDraft({ community })).text).toBe('Article 1. Everyone may speak.')
    // The event names who signed the edit, so the editor can show who else is editing.
    const draftEvent = events.find((e) => (e as { type: string }).type === 'draft') as { member: string | null } | undefined
    expect(draftEvent?.member).toBe((await a.node.identityStatus()).member)
    await a.node.close()
    await b.node.close()
  })
})

describe('PolityNode: dossiers (DOSSIER-*)', () => {
  async function honestDossier(): Promise<{ bytes: Uint8Array; node: PolityNode }> {
    const a = await withIdentity('f')
    const community = await a.node.createCommunity({ name: 'Audit Me', purpose: 'Transparency', charter: '# Charter\n', rules: { decisions: { charter: { period: 0 } } } })
    const p = await a.node.createProposal({ community, title: 'Adopt v1', text: '', action: { type: 'amend', charter: '# Charter v1\n' }, method: { type: 'yesno', quorum: [1, 2], threshold: [1, 2] }, deadlineInHours: 0 })
    await a.node.vote({ community, proposal: p, ballot: { type: 'yesno', choice: 'yes' } })
    await a.node.closeProposal({ community, proposal: p })
    await a.node.setProfile({ community, name: 'Ana' })
    return { bytes: await a.node.exportDossier({ community }), node: a.node }
  }

  it('DOSSIER-1: an honest export verifies offline', async () => {
    const { bytes, node } = await honestDossier()
    const r = await node.verifyDossier({ bytes })
    expect(r.problems).toEqual([])
    expect(r).toMatchObject({ ok: true, name: 'Audit Me', members: 1, decisions: 1, charterVersions: 2 })
    await node.close()
  })

  it('DOSSIER-2: flipping any byte makes verification fail with a reason', async () => {
    const { bytes, node } = await honestDossier()
    let rng = 7
    const positions = new Set<number>([0, 1, bytes.length - 1])
    for (let i = 0; i < 120; i++) positions.add((rng = (rng * 48271) % 2147483647) % bytes.length)
    for (let i = 0; i < bytes.length; i += 97) positions.add(i)
    for (const at of positions) {
      const bad = new Uint8Array(bytes)
      bad[at] = (bad[at] as number) ^ 0x01
      const r = await node.verifyDossier({ bytes: bad })
      expect(r.ok, `flipped byte ${at} went unnoticed`).toBe(false)
      expect(r.problems.length).toBeGreaterThan(0)
    }
    await node.close()
  })

  it('DOSSIER-2: removing an op or adding a forged one is named', async () => {
    const { bytes, node } = await honestDossier()
    const d = decodeCanonical(bytes, 1e9) as Record<string, CborValue>
    const ops = d['ops'] as Uint8Array[]
    const without = (i: number): Uint8Array => encodeCanonical({ ...d, ops: ops.filter((_, j) => j !== i) })
    const middle = await node.verifyDossier({ bytes: without(2) })
    expect(middle.ok).toBe(false)
    expect(middle.problems.join(' ')).toMatch(/missing/)
    const last = await node.verifyDossier({ bytes: without(ops.length - 1) })
    expect(last.ok).toBe(false)
    expect(last.problems.join(' ')).toMatch(/removed|missing/)
    const forged = new Uint8Array(ops[3] as Uint8Array)
    forged[forged.length - 3] = (forged[forged.length - 3] as number) ^ 0x10
    const added = await node.verifyDossier({ bytes: encodeCanonical({ ...d, ops: [...ops, forged] }) })
    expect(added.ok).toBe(false)
    expect(added.problems.join(' ')).toMatch(/signature/)
    await node.close()
  })
})
