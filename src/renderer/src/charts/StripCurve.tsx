import { useState } from 'react'
import { formatValue, paddedExtent } from './colour-scale'

export interface StripCurveProps {
  /** One value per point of the strip. */
  values: ArrayLike<number>
  labels: readonly string[]
  axis: { name: string; unit: string }
  unit: string
  /** Fixed y range (the whole run's), so the curve's deformation shows; else the strip's own. */
  domain?: readonly [number, number]
  width?: number
  height?: number
  colour?: string
  testId?: string
  /** Quantities per point of the strip shown with it in the tooltip (bond price, DV01 … per tenor), one value per point each. */
  companions?: ReadonlyArray<StripCompanion>
}

export interface StripCompanion {
  name: string
  unit: string
  values: ArrayLike<number>
}

const PAD = { left: 64, right: 10, top: 8, bottom: 30 }

/** A 1-D strip (term structure, horizon curve, one coordinate of a trajectory) as a curve with labelled axes and hover values. */
export function StripCurve({ values, labels, axis, unit, domain, width = 520, height = 200, colour = 'var(--accent)', testId = 'strip-curve', companions = [] }: StripCurveProps) {
  const [hover, setHover] = useState<number | null>(null)
  const n = values.length
  const [lo, hi] = domain && domain[1] > domain[0] ? domain : paddedExtent(values)
  const plotW = width - PAD.left - PAD.right
  const plotH = height - PAD.top - PAD.bottom
  const x = (i: number): number => PAD.left + (n > 1 ? (i / (n - 1)) * plotW : plotW / 2)
  const y = (v: number): number => PAD.top + (1 - (v - lo) / (hi - lo)) * plotH
  let path = ''
  for (let i = 0; i < n; i++) {
    const v = values[i]!
    if (!Number.isFinite(v)) continue
    path += `${path === '' || !Number.isFinite(values[i - 1] ?? Number.NaN) ? 'M' : 'L'}${x(i).toFixed(1)},${y(v).toFixed(1)}`
  }
  const ticks = [lo, (lo + hi) / 2, hi]
  const labelEvery = Math.max(1, Math.ceil(n / 8))
  const onMove = (event: React.MouseEvent<SVGSVGElement>): void => {
    const rect = event.currentTarget.getBoundingClientRect()
    const i = Math.round(((event.clientX - rect.left - PAD.left) / plotW) * (n - 1))
    setHover(i >= 0 && i < n ? i : null)
  }
  const span = Math.max(Math.abs(lo), Math.abs(hi))
  return (
    <div className="strip-curve" style={{ position: 'relative' }}>
      <svg width={width} height={height} onMouseMove={onMove} onMouseLeave={() => setHover(null)} data-testid={testId} role="img" aria-label={`${axis.name} curve`}>
        {ticks.map((v) => (
          <g key={v}>
            <line x1={PAD.left} x2={width - PAD.right} y1={y(v)} y2={y(v)} stroke="var(--grid)" />
            <text x={PAD.left - 6} y={y(v)} textAnchor="end" dominantBaseline="middle" className="svg-tick">
              {formatValue(v, span)}
            </text>
          </g>
        ))}
        {Array.from({ length: n }, (_, i) => i)
          .filter((i) => i % labelEvery === 0 || i === n - 1)
          .map((i) => (
            <text key={i} x={x(i)} y={height - PAD.bottom + 12} textAnchor="middle" className="svg-tick">
              {labels[i]}
            </text>
          ))}
        <text x={PAD.left + plotW / 2} y={height - 4} textAnchor="middle" className="svg-tick">
          {axis.unit ? `${axis.name} (${axis.unit})` : axis.name}
        </text>
        <path d={path} fill="none" stroke={colour} strokeWidth={1.5} />
        {n <= 30 &&
          Array.from({ length: n }, (_, i) => i)
            .filter((i) => Number.isFinite(values[i]!))
            .map((i) => <circle key={i} cx={x(i)} cy={y(values[i]!)} r={2.5} fill={colour} />)}
        {hover !== null && <line x1={x(hover)} x2={x(hover)} y1={PAD.top} y2={PAD.top + plotH} stroke="var(--muted)" strokeDasharray="3 3" />}
      </svg>
      {hover !== null && (
        <div
          className="chart-tooltip"
          style={{ left: Math.min(x(hover) + 10, width - (companions.length > 0 ? 240 : 120)), top: PAD.top }}
          data-testid={`${testId}-tooltip`}
          data-index={hover}
          data-value={String(values[hover])}
        >
          {axis.name} {labels[hover]}: <b>{formatValue(values[hover]!, span)}</b> {unit}
          {companions.map((c) => (
            <div key={c.name} className="tooltip-companion" data-companion={c.name} data-value={String(c.values[hover])}>
              {c.name}: <b>{formatValue(c.values[hover]!)}</b> <span className="muted">{c.unit}</span>
            </div>
          ))}
        </div>
      )}
    </div>
  )
}

/** A summary feature over the run with a cursor at the scrubbed step. */
export function Sparkline({ t, values, cursor, width = 220, height = 28 }: { t: ArrayLike<number>; values: ArrayLike<number>; cursor: number; width?: number; height?: number }) {
  const n = values.length
  const [lo, hi] = paddedExtent(values)
  const t0 = t[0] ?? 0
  const t1 = t[n - 1] ?? 1
  const x = (s: number): number => (t1 > t0 ? ((s - t0) / (t1 - t0)) * (width - 2) + 1 : width / 2)
  const y = (v: number): number => 2 + (1 - (v - lo) / (hi - lo)) * (height - 4)
  let path = ''
  for (let i = 0; i < n; i++) if (Number.isFinite(values[i]!)) path += `${path ? 'L' : 'M'}${x(t[i]!).toFixed(1)},${y(values[i]!).toFixed(1)}`
  return (
    // drawn in a width × height box and stretched to its cell, so it uses the table's spare width
    <svg width="100%" height={height} viewBox={`0 0 ${width} ${height}`} preserveAspectRatio="none" className="sparkline">
      <path d={path} fill="none" stroke="var(--accent)" strokeWidth={1} vectorEffect="non-scaling-stroke" />
      <line x1={x(cursor)} x2={x(cursor)} y1={0} y2={height} stroke="var(--warn)" vectorEffect="non-scaling-stroke" />
    </svg>
  )
}
