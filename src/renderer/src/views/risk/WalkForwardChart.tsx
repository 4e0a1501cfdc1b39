import { useEffect, useRef } from 'react'
import { LineSeries, LineStyle, createOptionsChart } from 'lightweight-charts'
import { cssVar, followTheme, stepChartOptions } from '../../charts/theme'

export interface WalkForwardChartProps {
  /** Per fold, in order: the chosen value's in-sample Sharpe, its out-of-sample Sharpe, and the best out-of-sample Sharpe any candidate had. Ready-made. */
  inSample: readonly number[]
  outOfSample: readonly number[]
  bestOutOfSample: readonly number[]
  height?: number
}

/** In- against out-of-sample Sharpe ratio per fold (fold k at x = k), the best out-of-sample dotted: the gap is what selection cost. */
export function WalkForwardChart({ inSample, outOfSample, bestOutOfSample, height = 200 }: WalkForwardChartProps) {
  const container = useRef<HTMLDivElement>(null)
  useEffect(() => {
    const element = container.current
    if (!element) return
    const chart = createOptionsChart(element, stepChartOptions(height))
    chart.applyOptions({ localization: { timeFormatter: (k: number) => `fold ${k}`, priceFormatter: (v: number) => v.toFixed(3) }, timeScale: { minBarSpacing: 8, rightOffset: 1 } })
    const line = (values: readonly number[], color: string, title: string, style: LineStyle = LineStyle.Solid) => {
      const series = chart.addSeries(LineSeries, { color, lineWidth: 2, lineStyle: style, pointMarkersVisible: true, pointMarkersRadius: 3, priceLineVisible: false, lastValueVisible: false, title })
      series.setData(values.map((value, k) => ({ time: k + 1, value })))
      return series
    }
    const zero = line(inSample.map(() => 0), cssVar('--border'), '', LineStyle.Dashed)
    zero.applyOptions({ pointMarkersVisible: false, lineWidth: 1 })
    line(inSample, cssVar('--accent') || '#4aa3ff', 'in-sample')
    line(outOfSample, cssVar('--warn') || '#d29922', 'out-of-sample')
    line(bestOutOfSample, cssVar('--muted') || '#7d8a99', 'best OOS', LineStyle.Dotted)
    chart.timeScale().fitContent()
    const unfollow = followTheme(chart)
    return () => {
      unfollow()
      chart.remove()
    }
  }, [inSample, outOfSample, bestOutOfSample, height])
  return <div className="chart" ref={container} style={{ height }} data-testid="walk-forward-chart" />
}
