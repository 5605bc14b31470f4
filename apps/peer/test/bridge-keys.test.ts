/**
 * BRIDGE-4: the browser-mode bridge carries API calls only; keys never cross
 * it. A page drives a real node through the bridge — identity, community,
 * invite, profile, draft, proposal, vote, bundle, dossier, relay room — and
 * no frame it receives holds the identity secret, the device secret or the
 * data key, in any encoding. What crosses by design: the recovery phrase,
 * once, in createIdentity's answer (ID-2), and invite links, which carry an
 * invite's own secret and the community secret (LINK-1).
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { decodeCanonical, recoveryPhraseOf } from '@polity/protocol'
import { PolityNode } from '@polity/node'
import { decodeWire, encodeWire } from '@polity/api'
import { openKeystore } from '../../../packages/store/src/index'
import { startUiServer } from '../src/ui-server'

const PASS = 'correct horse battery staple'

describe('the bridge carries no keys (BRIDGE-4)', () => {
  it('BRIDGE-4: no frame a page receives holds a secret key, in bytes, hex, base64 or words — but the recovery phrase createIdentity returns once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'polity-bridge-keys-'))
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>t</title>')
    const dataDir = join(dir, 'data')
    const node = await PolityNode.open({ dataDir, kdfLogN: 10, draftBatchMs: 20 })
    const server = await startUiServer({ api: node, uiDir: dir })
    const frames: string[] = []
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api?token=${server.token}`, { headers: { origin: `http://127.0.0.1:${server.port}` } })
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject))
    const waiting = new Map<number, (m: Record<string, unknown>) => void>()
    ws.on('message', (data) => {
      frames.push(String(data))
      const m = decodeWire(String(data)) as unknown as Record<string, unknown>
      if (m['kind'] === 'response') waiting.get(m['id'] as number)?.(m)
    })
    let id = 0
    const call = async (method: string, input?: unknown): Promise<unknown> => {
      const n = ++id
      const reply = new Promise<Record<string, unknown>>((resolve) => waiting.set(n, resolve))
      ws.send(encodeWire({ kind: 'request', id: n, method, input } as never))
      const r = await reply
      expect(r['ok'], `${method}: ${JSON.stringify(r['error'])}`).toBe(true)
      return r['value']
    }
    try {
      await call('identityStatus')
      const created = (await call('createIdentity', { passphrase: PASS })) as { recoveryPhrase: string }
      const community = (await call('createCommunity', { name: 'Keys Town', purpose: 'p', charter: '# C\n' })) as string
      await call('listCommunities')
      await call('createInvite', { community, uses: 2 })
      await call('setProfile', { community, name: 'Ana' })
      await call('getDraft', { community })
      const proposal = (await call('createProposal', { community, title: 't', text: '', action: { type: 'resolution' }, method: { type: 'yesno', quorum: [1, 2], threshold: [1, 2] } })) as string
      await call('vote', { community, proposal, ballot: { type: 'yesno', choice: 'yes' } })
      await call('comment', { community, proposal, text: 'hello' })
      await call('getCommunity', { community })
      await call('exportBundle', { community })
      await call('exportDossier', { community })
      await call('syncStatus', { community })
      await call('webrtcRoom', { community })
      await call('envelopesSince', { community, after: 0 })
      await call('lock')
      await call('unlock', { passphrase: PASS })
      await call('identityStatus')

      // The secrets as the keystore holds them (KEYS-1): identity secret, device secret, data key.
      const held = decodeCanonical(await openKeystore(join(dataDir, 'keystore.polity'), PASS, { minLogN: 10 }), 4096) as Record<string, Uint8Array>
      const keys = [held['identity'], held['device'], held['dataKey']] as Uint8Array[]
      for (const k of keys) expect(k).toHaveLength(32)
      const forms = (k: Uint8Array): string[] => {
        const b = Buffer.from(k)
        return [b.toString('hex'), b.toString('base64'), b.toString('base64url'), b.toString('base64').slice(0, 40), recoveryPhraseOf(k)]
      }
      const all = frames.join('\n')
      expect(frames.length).toBeGreaterThan(15)
      expect(created.recoveryPhrase).toBe(recoveryPhraseOf(keys[0]!))
      for (const [i, k] of keys.entries()) {
        for (const form of forms(k)) {
          const times = all.split(form).length - 1
          // The identity secret's phrase: once, in createIdentity's response. Nothing else, ever.
          expect(times, `key ${i} as ${form.slice(0, 12)}…`).toBe(i === 0 && form === created.recoveryPhrase ? 1 : 0)
        }
      }
    } finally {
      ws.close()
      await server.close()
      await node.close()
    }
  })
})
