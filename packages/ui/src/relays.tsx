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
    let live = true
    const sync = (): void => {
      api.listCommunities().then((list) => {
        if (!live) return
        for (const c of list) {
          if (relays.has(c.id)) continue
          const relay = new EnvelopeRelay(api, c.id, (s) => setStatuses((m) => new Map(m).set(c.id, s)))
          relays.set(c.id, relay)
          void relay.start()
        }
      }, () => undefined)
    }
    sync()
    const un = api.subscribe((e) => {
      if (e.type === 'communities') sync()
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
