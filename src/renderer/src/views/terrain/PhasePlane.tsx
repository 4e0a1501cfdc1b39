import { useMemo } from 'react'
import type { TerrainSeries } from '../../../../shared/contract'
import { formatValue } from '../../charts/colour-scale'
import { regimeColour } from '../../charts/theme'
import { ellipsePoints, linearScale, paddedDomain, spansOf } from './terrain-model'

// The [risk, momentum] phase plane: the Kalman state's path up to the scrubbed bar coloured by
// the true regime, the one-step forecast with its 95 % ellipse, and the risk_off boundary of
// the bar (forecast risk above it reads risk_off) splitting the plane.

const PAD = { left: 40, right: 12, top: 10, bottom: 30 }
/** Bars of the path drawn bright before the bar (the rest fades). */
const RECENT = 63

function ticks([lo, hi]: readonly [number, number]): number[] {
  const span = hi - lo
  const step = span > 12 ? 4 : span > 6 ? 2 : span > 2.5 ? 1 : 0.5
  const out: number[] = []
  for (let v = Math.ceil(lo / step) * step; v <= hi; v += step) out.push(Number(v.toFixed(6)))
  return out
}

/** `regimeLabel` says what colours the path: the true regime of a run, or a grouping method's regimes on a file. */
export function PhasePlane({ series, t, width = 460, height = 380, regimeLabel = 'true regime' }: { series: TerrainSeries; t: number; width?: number; height?: number; regimeLabel?: string }) {
  const c = series.columns
  const from = series.stateFrom
  const domains = useMemo(() => {
    const riskReach: number[] = []
    const momentumReach: number[] = []
    for (let s = from; s < series.bars; s++) {
      const a = c.ellipseMajor[s]!
      if (!Number.isFinite(a)) continue
      riskReach.push(c.forecastRisk[s]! + a, c.forecastRisk[s]! - a)
      momentumReach.push(c.forecastMomentum[s]! + a, c.forecastMomentum[s]! - a)
    }
    return {
      x: paddedDomain([c.stateRisk, c.forecastRisk, c.riskOffBoundary], from, series.bars, 0.04, riskReach.length ? [Math.min(...riskReach), Math.max(...riskReach)] : []),
      y: paddedDomain([c.stateMomentum, c.forecastMomentum], from, series.bars, 0.04, momentumReach.length ? [Math.min(...momentumReach), Math.max(...momentumReach)] : [])
    }
  }, [c, from, series.bars])
  const x = linearScale(domains.x, [PAD.left, width - PAD.right])
  const y = linearScale(domains.y, [height - PAD.bottom, PAD.top])

  // The path up to t, one polyline per run of one true regime (joined to the bar before).
  const segments = useMemo(() => {
    if (t < from) return []
    const regime = c.regime.subarray(from, t + 1)
    const out: Array<{ regime: number; points: string; recent: boolean }> = []
    for (const code of [0, 1]) {
      for (const [a, b] of spansOf(regime, code)) {
        const start = Math.max(from, from + a - 1)
        const end = from + b
        let old = ''
        let recent = ''
        for (let s = start; s <= end; s++) {
          const p = `${x(c.stateRisk[s]!).toFixed(1)},${y(c.stateMomentum[s]!).toFixed(1)} `
          if (s >= t - RECENT) recent += p
          if (s <= t - RECENT + 1) old += p
        }
        if (old) out.push({ regime: code, points: old, recent: false })
        if (recent) out.push({ regime: code, points: recent, recent: true })
      }
    }
    return out
  }, [c, from, t, x, y])

  const read = t >= from && Number.isFinite(c.forecastRisk[t]!)
  const ellipse = read ? ellipsePoints(c.forecastRisk[t]!, c.forecastMomentum[t]!, c.ellipseMajor[t]!, c.ellipseMinor[t]!, c.ellipseAngle[t]!).map(([u, v]) => `${x(u).toFixed(1)},${y(v).toFixed(1)}`).join(' ') : ''
  const boundary = c.riskOffBoundary[t]!
  // A file has no walk-forward boundary (no strategy was fitted on it): no split of the plane.
  const hasBoundary = Number.isFinite(boundary)
  const bx = hasBoundary ? Math.min(Math.max(x(boundary), PAD.left), width - PAD.right) : 0
  const names = series.regimeNames
  return (
    <div className="terrain-phase" data-testid="terrain-phase">
      <svg width={width} height={height} role="img" aria-label="Risk–momentum phase plane">
        {hasBoundary && (
          <>
            <rect x={PAD.left} y={PAD.top} width={bx - PAD.left} height={height - PAD.top - PAD.bottom} fill={regimeColour(0)} opacity={0.07} />
            <rect x={bx} y={PAD.top} width={width - PAD.right - bx} height={height - PAD.top - PAD.bottom} fill={regimeColour(1)} opacity={0.09} />
          </>
        )}
        {ticks(x.domain).map((v) => (
          <g key={`x${v}`}>
            <line x1={x(v)} x2={x(v)} y1={PAD.top} y2={height - PAD.bottom} stroke="var(--grid)" />
            <text x={x(v)} y={height - PAD.bottom + 12} textAnchor="middle" className="terrain-axis">
              {v}
            </text>
          </g>
        ))}
        {ticks(y.domain).map((v) => (
          <g key={`y${v}`}>
            <line x1={PAD.left} x2={width - PAD.right} y1={y(v)} y2={y(v)} stroke="var(--grid)" />
            <text x={PAD.left - 5} y={y(v)} textAnchor="end" dominantBaseline="middle" className="terrain-axis">
              {v}
            </text>
          </g>
        ))}
        {hasBoundary && (
          <>
            <line x1={bx} x2={bx} y1={PAD.top} y2={height - PAD.bottom} stroke={regimeColour(1)} strokeWidth={1.5} strokeDasharray="6 3" data-testid="terrain-boundary" data-value={String(boundary)} />
            <text x={bx + 4} y={PAD.top + 10} className="terrain-axis terrain-region">
              {names[1]} →
            </text>
            <text x={bx - 4} y={PAD.top + 10} textAnchor="end" className="terrain-axis terrain-region">
              ← {names[0]}
            </text>
          </>
        )}
        {segments.map((s, k) => (
          <polyline key={k} points={s.points} fill="none" stroke={regimeColour(s.regime)} strokeWidth={s.recent ? 1.6 : 1} strokeOpacity={s.recent ? 0.95 : 0.3} strokeLinejoin="round" />
        ))}
        {read && (
          <>
            <polygon points={ellipse} fill="var(--accent)" fillOpacity={0.12} stroke="var(--accent)" strokeWidth={1.2} data-testid="terrain-ellipse" />
            <line x1={x(c.stateRisk[t]!)} y1={y(c.stateMomentum[t]!)} x2={x(c.forecastRisk[t]!)} y2={y(c.forecastMomentum[t]!)} stroke="var(--accent)" strokeWidth={1.2} />
            <circle cx={x(c.stateRisk[t]!)} cy={y(c.stateMomentum[t]!)} r={4.5} fill={regimeColour(c.regime[t]!)} stroke="var(--text)" strokeWidth={1.2} />
            <path d={`M${x(c.forecastRisk[t]!)},${y(c.forecastMomentum[t]!) - 5}l5,5l-5,5l-5,-5z`} fill="var(--accent)" stroke="var(--bg)" />
          </>
        )}
        <text x={(PAD.left + width - PAD.right) / 2} y={height - 3} textAnchor="middle" className="terrain-axis">
          risk (z) →
        </text>
        <text transform={`translate(10 ${(PAD.top + height - PAD.bottom) / 2}) rotate(-90)`} textAnchor="middle" className="terrain-axis">
          momentum (z) →
        </text>
      </svg>
      <div className="colour-legend">
        <span className="terrain-swatch" style={{ background: regimeColour(0) }} /> {names[0]}
        <span className="terrain-swatch" style={{ background: regimeColour(1) }} /> {names[1]} ({regimeLabel})
        <span>● state M_t|t · ◆ forecast M_t+1|t · 95 % ellipse{hasBoundary ? ` · dashed: risk_off boundary ${formatValue(boundary, 1)}σ` : ' · no risk_off boundary (no strategy is fitted on a file)'}</span>
      </div>
      {!read && <p className="muted terrain-note">The state is read from bar {series.stateFrom} (the vol and momentum horizons fill).</p>}
    </div>
  )
}
