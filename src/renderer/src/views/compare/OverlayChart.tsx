import { useEffect, useRef } from 'react'
import { ColorType, CrosshairMode, LineSeries, createOptionsChart, type IChartApiBase } from 'lightweight-charts'
import { formatCompact } from '../../format/numbers'
import type { OverlayLine } from './compare-analysis'
import { followTheme } from '../../charts/theme'

export interface OverlayChartProps {
  /** Ready-made lines on a shared step grid (compare-analysis.overlayLines). */
  lines: OverlayLine[]
  /** CSS colour per line, same order. */
  colors: string[]
  label: string
  height?: number
}

/** Axis labels: float residue around zero reads as 0, not 1.4e-17. */
function formatPrice(p: number): string {
  if (Math.abs(p) < 1e-12) return '0'
  return Math.abs(p) >= 100 ? p.toFixed(1) : p.toPrecision(5)
}

const css = (name: string): string => getComputedStyle(document.documentElement).getPropertyValue(name).trim()

/** Several runs' series over steps on one chart (lightweight-charts, numeric horizontal axis). */
export function OverlayChart({ lines, colors, label, height = 220 }: OverlayChartProps) {
  const container = useRef<HTMLDivElement>(null)
  const chartRef = useRef<IChartApiBase<number> | null>(null)

  useEffect(() => {
    const element = container.current
    if (!element) return
    const chart = createOptionsChart(element, {
      height,
      autoSize: true,
      layout: { background: { type: ColorType.Solid, color: css('--panel') }, textColor: css('--muted'), fontSize: 11, attributionLogo: false },
      grid: { vertLines: { color: css('--grid') }, horzLines: { color: css('--grid') } },
      rightPriceScale: { borderColor: css('--border') },
      timeScale: { borderColor: css('--border'), minBarSpacing: 0.05 },
      localization: { timeFormatter: (t: number) => `step ${formatCompact(t)}`, priceFormatter: formatPrice },
      crosshair: { mode: CrosshairMode.Normal }
    })
    chartRef.current = chart
    const unfollow = followTheme(chart)
    return () => {
      unfollow()
      chart.remove()
      chartRef.current = null
    }
  }, [height])

  useEffect(() => {
    const chart = chartRef.current
    if (!chart) return
    const series = lines.map((line, i) => {
      const s = chart.addSeries(LineSeries, { color: colors[i] ?? css('--accent'), lineWidth: i === 0 ? 2 : 1, title: `#${line.id}`, priceLineVisible: false, lastValueVisible: true })
      const data = new Array(line.x.length)
      for (let k = 0; k < line.x.length; k++) data[k] = { time: line.x[k], value: line.y[k] }
      s.setData(data)
      return s
    })
    chart.timeScale().fitContent()
    return () => {
      // On unmount the chart may already be gone (its effect is cleaned up first).
      if (chartRef.current === chart) for (const s of series) chart.removeSeries(s)
    }
  }, [lines, colors])

  return (
    <figure className="overlay-chart">
      <figcaption>{label}</figcaption>
      <div className="chart" ref={container} style={{ height }} data-testid="overlay-chart" />
    </figure>
  )
}
