import { useState } from 'react'
import type { RegimeCompareRow } from '../../../../shared/contract'
import { seriesColour } from '../../charts/theme'
import { formatInteger } from '../../format/numbers'
import { expectedCalibrationError, reliabilityCurves } from './reliability'

// Calibration of each classifier's P(stress) on the compared seeds (issue 20 item 3): a
// reliability diagram (mean predicted vs observed share of stress per bin, the diagonal is
// perfect calibration, dot area ∝ bars) and the chosen classifier's bins as numbers.

const SIZE = 250
const PAD = { left: 52, right: 10, top: 10, bottom: 32 }
const TICKS = [0, 0.25, 0.5, 0.75, 1]
/** Legend labels, short enough for one row of buttons. */
const SHORT: Record<string, string> = { ssm: 'SSM', rv_threshold: 'rv threshold', hmm: 'HMM', bocpd: 'BOCPD', markov_switching: 'Markov-switching' }

export function ReliabilityPanel({ rows, names }: { rows: readonly RegimeCompareRow[]; names: Record<string, string> }) {
  const curves = reliabilityCurves(rows)
  const [chosen, setChosen] = useState<string>('ssm')
  if (curves.length === 0) return null
  const shown = rows.find((r) => r.classifier === chosen && r.reliability) ?? rows.find((r) => r.reliability)!
  const plot = SIZE - PAD.left - PAD.right
  const px = (p: number): number => PAD.left + p * plot
  const py = (p: number): number => PAD.top + (1 - p) * plot
  const maxCount = Math.max(1, ...curves.flatMap((c) => c.points.map((p) => p.count)))
  const ece = expectedCalibrationError(shown.reliability)
  const scored = (shown.reliability ?? []).reduce((a, b) => a + b.count, 0)
  return (
    <div className="reliability" aria-label="Calibration">
      <svg width={SIZE} height={SIZE} role="img" aria-label="Reliability diagram" data-testid="reliability-diagram">
        {TICKS.map((t) => (
          <g key={t}>
            <line x1={px(0)} x2={px(1)} y1={py(t)} y2={py(t)} stroke="var(--grid)" />
            <line x1={px(t)} x2={px(t)} y1={py(0)} y2={py(1)} stroke="var(--grid)" />
            <text x={PAD.left - 4} y={py(t)} textAnchor="end" dominantBaseline="middle" className="svg-tick">
              {t}
            </text>
            <text x={px(t)} y={py(0) + 12} textAnchor="middle" className="svg-tick">
              {t}
            </text>
          </g>
        ))}
        <line x1={px(0)} y1={py(0)} x2={px(1)} y2={py(1)} stroke="var(--muted)" strokeDasharray="4 3" data-testid="reliability-diagonal" />
        <text x={px(0.5)} y={SIZE - 4} textAnchor="middle" className="svg-tick">
          predicted P(stress)
        </text>
        <text transform={`translate(12 ${py(0.5)}) rotate(-90)`} textAnchor="middle" className="svg-tick">
          observed stress share
        </text>
        {curves.map((curve) => {
          const i = rows.findIndex((r) => r.classifier === curve.classifier)
          const colour = seriesColour(i)
          const active = curve.classifier === shown.classifier
          return (
            <g key={curve.classifier} data-classifier={curve.classifier} opacity={active ? 1 : 0.35}>
              <polyline fill="none" stroke={colour} strokeWidth={active ? 2 : 1} points={curve.points.map((p) => `${px(p.x).toFixed(1)},${py(p.y).toFixed(1)}`).join(' ')} />
              {curve.points.map((p) => (
                <circle key={p.x} cx={px(p.x)} cy={py(p.y)} r={1.5 + 4 * Math.sqrt(p.count / maxCount)} fill={colour}>
                  <title>{`${names[curve.classifier] ?? curve.classifier}: predicted ${p.x.toFixed(3)}, observed ${p.y.toFixed(3)}, ${formatInteger(p.count)} bars`}</title>
                </circle>
              ))}
            </g>
          )
        })}
      </svg>
      <div className="reliability-side">
        <div className="legend" role="radiogroup" aria-label="Reliability classifier">
          {curves.map((curve) => (
            <button key={curve.classifier} type="button" role="radio" aria-checked={curve.classifier === shown.classifier} className={curve.classifier === shown.classifier ? 'tab active' : 'tab'} onClick={() => setChosen(curve.classifier)}>
              <span className="swatch" style={{ background: seriesColour(rows.findIndex((r) => r.classifier === curve.classifier)) }} />
              {SHORT[curve.classifier] ?? curve.classifier}
            </button>
          ))}
        </div>
        <div className="muted mono reliability-summary" data-testid="reliability-summary">
          {names[shown.classifier] ?? shown.classifier} · Brier {shown.brier?.toFixed(3) ?? '—'} · ECE {ece?.toFixed(3) ?? '—'} · {formatInteger(scored)} bars
        </div>
        <table className="compact" aria-label="Reliability bins">
          <thead>
            <tr>
              <th>P(stress) bin</th>
              <th className="num">bars</th>
              <th className="num">mean predicted</th>
              <th className="num">observed</th>
            </tr>
          </thead>
          <tbody>
            {(shown.reliability ?? []).map((bin) => (
              <tr key={bin.from}>
                <td className="mono">
                  {bin.from.toFixed(1)}–{bin.to.toFixed(1)}
                </td>
                <td className="num mono">{formatInteger(bin.count)}</td>
                <td className="num mono">{bin.mean_p_stress === null ? '—' : bin.mean_p_stress.toFixed(3)}</td>
                <td className="num mono">{bin.observed_stress === null ? '—' : bin.observed_stress.toFixed(3)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  )
}
