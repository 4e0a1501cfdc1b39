import { useEffect, useRef } from 'react'
import { ColorType, CrosshairMode, HistogramSeries, LineSeries, PriceScaleMode, createOptionsChart, type IChartApiBase, type ISeriesApi } from 'lightweight-charts'
import { formatCompact } from '../format/numbers'
import { followTheme } from './theme'

export interface LineChartProps {
  /** x[k] are step numbers (strictly increasing); values[k] the level there. Ready-made: the chart computes nothing. */
  x: ArrayLike<number>
  values: ArrayLike<number>
  label: string
  height?: number
  /** Log scale suits levels that compound (a geometric walk, equity). */
  logScale?: boolean
  /** Optional shading behind the line: 1 where x[k] lies in a band (a regime called stress), else 0; as long as x. */
  shade?: ArrayLike<number>
}

const css = (name: string): string => getComputedStyle(document.documentElement).getPropertyValue(name).trim()

/** A theme colour (#rrggbb) at an opacity, as rgba() — lightweight-charts parses its colours itself. */
function translucent(hex: string, alpha: number): string {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex)
  return m ? `rgba(${parseInt(m[1]!, 16)}, ${parseInt(m[2]!, 16)}, ${parseInt(m[3]!, 16)}, ${alpha})` : hex
}

/** A line over a numeric x axis (steps), on lightweight-charts' price-scaled horizontal axis. */
export function LineChart({ x, values, label, height = 280, logScale = false, shade }: LineChartProps) {
  const container = useRef<HTMLDivElement>(null)
  const chartRef = useRef<IChartApiBase<number> | null>(null)
  const seriesRef = useRef<ISeriesApi<'Line', number> | null>(null)
  const shadeRef = useRef<ISeriesApi<'Histogram', number> | null>(null)

  useEffect(() => {
    const element = container.current
    if (!element) return
    const stepLabel = (t: number): string => `step ${formatCompact(t)}`
    const chart = createOptionsChart(element, {
      height,
      autoSize: true,
      layout: { background: { type: ColorType.Solid, color: css('--panel') }, textColor: css('--muted'), fontSize: 11, attributionLogo: false },
      grid: { vertLines: { color: css('--grid') }, horzLines: { color: css('--grid') } },
      rightPriceScale: { borderColor: css('--border'), mode: logScale ? PriceScaleMode.Logarithmic : PriceScaleMode.Normal },
      // Up to 4096 points must fit one panel: allow sub-pixel bar spacing.
      timeScale: { borderColor: css('--border'), minBarSpacing: 0.05 },
      localization: { precision: 0, timeFormatter: stepLabel },
      crosshair: { mode: CrosshairMode.Normal }
    })
    seriesRef.current = chart.addSeries(LineSeries, { color: css('--accent'), lineWidth: 1, title: label, priceLineVisible: false })
    chartRef.current = chart
    const unfollow = followTheme(chart)
    return () => {
      unfollow()
      chart.remove()
      chartRef.current = null
      seriesRef.current = null
      shadeRef.current = null
    }
  }, [height, label, logScale])

  useEffect(() => {
    const series = seriesRef.current
    if (!series) return
    const data = new Array(values.length)
    for (let i = 0; i < values.length; i++) data[i] = { time: x[i], value: values[i] }
    series.setData(data)
    const chart = chartRef.current
    if (shade && chart) {
      // Full-height bars on their own hidden scale, drawn beneath the line.
      if (!shadeRef.current) {
        shadeRef.current = chart.addSeries(HistogramSeries, { color: translucent(css('--bad'), 0.3), priceScaleId: 'shade', priceLineVisible: false, lastValueVisible: false })
        shadeRef.current.setSeriesOrder(0)
        chart.priceScale('shade').applyOptions({ visible: false, scaleMargins: { top: 0, bottom: 0 } })
      }
      const bands = new Array(x.length)
      // Unshaded bars are whitespace (a zero bar would still draw a one-pixel base line).
      for (let i = 0; i < x.length; i++) bands[i] = shade[i] === 1 ? { time: x[i], value: 1 } : { time: x[i] }
      shadeRef.current.setData(bands)
    }
    chart?.timeScale().fitContent()
  }, [x, values, shade])

  return <div className="chart" ref={container} style={{ height }} data-testid="line-chart" />
}
