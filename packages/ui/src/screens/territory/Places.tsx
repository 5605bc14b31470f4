/**
 * The Map screen (issue 17 §1): the footprint summary, the offline map with
 * the community's places, the list of every place (hidden ones too, marked
 * as not drawn) with its status and precision, moving a place's status where
 * the node says this member may (canMoveTo; otherwise proposing it,
 * canProposeTo, PLACE-7), status proposals that passed too late to count
 * (stale, PLACE-9), and the form to add one (canAdd; otherwise to propose it).
 */
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { CommunityId } from '@polity/api'
import { messageOf } from '../../api-context'
import { ErrorText } from '../widgets'
import { PLACES_PARTS, useTerritoryApi } from './api'
import { useView } from '../common'
import { FootprintSummary } from './Footprint'
import { countryName, formatArea } from './format'
import { PlaceForm } from './place-form'
import { SelectField } from './fields'
import { STATUS_COLOUR, WorldMap } from './WorldMap'
import { proposePlaceAction } from './propose'
import type { PlaceStatus, PlaceView } from './types'

function MoveStatus({ community, place, onDone }: { community: CommunityId; place: PlaceView; onDone: () => void }): React.JSX.Element {
  const api = useTerritoryApi()
  const { t } = useTranslation()
  const [to, setTo] = useState<PlaceStatus | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [note, setNote] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  if (place.status === 'sold' || place.status === 'lost') return <span className="muted small">{t('places.final')}</span>
  // PLACE-7: without the role to move it directly, the member may propose the move.
  const direct = place.canMoveTo.length > 0
  const options = direct ? place.canMoveTo : place.canProposeTo
  if (options.length === 0) return <span className="muted small" data-testid="move-by-proposal">{t('places.moveByProposal')}</span>
  const target = to !== null && options.includes(to) ? to : (options[0] as PlaceStatus)
  const move = async (): Promise<void> => {
    setBusy(true)
    setError(null)
    setNote(null)
    try {
      if (direct) await api.movePlace({ community, place: place.id, status: target })
      else {
        await proposePlaceAction(api, community, t('places.proposeStatusTitle', { name: place.name, status: t(`place.status.${target}`) }), { type: 'placeStatus', place: place.id, status: target })
        setNote(t('places.proposed'))
      }
      onDone()
    } catch (e) {
      setError(messageOf(e))
    } finally {
      setBusy(false)
    }
  }
  return (
    <div className="row move-status">
      <SelectField label={t('places.moveTo', { name: place.name })} value={target} options={options} text={(s) => t(`place.status.${s}`)} onChange={setTo} testid="move-to" hideLabel />
      {direct
        ? <button type="button" className="small" data-testid="move-place" disabled={busy} onClick={() => void move()}>{t('places.move')}</button>
        : <button type="button" className="small" data-testid="propose-status" disabled={busy} onClick={() => void move()}>{t('places.proposeStatus')}</button>}
      {note && <span role="status" className="muted small">{note}</span>}
      <ErrorText error={error} />
    </div>
  )
}

/** PLACE-9: passed status proposals that had no effect (the place's status had moved on by their close). */
function StaleChanges({ place }: { place: PlaceView }): React.JSX.Element | null {
  const { t } = useTranslation()
  if (place.stale.length === 0) return null
  return (
    <ul className="muted small" data-testid="place-stale">
      {place.stale.map((x) => <li key={x.proposal}>{t('places.stale', { status: t(`place.status.${x.status}`), from: t(`place.status.${x.from}`) })}</li>)}
    </ul>
  )
}

function PlaceRow({ community, place, onDone }: { community: CommunityId; place: PlaceView; onDone: () => void }): React.JSX.Element {
  const { t, i18n } = useTranslation()
  const lang = i18n.language
  return (
    <tr data-testid="place" data-place={place.id} data-status={place.status} data-precision={place.precision}>
      <th scope="row"><bdi>{place.name}</bdi></th>
      <td>{t(`place.kind.${place.kind}`)}</td>
      <td><span className="status-dot" style={{ background: STATUS_COLOUR[place.status] }} aria-hidden="true" /> <span data-testid="place-status-text">{t(`place.status.${place.status}`)}</span><StaleChanges place={place} /></td>
      <td>{t(`place.precision.${place.precision}`)}{place.precision === 'hidden' && <span className="muted small"> · {t('places.notDrawn')}</span>}</td>
      <td className="num">{place.areaM2 === 0 ? '—' : t('footprint.m2', { area: formatArea(place.areaM2, lang) })}</td>
      <td>{place.country === null ? '—' : countryName(place.country, lang)}</td>
      <td>{place.docs.length === 0 ? '—' : <ul className="docs">{place.docs.map((d) => <li key={d}><code title={d}>{d.slice(0, 12)}…</code></li>)}</ul>}</td>
      <td><MoveStatus community={community} place={place} onDone={onDone} /></td>
    </tr>
  )
}

export function Places({ id }: { id: CommunityId }): React.JSX.Element {
  const api = useTerritoryApi()
  const { t } = useTranslation()
  const { value, error, refetch } = useView(id, PLACES_PARTS, () => api.placesView({ community: id }), [id])
  const [adding, setAdding] = useState(false)
  const [proposed, setProposed] = useState(false)
  const [picked, setPicked] = useState<[number, number] | null>(null)
  if (!value) return error ? <ErrorText error={error} /> : <p>{t('common.loading')}</p>
  const hidden = value.places.filter((p) => p.precision === 'hidden' || p.geometry === null).length
  return (
    <div data-testid="places-screen">
      <ErrorText error={error} />
      <h2>{t('places.footprint')}</h2>
      <FootprintSummary footprint={value.footprint} />
      <WorldMap places={value.places} label={t('map.label', { n: value.places.length - hidden })} onPick={adding ? setPicked : undefined} picked={adding ? picked : null} />
      {hidden > 0 && <p className="muted small" data-testid="hidden-note">{t('places.hiddenNote', { n: hidden })}</p>}
      {value.canAdd || value.canPropose
        ? (adding
            ? <>
                <PlaceForm community={id} picked={picked} onPicked={setPicked} propose={!value.canAdd} onDone={() => {
                  setAdding(false)
                  setProposed(!value.canAdd)
                  refetch()
                }} />
                <button type="button" className="secondary" onClick={() => setAdding(false)}>{t('common.cancel')}</button>
              </>
            : value.canAdd
              ? <button type="button" data-testid="show-add-place" onClick={() => setAdding(true)}>{t('places.add')}</button>
              : <button type="button" data-testid="show-propose-place" onClick={() => {
                  setProposed(false)
                  setAdding(true)
                }}>{t('places.propose')}</button>)
        : <p className="muted" data-testid="add-by-proposal">{t('places.addByProposal')}</p>}
      {proposed && <p role="status" data-testid="place-proposed">{t('places.proposed')}</p>}
      <h2>{t('places.list')}</h2>
      {value.places.length === 0 ? <p className="muted" data-testid="no-places">{t('places.none')}</p> : (
        <div className="table-wrap">
          <table className="data-table" data-testid="places">
            <thead>
              <tr>
                <th scope="col">{t('places.col.name')}</th>
                <th scope="col">{t('places.col.kind')}</th>
                <th scope="col">{t('places.col.status')}</th>
                <th scope="col">{t('places.col.precision')}</th>
                <th scope="col">{t('places.col.area')}</th>
                <th scope="col">{t('places.col.country')}</th>
                <th scope="col">{t('places.col.docs')}</th>
                <th scope="col">{t('places.col.actions')}</th>
              </tr>
            </thead>
            <tbody>{value.places.map((p) => <PlaceRow key={p.id} community={id} place={p} onDone={refetch} />)}</tbody>
          </table>
        </div>
      )}
    </div>
  )
}
