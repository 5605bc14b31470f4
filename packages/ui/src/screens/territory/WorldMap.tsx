/**
 * The map: the bundled basemap (geo.ts) as SVG, the countries that hold a
 * place shaded, and each drawable place as a dot or an area with its name as
 * a tooltip. With `onPick`, a click on the globe picks a [lon, lat] (the form
 * beside it takes typed coordinates too, so the keyboard is never stuck).
 */
import { useMemo, useRef } from 'react'
import { useTranslation } from 'react-i18next'
import { COUNTRY_PATHS, countriesWith, GRATICULE, HEIGHT, invert, projection, shapeOf, SPHERE, WIDTH } from './geo'
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
  const drawn = useMemo(() => places.map((p) => ({ p, shape: shapeOf(p) })).filter((x) => x.shape !== null), [places])
  const shaded = useMemo(() => countriesWith(places.filter((p) => p.precision !== 'hidden' && p.geometry !== null).map((p) => p.geometry as PlaceGeometry)), [places])
  const pickedXY = picked ? projection(picked) : null
  const click = (e: React.MouseEvent<SVGSVGElement>): void => {
    const el = svg.current
    const m = el?.getScreenCTM()
    if (!el || !m || !onPick) return
    const pt = new DOMPoint(e.clientX, e.clientY).matrixTransform(m.inverse())
    const ll = invert(pt.x, pt.y)
    if (ll) onPick(ll)
  }
  return (
    <figure className="map" data-testid="map" data-drawn={drawn.length}>
      <svg ref={svg} viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={label} onClick={onPick ? click : undefined} className={onPick ? 'map-svg picking' : 'map-svg'}>
        <path d={SPHERE} className="map-ocean" />
        <path d={GRATICULE} className="map-graticule" />
        <g>
          {COUNTRY_PATHS.map((c) => <path key={c.id} d={c.d} className={shaded.has(c.id) ? 'map-country shaded' : 'map-country'}><title>{c.name}</title></path>)}
        </g>
        <g>
          {drawn.map(({ p, shape }) => (shape?.kind === 'dot'
            ? <circle key={p.id} data-testid="map-place" data-place={p.id} cx={shape.x} cy={shape.y} r={5} fill={STATUS_COLOUR[p.status]} stroke="#fff" strokeWidth={1.5}><title>{p.name} · {t(`place.status.${p.status}`)}</title></circle>
            : shape?.kind === 'area' && <path key={p.id} data-testid="map-place" data-place={p.id} d={shape.d} fill={STATUS_COLOUR[p.status]} fillOpacity={0.35} stroke={STATUS_COLOUR[p.status]} strokeWidth={1.5}><title>{p.name} · {t(`place.status.${p.status}`)} · {t(`place.precision.${p.precision}`)}</title></path>))}
        </g>
        {pickedXY && <g className="map-picked" aria-hidden="true"><circle cx={pickedXY[0]} cy={pickedXY[1]} r={7} fill="none" stroke="#1b1f24" strokeWidth={2} /><circle cx={pickedXY[0]} cy={pickedXY[1]} r={2} fill="#1b1f24" /></g>}
      </svg>
      <figcaption className="muted small">{t('map.caption')}</figcaption>
    </figure>
  )
}
