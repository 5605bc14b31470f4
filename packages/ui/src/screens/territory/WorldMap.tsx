/**
 * The map: the bundled basemap (geo.ts) as SVG, the countries that hold a
 * place shaded, and each drawable place as a dot, a ring or an area with its
 * name as a tooltip; the view is the whole world or fitted around the
 * places. With `onPick`, a click on the globe picks a [lon, lat] (the form
 * beside it takes typed coordinates too, so the keyboard is never stuck).
 */
import { useMemo, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { basemap, countriesWith, HEIGHT, invert, shapeOf, WIDTH } from './geo'
import type { PlaceGeometry, PlaceStatus, PlaceView } from './types'

export const STATUS_COLOUR: Readonly<Record<PlaceStatus, string>> = {
  proposed: '#6b4fa0', funding: '#b35900', acquired: '#2b6a3f', leased: '#1d5f8a', sold: '#5a5a5a', lost: '#a4161a',
}

export function WorldMap({ places, onPick, picked, label }: {
  places: readonly PlaceView[]
  onPick?: (lonLat: [number, number]) => void
  picked?: [number, number] | null
  label: string
}): React.JSX.Element {
  const { t } = useTranslation()
  const svg = useRef<SVGSVGElement>(null)
  const located = useMemo(() => places.filter((p) => p.precision !== 'hidden' && p.geometry !== null), [places])
  const [view, setView] = useState<'places' | 'world'>('places')
  const fit = view === 'places' && located.length > 0
  const key = fit ? located.map((p) => JSON.stringify(p.geometry)).join('|') : 'world'
  // Recomputed only when the view or the located places change (177 country paths).
  const map = useMemo(() => basemap(fit ? located.map((p) => p.geometry as PlaceGeometry) : []), [key])
  const drawn = useMemo(() => places.map((p) => ({ p, shape: shapeOf(map, p) })).filter((x) => x.shape !== null), [map, places])
  const shaded = useMemo(() => countriesWith(located.map((p) => p.geometry as PlaceGeometry)), [located])
  const pickedXY = picked ? map.projection(picked) : null
  const click = (e: React.MouseEvent<SVGSVGElement>): void => {
    const el = svg.current
    const m = el?.getScreenCTM()
    if (!el || !m || !onPick) return
    const pt = new DOMPoint(e.clientX, e.clientY).matrixTransform(m.inverse())
    const ll = invert(map, pt.x, pt.y)
    if (ll) onPick(ll)
  }
  const tip = (p: PlaceView): string => `${p.name} · ${t(`place.status.${p.status}`)} · ${t(`place.precision.${p.precision}`)}`
  return (
    <figure className="map" data-testid="map" data-drawn={drawn.length} data-view={fit ? 'places' : 'world'}>
      <div className="row" role="group" aria-label={t('map.view')}>
        <button type="button" className="small secondary" aria-pressed={view === 'places'} data-testid="map-fit" disabled={located.length === 0} onClick={() => setView('places')}>{t('map.fit')}</button>
        <button type="button" className="small secondary" aria-pressed={view === 'world'} data-testid="map-world" onClick={() => setView('world')}>{t('map.world')}</button>
      </div>
      <svg ref={svg} viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={label} onClick={onPick ? click : undefined} className={onPick ? 'map-svg picking' : 'map-svg'}>
        <defs><clipPath id="map-clip"><path d={map.sphere} /></clipPath></defs>
        <path d={map.sphere} className="map-ocean" />
        <g clipPath="url(#map-clip)">
          <path d={map.graticule} className="map-graticule" />
          {map.countries.map((c) => <path key={c.id} d={c.d} className={shaded.has(c.id) ? 'map-country shaded' : 'map-country'}><title>{c.name}</title></path>)}
          {drawn.map(({ p, shape }) => {
            const colour = STATUS_COLOUR[p.status]
            const common = { 'data-testid': 'map-place', 'data-place': p.id, 'data-shape': shape?.kind }
            if (shape?.kind === 'dot') return <circle key={p.id} {...common} cx={shape.x} cy={shape.y} r={5} fill={colour} stroke="#fff" strokeWidth={1.5}><title>{tip(p)}</title></circle>
            if (shape?.kind === 'ring') return <circle key={p.id} {...common} cx={shape.x} cy={shape.y} r={7} fill={colour} fillOpacity={0.25} stroke={colour} strokeWidth={2} strokeDasharray="3 2"><title>{tip(p)}</title></circle>
            return shape?.kind === 'area' && <path key={p.id} {...common} d={shape.d} fill={colour} fillOpacity={0.35} stroke={colour} strokeWidth={1.5}><title>{tip(p)}</title></path>
          })}
        </g>
        {pickedXY && <g aria-hidden="true"><circle cx={pickedXY[0]} cy={pickedXY[1]} r={7} fill="none" stroke="#1b1f24" strokeWidth={2} /><circle cx={pickedXY[0]} cy={pickedXY[1]} r={2} fill="#1b1f24" /></g>}
      </svg>
      <figcaption className="muted small">{t('map.caption')}</figcaption>
      <ul className="legend" aria-hidden="true">
        <li><span className="swatch round" style={{ background: '#1d3557' }} />{t('map.legendExact')}</li>
        <li><span className="swatch round dashed" />{t('map.legendCoarse')}</li>
      </ul>
    </figure>
  )
}
