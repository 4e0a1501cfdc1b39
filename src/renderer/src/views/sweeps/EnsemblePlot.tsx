import { useState } from 'react'
import type { MetricStats, SweepCell } from '../../../../shared/contract'
import { formatValue } from '../log/log-format'

const WIDTH = 720
const HEIGHT = 220
const PAD = { left: 40, right: 16, top: 14, bottom: 46 }
const BINS = 20

/**
 * A seed ensemble's distribution of one metric: a histogram of the cells, every cell as a dot
 * of the strip below it (click opens its run), and the mean, median and 5/25/75/95% quantiles
 * that main computed.
 */
export function EnsemblePlot({ cells, metric, stats, onOpen }: { cells: SweepCell[]; metric: string; stats: MetricStats | undefined; onOpen(cell: SweepCell): void }) {
  const [hover, setHover] = useState<SweepCell | null>(null)
  const points = cells.flatMap((c) => {
    const v = c.metrics?.[metric]
    return typeof v === 'number' && Number.isFinite(v) ? [{ cell: c, value: v }] : []
  })
  if (!stats || points.length === 0) return <p className="muted">No completed cell reports {metric} yet.</p>
  const span = stats.max - stats.min || Math.abs(stats.max) || 1
  const lo = stats.max === stats.min ? stats.min - span / 2 : stats.min
  const hi = stats.max === stats.min ? stats.max + span / 2 : stats.max
  const plotW = WIDTH - PAD.left - PAD.right
  const x = (v: number): number => PAD.left + ((v - lo) / (hi - lo)) * plotW
  const counts = new Array<number>(BINS).fill(0)
  for (const p of points) counts[Math.min(BINS - 1, Math.floor(((p.value - lo) / (hi - lo)) * BINS))]!++
  const tallest = Math.max(...counts)
  const histH = HEIGHT - PAD.top - PAD.bottom - 26
  const stripY = HEIGHT - PAD.bottom - 10
  const marks: Array<[string, number, string]> = [
    ['q05', stats.q05, 'var(--muted)'],
    ['q25', stats.q25, 'var(--muted)'],
    ['median', stats.median, 'var(--accent)'],
    ['mean', stats.mean, 'var(--warn)'],
    ['q75', stats.q75, 'var(--muted)'],
    ['q95', stats.q95, 'var(--muted)']
  ]
  return (
    <div className="ensemble">
      <svg width={WIDTH} height={HEIGHT} role="img" aria-label={`${metric} over ${points.length} seeds`} data-testid="ensemble-plot">
        {counts.map((n, b) => {
          const h = tallest ? (n / tallest) * histH : 0
          return <rect key={b} x={PAD.left + (b / BINS) * plotW + 1} y={PAD.top + histH - h} width={plotW / BINS - 2} height={h} className="hist-bar" />
        })}
        <rect x={x(stats.q25)} y={stripY - 7} width={Math.max(1, x(stats.q75) - x(stats.q25))} height={14} className="iqr" />
        {marks.map(([name, v, colour]) => (
          <g key={name}>
            <line x1={x(v)} x2={x(v)} y1={PAD.top} y2={stripY + 10} stroke={colour} strokeDasharray={name.startsWith('q') ? '3 3' : undefined} />
            {(name === 'mean' || name === 'median') && (
              <text x={x(v) + 3} y={PAD.top + (name === 'mean' ? 10 : 22)} fill={colour} className="mark-label">
                {name} {formatValue(v)}
              </text>
            )}
          </g>
        ))}
        {points.map((p, i) => (
          <circle
            key={p.cell.index}
            cx={x(p.value)}
            cy={stripY + ((i % 5) - 2) * 2}
            r={3.5}
            className={`dot${hover === p.cell ? ' hover' : ''}`}
            onMouseEnter={() => setHover(p.cell)}
            onMouseLeave={() => setHover(null)}
            onClick={() => onOpen(p.cell)}
            data-run-id={p.cell.runId ?? undefined}
          />
        ))}
        <line x1={PAD.left} x2={WIDTH - PAD.right} y1={HEIGHT - PAD.bottom + 6} y2={HEIGHT - PAD.bottom + 6} className="axis" />
        <text x={PAD.left} y={HEIGHT - PAD.bottom + 22} className="tick">
          {formatValue(lo)}
        </text>
        <text x={WIDTH - PAD.right} y={HEIGHT - PAD.bottom + 22} className="tick" textAnchor="end">
          {formatValue(hi)}
        </text>
        <text x={(PAD.left + WIDTH - PAD.right) / 2} y={HEIGHT - 8} className="tick" textAnchor="middle">
          {metric}
        </text>
      </svg>
      <dl className="ensemble-stats mono" data-testid="ensemble-stats">
        {(['n', 'mean', 'stdev', 'min', 'q05', 'q25', 'median', 'q75', 'q95', 'max'] as const).map((k) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd>{stats[k] === null ? '—' : k === 'n' ? stats.n : formatValue(stats[k])}</dd>
          </div>
        ))}
      </dl>
      <div className="heat-hover mono">{hover ? `${hover.label} · ${metric} ${formatValue(hover.metrics![metric]!)} · run #${hover.runId}` : 'hover a dot for its seed; click to open its run'}</div>
    </div>
  )
}
