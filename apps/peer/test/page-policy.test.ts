/**
 * What the browser-mode page may do (BRIDGE-1, NET-RTC-3): `polity ui`
 * serves the UI on 127.0.0.1 with a strict CSP whose connect-src is our own
 * origin, 127.0.0.1 and the configured signaling servers only, and a random
 * token per launch in the URL fragment; the page's WebRTC relay uses no STUN
 * or TURN server.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { PolityNode } from '@polity/node'
import { startUiServer } from '../src/ui-server'
import { EnvelopeRelay } from '../../../packages/ui/src/client/webrtc-relay'

function uiDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'polity-page-'))
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>t</title>')
  return dir
}

/** The directives of a CSP header, by name. */
const directives = (csp: string): Map<string, string[]> =>
  new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).filter((d) => d[0]).map(([name, ...values]) => [name as string, values]))

describe('the browser-mode page (BRIDGE-1, NET-RTC-3)', () => {
  it('BRIDGE-1: the UI is served on 127.0.0.1 with a strict CSP, and each launch has its own random token in the URL fragment', async () => {
    const dir = uiDir()
    const node = await PolityNode.open({ dataDir: join(dir, 'data'), kdfLogN: 10 })
    const first = await startUiServer({ api: node, uiDir: dir })
    const second = await startUiServer({ api: node, uiDir: dir })
    try {
      for (const s of [first, second]) {
        const url = new URL(s.url)
        expect(url.hostname).toBe('127.0.0.1')
        expect(url.hash).toBe(`#token=${s.token}`)
        expect(url.search).toBe('')
        expect(s.token).toMatch(/^[A-Za-z0-9_-]{32}$/)
      }
      expect(first.token).not.toBe(second.token)
      for (const path of ['/', '/index.html', '/no/such/page']) {
        const res = await fetch(`http://127.0.0.1:${first.port}${path}`)
        expect(res.status, path).toBe(200)
        const csp = directives(res.headers.get('content-security-policy') ?? '')
        expect(csp.get('default-src')).toEqual(["'self'"])
        expect(csp.get('script-src')).toEqual(["'self'"])
        expect(csp.get('object-src')).toEqual(["'none'"])
        expect(csp.get('base-uri')).toEqual(["'none'"])
        expect(csp.get('frame-ancestors')).toEqual(["'none'"])
        expect(csp.get('form-action')).toEqual(["'none'"])
        expect(res.headers.get('x-content-type-options')).toBe('nosniff')
        expect(res.headers.get('referrer-policy')).toBe('no-referrer')
      }
      // Nothing outside the UI folder is served.
      expect((await fetch(`http://127.0.0.1:${first.port}/%2e%2e%2f%2e%2e%2fetc%2fpasswd`)).status).toBe(403)
    } finally {
      await first.close()
      await second.close()
      await node.close()
    }
  })

  it('NET-RTC-3: connect-src is our origin, 127.0.0.1 and the configured signaling servers only; a malformed entry is left out', async () => {
    const dir = uiDir()
    const node = await PolityNode.open({ dataDir: join(dir, 'data'), kdfLogN: 10 })
    const server = await startUiServer({
      api: node, uiDir: dir,
      connectSrc: ['ws://127.0.0.1:4444', 'wss://signal.example.org', "ws://x; script-src 'unsafe-inline'", 'https://evil.example', 'javascript:alert(1)', 'ws://a b'],
    })
    try {
      const res = await fetch(`http://127.0.0.1:${server.port}/`)
      const csp = res.headers.get('content-security-policy') ?? ''
      expect(directives(csp).get('connect-src')).toEqual(["'self'", 'ws://127.0.0.1:*', 'ws://127.0.0.1:4444', 'wss://signal.example.org'])
      expect(directives(csp).get('script-src')).toEqual(["'self'"])
      expect(csp).not.toContain('evil')
    } finally {
      await server.close()
      await node.close()
    }
  })

  it('NET-RTC-3: the page\'s WebRTC relay is given no STUN or TURN server (iceServers: [])', async () => {
    const dir = uiDir()
    const node = await PolityNode.open({ dataDir: join(dir, 'data'), kdfLogN: 10, signaling: ['ws://127.0.0.1:9'] })
    try {
      await node.createIdentity({ passphrase: 'correct horse battery staple' })
      const community = await node.createCommunity({ name: 'Relay Town', purpose: '', charter: '' })
      const statuses: string[] = []
      const relay = new EnvelopeRelay(node, community, (s) => statuses.push(s.state))
      await relay.start()
      try {
        expect(statuses).toContain('on')
        const provider = (relay as unknown as { provider: { peerOpts: { config: { iceServers: unknown[] } }; signalingUrls: string[] } }).provider
        expect(provider.peerOpts.config.iceServers).toEqual([])
        expect(provider.signalingUrls).toEqual(['ws://127.0.0.1:9'])
      } finally {
        relay.stop()
      }
    } finally {
      await node.close()
    }
  })
})
