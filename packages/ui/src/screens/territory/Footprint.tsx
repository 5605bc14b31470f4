/** The footprint summary: how many places, their total area, and in which countries (as the node counted them). */
import { useTranslation } from 'react-i18next'
import { countryName, formatArea, formatInt } from './format'
import type { Footprint } from './types'

export function FootprintSummary({ footprint }: { footprint: Footprint }): React.JSX.Element {
  const { t, i18n } = useTranslation()
  const lang = i18n.language
  return (
    <dl className="facts" data-testid="footprint" data-places={footprint.places} data-area={footprint.areaM2} data-countries={footprint.countries.join(',')}>
      <dt>{t('footprint.places')}</dt><dd data-testid="footprint-places">{formatInt(footprint.places, lang)}</dd>
      <dt>{t('footprint.area')}</dt><dd data-testid="footprint-area">{t('footprint.m2', { area: formatArea(footprint.areaM2, lang) })}</dd>
      <dt>{t('footprint.countries')}</dt>
      <dd data-testid="footprint-countries">{footprint.countries.length === 0 ? t('footprint.noCountries') : new Intl.ListFormat(lang).format(footprint.countries.map((c) => countryName(c, lang)))}</dd>
    </dl>
  )
}
