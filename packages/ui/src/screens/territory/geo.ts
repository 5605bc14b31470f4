/**
 * The offline basemap: Natural Earth's countries at 1:110m (the world-atlas
 * package's TopoJSON, bundled into the app at build time; nothing is fetched
 * at run time), projected with d3-geo's Equal Earth. A place is drawn as its
 * precision allows: an exact point as a dot, a city- or country-precision
 * point as a circle of that precision's uncertainty (a dashed ring when too small
 * to see), a polygon as itself; a hidden place is listed but never drawn. The
 * view is the whole world or fitted around the places.
 */
import { geoCircle, geoContains, geoEqualEarth, geoGraticule10, geoPath, type GeoPath, type GeoProjection } from 'd3-geo'
import { feature } from 'topojson-client'
import type { Feature, FeatureCollection, Geometry } from 'geojson'
import type { Topology, GeometryCollection } from 'topojson-specification'
import world from 'world-atlas/countries-110m.json'
import type { PlaceGeometry, PlacePrecision, PlaceView } from './types'

export const WIDTH = 960
export const HEIGHT = 480

const topology = world as unknown as Topology<{ countries: GeometryCollection<{ name: string }> }>
export const COUNTRIES: FeatureCollection<Geometry, { name: string }> = feature(topology, topology.objects.countries)

/** A basemap drawn for one view: the whole world, or fitted around some geometry (the community's places). */
export interface Basemap {
  readonly projection: GeoProjection
  readonly path: GeoPath
  readonly sphere: string
  readonly graticule: string
  readonly countries: readonly { readonly id: string; readonly name: string; readonly d: string; readonly feature: Feature<Geometry, { name: string }> }[]
}

const PAD = 24
export function basemap(focus: readonly PlaceGeometry[] = []): Basemap {
  const projection = geoEqualEarth()
  if (focus.length === 0) projection.fitExtent([[4, 4], [WIDTH - 4, HEIGHT - 4]], { type: 'Sphere' })
  else {
    // Fitted around the places, but never closer than about 4° across, so a single point still shows its surroundings.
    const points: (readonly [number, number])[] = focus.flatMap((g) => (g.type === 'Point' ? [g.coordinates] : g.coordinates.flat()))
    const around = points.flatMap(([x, y]) => [[x - 2, y - 2], [x + 2, y + 2]] as [number, number][])
    projection.fitExtent([[PAD, PAD], [WIDTH - PAD, HEIGHT - PAD]], { type: 'MultiPoint', coordinates: around })
  }
  const path = geoPath(projection)
  return {
    projection, path,
    sphere: path({ type: 'Sphere' }) ?? '',
    graticule: path(geoGraticule10()) ?? '',
    countries: COUNTRIES.features.map((f, i) => ({ id: String(f.id ?? i), name: f.properties.name, d: path(f) ?? '', feature: f })),
  }
}

/** The uncertainty a coarse precision leaves, in degrees: half the diagonal of its grid cell (PLACE-3: city 0.1°, country 1°). */
export const PRECISION_DEGREES: Readonly<Record<PlacePrecision, number>> = { exact: 0, city: 0.05 * Math.SQRT2, country: 0.5 * Math.SQRT2, hidden: 0 }
/** Below this many pixels across an area is drawn as a dashed ring instead, so it stays visible and unlike an exact dot. */
const MIN_AREA_PX = 12

export type Shape =
  | { readonly kind: 'dot'; readonly x: number; readonly y: number }
  | { readonly kind: 'ring'; readonly x: number; readonly y: number }
  | { readonly kind: 'area'; readonly d: string }

/** How one place is drawn on this basemap, or null when it is hidden or has no location. */
export function shapeOf(map: Basemap, p: Pick<PlaceView, 'geometry' | 'precision'>): Shape | null {
  const g = p.geometry
  if (p.precision === 'hidden' || g === null) return null
  const poly: GeoJSON.Polygon | null = g.type === 'Polygon'
    ? { type: 'Polygon', coordinates: g.coordinates.map((ring) => ring.map(([x, y]) => [x, y])) }
    : PRECISION_DEGREES[p.precision] > 0 ? geoCircle().center([g.coordinates[0], g.coordinates[1]]).radius(PRECISION_DEGREES[p.precision])() : null
  if (poly) {
    const [[x0, y0], [x1, y1]] = map.path.bounds(poly)
    if (Math.max(x1 - x0, y1 - y0) >= MIN_AREA_PX) {
      const d = map.path(poly)
      return d ? { kind: 'area', d } : null
    }
    const c = map.path.centroid(poly)
    return Number.isFinite(c[0]) ? { kind: 'ring', x: c[0], y: c[1] } : null
  }
  if (g.type !== 'Point') return null
  const xy = map.projection([g.coordinates[0], g.coordinates[1]])
  return xy ? { kind: 'dot', x: xy[0], y: xy[1] } : null
}

/** A point on the map back to [longitude, latitude], rounded to 4 decimals (about 11 m), or null off the globe. */
export function invert(map: Basemap, x: number, y: number): [number, number] | null {
  const ll = map.projection.invert?.([x, y])
  if (!ll || !Number.isFinite(ll[0]) || !Number.isFinite(ll[1])) return null
  const back = map.projection(ll)
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
    for (const [i, c] of COUNTRIES.features.entries()) if (geoContains(c, pt)) out.add(String(c.id ?? i))
  }
  return out
}
