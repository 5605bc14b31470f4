/**
 * The offline basemap: Natural Earth's countries at 1:110m (the world-atlas
 * package's TopoJSON, bundled into the app at build time; nothing is fetched
 * at run time), projected with d3-geo's Equal Earth. A place is drawn as its
 * precision allows: an exact point as a dot, a city- or country-precision
 * point as a circle of that precision's radius, a polygon as itself; a hidden
 * place is listed but never drawn.
 */
import { geoCircle, geoContains, geoEqualEarth, geoGraticule10, geoPath, type GeoProjection } from 'd3-geo'
import { feature } from 'topojson-client'
import type { Feature, FeatureCollection, Geometry } from 'geojson'
import type { Topology, GeometryCollection } from 'topojson-specification'
import world from 'world-atlas/countries-110m.json'
import type { PlaceGeometry, PlacePrecision, PlaceView } from './types'

export const WIDTH = 960
export const HEIGHT = 480

const topology = world as unknown as Topology<{ countries: GeometryCollection<{ name: string }> }>
export const COUNTRIES: FeatureCollection<Geometry, { name: string }> = feature(topology, topology.objects.countries)

export const projection: GeoProjection = geoEqualEarth().fitExtent([[4, 4], [WIDTH - 4, HEIGHT - 4]], { type: 'Sphere' })
export const path = geoPath(projection)
export const SPHERE = path({ type: 'Sphere' }) ?? ''
export const GRATICULE = path(geoGraticule10()) ?? ''
export const COUNTRY_PATHS: readonly { readonly id: string; readonly name: string; readonly d: string; readonly feature: Feature<Geometry, { name: string }> }[] =
  COUNTRIES.features.map((f, i) => ({ id: String(f.id ?? i), name: f.properties.name, d: path(f) ?? '', feature: f }))

/** The radius, in km, a coarse precision is drawn with: a city's and a country's worth of uncertainty. */
export const PRECISION_KM: Readonly<Record<PlacePrecision, number>> = { exact: 0, city: 25, country: 250, hidden: 0 }
const KM_PER_DEGREE = 111.32

export type Shape =
  | { readonly kind: 'dot'; readonly x: number; readonly y: number }
  | { readonly kind: 'area'; readonly d: string }

/** How one place is drawn, or null when it is hidden or has no location. */
export function shapeOf(p: Pick<PlaceView, 'geometry' | 'precision'>): Shape | null {
  const g = p.geometry
  if (p.precision === 'hidden' || g === null) return null
  if (g.type === 'Polygon') {
    const d = path({ type: 'Polygon', coordinates: g.coordinates.map((ring) => ring.map(([x, y]) => [x, y])) })
    return d ? { kind: 'area', d } : null
  }
  const [lon, lat] = g.coordinates
  const km = PRECISION_KM[p.precision]
  if (km > 0) {
    const d = path(geoCircle().center([lon, lat]).radius(km / KM_PER_DEGREE)())
    return d ? { kind: 'area', d } : null
  }
  const xy = projection([lon, lat])
  return xy ? { kind: 'dot', x: xy[0], y: xy[1] } : null
}

/** A point on the map back to [longitude, latitude], rounded to 4 decimals (about 11 m), or null off the globe. */
export function invert(x: number, y: number): [number, number] | null {
  const ll = projection.invert?.([x, y])
  if (!ll || !Number.isFinite(ll[0]) || !Number.isFinite(ll[1])) return null
  const back = projection(ll)
  // Outside the projected sphere invert still answers; reject points that do not round-trip.
  if (!back || Math.hypot(back[0] - x, back[1] - y) > 1) return null
  return [Math.round(ll[0] * 1e4) / 1e4, Math.round(ll[1] * 1e4) / 1e4]
}

/** The ids of the basemap countries that contain a place's location (for shading). */
export function countriesWith(geometries: readonly PlaceGeometry[]): ReadonlySet<string> {
  const out = new Set<string>()
  for (const g of geometries) {
    const pt: [number, number] = g.type === 'Point' ? [g.coordinates[0], g.coordinates[1]] : (g.coordinates[0]?.[0] ?? [NaN, NaN]) as [number, number]
    if (!Number.isFinite(pt[0])) continue
    for (const c of COUNTRY_PATHS) if (geoContains(c.feature, pt)) out.add(c.id)
  }
  return out
}
