/**
 * The census charts, drawn with visx (d3 scales and SVG shapes as React
 * components; no canvas, nothing fetched). Right-to-left languages mirror
 * them: categories and time run from the inline start (the right), and the
 * value axis sits on the right. The SVG itself is laid out left to right
 * (direction: ltr), so text anchors stay physical in both directions. Every chart has a text summary for screen
 * readers; the screen puts a table of the same numbers beside each.
 */
import { AxisBottom, AxisLeft, AxisRight } from '@visx/axis'
import { Group } from '@visx/group'
import { scaleBand, scaleLinear, scalePoint } from '@visx/scale'
import { Bar, LinePath } from '@visx/shape'
import { useTranslation } from 'react-i18next'

const W = 560
const H = 240
const M = { top: 12, bottom: 36, side: 76 }

export interface Series { readonly key: string; readonly label: string; readonly colour: string; readonly values: readonly number[] }

function useFrame(): { rtl: boolean; inner: [number, number]; lang: string } {
  const { i18n } = useTranslation()
  const rtl = i18n.dir() === 'rtl'
  return { rtl, inner: rtl ? [W - M.side, 10] : [M.side, W - 10], lang: i18n.language }
}

function ValueAxis({ scale, rtl, lang, format }: { scale: ReturnType<typeof scaleLinear<number>>; rtl: boolean; lang: string; format?: (n: number) => string }): React.JSX.Element {
  const fmt = format ?? ((n: number) => new Intl.NumberFormat(lang, { notation: 'compact' }).format(n))
  const common = { scale, numTicks: 4, tickFormat: (v: unknown) => fmt(Number(v)), stroke: 'currentColor', tickStroke: 'currentColor', tickLabelProps: { fill: 'currentColor', fontSize: 11 } }
  return rtl ? <AxisRight left={W - M.side} {...common} tickLabelProps={{ ...common.tickLabelProps, textAnchor: 'start' }} /> : <AxisLeft left={M.side} {...common} tickLabelProps={{ ...common.tickLabelProps, textAnchor: 'end' }} />
}

/** Grouped bars: one group per category, one bar per series. */
export function BarChart({ categories, series, label, testid, format }: {
  categories: readonly string[]
  series: readonly Series[]
  label: string
  testid: string
  format?: (n: number) => string
}): React.JSX.Element {
  const { rtl, inner, lang } = useFrame()
  const x = scaleBand<number>({ domain: categories.map((_, i) => i), range: inner, padding: 0.25 })
  const group = scaleBand<string>({ domain: series.map((s) => s.key), range: [0, x.bandwidth()], padding: 0.1 })
  const max = Math.max(1, ...series.flatMap((s) => s.values))
  const y = scaleLinear<number>({ domain: [0, max], range: [H - M.bottom, M.top], nice: true })
  return (
    <figure className="census-chart" data-testid={testid}>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={label} direction="ltr" style={{ direction: 'ltr' }}>
        <ValueAxis scale={y} rtl={rtl} lang={lang} format={format} />
        <Group>
          {categories.map((_, i) => series.map((s) => {
            const v = s.values[i] ?? 0
            const bx = (x(i) ?? 0) + (rtl ? x.bandwidth() - (group(s.key) ?? 0) - group.bandwidth() : group(s.key) ?? 0)
            return <Bar key={`${i}-${s.key}`} x={bx} y={y(v)} width={group.bandwidth()} height={Math.max(0, H - M.bottom - y(v))} fill={s.colour} />
          }))}
        </Group>
        <AxisBottom top={H - M.bottom} scale={x} tickFormat={(i) => categories[Number(i)] ?? ''} stroke="currentColor" tickStroke="currentColor" tickLabelProps={{ fill: 'currentColor', fontSize: 11, textAnchor: 'middle' }} />
      </svg>
      {series.length > 1 && <Legend series={series} />}
    </figure>
  )
}

/** Lines over ordered periods (the census over time). */
export function LineChart({ periods, series, label, testid }: { periods: readonly string[]; series: readonly Series[]; label: string; testid: string }): React.JSX.Element {
  const { rtl, inner, lang } = useFrame()
  const x = scalePoint<number>({ domain: periods.map((_, i) => i), range: inner, padding: 0.5 })
  const max = Math.max(1, ...series.flatMap((s) => s.values))
  const y = scaleLinear<number>({ domain: [0, max], range: [H - M.bottom, M.top], nice: true })
  const every = Math.max(1, Math.ceil(periods.length / 8))
  return (
    <figure className="census-chart" data-testid={testid}>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={label} direction="ltr" style={{ direction: 'ltr' }}>
        <ValueAxis scale={y} rtl={rtl} lang={lang} format={(n) => (Number.isInteger(n) ? new Intl.NumberFormat(lang).format(n) : '')} />
        {series.map((s) => (
          <Group key={s.key}>
            <LinePath<number> data={s.values.map((_, i) => i)} x={(i) => x(i) ?? 0} y={(i) => y(s.values[i] ?? 0)} stroke={s.colour} strokeWidth={2.5} />
            {s.values.map((v, i) => <circle key={i} cx={x(i) ?? 0} cy={y(v)} r={3.5} fill={s.colour} />)}
          </Group>
        ))}
        <AxisBottom top={H - M.bottom} scale={x} tickValues={periods.map((_, i) => i).filter((i) => i % every === 0)} tickFormat={(i) => periods[Number(i)] ?? ''} stroke="currentColor" tickStroke="currentColor" tickLabelProps={{ fill: 'currentColor', fontSize: 11, textAnchor: 'middle' }} />
      </svg>
      {series.length > 1 && <Legend series={series} />}
    </figure>
  )
}

function Legend({ series }: { series: readonly Series[] }): React.JSX.Element {
  return (
    <ul className="legend" aria-hidden="true">
      {series.map((s) => <li key={s.key}><span className="swatch" style={{ background: s.colour }} />{s.label}</li>)}
    </ul>
  )
}
