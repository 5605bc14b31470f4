/**
 * The app's places as hash paths (wouter's hash location): Back/Forward walk
 * them, a reload keeps the place, and a link opens it.
 *   #/                           the communities (found or join one)
 *   #/c/<id>[/<section>]         a community's section (home when none)
 *   #/c/<id>/proposals/<pid>     a proposal, opened
 *   #/c/<id>/charter/v/<n>       a ratified charter version, opened
 */
import type { CommunityId } from '@polity/api'

export const SECTIONS = ['home', 'roster', 'proposals', 'charter', 'map', 'campaigns', 'census', 'relations', 'fork', 'network', 'settings'] as const
export type Section = (typeof SECTIONS)[number]

export const isSection = (s: string | undefined): s is Section => (SECTIONS as readonly string[]).includes(s ?? '')

export const communityPath = (id: CommunityId, section: Section = 'home'): string => (section === 'home' ? `/c/${id}` : `/c/${id}/${section}`)
export const proposalPath = (id: CommunityId, proposal: string): string => `/c/${id}/proposals/${proposal}`
export const charterVersionPath = (id: CommunityId, version: number): string => `/c/${id}/charter/v/${version}`

export interface Place {
  readonly community: CommunityId | null
  readonly section: Section
  readonly proposal: string | null
  readonly version: number | null
}

/** Where a hash path points; anything unknown is the communities list. */
export function placeOf(path: string): Place {
  const parts = path.split('/').filter((p) => p !== '').map((p) => decodeURIComponent(p))
  if (parts[0] !== 'c' || !parts[1] || !/^[0-9a-f]{8,128}$/i.test(parts[1])) return { community: null, section: 'home', proposal: null, version: null }
  const community = parts[1] as CommunityId
  const section = isSection(parts[2]) ? parts[2] : 'home'
  const proposal = section === 'proposals' && parts[3] && /^[0-9a-f]{8,128}$/i.test(parts[3]) ? parts[3] : null
  const n = section === 'charter' && parts[3] === 'v' ? Number(parts[4]) : NaN
  return { community, section, proposal, version: Number.isInteger(n) && n >= 0 ? n : null }
}
