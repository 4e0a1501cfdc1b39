import { useMemo } from 'react'
import { formatValue } from '../../charts/colour-scale'
import { regimeColour } from '../../charts/theme'
import { linearScale, paddedDomain, seriesPath, spansOf } from './terrain-model'

// A compact chart over the run's bars: a few lines, their thresholds, marked spans (the
// trailhead's "log, don't fire" and "fire" bars), the true regime as a ribbon, and the
// scrubbed bar. A click moves the scrubber.

export interface TimeLine {
  name: string
  values: ArrayLike<number>
  colour: string
  /** A horizontal rule in the line's colour (a trigger). */
  threshold?: number
}

export interface TimeMarks {
  name: string
  code: number
  colour: string
}

const FRAME = { left: 44, right: 8, top: 6, bottom: 16 }
const BARE = { left: 2, right: 2, top: 3, bottom: 8 }
const LANE = 7

export function TimeChart({ lines, t, regime, marks = [], codes, width, height, onSeek, testId, fixed, bare = false }: { lines: readonly TimeLine[]; t: number; regime: ArrayLike<number>; marks?: readonly TimeMarks[]; codes?: ArrayLike<number>; width: number; height: number; onSeek(t: number): void; testId: string; fixed?: readonly [number, number]; bare?: boolean }) {
  const bars = regime.length
  // Marks sit in lanes above the plot, one per kind, so hundreds of marked bars never wash over the lines.
  const lanes = codes ? marks.length : 0
  const PAD = bare ? BARE : { ...FRAME, top: FRAME.top + lanes * LANE }
  const x = linearScale([0, Math.max(1, bars - 1)], [PAD.left, width - PAD.right])
  const domain = useMemo(() => fixed ?? paddedDomain(lines.map((l) => l.values), 0, bars, 0.06, lines.flatMap((l) => (l.threshold === undefined ? [] : [l.threshold]))), [fixed, lines, bars])
  const y = linearScale(domain, [height - PAD.bottom, PAD.top])
  const regimeSpans = useMemo(() => [0, 1, 2, 3].flatMap((code) => spansOf(regime, code).map((s) => ({ code, s }))), [regime])
  const markSpans = useMemo(() => (codes ? marks.map((m) => ({ m, spans: spansOf(codes, m.code) })) : []), [codes, marks])
  const laneLabels = bare
    ? null
    : markSpans.map(({ m }, k) => (
        <text key={`lane${k}`} x={PAD.left - 4} y={FRAME.top + 2 + k * LANE} textAnchor="end" className="terrain-axis terrain-lane">
          {m.name}
        </text>
      ))
  const paths = useMemo(() => lines.map((l) => seriesPath(l.values, x, y)), [lines, x, y])
  const top = height - PAD.bottom
  const seek = (event: React.MouseEvent<SVGSVGElement>): void => {
    const rect = event.currentTarget.getBoundingClientRect()
    const s = Math.round(((event.clientX - rect.left - PAD.left) / (width - PAD.left - PAD.right)) * (bars - 1))
    if (s >= 0 && s < bars) onSeek(s)
  }
  const [lo, hi] = y.domain
  return (
    <svg width={width} height={height} className="terrain-time" onClick={seek} data-testid={testId} role="img" aria-label={lines.map((l) => l.name).join(', ')}>
      {regimeSpans.map(({ code, s }) => (
        <rect key={`${code}-${s[0]}`} x={x(s[0]) - 0.5} width={Math.max(1, x(s[1]) - x(s[0]) + 1)} y={top + 2} height={4} fill={regimeColour(code)} opacity={0.85} />
      ))}
      {markSpans.map(({ m, spans }) =>
        spans.map((s) => <rect key={`${m.code}-${s[0]}`} x={x(s[0]) - 0.5} width={Math.max(1.2, x(s[1]) - x(s[0]) + 1)} y={FRAME.top - 2 + marks.indexOf(m) * LANE} height={LANE - 2} fill={m.colour} opacity={0.9} />)
      )}
      {laneLabels}
      <line x1={PAD.left} x2={width - PAD.right} y1={top} y2={top} stroke="var(--border)" />
      {!bare && (
        <>
          <text x={PAD.left - 4} y={PAD.top + 4} textAnchor="end" className="terrain-axis">
            {formatValue(hi, Math.max(Math.abs(lo), Math.abs(hi)))}
          </text>
          <text x={PAD.left - 4} y={top - 2} textAnchor="end" className="terrain-axis">
            {formatValue(lo, Math.max(Math.abs(lo), Math.abs(hi)))}
          </text>
        </>
      )}
      {lines.map((l, k) =>
        l.threshold === undefined ? null : <line key={`th${k}`} x1={PAD.left} x2={width - PAD.right} y1={y(l.threshold)} y2={y(l.threshold)} stroke={l.colour} strokeDasharray="4 3" strokeOpacity={0.8} />
      )}
      {paths.map((d, k) => (
        <path key={k} d={d} fill="none" stroke={lines[k]!.colour} strokeWidth={1.1} strokeOpacity={0.9} strokeLinejoin="round" />
      ))}
      <line x1={x(t)} x2={x(t)} y1={PAD.top} y2={top + 6} stroke="var(--text)" strokeWidth={1} strokeOpacity={0.8} />
    </svg>
  )
}
