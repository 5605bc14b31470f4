/**
 * Runs the browser WebRTC relay (client/webrtc-relay.ts) for every community
 * of the unlocked identity, including ones still waiting for an invite to
 * complete, and shares each relay's status with the screens.
 */
import { createContext, useContext, useEffect, useState } from 'react'
import type { CommunityId } from '@polity/api'
import { useApi } from './api-context'
import { EnvelopeRelay, type RelayStatus } from './client/webrtc-relay'

const RelayContext = createContext<ReadonlyMap<CommunityId, RelayStatus>>(new Map())

export function useRelayStatus(id: CommunityId): RelayStatus | undefined {
  return useContext(RelayContext).get(id)
}

export function RelayHost({ active, children }: { active: boolean; children: React.ReactNode }): React.JSX.Element {
  const api = useApi()
  const [statuses, setStatuses] = useState<ReadonlyMap<CommunityId, RelayStatus>>(new Map())
  useEffect(() => {
    if (!active) return
    const relays = new Map<CommunityId, EnvelopeRelay>()
    /** The room each relay was started in: a sealed community's room moves at each re-key (SEAL-5). */
    const rooms = new Map<CommunityId, string>()
    let live = true
    const begin = (c: CommunityId): void => {
      const relay = new EnvelopeRelay(api, c, (s) => setStatuses((m) => new Map(m).set(c, s)))
      relays.set(c, relay)
      void relay.start()
      api.webrtcRoom({ community: c }).then((r) => rooms.set(c, r.room), () => undefined)
    }
    const sync = (): void => {
      api.listCommunities().then((list) => {
        if (!live) return
        for (const c of list) if (!relays.has(c.id)) begin(c.id)
      }, () => undefined)
    }
    /** After a community changed: if its room moved (a re-key), leave the old room and join the new one. */
    const follow = (c: CommunityId): void => {
      const known = rooms.get(c)
      if (known === undefined || !relays.has(c)) return
      api.webrtcRoom({ community: c }).then((r) => {
        if (!live || r.room === known) return
        relays.get(c)?.stop()
        begin(c)
      }, () => undefined)
    }
    sync()
    const un = api.subscribe((e) => {
      if (e.type === 'communities') sync()
      if (e.type === 'community') follow(e.community)
    })
    return () => {
      live = false
      un()
      for (const r of relays.values()) r.stop()
      setStatuses(new Map())
    }
  }, [api, active])
  return <RelayContext.Provider value={statuses}>{children}</RelayContext.Provider>
}
