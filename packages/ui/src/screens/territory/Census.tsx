/**
 * The Census screen (issue 17 §3): population over time (by day or month),
 * places and area by status, pledged and received per currency, decisions
 * and their turnout — each a chart (charts.tsx) with a table of the same
 * numbers beside it, all from the node's censusView.
 */
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { CommunityId } from '@polity/api'
import { ErrorText } from '../widgets'
import { CENSUS_PARTS, download, useTerritoryApi } from './api'
import { messageOf } from '../../api-context'
import { useView } from '../common'
import { BarChart, LineChart } from './charts'
import { FootprintSummary } from './Footprint'
import { formatArea, formatDate, formatInt } from './format'
import { formatMoney } from './money'
import { STATUSES } from './place-form'
import { STATUS_COLOUR } from './WorldMap'
import type { CensusView } from './types'

function Population({ census }: { census: CensusView }): React.JSX.Element {
  const { t, i18n } = useTranslation()
  const [by, setBy] = useState<'day' | 'month'>('month')
  const rows = by === 'day' ? census.byDay : census.byMonth
  const n = (x: number): string => formatInt(x, i18n.language)
  return (
    <section className="census-section" data-testid="census-population">
      <h3>{t('census.population')}</h3>
      <div className="row" role="group" aria-label={t('census.by')}>
        {(['day', 'month'] as const).map((b) => <button key={b} type="button" className="small secondary" aria-pressed={by === b} data-testid={`census-by-${b}`} onClick={() => setBy(b)}>{t(`census.by.${b}`)}</button>)}
      </div>
      <div className="chart-and-table">
        <LineChart testid="chart-population" periods={rows.map((r) => r.period)} label={t('census.populationChart', { members: n(census.members) })}
          series={[{ key: 'members', label: t('census.members'), colour: '#1d3557', values: rows.map((r) => r.members) }]} />
        <table className="data-table" data-testid="table-population">
          <caption>{t('census.populationTable')}</caption>
          <thead><tr><th scope="col">{t('census.period')}</th><th scope="col">{t('census.members')}</th><th scope="col">{t('census.joins')}</th><th scope="col">{t('census.leaves')}</th><th scope="col">{t('census.removals')}</th></tr></thead>
          <tbody>{rows.map((r) => <tr key={r.period} data-testid="population-row" data-members={r.members}><th scope="row"><bdi>{r.period}</bdi></th><td className="num">{n(r.members)}</td><td className="num">{n(r.joins)}</td><td className="num">{n(r.leaves)}</td><td className="num">{n(r.removals)}</td></tr>)}</tbody>
        </table>
      </div>
    </section>
  )
}

function PlacesByStatus({ census }: { census: CensusView }): React.JSX.Element {
  const { t, i18n } = useTranslation()
  const lang = i18n.language
  const names = STATUSES.map((s) => t(`place.status.${s}`))
  const by = census.footprint.byStatus
  return (
    <section className="census-section" data-testid="census-places">
      <h3>{t('census.places')}</h3>
      <div className="chart-and-table">
        <div>
          <BarChart testid="chart-places" categories={names} label={t('census.placesChart', { places: formatInt(census.footprint.places, lang) })}
            series={[{ key: 'places', label: t('census.placeCount'), colour: '#1d3557', values: STATUSES.map((s) => by[s].places) }]} format={(x) => (Number.isInteger(x) ? formatInt(x, lang) : '')} />
          <BarChart testid="chart-area" categories={names} label={t('census.areaChart', { area: formatArea(census.footprint.areaM2, lang) })}
            series={[{ key: 'area', label: t('census.areaM2'), colour: STATUS_COLOUR.acquired, values: STATUSES.map((s) => by[s].areaM2) }]} />
        </div>
        <table className="data-table" data-testid="table-places">
          <caption>{t('census.placesTable')}</caption>
          <thead><tr><th scope="col">{t('places.col.status')}</th><th scope="col">{t('census.placeCount')}</th><th scope="col">{t('census.areaM2')}</th></tr></thead>
          <tbody>{STATUSES.map((s) => <tr key={s} data-testid="status-row" data-status={s} data-places={by[s].places} data-area={by[s].areaM2}><th scope="row">{t(`place.status.${s}`)}</th><td className="num">{formatInt(by[s].places, lang)}</td><td className="num">{formatArea(by[s].areaM2, lang)}</td></tr>)}</tbody>
        </table>
      </div>
    </section>
  )
}

function Money({ census }: { census: CensusView }): React.JSX.Element {
  const { t, i18n } = useTranslation()
  const lang = i18n.language
  return (
    <section className="census-section" data-testid="census-money">
      <h3>{t('census.money')}</h3>
      <p className="muted small">{t('campaign.noMoney')}</p>
      {census.money.length === 0 ? <p className="muted">{t('census.noMoney')}</p> : (
        <div className="chart-and-table">
          <div>
            {census.money.map((m) => (
              <BarChart key={m.currency} testid="chart-money" categories={[t('census.pledged'), t('census.received')]}
                label={t('census.moneyChart', { currency: m.currency, pledged: formatMoney(m.pledged, m.currency, lang), received: formatMoney(m.received, m.currency, lang) })}
                series={[{ key: m.currency, label: m.currency, colour: '#b35900', values: [Number(m.pledged), Number(m.received)] }]}
                format={(x) => (Number.isInteger(x) && x >= 0 ? formatMoney(String(x), m.currency, lang) : '')} />
            ))}
          </div>
          <table className="data-table" data-testid="table-money">
            <caption>{t('census.moneyTable')}</caption>
            <thead><tr><th scope="col">{t('census.currency')}</th><th scope="col">{t('census.pledged')}</th><th scope="col">{t('census.received')}</th></tr></thead>
            <tbody>{census.money.map((m) => <tr key={m.currency} data-testid="money-row" data-currency={m.currency} data-pledged={m.pledged} data-received={m.received}><th scope="row">{m.currency}</th><td className="num">{formatMoney(m.pledged, m.currency, lang)}</td><td className="num">{formatMoney(m.received, m.currency, lang)}</td></tr>)}</tbody>
          </table>
        </div>
      )}
    </section>
  )
}

function Decisions({ census }: { census: CensusView }): React.JSX.Element {
  const { t, i18n } = useTranslation()
  const lang = i18n.language
  const pct = new Intl.NumberFormat(lang, { style: 'percent', maximumFractionDigits: 0 })
  const rows = census.decisions
  const passed = rows.filter((d) => d.passed).length
  return (
    <section className="census-section" data-testid="census-decisions">
      <h3>{t('census.decisions')}</h3>
      {rows.length === 0 ? <p className="muted">{t('census.noDecisions')}</p> : (
        <div className="chart-and-table">
          <BarChart testid="chart-turnout" categories={rows.map((_, i) => `#${formatInt(i + 1, lang)}`)} label={t('census.turnoutChart', { n: rows.length, passed })}
            series={[{ key: 'turnout', label: t('census.turnout'), colour: '#1d5f8a', values: rows.map((d) => (d.eligible === 0 ? 0 : (100 * d.cast) / d.eligible)) }]}
            format={(x) => pct.format(x / 100)} />
          <table className="data-table" data-testid="table-decisions">
            <caption>{t('census.decisionsTable', { n: rows.length, passed })}</caption>
            <thead><tr><th scope="col">#</th><th scope="col">{t('census.closed')}</th><th scope="col">{t('census.outcome')}</th><th scope="col">{t('census.cast')}</th><th scope="col">{t('census.turnout')}</th></tr></thead>
            <tbody>{rows.map((d, i) => <tr key={d.proposal} data-testid="decision-row" data-passed={String(d.passed)} data-cast={d.cast} data-eligible={d.eligible}><th scope="row">{formatInt(i + 1, lang)}</th><td>{formatDate(d.closedAt, lang)}</td><td>{d.passed ? t('census.passed') : t('census.failed')}</td><td className="num">{t('census.castOf', { cast: formatInt(d.cast, lang), eligible: formatInt(d.eligible, lang) })}</td><td className="num">{d.eligible === 0 ? '—' : pct.format(d.cast / d.eligible)}</td></tr>)}</tbody>
          </table>
        </div>
      )}
    </section>
  )
}

/** The public census file (CENSUS-5): counts, footprint and decisions with member keys, no names, texts or fine locations. */
function PublicCensus({ id }: { id: CommunityId }): React.JSX.Element {
  const api = useTerritoryApi()
  const { t } = useTranslation()
  const [error, setError] = useState<string | null>(null)
  const [done, setDone] = useState(false)
  const save = async (): Promise<void> => {
    setError(null)
    setDone(false)
    try {
      download(`${id.slice(0, 12)}.polity-census`, await api.exportPublicCensus({ community: id }), 'application/octet-stream')
      setDone(true)
    } catch (e) {
      setError(messageOf(e))
    }
  }
  return (
    <section className="census-section">
      <h3>{t('census.public')}</h3>
      <p className="muted small">{t('census.publicNote')}</p>
      <button type="button" className="secondary" data-testid="export-public-census" onClick={() => void save()}>{t('census.publicExport')}</button>
      {done && <p role="status" data-testid="public-census-saved">{t('census.publicSaved')}</p>}
      <ErrorText error={error} />
    </section>
  )
}

export function Census({ id }: { id: CommunityId }): React.JSX.Element {
  const api = useTerritoryApi()
  const { t, i18n } = useTranslation()
  const { value, error } = useView(id, CENSUS_PARTS, () => api.censusView({ community: id }), [id])
  if (!value) return error ? <ErrorText error={error} /> : <p>{t('common.loading')}</p>
  return (
    <div data-testid="census-screen" data-members={value.members}>
      <ErrorText error={error} />
      <dl className="facts">
        <dt>{t('census.members')}</dt><dd data-testid="census-members">{formatInt(value.members, i18n.language)}</dd>
      </dl>
      <FootprintSummary footprint={value.footprint} />
      <Population census={value} />
      <PlacesByStatus census={value} />
      <Money census={value} />
      <Decisions census={value} />
      <PublicCensus id={id} />
    </div>
  )
}
