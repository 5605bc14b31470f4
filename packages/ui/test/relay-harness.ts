/**
 * Page side of test/e2e/old-room.test.ts (kept here to be typechecked with the UI), bundled by esbuild for Chromium:
 * the UI's own WebRTC relay (`EnvelopeRelay`, following its community's
 * room as `RelayHost` does: a re-key moves the room, SEAL-5) on a client
 * whose calls cross to an in-process PolityNode (`window.__invoke`), and a
 * bare y-webrtc peer that sits in a given room and records every envelope
 * it receives (`sniff`).
 */
import * as Y from 'yjs'
import { WebrtcProvider } from 'y-webrtc'
import { createClient, decodeWire, encodeWire, type ApiReply, type CommunityId, type PolityEvent } from '@polity/api'
import { EnvelopeRelay } from '../src/client/webrtc-relay'

interface Harness {
  __invoke(text: string): Promise<string>
  __event(text: string): void
  startRelay(community: string): Promise<void>
  relayRoom(): string | undefined
  sniff(room: string, password: string, signaling: string[]): void
  sniffed: { id: string; bytes: string }[]
}
const w = window as unknown as Harness

const listeners = new Set<(e: PolityEvent) => void>()
w.__event = (text) => {
  const m = decodeWire(text) as { event: PolityEvent }
  for (const l of listeners) l(m.event)
}
const api = createClient(
  async (method, input) => {
    const m = decodeWire(await w.__invoke(encodeWire({ kind: 'request', id: 0, method, input } as never))) as unknown as { reply: ApiReply }
    return m.reply
  },
  (l) => {
    listeners.add(l)
    return () => listeners.delete(l)
  },
)

let room: string | undefined
w.relayRoom = () => room
w.startRelay = async (community) => {
  const c = community as CommunityId
  let relay: EnvelopeRelay | undefined
  const begin = async (): Promise<void> => {
    relay?.stop()
    relay = new EnvelopeRelay(api, c, () => undefined)
    await relay.start()
    room = (await api.webrtcRoom({ community: c })).room
  }
  await begin()
  // As RelayHost: after the community changed, a moved room (a re-key) is left for the new one.
  api.subscribe((e) => {
    if (e.type !== 'community' || e.community !== c) return
    api.webrtcRoom({ community: c }).then((r) => {
      if (r.room !== room) void begin()
    }, () => undefined)
  })
}

w.sniffed = []
w.sniff = (name, password, signaling) => {
  const doc = new Y.Doc()
  const ops = doc.getMap<Uint8Array>('ops')
  ops.observe((event) => {
    for (const key of event.keysChanged) {
      const v = ops.get(key)
      if (v instanceof Uint8Array) w.sniffed.push({ id: key, bytes: Array.from(v, (b) => b.toString(16).padStart(2, '0')).join('') })
    }
  })
  new WebrtcProvider(name, doc, { signaling, password, peerOpts: { config: { iceServers: [] } } })
}
