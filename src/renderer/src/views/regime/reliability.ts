import type { RegimeCompareRow, ReliabilityBin } from '../../../../shared/contract'

// The reliability diagram's geometry, apart from its drawing (as lightweight-charts keeps model
// from renderer): each classifier's non-empty bins as points in a unit square, x = mean
// predicted P(stress), y = observed share of stress, so a calibrated classifier lies on y = x.

export interface ReliabilityPoint {
  x: number
  y: number
  count: number
}

export interface ReliabilityCurve {
  classifier: string
  brier: number | null
  points: ReliabilityPoint[]
}

/** Non-empty bins of one row as points; an empty list when the row has no curve. */
export function curvePoints(bins: readonly ReliabilityBin[] | undefined): ReliabilityPoint[] {
  const points: ReliabilityPoint[] = []
  for (const bin of bins ?? []) {
    if (bin.count === 0 || bin.mean_p_stress === null || bin.observed_stress === null) continue
    points.push({ x: bin.mean_p_stress, y: bin.observed_stress, count: bin.count })
  }
  return points
}

/** The curves of a comparison's rows that carry one, in row order. */
export function reliabilityCurves(rows: readonly RegimeCompareRow[]): ReliabilityCurve[] {
  return rows.filter((r) => r.reliability && r.reliability.length > 0).map((r) => ({ classifier: r.classifier, brier: r.brier ?? null, points: curvePoints(r.reliability) }))
}

/**
 * Expected calibration error: the bars-weighted mean |observed − predicted| over the bins
 * (Naeini et al. 2015); null without a scored bar.
 */
export function expectedCalibrationError(bins: readonly ReliabilityBin[] | undefined): number | null {
  let total = 0
  let gap = 0
  for (const bin of bins ?? []) {
    if (bin.count === 0 || bin.mean_p_stress === null || bin.observed_stress === null) continue
    total += bin.count
    gap += bin.count * Math.abs(bin.observed_stress - bin.mean_p_stress)
  }
  return total === 0 ? null : gap / total
}
