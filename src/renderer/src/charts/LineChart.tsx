import { useEffect, useRef } from 'react'
import { ColorType, CrosshairMode, LineSeries, createChart, type IChartApi, type ISeriesApi, type UTCTimestamp } from 'lightweight-charts'
import { formatCompact } from '../format/numbers'

export interface LineChartProps {
  /** x[k] are step numbers (strictly increasing); values[k] the level there. Ready-made: the chart computes nothing. */
  x: ArrayLike<number>
  values: ArrayLike<number>
  label: string
  height?: number
}

const css = (name: string): string => getComputedStyle(document.documentElement).getPropertyValue(name).trim()

/** A step-indexed line on lightweight-charts; the step number stands in for time on the axis. */
export function LineChart({ x, values, label, height = 280 }: LineChartProps) {
  const container = useRef<HTMLDivElement>(null)
  const chartRef = useRef<IChartApi | null>(null)
  const seriesRef = useRef<ISeriesApi<'Line'> | null>(null)

  useEffect(() => {
    const element = container.current
    if (!element) return
    const stepLabel = (t: number): string => `step ${formatCompact(t)}`
    const chart = createChart(element, {
      height,
      autoSize: true,
      layout: { background: { type: ColorType.Solid, color: css('--panel') }, textColor: css('--muted'), fontSize: 11, attributionLogo: false },
      grid: { vertLines: { color: css('--grid') }, horzLines: { color: css('--grid') } },
      rightPriceScale: { borderColor: css('--border') },
      timeScale: {
        borderColor: css('--border'),
        tickMarkFormatter: (t: number) => formatCompact(t)
      },
      localization: { timeFormatter: stepLabel },
      crosshair: { mode: CrosshairMode.Normal }
    })
    seriesRef.current = chart.addSeries(LineSeries, { color: css('--accent'), lineWidth: 1, title: label, priceLineVisible: false })
    chartRef.current = chart
    return () => {
      chart.remove()
      chartRef.current = null
      seriesRef.current = null
    }
  }, [height, label])

  useEffect(() => {
    const series = seriesRef.current
    if (!series) return
    const data = new Array(values.length)
    for (let i = 0; i < values.length; i++) data[i] = { time: x[i] as UTCTimestamp, value: values[i] }
    series.setData(data)
    chartRef.current?.timeScale().fitContent()
  }, [x, values])

  return <div className="chart" ref={container} data-testid="line-chart" />
}
