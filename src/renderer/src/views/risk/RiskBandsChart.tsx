import { useEffect, useRef } from 'react'
import { HistogramSeries, LineSeries, createOptionsChart, createSeriesMarkers, type SeriesMarker } from 'lightweight-charts'
import { followTheme, stepChartOptions } from '../../charts/theme'

export interface RiskBandsChartProps {
  /** The portfolio's per-step returns (index t is step t + 1's return). */
  returns: readonly number[]
  /** One-step VaR and ES forecasts as positive losses, index t forecasting return t; null before the first window. */
  var: readonly (number | null)[]
  es: readonly (number | null)[]
  /** Indexes of the returns that fell below −VaR. */
  breaches: readonly number[]
  height?: number
}

const css = (name: string): string => getComputedStyle(document.documentElement).getPropertyValue(name).trim()
const pct = (v: number): string => `${(v * 100).toFixed(2)}%`

/** P&L per step as bars, with −VaR and −ES drawn under it and each breach marked (ready-made series: nothing computed here). */
export function RiskBandsChart({ returns, var: varBand, es, breaches, height = 300 }: RiskBandsChartProps) {
  const container = useRef<HTMLDivElement>(null)
  useEffect(() => {
    const element = container.current
    if (!element) return
    const chart = createOptionsChart(element, stepChartOptions(height))
    chart.applyOptions({ localization: { priceFormatter: pct } })
    const pnl = chart.addSeries(HistogramSeries, { color: css('--muted'), priceLineVisible: false, lastValueVisible: false, title: 'P&L' })
    const varLine = chart.addSeries(LineSeries, { color: css('--warn') || '#d29922', lineWidth: 1, priceLineVisible: false, title: '−VaR' })
    const esLine = chart.addSeries(LineSeries, { color: css('--bad') || '#f85149', lineWidth: 1, priceLineVisible: false, title: '−ES' })
    const hit = new Set(breaches)
    pnl.setData(returns.map((r, t) => ({ time: t + 1, value: r, color: hit.has(t) ? css('--bad') : r >= 0 ? css('--ok') : css('--muted') })))
    const band = (values: readonly (number | null)[]) => values.flatMap((v, t) => (v === null ? [] : [{ time: t + 1, value: -v }]))
    varLine.setData(band(varBand))
    esLine.setData(band(es))
    const markers: SeriesMarker<number>[] = breaches.map((t) => ({ time: t + 1, position: 'belowBar', shape: 'arrowUp', color: css('--bad'), size: 0.5, id: `breach-${t}` }))
    const plugin = createSeriesMarkers(pnl, markers)
    chart.timeScale().fitContent()
    const unfollow = followTheme(chart)
    return () => {
      unfollow()
      plugin.detach()
      chart.remove()
    }
  }, [returns, varBand, es, breaches, height])
  return <div className="chart" ref={container} style={{ height }} data-testid="risk-bands-chart" />
}
