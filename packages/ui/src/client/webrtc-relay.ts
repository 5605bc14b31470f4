/**
 * The browser WebRTC relay (NET-RTC-1..5 in docs/PROTOCOL.md): a second
 * transport between browser-mode UIs, beside libp2p in the node.
 *
 * What crosses WebRTC is a *carrier* Y.Doc that lives only in this page: a
 * map from op id to signed envelope. It is never the charter or any other
 * trusted document. Envelopes that arrive from other browsers are handed to
 * the node (`importEnvelopes`), which validates them exactly like ops from
 * libp2p; what the node stores is then offered back through the carrier. So
 * a peer on this transport can at worst send bytes the node rejects.
 *
 * Room name and password come from the node, derived from the community
 * secret; y-webrtc seals signaling with the password, and ICE uses host
 * candidates only (no STUN/TURN servers are ever contacted).
 */
import * as Y from 'yjs'
import { WebrtcProvider } from 'y-webrtc'
import type { CommunityId, PolityClient } from '@polity/api'

export interface RelayStatus {
  /** `off`: no signaling server is configured; `error`: the node refused (see `error`). */
  readonly state: 'off' | 'starting' | 'on' | 'error'
  /** Browsers connected over WebRTC in this community's room. */
  readonly peers: number
  /** Envelopes this page offered to other browsers. */
  readonly offered: number
  /** Envelopes from other browsers the node applied, found duplicate, or rejected. */
  readonly applied: number
  readonly duplicates: number
  readonly rejected: number
  readonly error?: string
}

const INITIAL: RelayStatus = { state: 'starting', peers: 0, offered: 0, applied: 0, duplicates: 0, rejected: 0 }
/** Largest envelope handed to the node; bigger ones cannot be valid ops (ENV-2) and are dropped here. */
const MAX_ENVELOPE_BYTES = 256 * 1024
/** Envelopes per importEnvelopes call (the node's limit). */
const BATCH = 1000

export class EnvelopeRelay {
  private readonly doc = new Y.Doc()
  private readonly ops = this.doc.getMap<Uint8Array>('ops')
  private provider: WebrtcProvider | undefined
  private cursor = 0
  private incoming = new Map<string, Uint8Array>()
  private status: RelayStatus = INITIAL
  private stopped = false
  private offering: Promise<void> | undefined
  private offerAgain = false
  private importing: Promise<void> | undefined
  private unsubscribe: (() => void) | undefined

  constructor(
    private readonly api: PolityClient,
    readonly community: CommunityId,
    private readonly onStatus: (s: RelayStatus) => void,
  ) {}

  async start(): Promise<void> {
    let room
    try {
      room = await this.api.webrtcRoom({ community: this.community })
    } catch (e) {
      this.set({ state: 'error', error: e instanceof Error ? e.message : String(e) })
      return
    }
    if (this.stopped) return
    if (room.signaling.length === 0) {
      this.set({ state: 'off' })
      return
    }
    this.ops.observe((event, tr) => {
      if (tr.local) return
      for (const key of event.keysChanged) {
        const v = this.ops.get(key)
        if (v instanceof Uint8Array && v.length <= MAX_ENVELOPE_BYTES) this.incoming.set(key, v)
      }
      this.importSoon()
    })
    this.unsubscribe = this.api.subscribe((e) => {
      if (e.type === 'community' && e.community === this.community) this.offerSoon()
    })
    this.provider = new WebrtcProvider(room.room, this.doc, {
      signaling: room.signaling,
      password: room.password,
      // Host candidates only: never contact a STUN or TURN server.
      peerOpts: { config: { iceServers: [] } },
      maxConns: 20,
    })
    this.provider.on('peers', (p: { webrtcPeers: string[]; bcPeers: string[] }) => this.set({ peers: p.webrtcPeers.length }))
    this.set({ state: 'on' })
    this.offerSoon()
  }

  stop(): void {
    this.stopped = true
    this.unsubscribe?.()
    this.provider?.destroy()
    this.doc.destroy()
  }

  private set(patch: Partial<RelayStatus>): void {
    this.status = { ...this.status, ...patch }
    if (!this.stopped) this.onStatus(this.status)
  }

  /** Offer everything the node stored since the last offer; coalesces bursts of events. */
  private offerSoon(): void {
    if (this.offering) {
      this.offerAgain = true
      return
    }
    this.offering = this.offer()
      .catch((e: unknown) => this.set({ error: e instanceof Error ? e.message : String(e) }))
      .finally(() => {
        this.offering = undefined
        if (this.offerAgain && !this.stopped) {
          this.offerAgain = false
          this.offerSoon()
        }
      })
  }

  private async offer(): Promise<void> {
    for (;;) {
      if (this.stopped) return
      const batch = await this.api.envelopesSince({ community: this.community, after: this.cursor })
      let added = 0
      this.doc.transact(() => {
        batch.ids.forEach((id, i) => {
          if (!this.ops.has(id)) {
            this.ops.set(id, batch.envelopes[i] as Uint8Array)
            added++
          }
        })
      })
      this.cursor = batch.next
      if (added > 0) this.set({ offered: this.status.offered + added })
      if (batch.done) return
    }
  }

  private importSoon(): void {
    if (this.importing) return
    this.importing = new Promise<void>((r) => setTimeout(r, 50))
      .then(() => this.importAll())
      .catch((e: unknown) => this.set({ error: e instanceof Error ? e.message : String(e) }))
      .finally(() => {
        this.importing = undefined
        if (this.incoming.size > 0 && !this.stopped) this.importSoon()
      })
  }

  private async importAll(): Promise<void> {
    while (this.incoming.size > 0 && !this.stopped) {
      const chunk = [...this.incoming.entries()].slice(0, BATCH)
      for (const [k] of chunk) this.incoming.delete(k)
      const r = await this.api.importEnvelopes({ community: this.community, envelopes: chunk.map(([, v]) => v) })
      this.set({
        applied: this.status.applied + r.applied,
        duplicates: this.status.duplicates + r.duplicates,
        rejected: this.status.rejected + r.rejected,
      })
    }
  }
}
