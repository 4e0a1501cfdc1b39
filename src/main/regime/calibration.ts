// Calibration of a classifier's stress probability (issue 20 item 3): the Brier score and a
// reliability curve (Murphy & Winkler 1977; the binning of scikit-learn's calibration_curve
// with strategy="uniform"). A classifier is well calibrated when, among the bars it gives
// P(stress) ≈ p, a share ≈ p is truly stress: its curve lies on the diagonal.
// A bin holds predicted P(stress) in [from, to) (the last bin includes 1): how many bars, their
// mean prediction and the share truly stress (both null for an empty bin).

import type { ReliabilityBin } from '../../shared/contract/regime'

export interface Calibration {
  /** Mean of (P(stress) − label)² over every scored bar; null with none. */
  brier: number | null
  /** Scored bars (those with a prediction). */
  count: number
  bins: ReliabilityBin[]
}

export const RELIABILITY_BINS = 10

/** 1 − P(stable) may land a rounding error outside [0, 1] (1.0000000000000002 seen): clamped, not refused. */
const ROUNDING = 1e-9

/**
 * Pools (P(stress), label) pairs — across the bars of several series — into a Brier score and
 * a reliability curve. Bars without a prediction (NaN, e.g. before a baseline's first fit) are
 * skipped. Sums are plain doubles; the pools here (≤ 20 seeds × a few thousand bars) lose
 * nothing that matters at three decimals.
 */
export class CalibrationPool {
  private readonly n: Float64Array
  private readonly sumP: Float64Array
  private readonly sumY: Float64Array
  private squared = 0
  private total = 0

  constructor(readonly binCount = RELIABILITY_BINS) {
    if (!Number.isInteger(binCount) || binCount < 1) throw new RangeError(`binCount must be a whole number ≥ 1 (got ${binCount})`)
    this.n = new Float64Array(binCount)
    this.sumP = new Float64Array(binCount)
    this.sumY = new Float64Array(binCount)
  }

  /** One bar: P(stress) in [0, 1] and its true label (0 calm, 1 stress). */
  add(pStress: number, label: number): void {
    if (Number.isNaN(pStress)) return
    if (!(pStress >= -ROUNDING && pStress <= 1 + ROUNDING)) throw new RangeError(`P(stress) must lie in [0, 1] (got ${pStress})`)
    pStress = Math.min(1, Math.max(0, pStress))
    if (label !== 0 && label !== 1) throw new RangeError(`a regime label must be 0 or 1 (got ${label})`)
    const bin = Math.min(this.binCount - 1, Math.floor(pStress * this.binCount))
    this.n[bin]!++
    this.sumP[bin]! += pStress
    this.sumY[bin]! += label
    this.squared += (pStress - label) ** 2
    this.total++
  }

  /** Bars [from, to) of a series given as P(stable) (the models' and baselines' common output). */
  addStableSeries(pStable: ArrayLike<number>, labels: ArrayLike<number>, from = 0, to = labels.length): void {
    for (let t = from; t < to; t++) this.add(1 - pStable[t]!, labels[t]!)
  }

  result(): Calibration {
    const bins: ReliabilityBin[] = []
    for (let b = 0; b < this.binCount; b++) {
      const count = this.n[b]!
      bins.push({
        from: b / this.binCount,
        to: (b + 1) / this.binCount,
        count,
        mean_p_stress: count === 0 ? null : this.sumP[b]! / count,
        observed_stress: count === 0 ? null : this.sumY[b]! / count
      })
    }
    return { brier: this.total === 0 ? null : this.squared / this.total, count: this.total, bins }
  }
}

/** The calibration of one series of P(stress) against its labels. */
export function calibration(pStress: ArrayLike<number>, labels: ArrayLike<number>, binCount = RELIABILITY_BINS): Calibration {
  if (pStress.length !== labels.length) throw new RangeError(`P(stress) has ${pStress.length} bars but the labels ${labels.length}`)
  const pool = new CalibrationPool(binCount)
  for (let t = 0; t < labels.length; t++) pool.add(pStress[t]!, labels[t]!)
  return pool.result()
}
