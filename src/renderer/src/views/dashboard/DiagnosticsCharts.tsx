import { useEffect, useRef, useState } from 'react'
import {
  HistogramSeries,
  LineSeries,
  LineStyle,
  createOptionsChart,
  createSeriesMarkers,
  type IChartApiBase,
  type IPriceLine,
  type ISeriesApi,
  type ISeriesMarkersPluginApi,
  type SeriesMarker,
  type SeriesType
} from 'lightweight-charts'
import { ChartGroup, floorIndex } from '../../charts/chart-group'
import { cssVar, regimeColour, ruleColour, seriesColour, stepChartOptions, followTheme } from '../../charts/theme'
import { formatInteger } from '../../format/numbers'
import { costColumn, type DashboardSeries } from './dashboard-series'

type LinePoint = { time: number; value: number; color?: string }

/** One plotted column: which series draws it and how a grid value becomes a point. */
interface Plot {
  series: ISeriesApi<SeriesType, number>
  column: string
  point(t: number, value: number): LinePoint
}

interface ChartState {
  chart: IChartApiBase<number>
  plots: Plot[]
}

interface Charts {
  equity: ChartState
  regime: ChartState
  cost: ChartState
  leverage: ChartState
  markers: ISeriesMarkersPluginApi<number>
  markerTable: MarkerTable
  capLine: IPriceLine | null
  /** How many grid points each chart holds, and of which run, for incremental appends. */
  shown: { runId: number; points: number; costs: string[]; events: number }
}

const MAX_MARKERS = 400

function fmt(value: number | undefined, digits = 4): string {
  if (value === undefined || !Number.isFinite(value)) return '—'
  return Math.abs(value) >= 1000 ? value.toFixed(2) : value.toPrecision(digits + 1)
}

/** Marker key (grid time and rule) → marker; at most MAX_MARKERS keys, in the order they appeared. */
type MarkerTable = Map<string, { time: number; rule: string; count: number }>

/**
 * Adds constraint events [from, …) to the marker table, one marker per (grid point, rule).
 * Streaming passes only the events that arrived since the last chunk, so a chunk's cost does
 * not grow with the run.
 */
function addMarkers(table: MarkerTable, series: DashboardSeries, from: number): void {
  for (let i = from; i < series.events.length; i++) {
    const e = series.events[i]!
    const index = floorIndex(series.t, e.t)
    if (index < 0) continue
    const time = series.t[index]!
    const key = `${time}:${e.rule}`
    const entry = table.get(key)
    if (entry) entry.count++
    else if (table.size < MAX_MARKERS) table.set(key, { time, rule: e.rule, count: 1 })
  }
}

function markersOf(table: MarkerTable): SeriesMarker<number>[] {
  return [...table.values()]
    .sort((a, b) => a.time - b.time)
    .map((m) => ({
      time: m.time,
      position: 'aboveBar' as const,
      shape: m.rule === 'drawdown_stop' || m.rule === 'forced_flat' ? ('square' as const) : ('arrowDown' as const),
      color: ruleColour(m.rule),
      size: 0.6,
      id: `${m.time}:${m.rule}`,
      text: m.count > 1 ? `${m.count}` : ''
    }))
}

export interface DiagnosticsChartsProps {
  series: DashboardSeries
  cap: number | null
  group: ChartGroup
  /** A click on a chart: the step under the pointer. */
  onPick(t: number): void
}

/**
 * The book's step diagnostics on one synced axis: equity with its drawdown pane and the
 * constraint events as markers, the regime ribbon, cumulative cost by component, and leverage
 * against its cap. Streaming appends points; a new run or the stored series replaces them.
 */
export function DiagnosticsCharts({ series, cap, group, onPick }: DiagnosticsChartsProps) {
  const equityRef = useRef<HTMLDivElement>(null)
  const regimeRef = useRef<HTMLDivElement>(null)
  const costRef = useRef<HTMLDivElement>(null)
  const leverageRef = useRef<HTMLDivElement>(null)
  const charts = useRef<Charts | null>(null)
  const latest = useRef(series)
  latest.current = series
  const pick = useRef(onPick)
  pick.current = onPick
  const [hover, setHover] = useState<number | null>(null)

  // Create the four charts once; the group syncs them.
  useEffect(() => {
    const containers = [equityRef.current, regimeRef.current, costRef.current, leverageRef.current]
    if (containers.some((c) => !c)) return
    const [equityEl, regimeEl, costEl, leverageEl] = containers as HTMLDivElement[]
    const make = (element: HTMLDivElement, height: number, showTime: boolean) => {
      const chart = createOptionsChart(element, stepChartOptions(height))
      chart.applyOptions({ timeScale: { visible: showTime } })
      return chart
    }
    const equityChart = make(equityEl!, 260, false)
    const equityLine = equityChart.addSeries(LineSeries, { color: cssVar('--accent'), lineWidth: 1, priceLineVisible: false, lastValueVisible: true, title: 'equity' })
    const drawdown = equityChart.addSeries(
      HistogramSeries,
      { color: 'rgba(248,81,73,0.55)', priceLineVisible: false, lastValueVisible: false, priceFormat: { type: 'custom', minMove: 0.0001, formatter: (v: number) => `${(v * 100).toFixed(1)}%` } },
      1
    )
    equityChart.panes()[1]?.setHeight(70)
    const markers = createSeriesMarkers(equityLine, [])

    const regimeChart = make(regimeEl!, 44, false)
    regimeChart.applyOptions({ rightPriceScale: { visible: true, ticksVisible: false, borderVisible: false }, grid: { horzLines: { visible: false }, vertLines: { visible: false } } })
    const ribbon = regimeChart.addSeries(HistogramSeries, { priceLineVisible: false, lastValueVisible: false, base: 0, priceFormat: { type: 'custom', formatter: () => '' } })

    const costChart = make(costEl!, 150, false)
    const costTotal = costChart.addSeries(LineSeries, { color: cssVar('--text'), lineWidth: 1, lineStyle: LineStyle.Dashed, priceLineVisible: false, title: 'total' })

    const leverageChart = make(leverageEl!, 140, true)
    const leverage = leverageChart.addSeries(LineSeries, { color: '#39c5cf', lineWidth: 1, priceLineVisible: false, title: 'leverage' })

    const value = (time: number, v: number): LinePoint => ({ time, value: v })
    const state: Charts = {
      equity: {
        chart: equityChart,
        plots: [
          { series: equityLine, column: 'equity', point: value },
          { series: drawdown, column: 'drawdown', point: (time, v) => ({ time, value: -v }) }
        ]
      },
      regime: {
        chart: regimeChart,
        plots: [{ series: ribbon, column: 'regime', point: (time, v) => ({ time, value: 1, color: regimeColour(v) }) }]
      },
      cost: { chart: costChart, plots: [{ series: costTotal, column: 'cumulativeCost', point: value }] },
      leverage: { chart: leverageChart, plots: [{ series: leverage, column: 'leverage', point: value }] },
      markers,
      markerTable: new Map(),
      capLine: null,
      shown: { runId: -1, points: 0, costs: [], events: -1 }
    }
    charts.current = state

    const column = (name: string) => (index: number) => latest.current.columns[name]?.[index] ?? null
    const removers = [
      group.add({ chart: equityChart, series: equityLine, valueAt: column('equity') }),
      group.add({ chart: regimeChart, series: ribbon, valueAt: () => 1 }),
      group.add({ chart: costChart, series: costTotal, valueAt: column('cumulativeCost') }),
      group.add({ chart: leverageChart, series: leverage, valueAt: column('leverage') }),
      group.onHover(setHover)
    ]
    const onClick = (param: { time?: number }): void => {
      if (param.time !== undefined) pick.current(param.time)
    }
    for (const chart of [equityChart, regimeChart, costChart, leverageChart]) chart.subscribeClick(onClick)
    const unfollow = [equityChart, regimeChart, costChart, leverageChart].map((chart) => followTheme(chart))
    return () => {
      unfollow.forEach((stop) => stop())
      removers.forEach((remove) => remove())
      for (const chart of [equityChart, regimeChart, costChart, leverageChart]) {
        chart.unsubscribeClick(onClick)
        chart.remove()
      }
      charts.current = null
    }
  }, [group])

  // Data: append what streamed in since the last render, or replace everything.
  useEffect(() => {
    const state = charts.current
    if (!state) return
    group.setGrid(series.t)
    const sameCosts = state.shown.costs.join('\u0000') === series.costComponents.join('\u0000')
    if (!sameCosts) {
      // One line per cost component (the total stays dashed on top).
      for (const plot of state.cost.plots.slice(1)) state.cost.chart.removeSeries(plot.series)
      state.cost.plots = state.cost.plots.slice(0, 1)
      series.costComponents.forEach((component, i) => {
        const line = state.cost.chart.addSeries(LineSeries, { color: seriesColour(i + 1), lineWidth: 1, priceLineVisible: false, title: component })
        state.cost.plots.push({ series: line, column: costColumn(component), point: (time, v) => ({ time, value: v }) })
      })
    }
    const all = [state.equity, state.regime, state.cost, state.leverage]
    const append = sameCosts && state.shown.runId === series.runId && series.streaming && series.t.length >= state.shown.points && state.shown.points > 0
    const from = append ? state.shown.points : 0
    for (const { plots } of all) {
      for (const plot of plots) {
        const values = series.columns[plot.column]
        if (!values) continue
        if (!append) {
          const data = new Array<LinePoint>(series.t.length)
          for (let i = 0; i < series.t.length; i++) data[i] = plot.point(series.t[i]!, values[i]!)
          plot.series.setData(data)
        } else {
          for (let i = from; i < series.t.length; i++) plot.series.update(plot.point(series.t[i]!, values[i]!))
        }
      }
    }
    // Markers change only when events arrived (or on a full redraw): most streamed chunks bring none.
    if (!append) state.markerTable = new Map()
    if (!append || series.events.length !== state.shown.events) {
      addMarkers(state.markerTable, series, append ? state.shown.events : 0)
      state.markers.setMarkers(markersOf(state.markerTable))
    }
    state.shown = { runId: series.runId, points: series.t.length, costs: [...series.costComponents], events: series.events.length }
    if (append) group.followContent()
    else group.resetZoom()
  }, [series, group])

  // The cap line on the leverage chart.
  useEffect(() => {
    const state = charts.current
    if (!state) return
    const line = state.leverage.plots[0]!.series
    if (state.capLine) line.removePriceLine(state.capLine)
    state.capLine = cap === null ? null : line.createPriceLine({ price: cap, color: cssVar('--bad'), lineStyle: LineStyle.Dashed, lineWidth: 1, axisLabelVisible: true, title: 'cap' })
  }, [cap])

  const at = hover !== null && hover < series.t.length ? hover : series.t.length - 1
  const col = (name: string): number | undefined => (at >= 0 ? series.columns[name]?.[at] : undefined)
  const step = at >= 0 ? series.t[at]! : null
  const regimeCode = col('regime')
  const actionCode = col('action')
  const legendStep = step === null ? '—' : formatInteger(step)
  return (
    <div className="dash-charts" data-testid="dashboard-charts" data-points={series.t.length} data-done={series.done} data-streaming={series.streaming}>
      <div className="dash-chart">
        <div className="dash-legend" data-testid="legend-equity" data-step={step ?? ''}>
          <b>equity & drawdown</b> <span className="mono">t {legendStep}</span> · equity <span className="mono">{fmt(col('equity'), 6)}</span> · drawdown{' '}
          <span className="mono">{fmt(col('drawdown'), 4)}</span> · <span className="muted">{series.events.length} constraint events</span>
        </div>
        <div ref={equityRef} className="dash-canvas" style={{ height: 260 }} data-testid="chart-equity" />
      </div>
      <div className="dash-chart">
        <div className="dash-legend" data-testid="legend-regime" data-step={step ?? ''}>
          <b>regime</b> <span className="mono">t {legendStep}</span> ·{' '}
          <span className="regime-chip" style={{ background: regimeColour(regimeCode ?? 0) }}>
            {regimeCode === undefined ? '—' : (series.regimeNames[regimeCode] ?? regimeCode)}
          </span>{' '}
          · action <span className="mono">{actionCode === undefined ? '—' : (series.actionNames[actionCode] ?? actionCode)}</span>
          <span className="dash-keys">
            {series.regimeNames.map((name, i) => (
              <span key={name}>
                <i style={{ background: regimeColour(i) }} /> {name}
              </span>
            ))}
          </span>
        </div>
        <div ref={regimeRef} className="dash-canvas" style={{ height: 44 }} data-testid="chart-regime" />
      </div>
      <div className="dash-chart">
        <div className="dash-legend" data-testid="legend-cost" data-step={step ?? ''}>
          <b>cumulative cost</b> <span className="mono">t {legendStep}</span> · total <span className="mono">{fmt(col('cumulativeCost'))}</span>
          {series.costComponents.map((c, i) => (
            <span key={c}>
              {' '}
              · <i className="swatch" style={{ background: seriesColour(i + 1) }} /> {c} <span className="mono">{fmt(col(costColumn(c)))}</span>
            </span>
          ))}
        </div>
        <div ref={costRef} className="dash-canvas" style={{ height: 150 }} data-testid="chart-cost" />
      </div>
      <div className="dash-chart">
        <div className="dash-legend" data-testid="legend-leverage" data-step={step ?? ''}>
          <b>leverage</b> <span className="mono">t {legendStep}</span> · <span className="mono">{fmt(col('leverage'))}</span> · cap{' '}
          <span className="mono">{cap === null ? 'none (no leverage rule)' : fmt(cap)}</span>
        </div>
        <div ref={leverageRef} className="dash-canvas" style={{ height: 140 }} data-testid="chart-leverage" />
      </div>
    </div>
  )
}
