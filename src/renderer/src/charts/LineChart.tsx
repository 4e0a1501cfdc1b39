import { useEffect, useRef } from 'react'
import { ColorType, CrosshairMode, LineSeries, PriceScaleMode, createOptionsChart, type IChartApiBase, type ISeriesApi } from 'lightweight-charts'
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
}

const css = (name: string): string => getComputedStyle(document.documentElement).getPropertyValue(name).trim()

/** A line over a numeric x axis (steps), on lightweight-charts' price-scaled horizontal axis. */
export function LineChart({ x, values, label, height = 280, logScale = false }: LineChartProps) {
  const container = useRef<HTMLDivElement>(null)
  const chartRef = useRef<IChartApiBase<number> | null>(null)
  const seriesRef = useRef<ISeriesApi<'Line', number> | null>(null)

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
    }
  }, [height, label, logScale])

  useEffect(() => {
    const series = seriesRef.current
    if (!series) return
    const data = new Array(values.length)
    for (let i = 0; i < values.length; i++) data[i] = { time: x[i], value: values[i] }
    series.setData(data)
    chartRef.current?.timeScale().fitContent()
  }, [x, values])

  return <div className="chart" ref={container} style={{ height }} data-testid="line-chart" />
}
