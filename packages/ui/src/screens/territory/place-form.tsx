/**
 * Add a place: name, kind, status, precision, a point (typed or clicked on
 * the map) or an outline as a GeoJSON polygon, area in m², country and the
 * SHA-256s of its documents. Checked here for clear messages; the node checks
 * again and rounds the location to the precision before signing (PLACE-*).
 * Without the role to add directly (`propose`), the same form proposes the
 * place for a vote (PLACE-7).
 */
import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { CommunityId } from '@polity/api'
import { messageOf } from '../../api-context'
import { ErrorText, Field } from '../widgets'
import { useTerritoryApi } from './api'
import { proposePlaceAction } from './propose'
import { SelectField } from './fields'
import type { PlaceGeometry, PlaceInput, PlaceKind, PlacePrecision, PlaceStatus } from './types'

export const KINDS: readonly PlaceKind[] = ['hub', 'land', 'building', 'office', 'digital']
export const STATUSES: readonly PlaceStatus[] = ['proposed', 'funding', 'acquired', 'leased', 'sold', 'lost']
export const PRECISIONS: readonly PlacePrecision[] = ['exact', 'city', 'country', 'hidden']

type Check = { ok: true; input: Omit<PlaceInput, 'community'> } | { ok: false; error: string }

function parsePolygon(text: string): PlaceGeometry | null {
  try {
    const v = JSON.parse(text) as unknown
    const coords = (v && typeof v === 'object' && !Array.isArray(v) && 'coordinates' in v ? (v as { coordinates: unknown }).coordinates : v) as unknown
    if (!Array.isArray(coords) || coords.length === 0) return null
    for (const ring of coords) {
      if (!Array.isArray(ring) || ring.length < 4) return null
      for (const pt of ring) if (!Array.isArray(pt) || pt.length !== 2 || !pt.every((n) => typeof n === 'number' && Number.isFinite(n))) return null
    }
    return { type: 'Polygon', coordinates: coords as [number, number][][] }
  } catch {
    return null
  }
}

export function PlaceForm({ community, picked, onPicked, onDone, propose = false }: {
  community: CommunityId
  picked: [number, number] | null
  onPicked: (p: [number, number] | null) => void
  onDone: () => void
  /** PLACE-7: submit as a proposal (the member may not add directly). */
  propose?: boolean
}): React.JSX.Element {
  const api = useTerritoryApi()
  const { t } = useTranslation()
  const [name, setName] = useState('')
  const [kind, setKind] = useState<PlaceKind>('hub')
  const [status, setStatus] = useState<PlaceStatus>('proposed')
  const [precision, setPrecision] = useState<PlacePrecision>('exact')
  const [outline, setOutline] = useState('')
  const [area, setArea] = useState('')
  const [country, setCountry] = useState('')
  const [docs, setDocs] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const [latS, setLatS] = useState('')
  const [lonS, setLonS] = useState('')
  // A click on the map fills the fields; typing moves the mark on the map.
  useEffect(() => {
    if (!picked) return
    if (Number(latS) !== picked[1] || latS.trim() === '') setLatS(String(picked[1]))
    if (Number(lonS) !== picked[0] || lonS.trim() === '') setLonS(String(picked[0]))
    // Only a new pick should rewrite the fields, not each keystroke.
  }, [picked])
  const setCoord = (la: string, lo: string): void => {
    setLatS(la)
    setLonS(lo)
    const a = Number(la)
    const o = Number(lo)
    onPicked(la.trim() !== '' && lo.trim() !== '' && Number.isFinite(a) && Number.isFinite(o) && Math.abs(a) <= 90 && Math.abs(o) <= 180 ? [o, a] : null)
  }

  const check = (): Check => {
    if (name.trim() === '') return { ok: false, error: t('placeForm.needName') }
    let geometry: PlaceGeometry | null = null
    if (precision !== 'hidden') {
      if (outline.trim() !== '') {
        geometry = parsePolygon(outline)
        if (!geometry) return { ok: false, error: t('placeForm.badOutline') }
      } else if (latS.trim() !== '' || lonS.trim() !== '') {
        const la = Number(latS)
        const lo = Number(lonS)
        if (latS.trim() === '' || lonS.trim() === '' || !Number.isFinite(la) || !Number.isFinite(lo) || Math.abs(la) > 90 || Math.abs(lo) > 180) return { ok: false, error: t('placeForm.badPoint') }
        geometry = { type: 'Point', coordinates: [lo, la] }
      }
    }
    if (area.trim() !== '' && !/^\d+$/.test(area.trim())) return { ok: false, error: t('placeForm.badArea') }
    const cc = country.trim().toUpperCase()
    if (cc !== '' && !/^[A-Z]{2}$/.test(cc)) return { ok: false, error: t('placeForm.badCountry') }
    const hashes = docs.split(/\s+/).map((s) => s.trim().toLowerCase()).filter((s) => s !== '')
    if (hashes.some((h) => !/^[0-9a-f]{64}$/.test(h))) return { ok: false, error: t('placeForm.badDocs') }
    return {
      ok: true,
      input: {
        name: name.trim(), kind, status, precision, geometry, docs: hashes,
        ...(area.trim() === '' ? {} : { areaM2: Number(area.trim()) }),
        ...(cc === '' ? {} : { country: cc }),
      },
    }
  }

  const submit = async (e: React.FormEvent): Promise<void> => {
    e.preventDefault()
    const c = check()
    if (!c.ok) return setError(c.error)
    setBusy(true)
    setError(null)
    try {
      if (propose) await proposePlaceAction(api, community, t('places.proposeTitle', { name: c.input.name }), { type: 'place', ...c.input })
      else await api.addPlace({ community, ...c.input })
      setName('')
      setOutline('')
      setArea('')
      setCountry('')
      setDocs('')
      setLatS('')
      setLonS('')
      onPicked(null)
      onDone()
    } catch (err) {
      setError(messageOf(err))
    } finally {
      setBusy(false)
    }
  }

  return (
    <form className="card inner" onSubmit={(e) => void submit(e)} data-testid="place-form" noValidate>
      <h3>{t(propose ? 'placeForm.proposeTitle' : 'placeForm.title')}</h3>
      {propose && <p className="muted small">{t('placeForm.proposeNote')}</p>}
      <Field label={t('placeForm.name')} value={name} onChange={setName} testid="place-name" />
      <div className="grid">
        <SelectField label={t('placeForm.kind')} value={kind} options={KINDS} text={(k) => t(`place.kind.${k}`)} onChange={setKind} testid="place-kind" />
        <SelectField label={t('placeForm.status')} value={status} options={STATUSES} text={(s) => t(`place.status.${s}`)} onChange={setStatus} testid="place-status" />
        <SelectField label={t('placeForm.precision')} value={precision} options={PRECISIONS} text={(p) => t(`place.precision.${p}`)} onChange={setPrecision} testid="place-precision" />
      </div>
      <p className="muted small">{t(`placeForm.precisionNote.${precision}`)}</p>
      {precision !== 'hidden' && (
        <fieldset className="fieldset">
          <legend>{t('placeForm.location')}</legend>
          <p className="muted small">{t('placeForm.clickHint')}</p>
          <div className="grid">
            <Field label={t('placeForm.lat')} value={latS} onChange={(v) => setCoord(v, lonS)} testid="place-lat" />
            <Field label={t('placeForm.lon')} value={lonS} onChange={(v) => setCoord(latS, v)} testid="place-lon" />
          </div>
          <Field label={t('placeForm.outline')} value={outline} onChange={setOutline} testid="place-outline" multiline />
        </fieldset>
      )}
      <div className="grid">
        <Field label={t('placeForm.area')} value={area} onChange={setArea} testid="place-area" />
        <Field label={t('placeForm.country')} value={country} onChange={setCountry} testid="place-country" />
      </div>
      <Field label={t('placeForm.docs')} value={docs} onChange={setDocs} testid="place-docs" multiline />
      <p className="muted small">{t('placeForm.docsNote')}</p>
      <ErrorText error={error} />
      <button type="submit" data-testid={propose ? 'propose-place' : 'add-place'} disabled={busy}>{t(propose ? 'placeForm.propose' : 'placeForm.add')}</button>
    </form>
  )
}
