/**
 * DEVLINK-1..5 on 127.0.0.1: a second data directory receives the identity
 * from the first over /polity/link/1.0.0 — without the phrase — and fetches
 * its communities; a wrong secret gets nothing; a link works once.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { decodeDeviceLink, encodeDeviceLink, PolityNode } from '@polity/node'
import { LOOPBACK, netNode, PASS, within } from './helpers'

const open: PolityNode[] = []
afterAll(async () => {
  for (const n of open) await n.close().catch(() => undefined)
})

async function blank(label: string): Promise<PolityNode> {
  const node = await PolityNode.open({ dataDir: join(mkdtempSync(join(tmpdir(), `polity-devlink-${label}-`)), 'data'), kdfLogN: 10, network: LOOPBACK })
  open.push(node)
  return node
}

describe('device linking (DEVLINK)', () => {
  it('DEVLINK-2, DEVLINK-3, DEVLINK-5: a new device takes the identity over the link and fetches the communities; it links itself', async () => {
    const { node: a } = await netNode('devlink-a')
    open.push(a)
    const community = await a.createCommunity({ name: 'Two Devices', purpose: '', charter: '# Two\n', founderName: 'A' })
    const offer = await a.offerDeviceLink()
    expect(offer.link).toMatch(/^polity:\/\/device\?v=1&t=/)
    expect(offer.expires - Date.now()).toBeGreaterThan(4 * 60_000)
    const b = await blank('b')
    expect((await b.identityStatus()).state).toBe('none')
    await b.acceptDeviceLink({ link: offer.link, passphrase: 'second device pass' })
    const sa = await a.identityStatus()
    const sb = await b.identityStatus()
    expect(sb.state).toBe('unlocked')
    expect(sb.state === 'unlocked' && sa.state === 'unlocked' && sb.member === sa.member).toBe(true)
    expect(sb.state === 'unlocked' && sa.state === 'unlocked' && sb.deviceKey !== sa.deviceKey).toBe(true)
    await within(30_000, async () => (await b.listCommunities()).some((c) => c.id === community && c.role === 'founder'), 'b holds the community as its founder')
    // The new device linked itself (device.link) and the first device receives it.
    const newDevice = sb.state === 'unlocked' ? sb.deviceKey : ''
    await within(30_000, () => a.replicaOf(community).roster().devices.has(newDevice as never) && b.replicaOf(community).size === a.replicaOf(community).size, 'a holds the new device\'s link; both hold the same ops')
    // DEVLINK-4: the link was used: a third device gets nothing.
    const c = await blank('c')
    await expect(c.acceptDeviceLink({ link: offer.link, passphrase: 'third device pass' })).rejects.toThrow(/could not be reached|not offering|refused/)
    expect((await c.identityStatus()).state).toBe('none')
  }, 120_000)

  it('DEVLINK-1, DEVLINK-2, DEVLINK-4: a damaged link is refused before any dial; a wrong secret gets nothing and the third wrong try ends the offer; a cancelled offer ends', async () => {
    const { node: a } = await netNode('devlink-wrong')
    open.push(a)
    const offer = await a.offerDeviceLink()
    const q = new URLSearchParams(offer.link.slice('polity://device?'.length))
    const bad = Buffer.from(q.get('t')!, 'base64url')
    bad[0] = bad[0]! ^ 1
    q.set('t', bad.toString('base64url'))
    const c = await blank('wrong')
    // A hand-changed secret with the checksum left alone: refused as damaged, without a dial.
    await expect(c.acceptDeviceLink({ link: `polity://device?${q.toString()}`, passphrase: 'third device pass' })).rejects.toThrow(/checksum does not match \(rule DEVLINK-1\)/)
    await expect(c.acceptDeviceLink({ link: offer.link.slice(0, offer.link.indexOf('&x=')), passphrase: 'third device pass' })).rejects.toThrow(/cut short/)
    await expect(c.acceptDeviceLink({ link: offer.link, passphrase: 'short' })).rejects.toThrow(/at least 8/)
    expect((await c.identityStatus()).state).toBe('none')
    // A well-formed link with a wrong secret reaches the device and is refused; the third wrong try ends the offer.
    const d = decodeDeviceLink(offer.link)
    const wrong = encodeDeviceLink({ secret: new Uint8Array(32).fill(7), addresses: d.addresses })
    for (let i = 0; i < 3; i++) {
      await expect(c.acceptDeviceLink({ link: wrong, passphrase: 'third device pass' })).rejects.toThrow(/refused: the link is wrong or was already used/)
    }
    expect((await c.identityStatus()).state).toBe('none')
    await new Promise((r) => setTimeout(r, 400))
    await expect(c.acceptDeviceLink({ link: offer.link, passphrase: 'third device pass' })).rejects.toThrow(/not offering a link any more/)
    // A new offer, cancelled: its link stops working at once.
    const again = await a.offerDeviceLink()
    await a.cancelDeviceLink()
    await expect(c.acceptDeviceLink({ link: again.link, passphrase: 'third device pass' })).rejects.toThrow(/not offering a link any more/)
    expect((await c.identityStatus()).state).toBe('none')
  }, 120_000)

  it('DEVLINK-1: a device with an identity refuses a link; an offline device cannot offer', async () => {
    const { node: a } = await netNode('devlink-has')
    open.push(a)
    const offer = await a.offerDeviceLink()
    const { node: other } = await netNode('devlink-other')
    open.push(other)
    await expect(other.acceptDeviceLink({ link: offer.link, passphrase: PASS })).rejects.toThrow(/already has an identity/)
    await a.stopNetwork()
    await expect(a.offerDeviceLink()).rejects.toThrow(/Go online first/)
  }, 60_000)
})
