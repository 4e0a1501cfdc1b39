import { useState } from 'react'
import type { MetricStats, SweepCell, SweepSummary } from '../../../../shared/contract'
import { formatValue } from '../log/log-format'
import { LEGEND_GRADIENT, normalise, scaleColour, textOn } from './colour-scale'

const label = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v))

/**
 * A 1-D or 2-D grid sweep as a heatmap of one metric: rows are the first axis, columns the
 * second (a 1-D grid is one row). Hover tells the cell's value and run; a click opens the run.
 */
export function SweepHeatmap({ sweep, cells, metric, stats, onOpen }: { sweep: Pick<SweepSummary, 'axes'>; cells: SweepCell[]; metric: string; stats: MetricStats | undefined; onOpen(cell: SweepCell): void }) {
  const [hover, setHover] = useState<SweepCell | null>(null)
  const rowAxis = sweep.axes.length === 2 ? sweep.axes[0]! : null
  const colAxis = sweep.axes.length === 2 ? sweep.axes[1]! : sweep.axes[0]!
  const rows = rowAxis ? rowAxis.values.length : 1
  const at = new Map(cells.map((c) => [`${rowAxis ? c.coords[0] : 0}:${rowAxis ? c.coords[1] : c.coords[0]}`, c]))
  const min = stats?.min ?? 0
  const max = stats?.max ?? 0
  const valueOf = (c: SweepCell | undefined): number | null => {
    const v = c?.metrics?.[metric]
    return typeof v === 'number' && Number.isFinite(v) ? v : null
  }
  return (
    <div className="heatmap-wrap">
      <div className="heatmap" style={{ gridTemplateColumns: `max-content repeat(${colAxis.values.length}, minmax(64px, 1fr))` }} data-testid="sweep-heatmap">
        <span className="axis-corner mono">{rowAxis ? `${rowAxis.path} ↓  ${colAxis.path} →` : `${colAxis.path} →`}</span>
        {colAxis.values.map((v, j) => (
          <span key={`c${j}`} className="axis-label col mono">
            {label(v)}
          </span>
        ))}
        {Array.from({ length: rows }, (_, i) => [
          <span key={`r${i}`} className="axis-label row mono">
            {rowAxis ? label(rowAxis.values[i]) : metric}
          </span>,
          ...colAxis.values.map((_, j) => {
            const cell = at.get(`${i}:${j}`)
            const value = valueOf(cell)
            const u = value === null ? 0 : normalise(value, min, max)
            const state = cell?.status ?? 'pending'
            return (
              <button
                key={`${i}:${j}`}
                type="button"
                className={`heat-cell status-${state}${value === null ? ' empty' : ''}`}
                style={value === null ? undefined : { background: scaleColour(u), color: textOn(u) }}
                data-cell={cell?.index}
                data-run-id={cell?.runId ?? undefined}
                disabled={!cell?.runId}
                onMouseEnter={() => setHover(cell ?? null)}
                onMouseLeave={() => setHover(null)}
                onFocus={() => setHover(cell ?? null)}
                onClick={() => cell && onOpen(cell)}
                aria-label={`${cell?.label ?? ''}: ${value === null ? state : formatValue(value)}`}
              >
                {value === null ? (state === 'completed' ? '—' : state) : formatValue(value)}
              </button>
            )
          })
        ])}
      </div>
      <div className="heat-legend">
        <span className="mono">{stats ? formatValue(min) : '—'}</span>
        <span className="legend-bar" style={{ background: LEGEND_GRADIENT }} />
        <span className="mono">{stats ? formatValue(max) : '—'}</span>
        <span className="muted">{metric}</span>
      </div>
      <div className="heat-hover mono" data-testid="heat-hover">
        {hover
          ? `${hover.label} · ${metric} ${valueOf(hover) === null ? '—' : formatValue(valueOf(hover)!)} · ${hover.runId ? `run #${hover.runId}` : 'not started'} · ${hover.status}${hover.error ? ` · ${hover.error}` : ''}`
          : 'hover a cell for its value; click to open its run'}
      </div>
    </div>
  )
}
