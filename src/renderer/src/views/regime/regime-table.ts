import { intervalsOverlap, type RegimeCompareRow, type RegimeComparison } from '../../../../shared/contract'

/** The comparison table's columns, and which direction is better for each. */
export const COMPARE_COLUMNS: ReadonlyArray<{ key: keyof RegimeCompareRow & string; label: string; better: 'higher' | 'lower'; percent?: boolean; interval?: 'ttd_from_calm_ci' }> = [
  { key: 'accuracy', label: 'accuracy', better: 'higher', percent: true },
  { key: 'f1_stress', label: 'F1 (stress)', better: 'higher' },
  // the fair judge: switches met while calm only, with its seed-bootstrap interval
  { key: 'ttd_from_calm', label: 'time to detect from calm (bars, 95 % CI)', better: 'lower', interval: 'ttd_from_calm_ci' },
  // the legacy judge counts a switch already flagged as 0 bars: it rewards staying in stress
  { key: 'mean_time_to_detection', label: 'TTD all detected (legacy)', better: 'lower' },
  { key: 'false_alarms_per_1000_stable_bars', label: 'false alarms /1000', better: 'lower' },
  { key: 'downside_capture', label: 'downside capture', better: 'lower' },
  { key: 'sortino', label: 'Sortino', better: 'higher' },
  { key: 'sharpe', label: 'Sharpe', better: 'higher' },
  { key: 'max_drawdown', label: 'max drawdown', better: 'lower', percent: true },
  { key: 'total_return', label: 'total return', better: 'higher', percent: true },
  // other labs' series only (the long/flat rule)
  { key: 'paranoia_cost_10', label: 'paranoia (10 bars)', better: 'lower', percent: true },
  { key: 'brier', label: 'Brier', better: 'lower' },
  { key: 'ood_share', label: 'OOD stood aside', better: 'lower', percent: true }
]

/** The columns some row of this comparison fills (the model's home lab has Sortino; other labs the calibration columns). */
export function shownColumns(rows: readonly RegimeCompareRow[]): typeof COMPARE_COLUMNS {
  return COMPARE_COLUMNS.filter((c) => rows.some((r) => typeof r[c.key] === 'number'))
}

/** For each column, the classifier with the best value (ties: the first); null when none is defined. */
export function bestByColumn(rows: readonly RegimeCompareRow[]): Record<string, string | null> {
  const best: Record<string, string | null> = {}
  for (const column of COMPARE_COLUMNS) {
    let winner: RegimeCompareRow | null = null
    for (const row of rows) {
      const value = row[column.key]
      if (typeof value !== 'number' || !Number.isFinite(value)) continue
      const current = winner?.[column.key] as number | undefined
      if (current === undefined || (column.better === 'higher' ? value > current : value < current)) winner = row
    }
    best[column.key] = winner?.classifier ?? null
  }
  return best
}

/**
 * The classifiers whose fair delay the seed bootstrap cannot tell from the best one's (their
 * 95 % intervals overlap), the best excluded.
 */
export function tiedWithFastest(rows: readonly RegimeCompareRow[], fastest: string | null): Set<string> {
  const best = rows.find((r) => r.classifier === fastest)?.ttd_from_calm_ci
  return new Set(rows.filter((r) => r.classifier !== fastest && intervalsOverlap(r.ttd_from_calm_ci, best)).map((r) => r.classifier))
}

/** The paired verdict on a baseline's row, with the interval of (SSM − it) in bars; a dash on the SSM's own row or a stored comparison without it. */
export function detectsFirstLabel(row: RegimeCompareRow): string {
  if (!row.ssm_detects_first) return '—'
  const verdict = row.ssm_detects_first === 'not_distinguishable' ? 'not distinguishable' : row.ssm_detects_first
  const ci = row.ssm_minus_ttd_ci
  return ci ? `${verdict} [${ci[0].toFixed(1)}, ${ci[1].toFixed(1)}]` : verdict
}

/** Contiguous runs of the same filtered regime, for drawing the regime band under P(stable). */
export function regimeSegments(filtered: readonly number[], firstBar: number): Array<{ from: number; to: number; regime: number }> {
  const out: Array<{ from: number; to: number; regime: number }> = []
  for (let i = 0; i < filtered.length; i++) {
    const regime = filtered[i]!
    const last = out[out.length - 1]
    if (last && last.regime === regime && last.to === firstBar + i - 1) last.to = firstBar + i
    else out.push({ from: firstBar + i, to: firstBar + i, regime })
  }
  return out
}

/** Whether a row's cell meets the seed's sign-off target (spec §5.7); null for a column without one or an undefined value. */
export function meetsSignOff(row: RegimeCompareRow, key: string, signOff: RegimeComparison['signOff']): boolean | null {
  if (!signOff) return null
  const value = row[key as keyof RegimeCompareRow]
  if (typeof value !== 'number' || !Number.isFinite(value)) return null
  if (key === 'downside_capture') return value < signOff.downsideCaptureBelow
  if (key === 'sharpe') return value > signOff.sharpeAbove
  return null
}
